"""The flow key keeps segments apart (review 14b finding 8; collectors.flows.segments): one TCP
5-tuple in two VLANs (IEEE 802.1Q), two QinQ inner VLANs (802.1ad), two GTP-U bearers (3GPP TS
29.281) or one VXLAN VNI between two pairs of VTEPs (RFC 7348) is two flows, and each is still
one bidirectional flow. Packets are written by scapy into pcaps; both engines read them, and the
events a real SQLite store holds after ``govsoc ingest`` are read back.

Every expected value comes from the packets and the standards: each exchange is SYN, SYN-ACK,
ACK, FIN-ACK, FIN-ACK, ACK (Zeek's history ShAFf, state SF; 4 packets from the client, 2 from the
server); a VID is the 12 bits of the 802.1Q TCI; a TEID names the receiving end (TS 29.281 5.1),
so a bearer's uplink and downlink carry different TEIDs (the two bearers here even carry the same
5-tuple, two UEs given one address by two PDN pools: their answers come in the order asked); the
VXLAN source port is the sender's entropy hash (RFC 7348 5.), so the two directions differ in it.
"""

from __future__ import annotations

import io
import json
import random
from pathlib import Path

import pytest
from scapy.contrib.gtp import GTP_U_Header
from scapy.layers.inet import IP, TCP, UDP
from scapy.layers.l2 import Dot1AD, Dot1Q, Ether
from scapy.layers.vxlan import VXLAN
from scapy.packet import Packet
from scapy.utils import wrpcap

from govsoc.collectors.flows.assemble import FlowAssembler
from govsoc.collectors.flows.ecs import flow_fields

from .stored import stored_flows

ENGINES = ("python", "native")
CLIENT, SERVER = "192.168.7.10", "10.20.0.5"
#: (from the client?, TCP flags, seq offset, ack offset) of one whole exchange; 4 client packets, 2 server
EXCHANGE = [(True, "S", 0, 0), (False, "SA", 0, 1), (True, "A", 1, 1), (True, "FA", 1, 1), (False, "FA", 1, 2),
            (True, "A", 2, 2)]


def _exchange(wrap: object) -> list[Packet]:
    """One exchange, each packet wrapped by ``wrap(from_client, inner IP packet)``."""
    assert callable(wrap)
    out = []
    for from_client, flags, seq, ack in EXCHANGE:
        src, dst, sport, dport = (CLIENT, SERVER, 40001, 443) if from_client else (SERVER, CLIENT, 443, 40001)
        base, peer = (1000, 5000) if from_client else (5000, 1000)
        segment = TCP(sport=sport, dport=dport, flags=flags, seq=base + seq, ack=peer + ack if "A" in flags else 0)
        out.append(wrap(from_client, IP(src=src, dst=dst) / segment))
    return out


def _pcap(path: Path, *exchanges: list[Packet]) -> Path:
    """The exchanges interleaved packet by packet, 10 ms apart, as a pcap."""
    packets = [packet for step in zip(*exchanges, strict=True) for packet in step]
    for index, packet in enumerate(packets):
        packet.time = 1_700_000_000 + index / 100
    wrpcap(str(path), packets)
    return path


def _vlan(*vids: int) -> object:
    def wrap(_: bool, inner: Packet) -> Packet:
        tags = Ether() / Dot1AD(vlan=vids[0]) if len(vids) > 1 else Ether()
        for vid in vids[1:] if len(vids) > 1 else vids:
            tags = tags / Dot1Q(vlan=vid)
        return tags / inner
    return wrap


def _gtpu(enb: str, sgw: str, uplink_teid: int, downlink_teid: int) -> object:
    """A bearer between an eNodeB and an SGW: client (the UE) packets go up to the SGW's TEID,
    server packets come down to the eNodeB's."""
    def wrap(from_client: bool, inner: Packet) -> Packet:
        src, dst, teid = (enb, sgw, uplink_teid) if from_client else (sgw, enb, downlink_teid)
        return Ether() / IP(src=src, dst=dst) / UDP(sport=2152, dport=2152) / GTP_U_Header(teid=teid, gtp_type=255) \
            / inner
    return wrap


def _vxlan(vtep_a: str, vtep_b: str, vni: int) -> object:
    """VNI ``vni`` between two VTEPs; each side's source port is its own entropy value."""
    def wrap(from_client: bool, inner: Packet) -> Packet:
        src, dst, sport = (vtep_a, vtep_b, 49152) if from_client else (vtep_b, vtep_a, 50001)
        return Ether() / IP(src=src, dst=dst) / UDP(sport=sport, dport=4789) / VXLAN(vni=vni, flags=0x08) \
            / Ether() / inner
    return wrap


