"""Packet decoding, one packet at a time: link layer, VLAN/QinQ, MPLS, PPPoE, IPv4/IPv6 (with
extension headers and fragments), TCP/UDP/ICMP, and the tunnels GRE (with ERSPAN and PPTP),
IP-in-IP, VXLAN, Geneve, GTP-U, Teredo and AYIYA, whose inner packets are decoded in turn with
the tunnel recorded (RFC 791, 8200, 9293, 768, 792/4443, 2784/2890/2637, 7348, 8926, 3GPP TS
29.281, RFC 4380).

The result is a list of :data:`Hit` tuples, one per IP packet met from the outside in (a VXLAN
packet hits its outer UDP flow, then its inner flow), as Zeek counts them. Formats are tables:
link types, EtherTypes and UDP tunnel ports map to the function that reads the next layer. This
is the slow path: collectors.flows.batch reads the common case for whole chunks at once and
hands everything else here, so both give the same hits.

This module holds the Decoder's link layers and IP; its tunnels are collectors.flows.tunnels (a
mixin), the Hit it yields collectors.flows.hits, PPP control packets collectors.flows.ppp.
"""

from __future__ import annotations

import struct
from collections.abc import Callable

from govsoc.collectors.flows.fragments import Reassembler
from govsoc.collectors.flows.hits import Hit as Hit
from govsoc.collectors.flows.hits import Undecodable
from govsoc.collectors.flows.hits import vnet_code as vnet_code
from govsoc.collectors.flows.hits import vnis as vnis
from govsoc.collectors.flows.pcap import Problems
from govsoc.collectors.flows.ppp import PPP_CONTROL, PPP_PAP, _ppp_options, _ppp_pap
from govsoc.collectors.flows.segments import Entry, Segments, vlan_code
from govsoc.collectors.flows.tunnels import TunnelReaders, _address, teredo_payload

#: TCP's and UDP's IANA protocol numbers, and the ones read further.
TCP, UDP, ICMP, ICMP6, GRE, IPIP, IPV6_IN_IP, SCTP = 6, 17, 1, 58, 47, 4, 41, 132
#: IPv6 extension headers walked over to the transport (RFC 8200 4.; AH RFC 4302; mobility 6275).
IPV6_EXTENSIONS = {0, 43, 60, 135, 139, 140}
IPV6_FRAGMENT, IPV6_AH = 44, 51
#: ICMP message type -> the type of its answer (Zeek pairs requests and replies as one flow).
ICMP4_COUNTERPART = {8: 0, 0: 8, 13: 14, 14: 13, 15: 16, 16: 15, 17: 18, 18: 17, 10: 9, 9: 10}
ICMP6_COUNTERPART = {128: 129, 129: 128, 133: 134, 134: 133, 135: 136, 136: 135, 130: 131, 131: 130}
#: UDP destination (or source) port -> tunnel reader.
UDP_TUNNEL_PORTS = {4789: "vxlan", 6081: "geneve", 2152: "gtpu", 3544: "teredo", 5072: "ayiya"}


