"""The VXLAN (RFC 7348) or Geneve (RFC 8926) VNI is part of the flow key (review 14 finding 12):
the same inner 5-tuple in two VNIs, even between the same two tunnel endpoints, is two flows,
each with its own packets, history and tunnel, in both engines, and each flow event keeps its
VNI as ``govsoc.flow.vni`` (ECS has no VNI field; see collectors.flows.ecs). tshark, which
decodes VXLAN, is the peer for how many packets each VNI carried."""

from __future__ import annotations

import io
import struct
from collections import Counter
from pathlib import Path

import pytest

from govsoc.collectors.flows.assemble import FlowAssembler
from govsoc.collectors.flows.decode import vnet_code, vnis
from govsoc.collectors.flows.ecs import flow_fields
from tests.collectors.protocols.tshark import tshark_rows

from .packets import ethernet, ipv4, pcap, tcp, udp

ENGINES = ("python", "native")
#: one whole TCP exchange between the same two tenant addresses: SYN, SYN-ACK, ACK, FIN, FIN-ACK, ACK
EXCHANGE = [("192.168.0.1", "192.168.0.2", 40004, 443, 1000, 0, "S"),
            ("192.168.0.2", "192.168.0.1", 443, 40004, 5000, 1001, "SA"),
            ("192.168.0.1", "192.168.0.2", 40004, 443, 1001, 5001, "A"),
            ("192.168.0.1", "192.168.0.2", 40004, 443, 1001, 5001, "FA"),
            ("192.168.0.2", "192.168.0.1", 443, 40004, 5001, 1002, "FA"),
            ("192.168.0.1", "192.168.0.2", 40004, 443, 1002, 5002, "A")]


def _inner(src: str, dst: str, sport: int, dport: int, seq: int, ack: int, flags: str) -> bytes:
    return ethernet(ipv4(src, dst, 6, tcp(sport, dport, seq, ack, flags)))


def _vxlan(vni: int, inner: bytes) -> bytes:
    header = struct.pack("!B3sI", 0x08, b"\0\0\0", vni << 8)  # RFC 7348 5.: I flag, VNI in bytes 4-6
    return ethernet(ipv4("1.1.1.1", "2.2.2.2", 17, udp(12345, 4789, header + inner)))


def _geneve(vni: int, inner: bytes) -> bytes:
    header = struct.pack("!BBHI", 0, 0, 0x6558, vni << 8)  # RFC 8926 3.4: version 0, Ethernet, VNI
    return ethernet(ipv4("1.1.1.1", "2.2.2.2", 17, udp(12345, 6081, header + inner)))


def _interleaved(wrap: object) -> bytes:
    assert callable(wrap)
    frames = []
    for step, packet in enumerate(EXCHANGE):  # tenant 42's packet, then tenant 43's copy of it
        frames += [(1_700_000_000 + step, wrap(42, _inner(*packet))),
                   (1_700_000_000.5 + step, wrap(43, _inner(*packet)))]
    return pcap(frames)


def _inner_flows(data: bytes, engine: str) -> list[tuple[object, ...]]:
    out = []
    for flow in FlowAssembler(io.BytesIO(data), engine=engine).flows():
        if flow.proto == 6:
            fields = flow_fields(flow)
            out.append((fields["govsoc.flow.vni"], flow.orig_packets, flow.resp_packets, flow.state_and_history(),
                        flow.tunnel))
    return sorted(out, key=repr)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("wrap", "kind"), [(_vxlan, "vxlan"), (_geneve, "geneve")])
def test_one_5_tuple_in_two_vnis_is_two_flows(engine: str, wrap: object, kind: str) -> None:
    label = f"{kind} 1.1.1.1:12345 -> 2.2.2.2:{4789 if kind == 'vxlan' else 6081}"
    assert _inner_flows(_interleaved(wrap), engine) == [
        (vni, 4, 2, ("SF", "ShAFf"), (label,)) for vni in (42, 43)]  # never ShADTdtFf: no false retransmits


def test_tshark_counts_the_same_packets_per_vni(tmp_path: Path) -> None:
    path = tmp_path / "two-vnis.pcap"
    path.write_bytes(_interleaved(_vxlan))
    per_vni = Counter(row["vxlan.vni"][0] for row in tshark_rows(path, "vxlan && tcp", ["vxlan.vni"]))
    assert per_vni == {"42": 6, "43": 6}
    flows = _inner_flows(path.read_bytes(), "python")
    assert {str(vni): orig + resp for vni, orig, resp, _, _ in flows} == per_vni


def test_outside_any_tunnel_a_flow_has_no_vni() -> None:
    data = pcap([(1_700_000_000 + step, _inner(*packet)) for step, packet in enumerate(EXCHANGE)])
    (flow,) = FlowAssembler(io.BytesIO(data), engine="python").flows()
    assert flow.vnet == 0 and "govsoc.flow.vni" not in flow_fields(flow)


def test_nested_vnis_are_kept_outermost_first() -> None:
    # VXLAN VNI 7 inside Geneve VNI 0xFFFFFF: both levels in the key; VNI 0 is a VNI, not "none"
    nested = vnet_code(vnet_code(0, "geneve", 0xFFFFFF), "vxlan", 7)
    assert vnis(nested) == [0xFFFFFF, 7]
    assert vnet_code(0, "vxlan", 0) != 0 and vnis(vnet_code(0, "vxlan", 0)) == [0]
    assert vnet_code(0, "vxlan", 5) != vnet_code(0, "geneve", 5)
