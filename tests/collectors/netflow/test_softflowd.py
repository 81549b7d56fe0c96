"""govsoc's NetFlow collector against real peers: softflowd (Debian) reads a Zeek trace (with -a,
its clock the trace's, so exported times are the packets' own) and
exports it in NetFlow v5, v9 and IPFIX; every datagram goes both to nfdump's nfcapd and to
govsoc's UDP receiver, which stores events through the ingest pipeline. Flow, packet and byte
totals, and each record's addresses, ports, protocol, counters and start second, must equal
what nfdump read from nfcapd's files. Starts are compared with nfdump's for v5 and v9; for IPFIX
nfdump 1.7.1 starts flows 1-3 s late (it does not apply softflowd's systemInitTimeMilliseconds
to flowStartSysUpTime), so there each start is compared with the trace's own first packet of
that flow (tshark): the flow nfdump starts at 19:06:09 has its first packet at 19:06:08.855.
Bidirectional IPFIX (RFC 5103) and sampled exports (softflowd -s) are compared too."""

from __future__ import annotations

import threading
from collections import Counter
from pathlib import Path

import pytest

from govsoc.collectors.netflow.receiver import NetflowReceiver
from govsoc.collectors.pipeline import Pipeline
from govsoc.core.event import Event, parse_timestamp
from govsoc.store.base import Query
from govsoc.store.sqlite import SqliteStore
from tests.collectors.netflow.peers import nfcapd, nfdump_records, nfdump_totals, softflowd_export, tee
from tests.collectors.protocols.tshark import tshark_rows
from tests.conftest import CORPUS

TRACE = CORPUS / "zeek" / "traces" / "wikipedia.pcap"
WRAP_SECONDS = (1 << 32) / 1000
PROTOCOLS = {"TCP": "6", "UDP": "17", "ICMP": "1", "ICMP6": "58"}


def _export(version: str, work: Path, store: SqliteStore, *extra: str,
            adjust: bool = True) -> tuple[Path, NetflowReceiver]:
    """softflowd -> tee -> (nfcapd, govsoc receiver -> pipeline -> store); returns nfcapd's folder."""
    receiver = NetflowReceiver("127.0.0.1", 0)
    pipeline = Pipeline(store, data_dir=work / "govsoc")
    stop = threading.Event()
    serving = threading.Thread(target=receiver.serve, args=(pipeline,), kwargs={"stop": stop})
    serving.start()
    try:
        with nfcapd(work) as (nfcapd_port, folder), tee([nfcapd_port, receiver.address[1]]) as (port, _):
            softflowd_export(TRACE, version, port, work, *(("-a",) if adjust else ()), *extra)
    finally:
        stop.set()
        serving.join()
        receiver.close()
    return folder, receiver


def _flows(store: SqliteStore) -> list[Event]:
    return list(store.search(Query(terms={"event.kind": ("event",), "netflow.type": ("netflow_flow",)})))


def _ours(store: SqliteStore, *, scaled: bool = True) -> Counter[tuple[str, ...]]:
    """Our flow events as nfdump rows: addresses, ports, protocol, packets and bytes each way
    (as scaled by the sampling rate, or as exported), start second."""
    names = (("source.packets", "source.bytes", "destination.packets", "destination.bytes") if scaled else
             ("netflow.packet_delta_count", "netflow.octet_delta_count", "netflow.reverse_packet_delta_count",
              "netflow.reverse_octet_delta_count"))
    rows: Counter[tuple[str, ...]] = Counter()
    for event in _flows(store):
        rows[(event.get("source.ip"), event.get("destination.ip"), str(event.get("source.port", 0)),
              str(event.get("destination.port", 0)), event.get("network.iana_number"),
              *(str(event.get(name, 0)) for name in names),
              event.get("event.start")[:19].replace("T", " "))] += 1
    return rows


def _theirs(folder: Path) -> Counter[tuple[str, ...]]:
    # nfdump prints a flow that starts at the exporter's boot (First = 0 ms: with -a, softflowd's
    # first packet) as starting in 1970: such a row's start is not compared
    return Counter((row["sa"], row["da"], row["sp"], row["dp"], PROTOCOLS.get(row["pr"], row["pr"]),
                    row["ipkt"], row["ibyt"], row["opkt"], row["obyt"],
                    "" if row["ts"].startswith("1970-01-01") else row["ts"]) for row in nfdump_records(folder))


def _unmatched(ours: Counter[tuple[str, ...]], theirs: Counter[tuple[str, ...]]) -> tuple[list[tuple[str, ...]], ...]:
    """Records on one side only, a row of nfdump's without a start matching ours at any start."""
    left, right = ours.copy(), theirs.copy()
    for key in list(left.elements()):
        for candidate in (key, (*key[:-1], "")):
            if right[candidate]:
                right[candidate] -= 1
                left[key] -= 1
                break
    return list(left.elements()), list(right.elements())