class Decoder(TunnelReaders):
    """Decodes packets of any supported link type into hits; counts what it met."""

    def __init__(self, problems: Problems | None = None) -> None:
        self.problems = problems if problems is not None else Problems()
        self.fragments = 0
        self.not_ip = 0
        #: IPv4/IPv6 fragments held until their datagram is whole (collectors.flows.fragments)
        self.reassembler = Reassembler(self.problems)
        #: the packet being decoded: number, byte offset in the file, time (ns); the virtual
        #: network (VXLAN/Geneve VNIs) of the layer being read
        self._number = self._offset = self._ts = self._vnet = 0
        self._whole = False
        #: the tunnel levels (collectors.flows.segments Entry) around the layer being read, and
        #: the GTP-U bearer pairing those levels are resolved with
        self._context: tuple[Entry, ...] = ()
        self.segments = Segments()
        self.linktypes: dict[int, Callable[[bytes, int, list[Hit], tuple[int, ...], tuple[str, ...]], None]] = {
            1: self._ethernet, 101: self._raw, 12: self._raw, 14: self._raw, 228: self._ipv4_at, 229: self._ipv6_at,
            113: self._sll, 276: self._sll2, 0: self._null, 108: self._loop, 9: self._ppp, 50: self._ppp,
        }

    def decode(self, linktype: int, packet: bytes, number: int = 0, offset: int = 0, ts: int = 0, *,
               whole: bool = False) -> list[Hit]:
        """The hits of one packet seen at ``ts`` (ns; empty for a packet that carries no IP, such
        as ARP, or an IP fragment whose datagram is not whole yet: the fragment that completes it
        gives the datagram's hits). A packet that cannot be read is counted in ``problems`` with
        its number and the reason; the hits of its outer layers, read before the damage, are kept.
        ``whole``: the capture kept the frame whole (captured length = original length), so an
        IP length over it is damage, reported with the packet kept, not the snap length's cut."""
        hits: list[Hit] = []
        self._number, self._offset, self._ts, self._vnet, self._context = number, offset, ts, 0, ()
        self._whole = whole
        if self.reassembler.held:
            self.reassembler.expire(ts)
        reader = self.linktypes.get(linktype)
        if reader is None:
            self.problems.add(number, offset, f"link type {linktype} not supported", f"link type {linktype}")
            return hits
        try:
            reader(packet, 0, hits, (), ())
        except Undecodable as e:
            self.problems.add(number, offset, str(e), str(e).split(":")[0])
        except (struct.error, IndexError):
            self.problems.add(number, offset, "header cut short", "header cut short")
        return hits

    def finish(self) -> None:
        """The end of the capture: fragments of datagrams never made whole are reported."""
        self.reassembler.finish()

    # -- link layers ---------------------------------------------------------------------------
    def _ethernet(self, p: bytes, at: int, hits: list[Hit], vlan: tuple[int, ...], tunnel: tuple[str, ...]) -> None:
        if len(p) < at + 14:
            raise Undecodable("Ethernet header cut short")
        self._ethertype(p, at + 14, struct.unpack_from("!H", p, at + 12)[0], hits, vlan, tunnel)

    def _ethertype(self, p: bytes, at: int, ethertype: int, hits: list[Hit], vlan: tuple[int, ...],
                   tunnel: tuple[str, ...]) -> None:
        while ethertype in (0x8100, 0x88A8, 0x9100):
            tci, ethertype = struct.unpack_from("!HH", p, at)
            vlan = (*vlan, tci & 0xFFF)
            at += 4
        if ethertype == 0x0800:
            self._ipv4(p, at, hits, vlan, tunnel)
        elif ethertype == 0x86DD:
            self._ipv6(p, at, hits, vlan, tunnel)
        elif ethertype in (0x8847, 0x8848):  # MPLS: labels to the bottom of the stack, then IP by version
            while not p[at + 2] & 1:
                at += 4
            self._by_version(p, at + 4, hits, vlan, tunnel)
        elif ethertype == 0x8864:  # PPPoE session: 6-byte header, then a PPP protocol number
            self._ppp_protocol(p, at + 8, struct.unpack_from("!H", p, at + 6)[0], hits, vlan, tunnel)
        elif ethertype == 0x88E7:  # 802.1ah PBB: I-TAG, then the customer's Ethernet frame
            self._ethernet(p, at + 4, hits, vlan, tunnel)
        else:
            self.not_ip += 1

    def _raw(self, p: bytes, at: int, hits: list[Hit], vlan: tuple[int, ...], tunnel: tuple[str, ...]) -> None:
        self._by_version(p, at, hits, vlan, tunnel)

    def _by_version(self, p: bytes, at: int, hits: list[Hit], vlan: tuple[int, ...], tunnel: tuple[str, ...]) -> None:
        version = p[at] >> 4
        if version == 4:
            self._ipv4(p, at, hits, vlan, tunnel)
        elif version == 6:
            self._ipv6(p, at, hits, vlan, tunnel)
        else:
            raise Undecodable(f"IP version {version}: not IPv4 or IPv6")

    def _ipv4_at(self, p: bytes, at: int, hits: list[Hit], vlan: tuple[int, ...], tunnel: tuple[str, ...]) -> None:
        self._ipv4(p, at, hits, vlan, tunnel)

    def _ipv6_at(self, p: bytes, at: int, hits: list[Hit], vlan: tuple[int, ...], tunnel: tuple[str, ...]) -> None:
        self._ipv6(p, at, hits, vlan, tunnel)

    def _sll(self, p: bytes, at: int, hits: list[Hit], vlan: tuple[int, ...], tunnel: tuple[str, ...]) -> None:
        self._ethertype(p, at + 16, struct.unpack_from("!H", p, at + 14)[0], hits, vlan, tunnel)

    def _sll2(self, p: bytes, at: int, hits: list[Hit], vlan: tuple[int, ...], tunnel: tuple[str, ...]) -> None:
        self._ethertype(p, at + 20, struct.unpack_from("!H", p, at)[0], hits, vlan, tunnel)

    def _null(self, p: bytes, at: int, hits: list[Hit], vlan: tuple[int, ...], tunnel: tuple[str, ...]) -> None:
        family = struct.unpack_from("<I", p, at)[0]
        if family > 0xFFFF:  # written in the other byte order
            family = struct.unpack_from(">I", p, at)[0]
        self._family(p, at + 4, family, hits, vlan, tunnel)

    def _loop(self, p: bytes, at: int, hits: list[Hit], vlan: tuple[int, ...], tunnel: tuple[str, ...]) -> None:
        self._family(p, at + 4, struct.unpack_from(">I", p, at)[0], hits, vlan, tunnel)

    def _family(self, p: bytes, at: int, family: int, hits: list[Hit], vlan: tuple[int, ...],
                tunnel: tuple[str, ...]) -> None:
        if family == 2:
            self._ipv4(p, at, hits, vlan, tunnel)
        elif family in (10, 24, 28, 30):  # AF_INET6 on Linux, NetBSD/OpenBSD, FreeBSD, macOS
            self._ipv6(p, at, hits, vlan, tunnel)
        else:
            self.not_ip += 1

    def _ppp(self, p: bytes, at: int, hits: list[Hit], vlan: tuple[int, ...], tunnel: tuple[str, ...]) -> None:
        if p[at:at + 2] == b"\xff\x03":
            at += 2
        if p[at] & 1:  # protocol field compressed to one byte
            self._ppp_protocol(p, at + 1, p[at], hits, vlan, tunnel)
        else:
            self._ppp_protocol(p, at + 2, struct.unpack_from("!H", p, at)[0], hits, vlan, tunnel)

    def _ppp_protocol(self, p: bytes, at: int, protocol: int, hits: list[Hit], vlan: tuple[int, ...],
                      tunnel: tuple[str, ...]) -> None:
        if protocol == 0x0021:
            self._ipv4(p, at, hits, vlan, tunnel)
        elif protocol == 0x0057:
            self._ipv6(p, at, hits, vlan, tunnel)
        else:
            self.not_ip += 1
            if protocol in PPP_CONTROL:
                _ppp_options(PPP_CONTROL[protocol], p, at)
            elif protocol == PPP_PAP:
                _ppp_pap(p, at)

    # -- IP ------------------------------------------------------------------------------------
    def _ipv4(self, p: bytes, at: int, hits: list[Hit], vlan: tuple[int, ...], tunnel: tuple[str, ...]) -> None:
        if len(p) < at + 20:
            raise Undecodable("IPv4 header cut short")
        first, total, ident, fragment, proto = p[at], *struct.unpack_from("!HHH", p, at + 2), p[at + 9]
        header = (first & 0x0F) * 4
        if first >> 4 != 4:
            raise Undecodable(f"IPv4 header: version {first >> 4}")
        if header < 20:
            raise Undecodable(f"IPv4 header length: {header} bytes, under 20")
        if total == 0:  # segmentation offload: the capture shows the length
            total = len(p) - at
        if total < header:
            raise Undecodable(f"IPv4 total length: {total} under its header length {header}")
        if len(p) < at + header:
            raise Undecodable("IPv4 options cut short")
        src, dst = p[at + 12:at + 16], p[at + 16:at + 20]
        end = min(len(p), at + total)
        if self._whole and at + total > len(p):
            self._over_frame("IPv4 total length", total, len(p) - at)
        offset, more = fragment & 0x1FFF, fragment & 0x2000
        if offset or more:  # RFC 791 3.2: held until the datagram is whole, then decoded as one packet
            self.fragments += 1
            datagram = self.reassembler.add(
                (src, dst, ident, proto, vlan, tunnel, self._vnet), 4, self._number, self._offset, self._ts, offset * 8,
                total - header, p[at + header:end], bool(more), None if offset else p[at:at + header], ip_bytes=total)
            if datagram is not None and datagram.header is not None:
                whole = bytearray(datagram.header)
                if len(whole) + datagram.length > 0xFFFF:
                    raise Undecodable(f"IPv4 fragments: reassembled datagram of {len(whole) + datagram.length} "
                                      f"bytes, over 65,535: dropped ({self.reassembler.lost(datagram)})")
                whole[2:4] = (len(whole) + datagram.length).to_bytes(2, "big")
                whole[6:8] = b"\0\0"  # flags and fragment offset
                self._ipv4(bytes(whole) + datagram.data(), 0, hits, vlan, tunnel)
            return
        self._transport(p, at + header, end, proto, src, dst, total, total - header, hits, vlan, tunnel)

    def _ipv6(self, p: bytes, at: int, hits: list[Hit], vlan: tuple[int, ...], tunnel: tuple[str, ...]) -> None:
        if len(p) < at + 40:
            raise Undecodable("IPv6 header cut short")
        if p[at] >> 4 != 6:
            raise Undecodable(f"IPv6 header: version {p[at] >> 4}")
        payload_length, proto = struct.unpack_from("!HB", p, at + 4)
        src, dst = p[at + 8:at + 24], p[at + 24:at + 40]
        total = payload_length + 40 if payload_length else len(p) - at  # 0: a jumbogram or offload
        end = min(len(p), at + total)
        if self._whole and at + total > len(p):
            self._over_frame("IPv6 payload length", payload_length, len(p) - at - 40)
        here, next_at = at + 40, at + 6  # next_at: the byte that names the header at ``here``
        while proto in IPV6_EXTENSIONS or proto in (IPV6_FRAGMENT, IPV6_AH):
            if here + 8 > end:
                raise Undecodable("IPv6 extension header cut short")
            following = p[here]
            if proto == IPV6_FRAGMENT:
                fragment, ident = struct.unpack_from("!HI", p, here + 2)
                if fragment & 0xFFF9:  # not an atomic fragment (RFC 6946: those are read whole)
                    self.fragments += 1
                    self._fragment6(p, at, here, next_at, end, total, fragment, ident, hits, vlan, tunnel)
                    return
                next_at = here
                here += 8
            elif proto == IPV6_AH:
                next_at = here
                here += (p[here + 1] + 2) * 4
            else:
                next_at = here
                here += (p[here + 1] + 1) * 8
            proto = following
        if here > end:
            raise Undecodable("IPv6 extension header runs past the packet")
        self._transport(p, here, end, proto, src, dst, total, total - (here - at), hits, vlan, tunnel)

    def _fragment6(self, p: bytes, at: int, here: int, next_at: int, end: int, total: int, fragment: int, ident: int,
                   hits: list[Hit], vlan: tuple[int, ...], tunnel: tuple[str, ...]) -> None:
        """RFC 8200 4.5: the fragment whose Fragment header is at ``here`` is held; the one that
        completes its datagram gives the packet back: the first fragment's unfragmentable part
        (its Next Header byte at ``next_at`` now naming the fragmentable part's first header),
        then the data, without the Fragment header, as Zeek rebuilds it."""
        offset, more = fragment & 0xFFF8, fragment & 1
        header = None
        if not offset:
            head = bytearray(p[at:here])
            head[next_at - at] = p[here]
            header = bytes(head)
        key = (p[at + 8:at + 24], p[at + 24:at + 40], ident, vlan, tunnel, self._vnet)
        datagram = self.reassembler.add(key, 6, self._number, self._offset, self._ts, offset,
                                        at + total - here - 8, p[here + 8:end], bool(more), header, ip_bytes=total)
        if datagram is not None and datagram.header is not None:
            whole = bytearray(datagram.header)
            if len(whole) - 40 + datagram.length > 0xFFFF:
                raise Undecodable(f"IPv6 fragments: reassembled payload of {len(whole) - 40 + datagram.length} bytes, "
                                  f"over 65,535: dropped ({self.reassembler.lost(datagram)})")
            whole[4:6] = (len(whole) - 40 + datagram.length).to_bytes(2, "big")
            self._ipv6(bytes(whole) + datagram.data(), 0, hits, vlan, tunnel)

    def _transport(self, p: bytes, at: int, end: int, proto: int, src: bytes, dst: bytes, total: int,
                   ip_payload: int, hits: list[Hit], vlan: tuple[int, ...], tunnel: tuple[str, ...]) -> None:
        """The transport header at ``at``; ``end`` is where the IP packet's captured bytes stop,
        ``total`` its length on the wire and ``ip_payload`` the part after the IP headers."""
        if proto == TCP:
            if end - at < 20:
                raise Undecodable("TCP header cut short")
            sport, dport, seq, ack, offset_flags, window = struct.unpack_from("!HHIIHH", p, at)
            header = (offset_flags >> 12) * 4
            if header < 20:
                raise Undecodable(f"TCP header length: {header} bytes, under 20")
            payload = ip_payload - header
            if payload < 0:
                raise Undecodable(f"TCP header length: {header} bytes, over the IP payload {ip_payload}")
            hits.append(Hit(TCP, src, sport, dst, dport, total, payload, offset_flags & 0x1FF, seq, ack, window,
                            p[at + header:end], vlan, tunnel, self._vnet, self._seg(vlan, TCP, src, sport, dst, dport)))
        elif proto == UDP:
            if end - at < 8:
                raise Undecodable("UDP header cut short")
            sport, dport = struct.unpack_from("!HH", p, at)
            payload = ip_payload - 8
            if payload < 0:
                raise Undecodable("UDP: IP payload under 8 bytes")
            data = p[at + 8:end]
            hits.append(Hit(UDP, src, sport, dst, dport, total, payload, 0, 0, 0, 0, data, vlan, tunnel, self._vnet,
                            self._seg(vlan, UDP, src, sport, dst, dport)))
            kind = UDP_TUNNEL_PORTS.get(dport) or UDP_TUNNEL_PORTS.get(sport)
            if kind is None and teredo_payload(p, at + 8, end):
                kind = "teredo"  # relays use any port: known by the IPv6 packet inside (RFC 4380 4.)
            if kind is not None:
                label = f"{kind} {_address(src)}:{sport} -> {_address(dst)}:{dport}"
                if kind == "gtpu" and end - at >= 16:  # TS 29.281 5.1: the receiving end's TEID, octets 5-8
                    label += f" teid {int.from_bytes(p[at + 12:at + 16], 'big')}"
                self._udp_tunnel(kind, p, at + 8, end, end < at + ip_payload, hits, vlan, (*tunnel, label), src, dst)
        elif proto in (ICMP, ICMP6):
            if end - at < 4:
                raise Undecodable("ICMP header cut short")
            icmp_type, code = p[at], p[at + 1]
            counterparts = ICMP4_COUNTERPART if proto == ICMP else ICMP6_COUNTERPART
            answer = counterparts.get(icmp_type)
            reply = code if answer is None else answer
            seg = self._seg(vlan, proto, src, icmp_type, dst, reply)
            hits.append(Hit(proto, src, icmp_type, dst, reply, total, max(0, ip_payload - 8), 0, 0, 0, 0,
                            p[at + 8:end], vlan, tunnel, self._vnet, seg))
        elif proto == SCTP:  # the common header's ports (RFC 9260 3.1), as Community ID hashes them;
            # no payload count, as for other protocols whose payload is not read (Zeek's orig_bytes 0)
            if end - at < 12:
                raise Undecodable("SCTP common header cut short")
            sport, dport = struct.unpack_from("!HH", p, at)
            hits.append(Hit(SCTP, src, sport, dst, dport, total, 0, 0, 0, 0, 0, b"", vlan, tunnel, self._vnet,
                            self._seg(vlan, SCTP, src, sport, dst, dport)))
        elif proto == GRE:
            self._gre(p, at, end, src, dst, hits, vlan, tunnel)
            return
        elif proto in (IPIP, IPV6_IN_IP):
            label = f"ip-in-ip {_address(src)} -> {_address(dst)}"
            if proto == IPIP:
                self._ipv4(p[:end], at, hits, vlan, (*tunnel, label))
            else:
                self._ipv6(p[:end], at, hits, vlan, (*tunnel, label))
            return
        else:
            hits.append(Hit(proto, src, 0, dst, 0, total, 0, 0, 0, 0, 0, b"", vlan, tunnel, self._vnet,
                            self._seg(vlan, proto, src, 0, dst, 0)))

    def _over_frame(self, field: str, length: int, held: int) -> None:
        """An IP length over the bytes of a frame the capture kept whole (tcpdump's
        ipv4_invalid_total_length; tshark: "exceeds packet length", Zeek: truncated_IP): a
        problem naming the packet; the packet is still counted, by the length it states."""
        self.problems.add(self._number, self._offset, f"{field} {length} over the {held} bytes the frame holds "
                          "(the capture did not cut it): counted as stated", "IP length over the frame")

    def _seg(self, vlan: tuple[int, ...], proto: int, src: bytes, sport: int, dst: bytes, dport: int) -> int:
        """The segment word of a hit's flow key (collectors.flows.segments)."""
        if not self._context:
            if len(vlan) <= 2:
                return vlan_code(vlan)  # what the compiled kernel computes for the packets it reads
            return self.segments.code(vlan, (), proto, src, sport, dst, dport)
        return self.segments.code(vlan, self._context, proto, src, sport, dst, dport)
