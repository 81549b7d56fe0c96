"""Wire bytes for the demo's traffic: a pcap file of whole TCP/UDP conversations (Ethernet, IPv4
with header checksums, TCP with real sequence numbers and checksums, RFC 793/791), the TLS
handshake messages a sensor reads facts from (RFC 5246 ClientHello/ServerHello), DNS queries
(RFC 1035) and NetFlow v9 (RFC 3954) / IPFIX (RFC 7011) export datagrams with their templates.

Formats are written as tables of struct layouts; nothing here is random (the caller's seeded
generator chooses addresses, ports and times).
"""

from __future__ import annotations

import ipaddress
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO

__all__ = ["PcapWriter", "Conversation", "client_hello", "server_hello", "dns_query", "FlowRecord",
           "netflow_v9", "ipfix", "TLS_SUITES"]

PCAP_HEADER = struct.Struct("<IHHiIII")  # magic, version 2.4, zone, sigfigs, snaplen, linktype
PCAP_RECORD = struct.Struct("<IIII")
ETHERNET = bytes.fromhex("020000000002" "020000000001" "0800")  # dst, src MAC (locally administered), IPv4
SYN, ACK, PSH, FIN = 0x02, 0x10, 0x08, 0x01
#: IANA names of the suites the demo's TLS traffic negotiates.
TLS_SUITES = {0xC02F: "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", 0x0005: "TLS_RSA_WITH_RC4_128_SHA",
              0x000A: "TLS_RSA_WITH_3DES_EDE_CBC_SHA", 0x1301: "TLS_AES_128_GCM_SHA256"}


def _checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return int(~total & 0xFFFF)


def _ipv4(src: str, dst: str, proto: int, payload: bytes, ident: int) -> bytes:
    header = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident & 0xFFFF, 0x4000, 64, proto, 0,
                         ipaddress.IPv4Address(src).packed, ipaddress.IPv4Address(dst).packed)
    return header[:10] + struct.pack("!H", _checksum(header)) + header[12:] + payload


def _pseudo(src: str, dst: str, proto: int, length: int) -> bytes:
    return ipaddress.IPv4Address(src).packed + ipaddress.IPv4Address(dst).packed + struct.pack("!BBH", 0, proto,
                                                                                                 length)


def _tcp(src: str, dst: str, sport: int, dport: int, seq: int, ack: int, flags: int, payload: bytes) -> bytes:
    header = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF, 5 << 4, flags, 64240, 0, 0)
    checksum = _checksum(_pseudo(src, dst, 6, len(header) + len(payload)) + header + payload)
    return header[:16] + struct.pack("!H", checksum) + header[18:] + payload


def _udp(src: str, dst: str, sport: int, dport: int, payload: bytes) -> bytes:
    header = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0)
    checksum = _checksum(_pseudo(src, dst, 17, len(header) + len(payload)) + header + payload) or 0xFFFF
    return header[:6] + struct.pack("!H", checksum) + payload


class PcapWriter:
    """A classic pcap file (microsecond times, Ethernet frames)."""

    def __init__(self, out: BinaryIO) -> None:
        self.out = out
        self.packets = 0
        self._ident = 0
        out.write(PCAP_HEADER.pack(0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))

    def ip_packet(self, when: float, src: str, dst: str, proto: int, segment: bytes) -> None:
        """One IPv4 packet in an Ethernet frame at ``when`` (Unix seconds)."""
        self._ident += 1
        frame = ETHERNET + _ipv4(src, dst, proto, segment, self._ident)
        seconds = int(when)
        self.out.write(PCAP_RECORD.pack(seconds, int(round((when - seconds) * 1e6)) % 1_000_000, len(frame),
                                        len(frame)))
        self.out.write(frame)
        self.packets += 1

    def udp(self, when: float, src: str, sport: int, dst: str, dport: int, payload: bytes) -> None:
        """One UDP datagram."""
        self.ip_packet(when, src, dst, 17, _udp(src, dst, sport, dport, payload))


@dataclass(slots=True)
class Conversation:
    """A TCP connection written packet by packet: handshake, data each way (acknowledged), close."""

    pcap: PcapWriter
    client: tuple[str, int]
    server: tuple[str, int]
    when: float
    _cseq: int = 1000
    _sseq: int = 50000

    def _send(self, from_client: bool, flags: int, payload: bytes = b"") -> None:
        (src, sport), (dst, dport) = (self.client, self.server) if from_client else (self.server, self.client)
        seq, ack = (self._cseq, self._sseq) if from_client else (self._sseq, self._cseq)
        self.pcap.ip_packet(self.when, src, dst, 6, _tcp(src, dst, sport, dport, seq, ack, flags, payload))
        step = len(payload) + (1 if flags & (SYN | FIN) else 0)
        if from_client:
            self._cseq += step
        else:
            self._sseq += step
        self.when += 0.002

    def open(self) -> Conversation:
        """The three-way handshake."""
        self.pcap.ip_packet(self.when, self.client[0], self.server[0], 6,
                            _tcp(self.client[0], self.server[0], self.client[1], self.server[1], self._cseq, 0,
                                 SYN, b""))
        self._cseq += 1
        self.when += 0.002
        self._send(False, SYN | ACK)
        self._send(True, ACK)
        return self

    def say(self, from_client: bool, payload: bytes) -> Conversation:
        """Data from one side (in segments of at most 1400 bytes), acknowledged by the other."""
        for at in range(0, len(payload), 1400):
            self._send(from_client, PSH | ACK, payload[at:at + 1400])
        self._send(not from_client, ACK)
        return self

    def close(self) -> None:
        """FIN from the client, FIN from the server, the last ACK."""
        self._send(True, FIN | ACK)
        self._send(False, FIN | ACK)
        self._send(True, ACK)


