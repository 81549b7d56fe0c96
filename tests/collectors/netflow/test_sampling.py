"""Sampling per sampler (review 14 finding 15): NetFlow v9 and IPFIX exporters describe each
sampler or selector in an options record, and each data record names the one that sampled it
(RFC 3954 section 8: FLOW_SAMPLER_ID 48, FLOW_SAMPLER_MODE 49, FLOW_SAMPLER_RANDOM_INTERVAL 50;
RFC 5477 / RFC 7270: selectorId 302 with samplingPacketInterval/Space 305/306 or
samplingSize/Population 309/310). Real datagrams, built from those layouts, go over loopback to
the receiver from two exporters; every stored flow's counters must be scaled by the rate of the
sampler it names, of its own exporter and domain, as the RFCs define the rates."""

from __future__ import annotations

import socket
import struct
import threading
import time
from pathlib import Path

from govsoc.collectors.netflow.decoder import NetflowDecoder
from govsoc.collectors.netflow.ecs import record_fields
from govsoc.collectors.netflow.receiver import NetflowReceiver
from govsoc.collectors.pipeline import Pipeline
from govsoc.store.base import Query
from govsoc.store.sqlite import SqliteStore
from tests.collectors.netflow.test_decoder import flow_set, ipfix, template, v9

#: v9 data template: source and destination address, IN_BYTES, IN_PKTS, FLOW_SAMPLER_ID (1 byte),
#: LAST_SWITCHED, FIRST_SWITCHED
V9_DATA = template(256, (8, 4), (12, 4), (1, 4), (2, 4), (48, 1), (21, 4), (22, 4))
#: the same without FLOW_SAMPLER_ID
V9_PLAIN = template(257, (8, 4), (12, 4), (1, 4), (2, 4), (21, 4), (22, 4))
#: v9 options template (RFC 3954 6.1): scope System (1) of 4 bytes; FLOW_SAMPLER_ID (1 byte),
#: FLOW_SAMPLER_MODE (1 byte, 2 = random), FLOW_SAMPLER_RANDOM_INTERVAL (4 bytes)
V9_OPTIONS = struct.pack("!HHH", 300, 4, 12) + struct.pack("!HHHHHHHH", 1, 4, 48, 1, 49, 1, 50, 4)
#: IPFIX options template (RFC 7011 3.4.2.2) with selectorId as its scope (RFC 5476 6.5.1):
#: selectorId (302, 8 bytes); samplingPacketInterval, samplingPacketSpace (305, 306);
#: samplingSize, samplingPopulation (309, 310)
IPFIX_OPTIONS = struct.pack("!HHH", 400, 5, 1) + struct.pack("!HHHHHHHHHH", 302, 8, 305, 4, 306, 4, 309, 4, 310, 4)
#: IPFIX data template: addresses, octetDeltaCount (8), packetDeltaCount (4), selectorId (8)
IPFIX_DATA = template(401, (8, 4), (12, 4), (1, 8), (2, 4), (302, 8))


def _v9_sampler(sampler: int, interval: int) -> bytes:
    return struct.pack("!IBBI", 0, sampler, 2, interval)


def _v9_flow(source: str, sampler: int, octets: int, packets: int) -> bytes:
    return socket.inet_aton(source) + socket.inet_aton("10.9.9.9") + struct.pack("!IIBII", octets, packets, sampler,
                                                                                  9_000, 4_000)


def _ipfix_selector(selector: int, *, interval: int = 0, space: int = 0, size: int = 0, population: int = 0) -> bytes:
    return struct.pack("!QIIII", selector, interval, space, size, population)


def _ipfix_flow(source: str, selector: int, octets: int, packets: int) -> bytes:
    return socket.inet_aton(source) + socket.inet_aton("10.9.9.9") + struct.pack("!QIQ", octets, packets, selector)


