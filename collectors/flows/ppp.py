"""PPP control packets met by the packet decoder (collectors.flows.decode): they carry no IP and
go into no flow, but their lengths are checked so that damage is reported (LCP, IPCP, IPV6CP
Configure options, RFC 1661 5.-6., 1332, 5072; PAP, RFC 1334 2.2).
"""

from __future__ import annotations

from govsoc.collectors.flows.hits import Undecodable

#: PPP control protocols whose Configure packets carry options (RFC 1661 5.1-5.4, 1332, 5072).
PPP_CONTROL = {0xC021: "LCP", 0x8021: "IPCP", 0x8057: "IPV6CP"}


#: PPP's Password Authentication Protocol (RFC 1334 2.2).
PPP_PAP = 0xC023


def _ppp_pap(p: bytes, at: int) -> None:
    """A PAP packet's lengths, checked as _ppp_options checks the control protocols' (tcpdump's
    truncated-aack): an Authenticate-Request holds its Peer-ID and Password, each after a length
    byte, and an Authenticate-Ack/Nak its Message after Msg-Length, within the packet's Length
    (RFC 1334 2.2.1, 2.2.2). Only captured bytes are read."""
    if len(p) < at + 4:
        return
    code, length = p[at], int.from_bytes(p[at + 2:at + 4], "big")
    if code not in (1, 2, 3):
        return
    here, fields = at + 4, 2 if code == 1 else 1
    for _ in range(fields):
        if here >= at + length:
            raise Undecodable(f"PPP PAP length: a {length}-byte packet (code {code}) ends before its "
                              f"{'Peer-ID or Password' if code == 1 else 'Msg-Length'} field")
        if here >= len(p):
            return
        here += 1 + p[here]
        if here > at + length:
            raise Undecodable(f"PPP PAP length: a field runs to byte {here - at}, past the packet's Length {length} "
                              f"(code {code})")


def _ppp_options(name: str, p: bytes, at: int) -> None:
    """A PPP control packet at ``at`` carries no IP and goes into no flow, but its own lengths are
    checked so that damage is reported, not passed over (tcpdump's ppp-invalid-lengths): the
    Length field covers at least the 4-byte header, and each option of a Configure packet (codes
    1-4) holds its 2-byte type and length and ends within Length (RFC 1661 5., 6.). Only the
    captured bytes are walked: a packet cut by the snap length is not damaged."""
    if len(p) < at + 4:
        return
    code, length = p[at], int.from_bytes(p[at + 2:at + 4], "big")
    if length < 4:
        raise Undecodable(f"PPP {name} length: {length}, under its 4-byte header")
    if code not in (1, 2, 3, 4):
        return
    here, stop = at + 4, min(len(p), at + length)
    while here + 2 <= stop:
        kind, size = p[here], p[here + 1]
        if size < 2 or here + size > at + length:
            where = "under 2 bytes" if size < 2 else f"runs past the packet's Length {length}"
            raise Undecodable(f"PPP {name} option length: option {kind} of {size} bytes at byte {here - at} "
                              f"(code {code}) {where}")
        here += size
