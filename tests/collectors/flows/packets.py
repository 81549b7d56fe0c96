"""Building test captures byte by byte from the header layouts of RFC 791, 9293, 768 and the
pcap/pcapng drafts, so tests know every length and flag they put in."""

from __future__ import annotations

import socket
import struct


def ipv4(src: str, dst: str, proto: int, payload: bytes, *, ihl: int = 5, total: int | None = None) -> bytes:
    """An IPv4 packet (no checksum: nothing here verifies it)."""
    length = ihl * 4 + len(payload) if total is None else total
    header = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, length, 1, 0, 64, proto, 0, socket.inet_aton(src),
                         socket.inet_aton(dst))
    return header + b"\0" * (ihl * 4 - 20 if ihl >= 5 else 0) + payload


def tcp(sport: int, dport: int, seq: int, ack: int, flags: str, data: bytes = b"", *, offset: int = 5) -> bytes:
    """A TCP segment; ``flags`` from the letters S A F R P."""
    bits = sum({"F": 1, "S": 2, "R": 4, "P": 8, "A": 16}[f] for f in flags)
    return struct.pack("!HHIIBBHHH", sport, dport, seq, ack, offset << 4, bits, 65535, 0, 0) + data


def udp(sport: int, dport: int, data: bytes) -> bytes:
    """A UDP datagram."""
    return struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data


def ethernet(payload: bytes, ethertype: int = 0x0800, vlans: tuple[int, ...] = ()) -> bytes:
    """An Ethernet frame, with 802.1Q tags for ``vlans``."""
    out = b"\x00\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa\xbb"
    for vid in vlans:
        out += struct.pack("!HH", 0x8100, vid)
    return out + struct.pack("!H", ethertype) + payload


def pcap(packets: list[tuple[float, bytes]] | list[tuple[float, bytes, int]], *, order: str = "<",
         nanos: bool = False, linktype: int = 1, snaplen: int = 65535) -> bytes:
    """A pcap file of (time in seconds, frame) records, or (time, frame, original length) for a
    frame the capture cut (its snap length): the record's orig_len is that length."""
    magic = 0xA1B23C4D if nanos else 0xA1B2C3D4
    out = [struct.pack(order + "IHHiIII", magic, 2, 4, 0, 0, snaplen, linktype)]
    for when, frame, *original in packets:
        seconds = int(when)
        fraction = round((when - seconds) * (1e9 if nanos else 1e6))
        out.append(struct.pack(order + "IIII", seconds, fraction, len(frame), *(original or [len(frame)])) + frame)
    return b"".join(out)


def pcapng(interfaces: list[tuple[int, int]], packets: list[tuple[int, int, bytes]], order: str = "<") -> bytes:
    """A pcapng file: ``interfaces`` as (link type, if_tsresol), ``packets`` as (interface,
    timestamp in that interface's units, frame) Enhanced Packet Blocks."""
    def block(kind: int, body: bytes) -> bytes:
        body += b"\0" * (-len(body) % 4)
        return struct.pack(order + "II", kind, len(body) + 12) + body + struct.pack(order + "I", len(body) + 12)

    out = block(0x0A0D0D0A, struct.pack(order + "IHHq", 0x1A2B3C4D, 1, 0, -1))
    for linktype, resolution in interfaces:
        options = struct.pack(order + "HH", 9, 1) + bytes([resolution]) + b"\0\0\0" + struct.pack(order + "HH", 0, 0)
        out += block(1, struct.pack(order + "HHI", linktype, 0, 0) + options)
    for interface, stamp, frame in packets:
        out += block(6, struct.pack(order + "IIIII", interface, stamp >> 32, stamp & 0xFFFFFFFF, len(frame),
                                    len(frame)) + frame)
    return out
