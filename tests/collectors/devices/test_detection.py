"""Device logs are recognised without --parser: a file by its first lines, and a syslog file or
stream that mixes devices and hosts line by line (syslog.mixed); --parser still forces one."""

from __future__ import annotations

from pathlib import Path

import pytest

from govsoc.collectors import ingest_file
from govsoc.collectors.base import RawRecord
from govsoc.collectors.detect import detect_parser, line_parser
from govsoc.store.base import Query
from govsoc.store.sqlite import SqliteStore

DATA = Path(__file__).parents[2] / "data" / "collectors" / "devices"


@pytest.mark.parametrize(("name", "expected"), [
    ("huawei.log", "huawei"),
    ("h3c.log", "h3c"),                    # %%10 lines, the log buffer's %-lines and a GBK line
    ("sangfor.log", "sangfor.af"),
    ("sangfor_gbk.log", "sangfor.af"),     # GBK: recognised by its ASCII cues
    ("hillstone.log", "hillstone.stoneos"),
    ("topsec.log", "topsec.tos"),
    ("nsfocus.log", "nsfocus.ips"),
    ("dbappsecurity.log", "dbappsecurity.waf"),
])
def test_device_files_are_recognised(name: str, expected: str) -> None:
    assert detect_parser(DATA / name) == expected


def test_each_line_is_recognised_alone() -> None:
    for name, expected in [("huawei.log", "huawei"), ("h3c.log", "h3c"), ("sangfor_gbk.log", "sangfor.af"),
                           ("hillstone.log", "hillstone.stoneos"), ("topsec.log", "topsec.tos"),
                           ("nsfocus.log", "nsfocus.ips"), ("dbappsecurity.log", "dbappsecurity.waf")]:
        records = [RawRecord(data=line, origin="x", offset=0) for line in (DATA / name).read_bytes().splitlines()]
        assert {line_parser(record.text()) for record in records} == {expected}, name
    # a host's line is no device's
    assert line_parser("Nov 30 03:20:38 gate sshd[812]: Failed password for root from 198.51.100.7 port 40022 ssh2") \
        is None


def test_a_relay_file_mixing_devices_and_hosts_is_read_line_by_line(tmp_path: Path) -> None:
    lines = [(DATA / "huawei.log").read_bytes().splitlines()[3],
             (DATA / "sangfor_gbk.log").read_bytes().splitlines()[0],
             (DATA / "hillstone.log").read_bytes().splitlines()[4],
             b"Nov 30 03:20:38 gate sshd[812]: Failed password for root from 198.51.100.7 port 40022 ssh2"]
    relay = tmp_path / "relay.log"
    relay.write_bytes(b"\n".join(lines) + b"\n")
    assert detect_parser(relay) == "syslog.mixed"
    store = SqliteStore(tmp_path / "events.db")
    try:
        summary = ingest_file(relay, parser_id="syslog.mixed", store=store, data_dir=tmp_path / "state",
                              timezone="Asia/Shanghai", year=2026)
        assert (summary.records, summary.parse_failures) == (4, 0)
        events = {e.dataset: e for e in store.search(Query())}
        assert set(events) == {"huawei.usg", "sangfor.af", "hillstone.stoneos", "linux.auth"}
        assert events["huawei.usg"].get("event.action") == "policy-permit"
        assert events["sangfor.af"].get("rule.category") == "信息泄漏攻击"      # GBK, decoded per record
        assert events["linux.auth"].get("event.outcome") == "failure"
    finally:
        store.close()


def test_the_parser_option_still_forces_one(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "events.db")
    try:
        summary = ingest_file(DATA / "hillstone.log", parser_id="huawei", store=store, data_dir=tmp_path / "state",
                              timezone="Asia/Shanghai")
        assert summary.parse_failures == summary.records == 7   # kept as parse-failure events
    finally:
        store.close()
