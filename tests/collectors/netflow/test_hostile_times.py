"""Review 14 findings 1, 3 and 7: NetFlow/IPFIX records whose times are out of range
(systemInitTimeMilliseconds in year 9999, flowStartMilliseconds of 9999-12-31) are rejected as a
``time-range`` pipeline_error naming the exporter and the field; the receiver keeps receiving
(real datagrams over loopback into a real SQLite store); anything else a datagram makes the
decoding raise is logged, counted and kept as an ``internal`` pipeline_error; a stored time past
9999 in Asia/Shanghai still prints; Hypothesis runs the whole parser (record_fields included)."""

from __future__ import annotations

import socket
import struct
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from govsoc.cli.output import local_time
from govsoc.collectors.base import ParseContext, RawRecord
from govsoc.collectors.netflow import NetflowError
from govsoc.collectors.netflow.parser import NetflowParser
from govsoc.collectors.netflow.receiver import NetflowReceiver
from govsoc.collectors.pipeline import Pipeline
from govsoc.core.event import Event
from govsoc.store.base import Query
from govsoc.store.sqlite import SqliteStore
from tests.collectors.netflow.peers import serve_datagrams
from tests.collectors.netflow.test_decoder import EXPORT, flow_set, ipfix, template

#: 9999-12-31T23:59:59Z in milliseconds since 1970 (the reviewer's nfover.py / nf9999.py)
Y9999 = 253402300799000
#: options template 300: scope observationDomainId (149), systemInitTimeMilliseconds (160)
BOOT_TEMPLATE = flow_set(3, struct.pack("!HHH", 300, 2, 1) + struct.pack("!HHHH", 149, 4, 160, 8))
#: data template 256: addresses, octets, flowStartSysUpTime (22), flowEndSysUpTime (21)
UPTIME_TEMPLATE = flow_set(2, template(256, (8, 4), (12, 4), (1, 4), (22, 4), (21, 4)))
#: data template 257: addresses, octets, flowStartMilliseconds (152), flowEndMilliseconds (153)
MS_TEMPLATE = flow_set(2, template(257, (8, 4), (12, 4), (1, 4), (152, 8), (153, 8)))
#: data template 258: addresses, octets (no times: the export time stands)
PLAIN_TEMPLATE = flow_set(2, template(258, (8, 4), (12, 4), (1, 4)))


def uptime_record(octets: int, first: int, last: int) -> bytes:
    return flow_set(256, bytes([10, 9, 9, 1, 10, 9, 9, 2]) + struct.pack("!III", octets, first, last))


def ms_record(octets: int, start: int, end: int) -> bytes:
    return flow_set(257, bytes([10, 9, 9, 5, 10, 9, 9, 6]) + struct.pack("!IQQ", octets, start, end))


def plain_record(octets: int) -> bytes:
    return flow_set(258, bytes([10, 9, 9, 3, 10, 9, 9, 4]) + struct.pack("!I", octets))


#: the reviewer's attack and a good record after each bad one, as datagrams in order
DATAGRAMS = [
    ipfix(1, BOOT_TEMPLATE, UPTIME_TEMPLATE, MS_TEMPLATE, PLAIN_TEMPLATE, sequence=0),
    ipfix(1, flow_set(300, struct.pack("!IQ", 1, Y9999)), sequence=0),  # exporter booted in 9999
    ipfix(1, uptime_record(1234, 0xFFFFFFF0, 0xFFFFFFFF), sequence=0),  # overflowed: OverflowError
    ipfix(1, plain_record(99), sequence=1),
    ipfix(1, ms_record(4321, Y9999 + 999, Y9999 + 999), sequence=2),  # nf9999.py: stored, then events broke
    ipfix(1, plain_record(77), sequence=3),
]


def parse_all(datagrams: list[bytes]) -> list[Event]:
    parser = NetflowParser()
    context = ParseContext(timezone=ZoneInfo("UTC"), reference=datetime.now(UTC))
    events: list[Event] = []
    for datagram in datagrams:
        events.extend(parser.parse(RawRecord(data=datagram, origin="udp://192.0.2.7:4739", offset=0), context))
    return events


def test_out_of_range_times_are_pipeline_errors_naming_exporter_and_field() -> None:
    events = parse_all(DATAGRAMS)
    flows = [e for e in events if e.get("netflow.type") == "netflow_flow"]
    assert sorted(e.get("network.bytes") for e in flows) == [77, 99]
    errors = [e.get("error.message") for e in events if e.get("event.kind") == "pipeline_error"]
    assert len(errors) == 2
    assert errors[0].startswith("192.0.2.7:4739 domain 1: template 256: flow time out of range")
    assert "system_init_time_milliseconds=9999-12-31" in errors[0]
    assert errors[1].startswith("192.0.2.7:4739 domain 1: template 257: flow time out of range")
    assert "event.start 9999-12-31T23:59:59.999000+00:00" in errors[1] and "flow_start_milliseconds=" in errors[1]


def test_receiver_keeps_receiving_after_hostile_times(tmp_path: Path) -> None:
    store, receiver, summary, _ = serve_datagrams(DATAGRAMS, tmp_path)
    try:
        flows = list(store.search(Query(terms={"netflow.type": ("netflow_flow",)})))
        assert sorted(e.get("network.bytes") for e in flows) == [77, 99]
        errors = list(store.search(Query(terms={"event.kind": ("pipeline_error",)})))
        assert len(errors) == 2 and all("time-range" in e.get("netflow.problems") for e in errors)
        assert receiver.parser.decoder.problems["time-range"] == 2 and receiver.counters.datagrams == len(DATAGRAMS)
        assert summary.receipt.created == 2 + 2 + 1  # two flows, two errors, the boot options record
    finally:
        store.close()