def _send(datagrams: list[tuple[int, bytes]], tmp_path: Path,
          problems: dict[str, int] | None = None) -> dict[str, tuple[int, int, int | None]]:
    """Send (exporter 0 or 1, datagram) pairs from two sockets to a receiver; returns each
    stored flow's (bytes, packets, sampling rate) by source address."""
    store = SqliteStore(tmp_path / "events.db")
    receiver = NetflowReceiver("127.0.0.1", 0)
    stop = threading.Event()
    serving = threading.Thread(target=receiver.serve, args=(Pipeline(store, data_dir=tmp_path),),
                               kwargs={"stop": stop, "flush_seconds": 0.1})
    serving.start()
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as one, \
                socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as two:
            for exporter, datagram in datagrams:
                (one, two)[exporter].sendto(datagram, receiver.address)
        deadline = time.monotonic() + 30  # loopback loses nothing; wait until all are in
        while receiver.counters.datagrams < len(datagrams) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        serving.join()
        receiver.close()
    try:
        assert receiver.counters.datagrams == len(datagrams)
        assert dict(receiver.parser.decoder.problems) == (problems or {})
        return {str(e.get("source.ip")): (int(e.get("network.bytes")), int(e.get("network.packets")),  # type: ignore[call-overload]
                                          e.get("netflow.sampling_rate"))  # type: ignore[misc]
                for e in store.search(Query(terms={"netflow.type": ("netflow_flow",)}))}
    finally:
        store.close()


def test_v9_records_take_the_rate_of_the_sampler_they_name(tmp_path: Path) -> None:
    options = flow_set(1, V9_OPTIONS)
    datagrams = [
        # exporter 0, source id 5: sampler 1 samples 1 in 100, sampler 2 1 in 10 (sent last: the
        # last options record must not win for every sampler)
        (0, v9(5, options, flow_set(0, V9_DATA), flow_set(300, _v9_sampler(1, 100) + _v9_sampler(2, 10)))),
        # exporter 0, source id 6: the same sampler id 1 at 1 in 1000 (another observation domain)
        (0, v9(6, options, flow_set(0, V9_DATA), flow_set(300, _v9_sampler(1, 1000)))),
        # exporter 1, source id 5: sampler 1 unsampled (1 in 1)
        (1, v9(5, options, flow_set(0, V9_DATA), flow_set(300, _v9_sampler(1, 1)))),
    ]
    datagrams += [
        (0, v9(5, flow_set(256, _v9_flow("10.0.0.1", 1, 40, 2) + _v9_flow("10.0.0.2", 2, 40, 2)))),
        (0, v9(6, flow_set(256, _v9_flow("10.0.0.3", 1, 40, 2)))),
        (1, v9(5, flow_set(256, _v9_flow("10.0.0.4", 1, 40, 2)))),
        # a record naming no sampler, in a domain that announced exactly one: that one's rate
        (0, v9(6, flow_set(0, V9_PLAIN), flow_set(257, socket.inet_aton("10.0.0.5") + socket.inet_aton("10.9.9.9")
                                                   + struct.pack("!IIII", 40, 2, 9_000, 4_000)))),
    ]
    assert _send(datagrams, tmp_path) == {
        "10.0.0.1": (4_000, 200, 100),
        "10.0.0.2": (400, 20, 10),
        "10.0.0.3": (40_000, 2_000, 1000),
        "10.0.0.4": (40, 2, None),  # rate 1: counted as exported, not said to be scaled
        "10.0.0.5": (40_000, 2_000, 1000),
    }


