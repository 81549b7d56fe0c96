"""A tunnel whose header or inner packet the capture cut short (a snap length) is a problem naming
the packet, in both engines, never an inner flow that vanishes without a word (review 14 finding
8; Zeek writes weird.log truncated_header for these). A payload on a tunnel port that is not the
tunnel's (VXLAN without its I flag, RFC 7348 5.) stays a plain UDP flow, silently: a port is
only a hint."""

from __future__ import annotations

import io
import struct

import pytest

from govsoc.collectors.flows.assemble import FlowAssembler

from .packets import ethernet, ipv4, tcp, udp

INNER = ethernet(ipv4("192.168.0.1", "192.168.0.2", 6, tcp(40000, 443, 1000, 0, "S")))  # 14 + 20 + 20 bytes


def _vxlan(vni: int, inner: bytes = INNER, flags: int = 0x08) -> bytes:
    """Outer Ethernet/IPv4/UDP to port 4789, then the 8-byte VXLAN header (RFC 7348 5.)."""
    header = struct.pack("!B3sI", flags, b"\0\0\0", vni << 8)
    return ethernet(ipv4("1.1.1.1", "2.2.2.2", 17, udp(12345, 4789, header + inner)))


def _gtpu(inner: bytes) -> bytes:
    """A GTPv1-U G-PDU (3GPP TS 29.281 5.1: flags 0x30, type 255, length, TEID) to port 2152."""
    header = struct.pack("!BBHI", 0x30, 0xFF, len(inner), 7)
    return ethernet(ipv4("10.0.0.1", "10.0.0.2", 17, udp(2152, 2152, header + inner)))


def _snapped(frames: list[bytes], snaplen: int) -> bytes:
    """A pcap whose records keep at most ``snaplen`` bytes of each frame (its wire length kept)."""
    out = [struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, snaplen, 1)]
    for number, frame in enumerate(frames):
        kept = frame[:snaplen]
        out.append(struct.pack("<IIII", 1_700_000_000 + number, 0, len(kept), len(frame)) + kept)
    return b"".join(out)


def _read(data: bytes, engine: str) -> tuple[list[tuple[int, int, tuple[str, ...]]], list[tuple[int, str]]]:
    assembler = FlowAssembler(io.BytesIO(data), engine=engine)
    flows = [(flow.proto, flow.resp_port, flow.tunnel) for flow in assembler.flows()]
    return flows, [(p.packet, p.reason) for p in assembler.problems.kept]


ENGINES = ("python", "native")


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("snaplen", "reason"), [
    # 14 + 20 + 8 outer bytes, then 6 of the VXLAN header's 8: the header itself is cut
    (48, "vxlan header cut short by the capture (snap length); inner packet lost"),
    # the whole VXLAN header (50 bytes), then 10 of the inner Ethernet header's 14
    (60, "vxlan inner packet: Ethernet header cut short"),
    # inner Ethernet whole (64), 16 of the inner IPv4 header's 20
    (80, "vxlan inner packet: IPv4 header cut short"),
    # inner IPv4 whole (84), 12 of the inner TCP header's 20 (the reviewer's c_snap96)
    (96, "vxlan inner packet: TCP header cut short"),
])
def test_a_cut_vxlan_packet_is_a_problem_naming_each_packet(engine: str, snaplen: int, reason: str) -> None:
    flows, problems = _read(_snapped([_vxlan(42), _vxlan(42)], snaplen), engine)
    assert flows == [(17, 4789, ())]  # the outer flow is kept
    label = "(vxlan 1.1.1.1:12345 -> 2.2.2.2:4789)"
    assert problems == [(1, f"{reason} {label}"), (2, f"{reason} {label}")]  # packets count from 1


@pytest.mark.parametrize("engine", ENGINES)
def test_the_same_capture_uncut_gives_the_inner_flow_and_no_problem(engine: str) -> None:
    flows, problems = _read(_snapped([_vxlan(42)], 65535), engine)
    assert flows == [(17, 4789, ()), (6, 443, ("vxlan 1.1.1.1:12345 -> 2.2.2.2:4789",))]
    assert problems == []


@pytest.mark.parametrize("engine", ENGINES)
def test_a_payload_on_the_vxlan_port_without_the_i_flag_is_not_a_tunnel(engine: str) -> None:
    # RFC 7348 5.: the I flag MUST be set for a valid VNI; without it, this is just UDP on 4789
    flows, problems = _read(_snapped([_vxlan(42, flags=0x00)], 65535), engine)
    assert flows == [(17, 4789, ())]
    assert problems == []


@pytest.mark.parametrize("engine", ENGINES)
def test_a_cut_gtp_u_packet_is_a_problem(engine: str) -> None:
    inner = ipv4("172.16.0.1", "172.16.0.2", 17, udp(5000, 53, b"\0" * 12))
    # 42 outer bytes + the 8-byte G-PDU header + 10 of the inner IPv4 header's 20
    flows, problems = _read(_snapped([_gtpu(inner)], 60), engine)
    assert flows == [(17, 2152, ())]
    assert problems == [(1, "gtpu inner packet: IPv4 header cut short (gtpu 10.0.0.1:2152 -> 10.0.0.2:2152 teid 7)")]
    flows, problems = _read(_snapped([_gtpu(inner)], 65535), engine)
    assert (17, 53, ("gtpu 10.0.0.1:2152 -> 10.0.0.2:2152 teid 7",)) in flows and problems == []