def _handshake(kind: int, body: bytes, record_version: int = 0x0301) -> bytes:
    message = struct.pack("!B", kind) + len(body).to_bytes(3, "big") + body
    return struct.pack("!BHH", 22, record_version, len(message)) + message


def client_hello(server_name: str, suites: Sequence[int], random32: bytes) -> bytes:
    """A TLS 1.2 ClientHello record offering ``suites`` with the server_name extension."""
    name = server_name.encode("ascii")
    sni = struct.pack("!HBH", len(name) + 3, 0, len(name)) + name
    extensions = struct.pack("!HH", 0, len(sni)) + sni
    body = (struct.pack("!H", 0x0303) + random32 + b"\0" + struct.pack("!H", 2 * len(suites))
            + b"".join(struct.pack("!H", s) for s in suites) + b"\x01\x00"
            + struct.pack("!H", len(extensions)) + extensions)
    return _handshake(1, body)


def server_hello(version: int, suite: int, random32: bytes) -> bytes:
    """A ServerHello record choosing ``version`` (0x0301 TLS 1.0 ... 0x0303 TLS 1.2) and ``suite``."""
    body = struct.pack("!H", version) + random32 + b"\0" + struct.pack("!HB", suite, 0)
    return _handshake(2, body, version)


def dns_query(ident: int, name: str, qtype: int = 1) -> bytes:
    """A recursive DNS query for ``name``."""
    labels = b"".join(len(p).to_bytes(1, "big") + p.encode("ascii") for p in name.split(".")) + b"\0"
    return struct.pack("!HHHHHH", ident, 0x0100, 1, 0, 0, 0) + labels + struct.pack("!HH", qtype, 1)


@dataclass(frozen=True, slots=True)
class FlowRecord:
    """One flow as an exporter reports it."""

    src: str
    dst: str
    sport: int
    dport: int
    proto: int
    packets: int
    octets: int
    start: datetime
    end: datetime


#: NetFlow v9 / IPFIX template: (information element id, length), the same for both versions but
#: for the times (v9: uptime ms, ids 22/21; IPFIX: absolute ms, ids 152/153).
_FIELDS = ((8, 4), (12, 4), (7, 2), (11, 2), (4, 1), (2, 4), (1, 4))
_RECORD = struct.Struct("!4s4sHHBII")


def _records(flows: Sequence[FlowRecord]) -> list[bytes]:
    return [_RECORD.pack(ipaddress.IPv4Address(f.src).packed, ipaddress.IPv4Address(f.dst).packed, f.sport,
                         f.dport, f.proto, f.packets, f.octets) for f in flows]


def _pad(data: bytes) -> bytes:
    return data + b"\0" * (-len(data) % 4)


def netflow_v9(flows: Sequence[FlowRecord], *, export: datetime, boot: datetime, sequence: int,
               source_id: int = 1) -> bytes:
    """A NetFlow v9 export packet: the template (id 256) and one data flowset of ``flows``."""
    fields = (*_FIELDS, (22, 4), (21, 4))
    template = struct.pack("!HH", 256, len(fields)) + b"".join(struct.pack("!HH", i, n) for i, n in fields)
    template_set = struct.pack("!HH", 0, 4 + len(template)) + template
    uptime = int((export - boot).total_seconds() * 1000)
    rows = [r + struct.pack("!II", int((f.start - boot).total_seconds() * 1000) & 0xFFFFFFFF,
                            int((f.end - boot).total_seconds() * 1000) & 0xFFFFFFFF)
            for r, f in zip(_records(flows), flows, strict=True)]
    data = _pad(b"".join(rows))
    data_set = struct.pack("!HH", 256, 4 + len(data)) + data
    header = struct.pack("!HHIIII", 9, len(flows) + 1, uptime & 0xFFFFFFFF, int(export.timestamp()), sequence,
                         source_id)
    return header + template_set + data_set


def ipfix(flows: Sequence[FlowRecord], *, export: datetime, sequence: int, domain: int = 1) -> bytes:
    """An IPFIX message: the template set (id 256) and one data set of ``flows``."""
    fields = (*_FIELDS, (152, 8), (153, 8))
    template = struct.pack("!HH", 256, len(fields)) + b"".join(struct.pack("!HH", i, n) for i, n in fields)
    template_set = struct.pack("!HH", 2, 4 + len(template)) + template
    rows = [r + struct.pack("!QQ", int(f.start.timestamp() * 1000), int(f.end.timestamp() * 1000))
            for r, f in zip(_records(flows), flows, strict=True)]
    data = b"".join(rows)
    data_set = struct.pack("!HH", 256, 4 + len(data)) + data
    body = template_set + data_set
    return struct.pack("!HHIII", 10, 16 + len(body), int(export.timestamp()), sequence, domain) + body
