"""The e-government pack's flow rules on NetFlow: records a real exporter (Debian's softflowd)
made from a capture, sent over loopback to govsoc's NetFlow receiver, stored through the ingest
pipeline (with the asset inventory's zones) in SQLite and Elasticsearch, then detected.

NetFlow carries no handshake outcome (no event.outcome): flow_highrisk_port_from_internet.yml
reads a client's record whose TCP flags hold SYN and ACK, the client having opened the connection
and acknowledged the server's answer (review r17d MEDIUM: NetFlow never matched the rule; R17 F6:
ACK alone, as an ACK or FIN/ACK scan sends it, is no answer)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from govsoc.collectors.netflow.receiver import NetflowReceiver
from govsoc.collectors.pipeline import Pipeline
from govsoc.core.inventory import Inventory
from govsoc.rules import detect, load_rules
from govsoc.store.base import Query, Store
from tests.collectors.flows.packets import ethernet, ipv4, tcp
from tests.collectors.netflow.peers import softflowd_export
from tests.rules.test_egov_rules import END, INVENTORY, PACK, capture, session, syn

RDP = [b"\x03\x00\x00\x13"]


def _export(store: Store, pcap: Path, work: Path) -> int:
    """softflowd (NetFlow v9, the trace's clock) -> govsoc's receiver -> pipeline -> ``store``;
    returns the flow records stored."""
    (work / "inventory.yaml").write_text(INVENTORY, encoding="utf-8")
    receiver = NetflowReceiver("127.0.0.1", 0)
    pipeline = Pipeline(store, data_dir=work / "state", inventory=Inventory.load(work / "inventory.yaml"))
    stop = threading.Event()
    serving = threading.Thread(target=receiver.serve, args=(pipeline,), kwargs={"stop": stop})
    serving.start()
    try:
        softflowd_export(pcap, "9", receiver.address[1], work, "-a")
    finally:
        stop.set()
        serving.join()
        receiver.close()
    pipeline.drain()
    store.refresh()
    return store.count(Query(terms={"netflow.type": ("netflow_flow",)}))


@pytest.mark.es
@pytest.mark.parametrize("kind", ["sqlite", "elasticsearch"])
def test_netflow_records_of_an_answered_high_risk_port_alert(kind: str, request: pytest.FixtureRequest,
                                                              tmp_path: Path) -> None:
    store: Store = request.getfixturevalue("sqlite_store" if kind == "sqlite" else "elastic9_store")
    pcap = tmp_path / "edge.pcap"
    pcap.write_bytes(capture(
        session("203.0.113.7", "172.16.10.9", 3389, RDP, RDP),  # RDP answered from the internet: the hit
        syn("203.0.113.8", "172.16.10.9", 3389),  # unanswered: the client never acknowledged
        session("203.0.113.9", "172.16.10.9", 443, [b"x"], [b"y"]),  # HTTPS is no high-risk port
        session("10.99.0.7", "172.16.10.9", 3389, RDP, RDP),  # from the management zone
        # R17 F6: an ACK scan (nmap -sA) and a FIN/ACK scan (-sM), nothing answering: ACK without a handshake
        [ethernet(ipv4("203.0.113.50", "172.16.10.9", 6, tcp(50001, 3389, 100, 0, "A")))],
        [ethernet(ipv4("203.0.113.51", "172.16.10.9", 6, tcp(50002, 3389, 100, 0, "FA")))],
        every=2))
    work = tmp_path / "work"
    work.mkdir()
    # two records (one a direction) per answered session, one for the SYN and one for each scan
    assert _export(store, pcap, work) == 9
    rule = load_rules([PACK / "flow_highrisk_port_from_internet.yml"])
    assert rule.errors == []
    result = detect(store, rule, start=datetime(2000, 1, 1, tzinfo=UTC), end=END)
    assert (result.failed, result.no_source) == ([], {})
    fired = {str(e.fields.get("source.ip")) for a in store.alerts() for e in a.evidence}
    assert fired == {"203.0.113.7"}