def _inner(path: Path, engine: str) -> list[tuple[object, ...]]:
    """The TCP flows of the capture: counts each way, state and history, and the segment fields."""
    out = []
    for flow in FlowAssembler(io.BytesIO(path.read_bytes()), engine=engine).flows():
        if flow.proto != 6:
            continue
        fields = flow_fields(flow)
        out.append((fields["source.ip"], fields["source.packets"], fields["destination.packets"],
                    fields["govsoc.flow.conn_state"], fields["govsoc.flow.history"],
                    *(fields.get(name) for name in SEGMENT_FIELDS)))
    return sorted(out, key=repr)


SEGMENT_FIELDS = ("network.vlan.id", "network.inner.vlan.id", "govsoc.flow.vlan", "govsoc.flow.gtp_teid",
                  "govsoc.flow.vni", "govsoc.flow.tunnel", "govsoc.flow.vlan_other_side")
WHOLE = (CLIENT, 4, 2, "SF", "ShAFf")


def _cases(folder: Path) -> dict[str, tuple[Path, list[tuple[object, ...]]]]:
    """name -> (pcap, its TCP flows as _inner gives them)."""
    gtp = [("gtpu 10.0.0.1:2152 -> 10.0.0.2:2152 teid 256", "gtpu 10.0.0.2:2152 -> 10.0.0.1:2152 teid 512"),
           ("gtpu 10.0.0.1:2152 -> 10.0.0.2:2152 teid 257", "gtpu 10.0.0.2:2152 -> 10.0.0.1:2152 teid 513")]
    return {
        # the same 5-tuple on VLAN 10 and VLAN 20 (an access port per tenant)
        "vlans": (_pcap(folder / "vlans.pcap", _exchange(_vlan(10)), _exchange(_vlan(20))),
                  [(*WHOLE, vid, None, None, None, None, None, None) for vid in ("10", "20")]),
        # QinQ: one service tag 100 (802.1ad), customer tags 10 and 20 inside it
        "qinq": (_pcap(folder / "qinq.pcap", _exchange(_vlan(100, 10)), _exchange(_vlan(100, 20))),
                 [(*WHOLE, "100", "10", None, None, None, None, None),
                  (*WHOLE, "100", "20", None, None, None, None, None)]),
        # three tags (past what the compiled kernel reads itself): the whole stack is kept
        "three-tags": (_pcap(folder / "three.pcap", _exchange(_vlan(100, 10, 1)), _exchange(_vlan(100, 10, 2))),
                       [(*WHOLE, "100", "10", [100, 10, tag], None, None, None, None) for tag in (1, 2)]),
        # two UEs with the same address (two PDN pools) on one eNodeB/SGW pair: two bearers, each
        # with its uplink (SGW) and downlink (eNodeB) TEID
        "gtpu": (_pcap(folder / "gtpu.pcap", _exchange(_gtpu("10.0.0.1", "10.0.0.2", 256, 512)),
                       _exchange(_gtpu("10.0.0.1", "10.0.0.2", 257, 513))),
                 [(*WHOLE, None, None, None, [int(t.rsplit(" ", 1)[1]) for t in labels], None, list(labels), None)
                  for labels in gtp]),
        # VNI 42 between VTEPs 1.1.1.1/2.2.2.2 and again between 3.3.3.3/4.4.4.4
        "vxlan": (_pcap(folder / "vxlan.pcap", _exchange(_vxlan("1.1.1.1", "2.2.2.2", 42)),
                        _exchange(_vxlan("3.3.3.3", "4.4.4.4", 42))),
                  [(*WHOLE, None, None, None, None, 42,
                    [f"vxlan {a}:49152 -> {b}:4789", f"vxlan {b}:50001 -> {a}:4789"], None)
                   for a, b in (("1.1.1.1", "2.2.2.2"), ("3.3.3.3", "4.4.4.4"))]),
        # a router between VLAN 81 (the client's) and VLAN 80 (the server's), captured where each
        # direction passes once: one flow both ways, the server's side on VLAN 80
        "routed": (_pcap(folder / "routed.pcap", _exchange(_routed(81, 80))),
                   [(*WHOLE, "81", None, None, None, None, None, [80])]),
        # a router on a stick, captured on its trunk: each packet twice, on the sender's VLAN and
        # then routed onto the other (SYN on 10 then 20, SYN-ACK on 20 then 10): two copies of one
        # packet come from the same side, so two whole flows, one per VLAN, none paired
        "trunk": (_pcap(folder / "trunk.pcap", _exchange(_routed(10, 20)), _exchange(_routed(20, 10))),
                  [(*WHOLE, vid, None, None, None, None, None, None) for vid in ("10", "20")]),
    }


def _routed(client_vlan: int, server_vlan: int) -> object:
    def wrap(from_client: bool, inner: Packet) -> Packet:
        return Ether() / Dot1Q(vlan=client_vlan if from_client else server_vlan) / inner
    return wrap


NAMES = ("vlans", "qinq", "three-tags", "gtpu", "vxlan", "routed", "trunk")


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("engine", ENGINES)
def test_two_segments_are_two_bidirectional_flows(tmp_path: Path, name: str, engine: str) -> None:
    path, expected = _cases(tmp_path)[name]
    assert _inner(path, engine) == sorted(expected, key=repr)


