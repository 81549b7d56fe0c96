"""Zeek logs (collectors.zeek): the TSV container, the ECS mapping and the ``zeek`` parser.

Samples: Zeek's own test baselines in shared/corpus/zeek (BSD licence, notice in that folder's
README). Their times were replaced by ``XXXXXXXXXX.XXXXXX`` by Zeek's test canonifier; where a
test needs a time, it writes one in their place and says so.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govsoc.collectors import ingest_file
from govsoc.collectors.base import ParseContext, RawRecord
from govsoc.collectors.detect import detect_parser
from govsoc.collectors.zeek import read_log
from govsoc.collectors.zeek.parser import ZeekParser
from govsoc.core.errors import ParseError
from govsoc.store.base import Query
from govsoc.store.sqlite import SqliteStore

CONTEXT = ParseContext(timezone=ZoneInfo("UTC"), reference=datetime(2026, 11, 30, tzinfo=UTC))
#: Written over the canonifier's placeholder where a real time is needed (composed, see above).
EPOCH = "1700000000.250000"


def full_baselines(corpus: Path) -> list[tuple[str, Path]]:
    index = json.loads((corpus / "zeek" / "index.json").read_text())
    return [(kind, corpus / "zeek" / rel) for entry in index for kind, rel in entry["baselines"].items()
            if entry.get("baseline_formats", {}).get(kind, "zeek-tsv") == "zeek-tsv"]


def timed_lines(path: Path) -> list[str]:
    return [line.replace("XXXXXXXXXX.XXXXXX", EPOCH) for line in path.read_text().splitlines()]


def parse_all(lines: list[str], path: str = "/logs/conn.log") -> list[Any]:
    parser = ZeekParser()
    events = []
    for offset, line in enumerate(lines):
        events.extend(parser.parse(RawRecord(data=line.encode(), origin=f"file://{path}", offset=offset), CONTEXT))
    return events


def test_every_full_baseline_in_the_corpus_parses_row_for_row(corpus: Path) -> None:
    baselines = full_baselines(corpus)
    assert len(baselines) >= 60  # 48 full conn.log and the dns/http/ssl/ssh/x509/files logs
    rows_seen = 0
    for _kind, path in baselines:
        lines = timed_lines(path)
        rows = list(read_log(path, canonified=True))
        events = parse_all(lines)
        assert len(events) == len(rows), path
        rows_seen += len(rows)
        for row, event in zip(rows, events, strict=True):
            log = row["_path"]
            assert event.dataset == f"zeek.{log}"
            # the connection id columns land in ECS source/destination, whatever the log
            for column, field in (("id.orig_h", "source.ip"), ("id.orig_p", "source.port"),
                                  ("id.resp_h", "destination.ip"), ("id.resp_p", "destination.port"),
                                  ("uid", "zeek.session_id")):
                assert event.get(field) == row.get(column), (path, column)
            when = row.get("ts", float(EPOCH))  # a baseline that kept its times keeps them
            assert event.timestamp == datetime.fromtimestamp(when, tz=UTC)
    assert rows_seen > 200


def test_conn_rows_give_totals_outcome_and_community_id(corpus: Path) -> None:
    checked = 0
    for kind, path in full_baselines(corpus):
        if kind != "conn":
            continue
        for row, event in zip(read_log(path, canonified=True), parse_all(timed_lines(path)), strict=True):
            # IP-level byte counts are the comparable ones (reference 14.2); payload counts stay in zeek.*
            assert event.get("source.bytes") == row.get("orig_ip_bytes")
            assert event.get("zeek.connection.orig_bytes") == row.get("orig_bytes")
            if "orig_ip_bytes" in row:
                assert event.get("network.bytes") == row["orig_ip_bytes"] + row.get("resp_ip_bytes", 0)
            state = row.get("conn_state")
            if state in ("S0", "REJ", "SH", "RSTOS0"):  # no connection was made
                assert event.get("event.outcome") == "failure"
            elif state in ("SF", "S1", "RSTO"):  # established
                assert event.get("event.outcome") == "success"
            if row.get("proto") in ("tcp", "udp") and ":" not in str(row.get("id.orig_h")):
                assert str(event.get("network.community_id")).startswith("1:")
            checked += 1
    assert checked > 100


def test_community_id_is_the_specification_value() -> None:
    # Community ID spec's baseline (corelight/community-id-spec, tcp 128.232.110.120:34855 -> 66.35.250.204:80)
    line = "\t".join([EPOCH, "Cx", "128.232.110.120", "34855", "66.35.250.204", "80", "tcp", "-", "-", "-", "-",
                      "SF", "-", "-", "0", "ShADadFf", "1", "40", "1", "40", "-"])
    header = ["#separator \\x09", "#set_separator\t,", "#empty_field\t(empty)", "#unset_field\t-", "#path\tconn",
              "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\t"
              "resp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory\torig_pkts\torig_ip_bytes\t"
              "resp_pkts\tresp_ip_bytes\ttunnel_parents",
              "#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tstring\tbool\t"
              "bool\tcount\tstring\tcount\tcount\tcount\tcount\tset[string]"]
    (event,) = parse_all([*header, line])
    assert event.get("network.community_id") == "1:LQU9qZlK+B5F3KDmev6m5PMibrg="
    assert event.get("zeek.connection.history") == "ShADadFf"
    assert event.get("zeek.connection.tunnel_parents") is None  # unset, not stored


def test_dns_rows_give_question_code_and_flags(corpus: Path) -> None:
    dns = [path for kind, path in full_baselines(corpus) if kind == "dns"]
    assert dns
    seen = 0
    for path in dns:
        for row, event in zip(read_log(path, canonified=True), parse_all(timed_lines(path)), strict=True):
            assert event.get("dns.question.name") == row.get("query")
            assert event.get("dns.question.type") == row.get("qtype_name")
            assert event.get("dns.response_code") == row.get("rcode_name")
            assert ("RD" in event.get("dns.header_flags", [])) == row["RD"]
            seen += 1
    assert seen >= 4


def test_dns_answers_and_ttls_are_zipped() -> None:
    # composed (the corpus's DNS baselines hold no answers): two A records and their TTLs
    header = ["#separator \\x09", "#set_separator\t,", "#empty_field\t(empty)", "#unset_field\t-", "#path\tdns",
              "#fields\tts\tquery\trcode\trcode_name\tanswers\tTTLs", "#types\ttime\tstring\tcount\tstring\t"
              "vector[string]\tvector[interval]"]
    (event,) = parse_all([*header, f"{EPOCH}\texample.org\t0\tNOERROR\t192.0.2.1,cdn.example.org\t60.0,30.0"])
    assert event.get("dns.answers") == [{"data": "192.0.2.1", "ttl": 60}, {"data": "cdn.example.org", "ttl": 30}]
    assert event.get("dns.resolved_ip") == ["192.0.2.1"] and event.get("dns.type") == "answer"


def test_a_json_line_maps_like_its_tsv_row() -> None:
    # composed: the JSON writer's form of a conn row (LogAscii::use_json=T)
    doc = {"ts": 1700000000.25, "uid": "CxJSON", "id.orig_h": "10.0.0.1", "id.orig_p": 51000,
           "id.resp_h": "10.0.0.2", "id.resp_p": 23, "proto": "tcp", "conn_state": "S0", "orig_ip_bytes": 60,
           "orig_pkts": 1, "local_orig": True, "local_resp": True}
    (event,) = parse_all([json.dumps(doc)], path="/logs/conn.2026-11-30-00-00-00.log")
    assert (event.dataset, event.get("destination.port"), event.get("event.outcome")) == ("zeek.conn", 23, "failure")
    assert event.get("network.direction") == "internal"
    assert event.timestamp == datetime(2023, 11, 14, 22, 13, 20, 250000, tzinfo=UTC)


def test_a_json_value_that_is_no_number_keeps_the_row() -> None:
    # R58a-6: "id.orig_p": "abc" failed the row's parse; kept as written, no community id, no total from it
    doc = {"ts": 1700000000.25, "uid": "CxJSON", "id.orig_h": "10.0.0.1", "id.orig_p": "abc",
           "id.resp_h": "10.0.0.2", "id.resp_p": 23, "proto": "tcp", "conn_state": "S0", "orig_ip_bytes": "x",
           "orig_pkts": 1}
    (event,) = parse_all([json.dumps(doc)], path="/logs/conn.log")
    assert (event.dataset, event.get("source.port"), event.get("destination.port")) == ("zeek.conn", "abc", 23)
    assert event.get("network.community_id") is None and event.get("network.bytes") is None
    assert event.get("network.packets") == 1


@pytest.mark.parametrize(("line", "reason"), [
    ("1700000000.0\tonly\ttwo", "before any #fields"),  # a row without a header
    ('{"ts": "yesterday", "uid": "C1"}', "is not a time"),
    ('{"uid": "C1", "query": "x"}', "no ts"),
    ("[1, 2]", "a Zeek TSV row before any #fields"),  # not an object: not JSON Zeek writes
    ('{"ts": 1700000000.0, "foo": 1}', "cannot tell which Zeek log"),  # no _path, no file name, no known column
])
def test_bad_lines_say_why(line: str, reason: str) -> None:
    with pytest.raises(ParseError, match=reason):
        parse_all([line], path="/logs/conn.log" if "foo" not in line else "/logs/unknown.txt")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(max_size=80), max_size=6))
def test_arbitrary_text_gives_events_or_parse_errors(lines: list[str]) -> None:
    parser = ZeekParser()
    for offset, line in enumerate(["#fields\tts\tuid\tid.orig_h", "#types\ttime\tstring\taddr", *lines]):
        try:
            list(parser.parse(RawRecord(data=line.encode(), origin="file:///x/conn.log", offset=offset), CONTEXT))
        except ParseError:
            pass


def test_ingest_detects_zeek_and_resumes_after_the_header(tmp_path: Path, corpus: Path) -> None:
    source = max((p for k, p in full_baselines(corpus) if k == "conn"), key=lambda p: len(p.read_text()))
    lines = [line for line in timed_lines(source) if not line.startswith("###")]
    data = [line for line in lines if not line.startswith("#")]
    assert len(data) >= 4
    log = tmp_path / "conn.log"
    head = len(lines) - len(data) + len(data) // 2
    log.write_text("\n".join(lines[:head]) + "\n")
    assert detect_parser(log) == "zeek"
    store = SqliteStore(tmp_path / "events.db")
    try:
        first = ingest_file(log, parser_id="zeek", store=store, data_dir=tmp_path / "state")
        with log.open("a") as out:  # the rest arrives later: the second run starts after the header
            out.write("\n".join(lines[head:]) + "\n")
        second = ingest_file(log, parser_id="zeek", store=store, data_dir=tmp_path / "state")
        assert first.parse_failures == second.parse_failures == 0
        stored = list(store.search(Query(terms={"event.dataset": ("zeek.conn",)})))
        assert len(stored) == len(data)
        assert {e.get("zeek.session_id") for e in stored} == {row["uid"] for row in read_log(source, canonified=True)}
        again = ingest_file(log, parser_id="zeek", store=store, data_dir=tmp_path / "fresh-state")
        assert again.receipt.created == 0
    finally:
        store.close()
