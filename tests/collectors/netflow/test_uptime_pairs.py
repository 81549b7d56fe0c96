"""Review 14c finding 3: a flow's start and end uptimes (flowStartSysUpTime 22, flowEndSysUpTime
21: unsigned32 ms, RFC 7011 / IANA; v9's FIRST_SWITCHED/LAST_SWITCHED, RFC 3954 5.1) were read
modulo 2**32 apart, so an end over an hour past the export time became a time 49.7 days before
the start, silently. The end is the start plus (last - first) mod 2**32 ms; a time over an hour
after the message's export time is stored as read, flagged ``govsoc.flags: time_after_export``
and counted and reported as a ``time-after-export`` problem. Crafted IPFIX and v9 datagrams go
over loopback to a real receiver and SQLite store; every expected time is the arithmetic of the
RFCs on the values sent."""

from __future__ import annotations

import struct
from datetime import UTC, datetime, timedelta
from pathlib import Path

from govsoc.core.event import Event, format_timestamp
from govsoc.store.base import Query
from tests.collectors.netflow.peers import serve_datagrams
from tests.collectors.netflow.test_decoder import EXPORT, flow_set, ipfix, template, v9
from tests.collectors.netflow.test_hostile_times import BOOT_TEMPLATE, UPTIME_TEMPLATE

WRAP = 1 << 32
MINUTE = 60_000
EXPORTED = datetime.fromtimestamp(EXPORT, UTC)
#: domain 1 booted 10 minutes before the export; domain 2 exactly 2**32 ms + 5 s before it
BOOT_1 = EXPORT * 1000 - 10 * MINUTE
BOOT_2 = EXPORT * 1000 - WRAP - 5_000
V9_UPTIME = 1_000


def _record(octets: int, first: int, last: int) -> bytes:
    return flow_set(256, bytes([10, 9, 9, 1, 10, 9, 9, 2]) + struct.pack("!III", octets, first, last))


def _boot(domain: int, ms: int) -> bytes:
    return ipfix(domain, flow_set(300, struct.pack("!IQ", domain, ms)))


DATAGRAMS = [
    ipfix(1, BOOT_TEMPLATE, UPTIME_TEMPLATE), ipfix(2, BOOT_TEMPLATE, UPTIME_TEMPLATE),
    _boot(1, BOOT_1), _boot(2, BOOT_2),
    ipfix(1, _record(101, 0, 598_000), sequence=0),  # a flow of the first 10 minutes: nothing odd
    ipfix(1, _record(102, 9 * MINUTE, 75 * MINUTE), sequence=1),  # ends 65 min after the export
    ipfix(1, _record(103, 40 * MINUTE, 130 * MINUTE), sequence=2),  # both after it (a clock step)
    ipfix(2, _record(104, WRAP - 3_000, 2_000), sequence=0),  # the uptime wrapped during the flow
    v9(7, flow_set(0, template(256, (8, 4), (12, 4), (1, 4), (22, 4), (21, 4))), uptime=V9_UPTIME),
    v9(7, flow_set(256, bytes([10, 9, 9, 3, 10, 9, 9, 4]) + struct.pack("!III", 105, 500, V9_UPTIME + 120 * MINUTE)),
       uptime=V9_UPTIME),  # v9: the end 2 h after the header's uptime
]


def _at(ms: int) -> str:
    return format_timestamp(datetime.fromtimestamp(0, UTC) + timedelta(milliseconds=ms))


#: octets -> (start, end, flagged), from the values sent
EXPECTED = {
    101: (_at(BOOT_1), _at(BOOT_1 + 598_000), False),
    102: (_at(BOOT_1 + 9 * MINUTE), _at(BOOT_1 + 75 * MINUTE), True),
    103: (_at(BOOT_1 + 40 * MINUTE), _at(BOOT_1 + 130 * MINUTE), True),
    104: (_at(BOOT_2 + WRAP - 3_000), _at(BOOT_2 + WRAP + 2_000), False),
    105: (_at(EXPORT * 1000 - (V9_UPTIME - 500)), _at(EXPORT * 1000 - (V9_UPTIME - 500) + 120 * MINUTE + 500), True),
}


def test_uptime_pairs_keep_the_end_after_the_start_and_flag_times_after_the_export(tmp_path: Path) -> None:
    store, receiver, _, port = serve_datagrams(DATAGRAMS, tmp_path)
    try:
        flows: list[Event] = list(store.search(Query(terms={"netflow.type": ("netflow_flow",)})))
        got = {int(e.get("network.bytes")): (e.get("event.start"), e.get("event.end"),
                                              "time_after_export" in (e.get("govsoc.flags") or []))
               for e in flows}
        assert got == EXPECTED
        for event in flows:
            start, end = event.get("event.start"), event.get("event.end")
            assert end >= start and event.get("event.duration") is not None
        assert receiver.parser.decoder.problems["time-after-export"] == 3
        errors = [e.get("error.message") for e in store.search(Query(terms={"event.kind": ("pipeline_error",)}))]
        assert len(errors) == 3, errors  # one per datagram with such a record, naming the exporter
        assert all(text.startswith(f"127.0.0.1:{port} ") and "after the export time "
                   f"{EXPORTED.isoformat()}" in text for text in errors), errors
    finally:
        store.close()