def _starts_are_first_packets(flows: list[Event], *, sampled: bool, modulo: bool = False) -> None:
    """Each flow starts within a second before its first packet in the trace (either way, for a
    biflow); a sampled flow starts at a sampled packet, so never before its first one. With
    ``modulo`` (softflowd without -a: uptimes count from softflowd's own start, after the trace's
    packets, and wrap), the times need only agree modulo 2**32 ms (RFC 7011 / RFC 3954 5.1)."""
    first: dict[tuple[str, ...], float] = {}
    for row in tshark_rows(TRACE, "tcp || udp", ["frame.time_epoch", "ip.src", "ipv6.src", "ip.dst", "ipv6.dst",
                                                  "tcp.srcport", "udp.srcport", "tcp.dstport", "udp.dstport"]):
        src, dst = (row["ip.src"] or row["ipv6.src"])[0], (row["ip.dst"] or row["ipv6.dst"])[0]
        sport, dport = (row["tcp.srcport"] or row["udp.srcport"])[0], (row["tcp.dstport"] or row["udp.dstport"])[0]
        first.setdefault((src, dst, sport, dport), float(row["frame.time_epoch"][0]))
    assert flows
    for event in flows:
        src, dst = event.get("source.ip"), event.get("destination.ip")
        sport, dport = str(event.get("source.port")), str(event.get("destination.port"))
        seen = min(first.get(key, float("inf")) for key in ((src, dst, sport, dport), (dst, src, dport, sport)))
        start = parse_timestamp(event.get("event.start")).timestamp()
        if modulo:  # the same time modulo 2**32 ms, and within the 49.7 days before the export
            exported = parse_timestamp(event.get("netflow.exporter.timestamp")).timestamp()
            assert exported - WRAP_SECONDS < start <= exported + 1, (start, exported)
            # seen - start, modulo 2**32 ms, in [-W/2, W/2)
            start = seen - ((seen - start + WRAP_SECONDS / 2) % WRAP_SECONDS - WRAP_SECONDS / 2)
        # 2 ms either way for uptimes in whole ms beside the header's wall clock in ns (v5) or whole
        # seconds (v9, IPFIX): a second's truncation of 0.9985 s read as 1.0005 s failed a CI run
        # when the slack was taken on one side only
        slack = 0.002 if modulo else 0.0
        assert seen - 1.0 < start if sampled else -slack <= seen - start < 1.0 + slack, \
            ((src, dst, sport, dport), seen, start)


#: (NetFlow version, softflowd options, what nfcapd does with softflowd's 1-in-4 sampling)
CASES = [
    ("5", (), None),
    ("9", (), None),
    ("10", (), None),
    ("10", ("-b",), None),  # RFC 5103 bidirectional records (reverse elements, enterprise 29305)
    ("5", ("-s", "4"), "scales"),  # the v5 header's sampling interval: nfcapd scales the counters too
    ("9", ("-s", "4"), "ignores"),  # an options record: nfcapd 1.7.1 leaves the counters as exported
    ("10", ("-s", "4"), "ignores"),
    # without -a, softflowd's clock is its own: uptimes count from its start, after the trace's
    # packets, so they are negative and wrap (review 14b finding 2: IPFIX flows were all dropped)
    ("5", ("no -a",), None),
    ("9", ("no -a",), None),
    ("10", ("no -a",), None),
]


@pytest.mark.parametrize(("version", "extra", "sampling"), CASES, ids=[f"v{v}{''.join(e)}" for v, e, _ in CASES])
def test_totals_and_records_equal_nfcapd(version: str, extra: tuple[str, ...], sampling: str | None,
                                          tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "events.db")
    adjust = "no -a" not in extra
    extra = tuple(e for e in extra if e != "no -a")
    try:
        folder, receiver = _export(version, tmp_path, store, *extra, adjust=adjust)
        theirs = nfdump_totals(folder)
        ours = _ours(store, scaled=sampling != "ignores")
        assert theirs["flows"] > 10  # the trace holds dozens of flows: an empty export proves nothing
        assert {"flows": sum(ours.values()), "packets": sum((int(k[5]) + int(k[7])) * n for k, n in ours.items()),
                "bytes": sum((int(k[6]) + int(k[8])) * n for k, n in ours.items())} == theirs
        if version == "10" or not adjust:
            without_start = Counter(k[:-1] for k in _theirs(folder).elements())
            assert Counter(k[:-1] for k in ours.elements()) == without_start
            _starts_are_first_packets(_flows(store), sampled=sampling is not None, modulo=not adjust)
        else:
            assert _unmatched(ours, _theirs(folder)) == ([], [])
        if sampling:
            for event in _flows(store):
                assert event.get("netflow.sampling_rate") == 4 and event.get("netflow.scaled") is True
                assert event.get("network.packets") == 4 * event.get("netflow.packet_delta_count")
        assert receiver.parser.decoder.problems == Counter()
        # a real exporter's numbering followed without a false loss (softflowd's IPFIX numbers count
        # the records up to and including the message, not those before it as RFC 7011 says)
        sequence = receiver.parser.decoder.sequence
        assert sequence.streams and sequence.lost == Counter() and sequence.late == sequence.restarts == 0
        if version == "10" and sampling is None:  # enough messages of differing sizes to tell
            assert all(stream.counts_through for stream in sequence.streams.values())
        assert receiver.counters.kernel_drops == 0
        assert store.count(Query(terms={"event.kind": ("pipeline_error",)})) == 0
    finally:
        store.close()
