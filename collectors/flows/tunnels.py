"""The tunnels of the packet decoder (collectors.flows.decode): GRE (RFC 2784/2890, its RFC 1701
routing field, ERSPAN, PPTP's enhanced GRE RFC 2637) and the UDP tunnels VXLAN (RFC 7348),
Geneve (RFC 8926), GTP-U (3GPP TS 29.281), Teredo (RFC 4380) and AYIYA, read by
:class:`TunnelReaders`, a mixin of collectors.flows.decode.Decoder: each hands its inner packet
back to the Decoder's readers with the tunnel recorded.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from typing import TYPE_CHECKING

from govsoc.collectors.flows.hits import VNET_KINDS, Hit, Undecodable, _Reader, vnet_code
from govsoc.collectors.flows.segments import Entry


def _gre_routing(p: bytes, here: int, end: int, label: str) -> int:
    """RFC 1701's Routing field at ``here`` (the R bit set): Source Route Entries (address
    family, SRE offset, SRE length, routing information) up to the one of address family 0 and
    length 0; returns where the payload starts. An entry that runs past the captured bytes is
    the header cut short (tcpdump's gre-heapoverflow-2)."""
    while True:
        if here + 4 > end:
            raise Undecodable(f"GRE header cut short: routing entry at byte {here} runs past the captured "
                              f"packet, inner packet lost ({label})")
        family, size = int.from_bytes(p[here:here + 2], "big"), p[here + 3]
        here += 4 + size
        if family == 0 and size == 0:
            return here
        if here > end:
            raise Undecodable(f"GRE header cut short: a {size}-byte routing entry runs past the captured "
                              f"packet, inner packet lost ({label})")


def teredo_payload(p: bytes, at: int, end: int) -> bool:
    """Whether a UDP payload is a bare IPv6 packet to or from a Teredo address (2001:0::/32) whose
    length fills the datagram: Teredo on a port other than 3544."""
    if end - at < 40 or p[at] >> 4 != 6:
        return False
    if int.from_bytes(p[at + 4:at + 6], "big") + 40 != end - at:
        return False
    return p[at + 8:at + 12] == b"\x20\x01\x00\x00" or p[at + 24:at + 28] == b"\x20\x01\x00\x00"


def _address(raw: bytes) -> str:
    """Text form of a 4- or 16-byte address."""
    import ipaddress

    return str(ipaddress.ip_address(raw))


class TunnelReaders:
    """The tunnel readers of collectors.flows.decode.Decoder, a mixin of it (see the module
    docstring); the Decoder's own readers and state they use are declared for the type checker."""

    if TYPE_CHECKING:
        _vnet: int
        _context: tuple[Entry, ...]
        _ethernet: _Reader
        _ppp: _Reader
        _by_version: _Reader
        _ipv6_at: _Reader
        _ethertype: Callable[[bytes, int, int, list[Hit], tuple[int, ...], tuple[str, ...]], None]

    # -- tunnels -------------------------------------------------------------------------------
    def _gre(self, p: bytes, at: int, end: int, src: bytes, dst: bytes, hits: list[Hit], vlan: tuple[int, ...],
             tunnel: tuple[str, ...]) -> None:
        flags, protocol = struct.unpack_from("!HH", p, at)
        version = flags & 7
        here = at + 4
        label = f"gre {_address(src)} -> {_address(dst)}"
        if version == 0:
            here += 4 * (bool(flags & 0x8000) or bool(flags & 0x4000)) + 4 * bool(flags & 0x2000) \
                + 4 * bool(flags & 0x1000)
            if flags & 0x4000:
                here = _gre_routing(p, here, end, label)
        elif version == 1:  # PPTP's enhanced GRE (RFC 2637): key always, sequence and ack optional
            here += 4 + 4 * bool(flags & 0x1000) + 4 * bool(flags & 0x0080)
            if protocol == 0x880B:
                if here < end:
                    self._ppp(p[:end], here, hits, vlan, (*tunnel, label))
                return
        else:
            raise Undecodable(f"GRE version {version}")
        inner = (*tunnel, label)
        if protocol == 0x6558:
            self._ethernet(p[:end], here, hits, vlan, inner)
        elif protocol == 0x88BE:  # ERSPAN type II: 8-byte header (type I has none when S is clear)
            self._ethernet(p[:end], here + (8 if flags & 0x1000 else 0), hits, vlan, (*tunnel, "erspan"))
        elif protocol == 0x22EB:  # ERSPAN type III: 12 bytes, 8 more when the O bit says so
            optional = 8 if p[here + 11] & 1 else 0
            self._ethernet(p[:end], here + 12 + optional, hits, vlan, (*tunnel, "erspan"))
        elif protocol in (0x0800, 0x86DD):
            if here >= end:
                raise Undecodable(f"GRE header cut short: inner packet lost ({label})")
            self._ethertype(p[:end], here, protocol, hits, vlan, inner)
        else:  # Zeek's weird unknown_gre_protocol: a tunnel not opened may hide flows
            raise Undecodable(f"GRE protocol type 0x{protocol:04x} not read: its inner packet is counted in no "
                              f"flow ({label})")

    def _udp_tunnel(self, kind: str, p: bytes, at: int, end: int, cut: bool, hits: list[Hit], vlan: tuple[int, ...],
                    tunnel: tuple[str, ...], src: bytes, dst: bytes) -> None:
        """The packet inside a UDP tunnel's header at ``at``. A port is only a hint: a payload
        whose header is not the tunnel's leaves the outer flow alone, silently. But a header that
        is the tunnel's (VXLAN's I flag, Geneve version 0, a GTP-U G-PDU...) whose inner packet
        cannot be read, or a header the capture cut (``cut``: fewer bytes captured than the
        datagram holds, a snap length), is a problem naming the packet, as Zeek's weird.log
        truncated_header: the inner flow is missing and the operator is told why."""
        q = p[:end]
        try:
            found = self._tunnel_header(kind, q, at, end)
        except (struct.error, IndexError):
            if cut:
                raise Undecodable(f"{kind} header cut short by the capture (snap length); inner packet lost "
                                  f"({tunnel[-1]})") from None
            return
        if found is None:
            return
        reader, inner = found
        outer, context = self._vnet, self._context
        if kind in VNET_KINDS:  # VXLAN (RFC 7348 5.) and Geneve (RFC 8926 3.4): the VNI is bytes 4-6
            vni = int.from_bytes(q[at + 4:at + 7], "big")
            self._vnet = vnet_code(outer, kind, vni)
            self._context = (*context, (kind, *sorted((src, dst)), vni))  # the VTEPs, either way round
        elif kind == "gtpu":  # TS 29.281 5.1: the TEID names the receiver's end (collectors.flows.segments)
            self._context = (*context, ("gtpu", src, dst, int.from_bytes(q[at + 4:at + 8], "big")))
        try:
            reader(q, inner, hits, vlan, tunnel)
        except Undecodable as e:
            raise Undecodable(f"{kind} inner packet: {e} ({tunnel[-1]})") from None
        except (struct.error, IndexError):
            raise Undecodable(f"{kind} inner packet: header cut short ({tunnel[-1]})") from None
        finally:
            self._vnet, self._context = outer, context

    def _tunnel_header(self, kind: str, q: bytes, at: int, end: int) -> tuple[_Reader, int] | None:
        """(the reader of the inner packet, where it starts) when the bytes at ``at`` are the
        ``kind`` tunnel's header, None when they are not; IndexError when they stop too soon."""
        if kind in ("vxlan", "geneve", "ayiya") and end - at < 8:
            raise IndexError(kind)
        if kind == "vxlan":  # RFC 7348 5.: flags with I set, 24 reserved bits, VNI, reserved
            return (self._ethernet, at + 8) if q[at] & 0x08 else None
        if kind == "geneve":  # RFC 8926 3.4: version 0, option length in 4-byte words, protocol type
            if q[at] >> 6:
                return None
            protocol, inner = struct.unpack_from("!H", q, at + 2)[0], at + 8 + (q[at] & 0x3F) * 4
            if inner > end:
                raise IndexError(kind)
            if protocol == 0x6558:  # an Ethernet frame (Transparent Ethernet Bridging), as OVN and NSX send
                return self._ethernet, inner
            return (lambda b, i, h, v, t: self._ethertype(b, i, protocol, h, v, t)), inner
        if kind == "gtpu":
            return self._gtpu(q, at)
        if kind == "teredo":
            return self._teredo(q, at)
        if q[at + 2] & 0x0F != 1:  # AYIYA: only "forward" (opcode 1) carries a packet
            return None
        header = 8 + (1 << (q[at] >> 4)) + (q[at + 1] >> 4) * 4  # identity 2^n bytes, signature 4n bytes
        if header >= end - at:
            raise IndexError(kind)
        return self._by_version, at + header

    def _gtpu(self, p: bytes, at: int) -> tuple[_Reader, int] | None:
        """3GPP TS 29.281 5.1: a GTPv1 G-PDU's header, with its extension headers walked over."""
        flags, message = p[at], p[at + 1]
        if flags >> 5 != 1 or message != 0xFF:  # GTPv1 G-PDU only
            return None
        here = at + 8
        if flags & 0x07:
            next_extension = p[here + 3]
            here += 4
            while next_extension:
                length = p[here] * 4
                if not length:
                    return None
                next_extension = p[here + length - 1]
                here += length
        p[here]  # noqa: B018 - the inner packet's first byte must be there (IndexError: cut)
        return self._by_version, here

    def _teredo(self, p: bytes, at: int) -> tuple[_Reader, int] | None:
        """RFC 4380 5.1.1: authentication and origin indications, then an IPv6 packet."""
        here = at
        if p[here:here + 2] == b"\x00\x01":  # authentication indicator
            here += 13 + p[here + 2] + p[here + 3]
        if p[here:here + 2] == b"\x00\x00":  # origin indication
            here += 8
        if p[here] >> 4 != 6:
            return None
        if len(p) < here + 40:
            raise IndexError("teredo")
        return self._ipv6_at, here
