"""Review r14d HIGH 2: a v5/v9 flow time is an uptime (FIRST_SWITCHED/LAST_SWITCHED, ms since
boot, RFC 3954 5.1) read against the header's sysUpTime and export time. An uptime a little
past the header's (a flow "ending after the export": the exporter read its clock for the
flow after it did for the header) was read modulo 2**32 as 49.7 days before the export. Now an
uptime past the header's by at most an hour is after the export, stored so and flagged
``govsoc.flags: time_after_export``; one further past is an uptime from before the 32-bit
counter wrapped (RFC 3954's unsigned 32-bit sysUpTime). IPFIX times against
systemInitTimeMilliseconds keep their hour of allowance for clock drift (not flagged).
Crafted datagrams go over loopback to a real receiver and SQLite store; every expected time is
the RFC arithmetic on the values sent."""

from __future__ import annotations

import struct
from datetime import UTC, datetime, timedelta
from pathlib import Path

from govsoc.store.base import Query
from tests.collectors.netflow.peers import serve_datagrams
from tests.collectors.netflow.test_decoder import EXPORT, flow_set, ipfix, template, v9
from tests.collectors.netflow.test_hostile_times import BOOT_TEMPLATE, UPTIME_TEMPLATE

WRAP = 1 << 32
HOUR = 3_600_000
UPTIME = 10_000
#: the IPFIX domain booted 10 minutes before the export
BOOT = EXPORT * 1000 - 600_000


def _v9_flow(octets: int, first: int, last: int, uptime: int = UPTIME) -> bytes:
    return v9(7, flow_set(256, bytes([10, 9, 9, 3, 10, 9, 9, 4]) + struct.pack("!III", octets, first, last)),
              uptime=uptime)


def _v5_flow(octets: int, first: int, last: int) -> bytes:
    header = struct.pack("!HHIIIIBBH", 5, 1, UPTIME, EXPORT, 0, 1, 0, 0, 0)
    return header + struct.pack("!4s4s4sHHIIIIHHBBBBHHBBH", bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]), bytes(4), 1,
                                2, 3, octets, first, last, 1234, 80, 0, 0x1B, 6, 0, 0, 0, 24, 24, 0)


def _ipfix_flow(octets: int, first: int, last: int) -> bytes:
    body = bytes([10, 9, 9, 1, 10, 9, 9, 2]) + struct.pack("!III", octets, first, last)
    return ipfix(1, flow_set(256, body), sequence=0)


DATAGRAMS = [
    v9(7, flow_set(0, template(256, (8, 4), (12, 4), (1, 4), (22, 4), (21, 4))), uptime=UPTIME),
    _v9_flow(1, UPTIME + 500, UPTIME + 2_000),  # both 0.5 s / 2 s past the header's uptime
    _v9_flow(2, UPTIME - 5_000, UPTIME),  # ends at the export: nothing odd
    _v9_flow(3, UPTIME - 5_000, UPTIME + 1_800_000),  # ends 30 min after the export
    _v9_flow(4, WRAP - 2_000, 500, uptime=1_000),  # began before the uptime wrapped, ended before the export
    _v9_flow(5, UPTIME + 2 * HOUR, UPTIME + 2 * HOUR + 1_000),  # over an hour past: from before a wrap
    _v5_flow(6, UPTIME + 700, UPTIME + 9_000),  # v5: the same header arithmetic
    ipfix(1, BOOT_TEMPLATE, UPTIME_TEMPLATE), ipfix(1, flow_set(300, struct.pack("!IQ", 1, BOOT))),
    _ipfix_flow(7, 600_000 + 500, 600_000 + 1_500),  # IPFIX: 0.5 s after the export, within its drift
]


def _at(ms: int) -> str:
    return (datetime.fromtimestamp(0, UTC) + timedelta(milliseconds=ms)).isoformat(timespec="milliseconds")


AT = EXPORT * 1000
#: octets -> (start, end, flagged), from the values sent
EXPECTED = {
    1: (_at(AT + 500), _at(AT + 2_000), True),
    2: (_at(AT - 5_000), _at(AT), False),
    3: (_at(AT - 5_000), _at(AT + 1_800_000), True),
    4: (_at(AT - 3_000), _at(AT - 500), False),
    5: (_at(AT - (WRAP - 2 * HOUR)), _at(AT - (WRAP - 2 * HOUR) + 1_000), False),
    6: (_at(AT + 700), _at(AT + 9_000), True),
    7: (_at(AT + 500), _at(AT + 1_500), False),
}


def _stamp(text: str) -> str:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).isoformat(timespec="milliseconds")


def test_uptimes_past_the_headers_are_after_the_export_and_flagged(tmp_path: Path) -> None:
    store, receiver, _, _ = serve_datagrams(DATAGRAMS, tmp_path)
    try:
        flows = list(store.search(Query(terms={"netflow.type": ("netflow_flow",)})))
        got = {int(e.get("network.bytes")): (_stamp(e.get("event.start")), _stamp(e.get("event.end")),
                                              "time_after_export" in (e.get("govsoc.flags") or []))
               for e in flows}
        assert got == EXPECTED
        assert receiver.parser.decoder.problems["time-after-export"] == 3
        errors = [e.get("error.message") for e in store.search(Query(terms={"event.kind": ("pipeline_error",)}))]
        assert len(errors) == 3 and all("flow time after the export time" in text for text in errors), errors
    finally:
        store.close()
