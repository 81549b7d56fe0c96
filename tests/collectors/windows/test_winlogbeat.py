"""Winlogbeat JSON lines to ECS as Elastic's Windows integration normalises them (Security 4624,
4625, 4688; Sysmon 1, 3, 13), and what is not Winlogbeat JSON."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govsoc.collectors.base import FILE_ORIGIN, ParseContext, RawRecord
from govsoc.collectors.windows import WinlogbeatParser
from govsoc.core.errors import ParseError
from govsoc.core.event import Event

DATA = Path(__file__).resolve().parents[2] / "data/collectors/windows/winlogbeat.ndjson"
CONTEXT = ParseContext(timezone=ZoneInfo("Asia/Shanghai"), reference=datetime(2026, 11, 2, tzinfo=UTC))


def events() -> list[Event]:
    parser = WinlogbeatParser()
    out = []
    offset = 0
    for line in DATA.read_bytes().splitlines(keepends=True):
        record = RawRecord(data=line.rstrip(b"\n"), origin=FILE_ORIGIN + str(DATA), offset=offset)
        out.extend(parser.parse(record, CONTEXT))
        offset += len(line)
    return out


def by_code() -> dict[str, Event]:
    return {str(e.get("event.code")): e for e in events()}


def subset(event: Event, expected: dict[str, Any]) -> dict[str, Any]:
    return {name: event.get(name) for name in expected}


@pytest.mark.parametrize(("code", "expected"), [
    # 4624: the target account logged on; Winlogbeat's strings kept, the module's ECS added.
    ("4624", {"winlog.channel": "Security", "winlog.event_id": "4624", "winlog.record_id": "8812391",
              "host.name": "gw-dc01.zw.gov.cn", "event.action": "logged-in", "event.outcome": "success",
              "event.category": ["authentication"], "user.name": "zhangwei", "user.domain": "ZW",
              "user.id": "S-1-5-21-1004336348-1177238915-682003330-1104", "source.ip": "10.31.4.77",
              "source.port": 51512, "source.domain": "WS-0231", "winlog.logon.type": "RemoteInteractive",
              "winlog.logon.id": "0x8d5f31a", "process.pid": 0x1d4, "process.name": "svchost.exe",
              "winlog.event_data.LogonType": "10", "message": "已成功登录帐户。"}),
    # 4625 from Winlogbeat 7 (numbers): strings as Winlogbeat 8 writes them; ::1 is not a source.
    ("4625", {"winlog.event_id": "4625", "winlog.record_id": "8812400", "winlog.event_data.LogonType": "3",
              "event.outcome": "failure", "user.name": "administrator", "source.ip": None,
              "winlog.logon.type": "Network", "winlog.logon.failure.status": "0xc000006d",
              "winlog.logon.failure.sub_status": "0xc000006a", "host.name": "DC01.zw.gov.cn"}),
    # 4688: the new process and its parent from the Security names (pids are hexadecimal).
    ("4688", {"process.executable": "C:\\Windows\\System32\\whoami.exe", "process.name": "whoami.exe",
              "process.pid": 0x1a2c, "process.command_line": "whoami  /all", "process.parent.pid": 0x2f0,
              "process.parent.executable": "C:\\Windows\\System32\\cmd.exe", "process.parent.name": "cmd.exe",
              "user.name": "zhangwei", "event.category": ["process"], "event.type": ["start"]}),
    # Sysmon 1: process fields, the account split, hashes; event data kept verbatim beside them.
    ("1", {"event.dataset": "windows.sysmon_operational", "process.executable": "C:\\Windows\\System32\\reg.exe",
           "process.pid": 6032, "process.parent.pid": 8252, "process.working_directory": "C:\\Users\\zhangwei\\",
           "process.pe.original_file_name": "reg.exe", "process.hash.md5": "eb20e119aaf500e2752dc5a588b54c12",
           "user.name": "zhangwei", "user.domain": "ZW", "winlog.event_data.User": "ZW\\zhangwei",
           "process.parent.command_line": "cmd.exe", "event.module": "sysmon"}),
    # Sysmon 3: addresses and ports typed; "-" host names are no names.
    ("3", {"source.ip": "10.31.4.77", "source.port": 50122, "destination.ip": "203.0.113.9",
           "destination.port": 443, "destination.domain": None, "network.transport": "tcp",
           "winlog.event_data.DestinationHostname": "-"}),
    # Sysmon 13: the registry path verbatim (Sigma's TargetObject).
    ("13", {"registry.path": "HKU\\S-1-5-21-1004336348-1177238915-682003330-1104\\Software\\Microsoft\\Windows\\"
                             "CurrentVersion\\Run\\upd", "winlog.event_data.Details": "C:\\Users\\Public\\u.exe",
            "event.category": ["configuration", "registry"]}),
])
def test_winlogbeat_documents_are_completed_as_elastic_does(code: str, expected: dict[str, Any]) -> None:
    assert subset(by_code()[code], expected) == expected


def test_an_empty_sysmon_value_is_kept_in_its_ecs_field() -> None:
    # R58b-2: a Sysmon "CommandLine": "" was left out of process.command_line, where Sigma's CommandLine is
    # read: `CommandLine: ''` never matched it and `CommandLine: null` did (Spec: an empty value is '',
    # null is a field that is not there). An empty value is a value; a non-empty one still wins a field
    # two names fill.
    line = DATA.read_bytes().splitlines()[3]
    doc = json.loads(line)
    doc["winlog"]["event_data"]["CommandLine"] = ""
    doc["winlog"]["event_data"]["CurrentDirectory"] = ""
    (event,) = WinlogbeatParser().parse(RawRecord(data=json.dumps(doc).encode(), origin=FILE_ORIGIN + "x",
                                                  offset=0), CONTEXT)
    assert event.get("process.command_line") == "" and event.get("process.working_directory") == ""
    assert event.get("process.executable") and event.get("process.name")


def test_ids_follow_the_record_and_the_original_is_kept() -> None:
    first, second = events(), events()
    assert [e.id for e in first] == [e.id for e in second] and len({e.id for e in first}) == 6
    assert all(e.get("event.original", "").startswith('{"@timestamp"') for e in first)
    assert first[0].timestamp == datetime(2026, 11, 2, 8, 15, 30, 123000, tzinfo=UTC)
    assert "@metadata.beat" not in first[0].fields


@pytest.mark.parametrize("line", [
    b"not json",                                    # not JSON at all
    b"[1, 2]",                                      # JSON, not an object
    b'{"@timestamp": "2026-11-02T08:15:30Z"}',      # no winlog object
    b'{"winlog": {"event_id": "1"}}',               # no @timestamp
    b'{"@timestamp": "yesterday", "winlog": {"event_id": "1"}}',  # unusable time
    b'{"@timestamp": "2026-11-02T08:15:30Z", "winlog": {"channel": "Security"}}',  # no event id
    b'{"@timestamp": "2026-11-02T08:15:30Z", "winlog": {"event_id": 1}, "event": "x"}',  # event not an object
])
def test_what_is_not_winlogbeat_is_a_parse_error(line: bytes) -> None:
    with pytest.raises(ParseError):
        list(WinlogbeatParser().parse(RawRecord(data=line, origin="test", offset=0), CONTEXT))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_raise_only_parse_error(data: bytes) -> None:
    try:
        list(WinlogbeatParser().parse(RawRecord(data=data, origin="test", offset=0), CONTEXT))
    except ParseError:
        pass
