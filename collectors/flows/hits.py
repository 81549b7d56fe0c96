"""What the packet decoder (collectors.flows.decode) yields: one :class:`Hit` per IP packet met,
the virtual network code a hit carries (VXLAN RFC 7348, Geneve RFC 8926 VNIs: :func:`vnet_code`,
:func:`vnis`), the error of a layer that cannot be read, and the shape of a layer's reader.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple


class Hit(NamedTuple):
    """One IP packet's part in a flow. Ports are ICMP type and code for ICMP, 0 for other
    protocols; ``ip_bytes`` is the IP total length, ``payload`` the transport payload length
    (Zeek's counting); ``data`` the captured payload (may be shorter). ``vnet`` is the virtual
    network the packet travelled in (:func:`vnet_code` of its VXLAN or Geneve VNIs, 0 outside
    any), kept for the flow event; ``seg`` the segment code of collectors.flows.segments (VLAN
    stack, VNIs with their tunnel endpoints, GTP-U bearer): the word of the flow key that keeps
    one 5-tuple in two VLANs, VNIs or bearers two flows."""

    proto: int
    src: bytes
    sport: int
    dst: bytes
    dport: int
    ip_bytes: int
    payload: int
    flags: int
    seq: int
    ack: int
    window: int
    data: bytes
    vlan: tuple[int, ...]
    tunnel: tuple[str, ...]
    vnet: int = 0
    seg: int = 0


#: Bits of one VNI in ``Hit.vnet``: the 24-bit VNI and the tunnel kind above it (1 VXLAN, 2 Geneve).
VNET_BITS, VNET_KINDS = 26, {"vxlan": 1, "geneve": 2}
VNET_MASK = (1 << 63) - 1


def vnet_code(outer: int, kind: str, vni: int) -> int:
    """``outer`` (the virtual network so far, 0 for none) entered by a ``kind`` tunnel's VNI:
    two nested levels are kept exactly, deeper ones folded into 63 bits."""
    return ((outer << VNET_BITS) | (VNET_KINDS[kind] << 24) | vni) & VNET_MASK


def vnis(vnet: int) -> list[int]:
    """The VNIs of a ``Hit.vnet``, outermost first."""
    out = []
    while vnet:
        out.append(vnet & 0xFFFFFF)
        vnet >>= VNET_BITS
    return out[::-1]


class Undecodable(Exception):
    """A packet (or a layer of it) that cannot be read; the message says why."""


#: A reader of the packet at an offset: (bytes, offset, hits, VLAN ids, tunnel labels).
_Reader = Callable[[bytes, int, list[Hit], tuple[int, ...], tuple[str, ...]], None]