@pytest.mark.parametrize("name", NAMES)
def test_the_stored_events_keep_the_segments(tmp_path: Path, name: str) -> None:
    path, expected = _cases(tmp_path)[name]
    rows = []
    for event in stored_flows(path):
        fields = event.fields
        if fields.get("network.transport") != "tcp":
            continue
        rows.append((fields["source.ip"], fields["source.packets"], fields["destination.packets"],
                     fields["govsoc.flow.conn_state"], fields["govsoc.flow.history"],
                     *(fields.get(name) for name in SEGMENT_FIELDS)))
    assert sorted(rows, key=repr) == sorted(expected, key=repr)


def test_a_bearer_seen_first_downlink_pairs_the_same(tmp_path: Path) -> None:
    # the server speaks first (a UDP push to the UE): the bearer is named by its downlink end and
    # the UE's answer up to the SGW joins it; one flow, both TEIDs
    def datagram(from_client: bool) -> Packet:
        wrap = _gtpu("10.0.0.1", "10.0.0.2", 256, 512)
        src, dst, sport, dport = (CLIENT, SERVER, 5353, 7000) if from_client else (SERVER, CLIENT, 7000, 5353)
        return wrap(from_client, IP(src=src, dst=dst) / UDP(sport=sport, dport=dport) / b"x")  # type: ignore[operator]
    path = _pcap(tmp_path / "down-first.pcap", [datagram(False), datagram(True), datagram(False)])
    for engine in ENGINES:
        inner = [flow_fields(f) for f in FlowAssembler(io.BytesIO(path.read_bytes()), engine=engine).flows()
                 if f.orig_port in (5353, 7000)]
        # the downlink TEID first: the flow's first packet came down
        assert [(f["network.packets"], f["govsoc.flow.gtp_teid"]) for f in inner] == [(3, [512, 256])], engine


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("name", "cut"), [
    ("gtpu", 3),  # after both uplink SYNs and the first downlink SYN-ACK: the bearers half paired
    ("routed", 2),  # after the SYN on VLAN 81 and the SYN-ACK on VLAN 80: the two sides paired
])
def test_a_grown_capture_keeps_its_pairing(tmp_path: Path, engine: str, name: str, cut: int) -> None:
    # read the capture cut after packet ``cut``, carry the state through JSON, read on: the flows
    # of one read of the whole
    path, expected = _cases(tmp_path)[name]
    whole = path.read_bytes()
    starts, at = [], 24  # pcap records: 16-byte header, then the captured length's bytes
    while at < len(whole):
        starts.append(at)
        at += 16 + int.from_bytes(whole[at + 8:at + 12], "little")
    first = FlowAssembler(io.BytesIO(whole[:starts[cut]]), engine=engine)
    final = [flow for flow in first.flows() if not first.flushing]
    state = first.carried()
    assert state is not None
    rest = FlowAssembler(io.BytesIO(whole), resume=json.loads(json.dumps(state)))
    flows = [flow_fields(f) for f in (*final, *rest.flows()) if f.proto == 6]
    rows = [(f["source.ip"], f["source.packets"], f["destination.packets"], f["govsoc.flow.conn_state"],
             f["govsoc.flow.history"], *(f.get(field) for field in SEGMENT_FIELDS)) for f in flows]
    assert sorted(rows, key=repr) == sorted(expected, key=repr)


def test_both_engines_pair_sides_alike_on_random_vlan_traffic() -> None:
    # TCP segments either way between two hosts on VLAN 5, VLAN 6 or none, with flows that end
    # (FIN, RST, time-outs) and begin again: every flow, its tags and its pairing, the same in the
    # pure-Python table and the compiled one (a paired flow that had ended was once held under
    # the wrong tags by one of them); and pairing does happen
    from .packets import ethernet, ipv4, pcap, tcp

    rng = random.Random(7)
    paired = 0
    for _ in range(100):
        frames = []
        for step in range(20):
            back = rng.random() < 0.5
            hosts, ports = (("10.0.0.2", "10.0.0.1"), (443, 40000)) if back else (("10.0.0.1", "10.0.0.2"),
                                                                                 (40000, 443))
            flags = rng.choice(["S", "SA", "A", "PA", "FA", "R"])
            segment = tcp(*ports, rng.randrange(2**32), rng.randrange(2**32), flags)
            frames.append((step * rng.choice([0.5, 200.0]), ethernet(ipv4(*hosts, 6, segment),
                                                                   vlans=rng.choice([(), (5,), (6,)]))))
        data = pcap(frames)
        seen = [[(f.orig_packets, f.resp_packets, f.vlan, f.rseg, f.state_and_history())
                 for f in FlowAssembler(io.BytesIO(data), engine=engine).flows()] for engine in ENGINES]
        assert seen[0] == seen[1]
        paired += sum(1 for flow in seen[0] if flow[3] >= 0)
    assert paired > 20