def test_ipfix_records_take_the_rate_of_the_selector_they_name(tmp_path: Path) -> None:
    selectors = flow_set(3, IPFIX_OPTIONS)
    datagrams = [
        # selector 7: systematic count-based, 1 packet selected then 99 skipped (RFC 5476 6.5.2.1):
        # 1 in 100; selector 8: random n-out-of-N, 1 of every 20 (RFC 5476 6.5.2.3): 1 in 20
        (0, ipfix(1, selectors, flow_set(2, IPFIX_DATA), flow_set(400, _ipfix_selector(7, interval=1, space=99)
                                                                   + _ipfix_selector(8, size=1, population=20)))),
        (0, ipfix(1, flow_set(401, _ipfix_flow("10.1.0.1", 7, 50, 1) + _ipfix_flow("10.1.0.2", 8, 50, 1)),
                  sequence=0)),
        # domain 2 of the same exporter names selector 7 too, without describing it: no rate
        # known, so counted as exported and a sampling-unknown problem
        (0, ipfix(2, flow_set(2, IPFIX_DATA), flow_set(401, _ipfix_flow("10.1.0.3", 7, 50, 1)))),
    ]
    assert _send(datagrams, tmp_path, {"sampling-unknown": 1}) == {
        "10.1.0.1": (5_000, 100, 100),
        "10.1.0.2": (1_000, 20, 20),
        "10.1.0.3": (50, 1, None),
    }


def test_a_record_before_its_samplers_options_is_flagged_and_counted() -> None:
    # review 14b finding 6: RFC 3954 8 / RFC 7011 3.4.2.2 let the options record come after the
    # data; a record naming a sampler with no known rate must not pass as 1:1 silently
    decoder = NetflowDecoder()
    options = flow_set(1, V9_OPTIONS)
    first = decoder.decode(v9(5, options, flow_set(0, V9_DATA), flow_set(256, _v9_flow("10.0.0.1", 1, 1_000, 10))),
                           "192.0.2.1:2055", 0.0)
    later = decoder.decode(v9(5, flow_set(300, _v9_sampler(1, 100)),
                              flow_set(256, _v9_flow("10.0.0.1", 1, 1_000, 10) + _v9_flow("10.0.0.2", 5, 1_000, 10))),
                           "192.0.2.1:2055", 1.0)
    (early,) = first.records
    fields = record_fields(early)
    # counted as exported and said to be of unknown rate, not scaled, not claimed 1:1
    assert fields["netflow.sampling_rate_unknown"] is True and fields["network.packets"] == 10
    assert "netflow.sampling_rate" not in fields
    (problem,) = first.problems
    assert problem.kind == "sampling-unknown" and problem.exporter == "192.0.2.1:2055" and problem.domain == 5
    assert "sampler_id 1" in problem.reason
    known, unknown = (record_fields(r) for r in later.records if not r.options)
    assert known["netflow.sampling_rate"] == 100 and known["network.packets"] == 1_000
    assert "netflow.sampling_rate_unknown" not in known
    # sampler 5 was never described, though sampler 1 of the same domain was
    assert unknown["netflow.sampling_rate_unknown"] is True and unknown["network.packets"] == 10
    assert [p.reason for p in later.problems] == [problem.reason.replace("sampler_id 1", "sampler_id 5")]
    assert decoder.problems["sampling-unknown"] == 2
    assert decoder.sampling_unknown == {("192.0.2.1:2055", 5): 2}


def test_a_sampler_described_again_with_interval_0_is_no_longer_scaled() -> None:
    # review 14b finding 6 (smaller): an options record giving sampler 1 an interval of 0 (no
    # rate, RFC 3954 8 defines none for 0) left the old 1:100 in force
    decoder = NetflowDecoder()
    setup = v9(5, flow_set(1, V9_OPTIONS), flow_set(0, V9_DATA), flow_set(300, _v9_sampler(1, 100)))
    decoder.decode(setup, "192.0.2.1:2055", 0.0)
    data = flow_set(256, _v9_flow("10.0.0.1", 1, 1_000, 10))
    (before,) = decoder.decode(v9(5, data), "192.0.2.1:2055", 1.0).records
    assert record_fields(before)["netflow.sampling_rate"] == 100
    decoder.decode(v9(5, flow_set(300, _v9_sampler(1, 0))), "192.0.2.1:2055", 2.0)
    (after,) = decoder.decode(v9(5, data), "192.0.2.1:2055", 3.0).records
    fields = record_fields(after)
    assert fields["netflow.sampling_rate_unknown"] is True and fields["network.packets"] == 10
