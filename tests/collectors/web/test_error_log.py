"""nginx and Apache error logs against real lines: Filebeat's test inputs (elastic/beats,
Apache-2.0) and loghub's Apache_2k, checked line by line against loghub's structured parse."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from govsoc.collectors.base import ParseContext, Parser, RawRecord
from govsoc.collectors.files.lines import LineFileSource
from govsoc.collectors.web import ApacheErrorParser, NginxErrorParser, error_log

DATA = Path(__file__).parents[2] / "data" / "collectors" / "web"
ZONE = ZoneInfo("Asia/Shanghai")
CONTEXT = ParseContext(timezone=ZONE, reference=datetime(2026, 11, 30, tzinfo=UTC))


def test_nginx_error_lines_and_a_multiline_fastcgi_message() -> None:
    parser = NginxErrorParser()
    got = [e for i, line in enumerate((DATA / "nginx_error.log").read_bytes().splitlines())
           for e in parser.parse(RawRecord(data=line, origin="x", offset=i), CONTEXT)]
    assert len(got) == 6
    first = got[0]
    # zone-less time: the source's zone
    assert first.timestamp == datetime(2016, 10, 25, 14, 49, 34, tzinfo=ZONE)
    assert (first.get("log.level"), first.get("process.pid"), first.get("process.thread.id"),
            first.get("nginx.error.connection_id")) == ("error", 54053, 0, 1)
    assert (first.get("source.ip"), first.get("http.request.method"), first.get("url.original"),
            first.get("http.request.referrer"), first.get("nginx.error.server")) == (
        "127.0.0.1", "GET", "/favicon.ico", "http://localhost:8080/", "localhost")
    assert first.get("event.category") == ["web"] and first.get("event.type") == ["error"]
    # the two PHP continuation lines keep the FastCGI line's time and are tagged
    assert [e.get("tags") for e in got[2:5]] == [None, ["multiline"], ["multiline"]]
    assert {e.timestamp for e in got[2:5]} == {datetime(2019, 10, 30, 23, 26, 34, tzinfo=ZONE)}
    assert got[5].get("url.original") == "/pysio"


def test_apache_error_layouts() -> None:
    parser = ApacheErrorParser()
    got = [e for i, line in enumerate((DATA / "apache_error.log").read_bytes().splitlines())
           for e in parser.parse(RawRecord(data=line, origin="x", offset=i), CONTEXT)]
    # 2.2: level only, [client]
    assert (got[0].get("log.level"), got[0].get("source.ip")) == ("error", "192.168.33.1")
    # 2.4: module:level, pid, the AH message number, microseconds
    assert (got[1].get("apache.error.module"), got[1].get("log.level"), got[1].get("process.pid"),
            got[1].get("error.code"), got[1].timestamp.microsecond) == ("core", "notice", 11379, "AH00094", 103786)
    # 2.4 with a thread id and a client
    assert (got[2].get("process.thread.id"), got[2].get("source.ip")) == (4328636416, "72.15.99.187")
    # 2.2's trailing referer
    assert got[4].get("http.request.referrer") == "http://192.168.33.72/"
    # a trace sub-level with the source file and a client with its port
    assert (got[6].get("log.level"), got[6].get("log.origin.file.name"), got[6].get("log.origin.file.line"),
            got[6].get("source.ip"), got[6].get("source.port")) == ("trace3", "mod_rewrite.c", 470,
                                                                    "10.121.192.8", 38350)


def test_every_loghub_apache_line_agrees_with_its_structured_parse(corpus: Path) -> None:
    folder = corpus / "loghub/Apache"
    with (folder / "Apache_2k.log_structured.csv").open(encoding="utf-8") as handle:
        truth = {int(row["LineId"]): row for row in csv.DictReader(handle)}
    parser = ApacheErrorParser()
    records = list(LineFileSource(folder / "Apache_2k.log").records())
    assert len(records) == len(truth) == 2000
    clients = 0
    for record in records:
        (event,) = parser.parse(record, CONTEXT)
        row = truth[record.line or 0]
        assert event.timestamp.strftime("%a %b %d %H:%M:%S %Y") == row["Time"]
        # loghub's content keeps the "[client a]" part that ECS moves to source.address
        client = f"[client {event.get('source.address')}] " if event.get("source.address") else ""
        assert (event.get("log.level"), client + event.get("message")) == (row["Level"], row["Content"].strip())
        if client:
            clients += 1
    assert clients > 0


@pytest.mark.parametrize(("parser", "line"), [
    # Apache 2.2 layout, as loghub's Apache_2k writes it (its lines repeat a second many times)
    (ApacheErrorParser, "[Sun Dec 04 04:47:44 2005] [error] mod_jk child workerEnv in error state {}"),
    # nginx, its own layout
    (NginxErrorParser, "2016/10/25 14:49:34 [error] 54053#0: *{} open() failed"),
])
def test_a_repeated_second_is_read_once_per_zone(monkeypatch: pytest.MonkeyPatch, parser: type[Parser],
                                                 line: str) -> None:
    # issue 13's benchmark: each line built its time from seven integers and the zone again
    calls: list[Any] = []
    real = error_log._local_time

    def counted(parts: Any, context: ParseContext) -> Any:
        calls.append(parts)
        return real(parts, context)
    monkeypatch.setattr(error_log, "_local_time", counted)
    reader = parser()
    shanghai = [e.timestamp for i in range(50)
                for e in reader.parse(RawRecord(data=line.format(i).encode(), origin="x", offset=i), CONTEXT)]
    utc = ParseContext(timezone=ZoneInfo("UTC"), reference=CONTEXT.reference)
    elsewhere = [e.timestamp for e in reader.parse(RawRecord(data=line.format(0).encode(), origin="x", offset=0), utc)]
    assert len(calls) == 2  # one per zone
    assert len(set(shanghai)) == 1 and shanghai[0].tzinfo == ZONE
    assert elsewhere[0].tzinfo == ZoneInfo("UTC") and elsewhere[0] - shanghai[0] == timedelta(hours=8)