class _Raising(NetflowParser):
    """A parser whose decoding raises what no one foresaw, on datagrams that start with b'boom'."""

    def parse(self, record: RawRecord, context: ParseContext) -> Iterator[Event]:
        if record.data.startswith(b"boom"):
            raise KeyError("unforeseen")
        yield from super().parse(record, context)


def test_receiver_survives_any_exception_and_counts_it(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "events.db")
    receiver = NetflowReceiver("127.0.0.1", 0, parser=_Raising())
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as exporter:
            exporter.bind(("127.0.0.1", 0))
            for datagram in (DATAGRAMS[0], b"boom" + b"\0" * 30, ipfix(1, plain_record(99), sequence=0)):
                exporter.sendto(datagram, receiver.address)
            port = exporter.getsockname()[1]
        stop = threading.Event()
        stop.set()
        receiver.serve(Pipeline(store, data_dir=tmp_path), stop=stop)
    finally:
        receiver.close()
    try:
        assert [e.get("network.bytes") for e in store.search(Query(terms={"netflow.type": ("netflow_flow",)}))] \
            == [99]
        errors = [e.get("error.message") for e in store.search(Query(terms={"event.kind": ("pipeline_error",)}))]
        assert len(errors) == 1 and errors[0].startswith(f"127.0.0.1:{port}: datagram ") \
            and "KeyError" in errors[0]
        assert receiver.counters.failures == 1 and receiver.parser.decoder.problems["internal"] == 1
    finally:
        store.close()


def test_a_stored_time_past_9999_in_shanghai_still_prints() -> None:
    late = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)
    assert local_time(late, "Asia/Shanghai") == "9999-12-31 23:59:59 UTC"
    assert local_time(datetime(2024, 1, 1, tzinfo=UTC), "Asia/Shanghai") == "2024-01-01 08:00:00"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["uptime", "ms", "boot"]), st.integers(0, 2**32 - 1),
                          st.integers(0, 2**64 - 1), st.integers(0, 2**64 - 1)), max_size=6))
def test_arbitrary_times_through_the_whole_parser(records: list[tuple[str, int, int, int]]) -> None:
    """record_fields runs on every decoded record: only NetflowError may escape, and no event
    carries a time before 1970 or in the far future."""
    datagrams = [DATAGRAMS[0]]
    for kind, octets, a, b in records:
        if kind == "uptime":
            datagrams.append(ipfix(1, uptime_record(octets, a % 2**32, b % 2**32)))
        elif kind == "ms":
            datagrams.append(ipfix(1, ms_record(octets, a, b)))
        else:
            datagrams.append(ipfix(1, flow_set(300, struct.pack("!IQ", 1, a))))
    parser = NetflowParser()
    context = ParseContext(timezone=ZoneInfo("UTC"), reference=datetime.now(UTC))
    for datagram in datagrams:
        try:
            events = list(parser.parse(RawRecord(data=datagram, origin="udp://192.0.2.7:4739", offset=0), context))
        except NetflowError:
            continue
        for event in events:
            assert datetime(1970, 1, 1, tzinfo=UTC) <= event.timestamp <= datetime(2200, 1, 1, tzinfo=UTC)
            local_time(event.timestamp, "Asia/Shanghai")
            for name in ("event.start", "event.end"):
                value: Any = event.get(name)
                if value:
                    assert datetime.fromisoformat(value.replace("Z", "+00:00")).year < 2200


def test_govsoc_events_lists_a_stored_event_dated_9999(tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    # review 14 finding 3: one such row made `govsoc events` fail for good (+08:00 past year 9999)
    from govsoc.cli.main import main
    from govsoc.core.config import load_config

    monkeypatch.setenv("GOVSOC_HOME", str(tmp_path / "home"))
    for name in ("GOVSOC_CONFIG", "GOVSOC_ES_URL"):
        monkeypatch.delenv(name, raising=False)
    assert main(["events", "--count"]) == 0  # makes the home
    capsys.readouterr()
    store = SqliteStore(load_config(None).sqlite_path)
    try:
        store.write([Event(id="late", timestamp=datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC),
                                dataset="netflow.log", fields={"message": "dated 9999"})])
        store.refresh()
    finally:
        store.close()
    assert main(["events", "-n", "1"]) == 0
    assert "9999-12-31 23:59:59 UTC" in capsys.readouterr().out


def test_uptimes_of_an_exporter_up_more_than_49_days_are_read_modulo_2_32() -> None:
    """Review 14b finding 2: flowStartSysUpTime/flowEndSysUpTime (IANA 22, 21) are unsigned32 ms
    since systemInitTimeMilliseconds (160), so they wrap every 2**32 ms. An exporter booted 60
    days before the export sends a flow of 10 s ago as (60 days - 10 s) mod 2**32: its start is
    10 s before the export time, not 49.7 days earlier."""
    boot = (EXPORT - 60 * 86400) * 1000
    start, end = EXPORT * 1000 - 10_000, EXPORT * 1000 - 5_000
    events = parse_all([
        ipfix(1, BOOT_TEMPLATE, UPTIME_TEMPLATE, sequence=0),
        ipfix(1, flow_set(300, struct.pack("!IQ", 1, boot)), sequence=0),
        ipfix(1, uptime_record(500, (start - boot) % (1 << 32), (end - boot) % (1 << 32)), sequence=0),
    ])
    (flow,) = [e for e in events if e.get("netflow.type") == "netflow_flow"]
    assert flow.get("event.start") == datetime.fromtimestamp(EXPORT - 10, UTC).isoformat().replace("+00:00", ".000000Z")
    assert flow.get("event.end") == datetime.fromtimestamp(EXPORT - 5, UTC).isoformat().replace("+00:00", ".000000Z")
