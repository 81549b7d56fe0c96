"""govsoc's NetFlow collector against real peers: softflowd (Debian) reads a Zeek trace (with -a,
its clock the trace's, so exported times are the packets' own) and
exports it in NetFlow v5, v9 and IPFIX; every datagram goes both to nfdump's nfcapd and to
govsoc's UDP receiver, which stores events through the ingest pipeline. Flow, packet and byte
totals, and each record's addresses, ports, protocol, counters and start second, must equal
what nfdump read from nfcapd's files. Starts are compared with nfdump's for v5 and v9; for IPFIX
nfdump 1.7.1 starts flows 1-3 s late (it does not apply softflowd's systemInitTimeMilliseconds
to flowStartSysUpTime), so there each start is compared with the trace's own first packet of
that flow (tshark): the flow nfdump starts at 19:06:09 has its first packet at 19:06:08.855."""

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
PROTOCOLS = {"TCP": "6", "UDP": "17", "ICMP": "1", "ICMP6": "58"}


def _export(version: str, work: Path, store: SqliteStore, *extra: str) -> tuple[Path, NetflowReceiver]:
    """softflowd -> tee -> (nfcapd, govsoc receiver -> pipeline -> store); returns nfcapd's folder."""
    receiver = NetflowReceiver("127.0.0.1", 0)
    pipeline = Pipeline(store, data_dir=work / "govsoc")
    stop = threading.Event()
    serving = threading.Thread(target=receiver.serve, args=(pipeline,), kwargs={"stop": stop})
    serving.start()
    try:
        with nfcapd(work) as (nfcapd_port, folder), tee([nfcapd_port, receiver.address[1]]) as (port, _):
            softflowd_export(TRACE, version, port, work, "-a", *extra)
    finally:
        stop.set()
        serving.join()
        receiver.close()
    return folder, receiver


def _flows(store: SqliteStore) -> list[Event]:
    return list(store.search(Query(terms={"event.kind": ("event",), "netflow.type": ("netflow_flow",)})))


def _ours(store: SqliteStore, field: str = "network") -> Counter[tuple[str, ...]]:
    rows: Counter[tuple[str, ...]] = Counter()
    for event in _flows(store):
        rows[(event.get("source.ip"), event.get("destination.ip"), str(event.get("source.port", 0)),
              str(event.get("destination.port", 0)), event.get("network.iana_number"),
              str(event.get(f"{field}.packets")), str(event.get(f"{field}.bytes")),
              event.get("event.start")[:19].replace("T", " "))] += 1
    return rows


def _theirs(folder: Path) -> Counter[tuple[str, ...]]:
    # nfdump prints a flow that starts at the exporter's boot (First = 0 ms: with -a, softflowd's
    # first packet) as starting in 1970: such a row's start is not compared
    return Counter((row["sa"], row["da"], row["sp"], row["dp"], PROTOCOLS.get(row["pr"], row["pr"]),
                    row["ipkt"], row["ibyt"], "" if row["ts"].startswith("1970-01-01") else row["ts"])
                   for row in nfdump_records(folder))


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


def _starts_are_first_packets(flows: list[Event]) -> None:
    """Each flow starts within a second before its first packet in the trace (softflowd keeps
    times to the second in some paths)."""
    first: dict[tuple[str, ...], float] = {}
    for row in tshark_rows(TRACE, "tcp || udp", ["frame.time_epoch", "ip.src", "ipv6.src", "ip.dst", "ipv6.dst",
                                                  "tcp.srcport", "udp.srcport", "tcp.dstport", "udp.dstport"]):
        key = ((row["ip.src"] or row["ipv6.src"])[0], (row["ip.dst"] or row["ipv6.dst"])[0],
               (row["tcp.srcport"] or row["udp.srcport"])[0], (row["tcp.dstport"] or row["udp.dstport"])[0])
        first.setdefault(key, float(row["frame.time_epoch"][0]))
    assert flows
    for event in flows:
        key = (event.get("source.ip"), event.get("destination.ip"), str(event.get("source.port")),
               str(event.get("destination.port")))
        start = parse_timestamp(event.get("event.start")).timestamp()
        assert 0 <= first[key] - start < 1.0, (key, first[key], start)


@pytest.mark.parametrize("version", ["5", "9", "10"])
def test_totals_and_records_equal_nfcapd(version: str, tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "events.db")
    try:
        folder, receiver = _export(version, tmp_path, store)
        theirs = nfdump_totals(folder)
        ours = _ours(store)
        assert theirs["flows"] > 20  # the trace holds dozens of flows: an empty export proves nothing
        assert {"flows": sum(ours.values()), "packets": sum(int(k[5]) * n for k, n in ours.items()),
                "bytes": sum(int(k[6]) * n for k, n in ours.items())} == theirs
        if version == "10":
            without_start = Counter(k[:-1] for k in _theirs(folder).elements())
            assert Counter(k[:-1] for k in ours.elements()) == without_start
            _starts_are_first_packets(_flows(store))
        else:
            assert _unmatched(ours, _theirs(folder)) == ([], [])
        assert receiver.parser.decoder.problems == Counter()
        assert receiver.counters.kernel_drops == 0
        assert store.count(Query(terms={"event.kind": ("pipeline_error",)})) == 0
    finally:
        store.close()
