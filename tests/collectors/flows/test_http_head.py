"""A response to HEAD has no body whatever its headers say (RFC 9112 6.3; review R14b N2): a
keep-alive connection carrying HEAD answered ``200, Content-Length: 1000`` (and no body, RFC 9110
9.3.2) and then GET answered 404 is two transactions with both statuses. Read as having a body,
the HEAD response swallowed the next response and the GET had no status. The packets are
written by scapy into a pcap and ingested into a real SQLite store."""

from __future__ import annotations

from pathlib import Path

from scapy.layers.inet import IP, TCP
from scapy.layers.l2 import Ether
from scapy.packet import Packet, Raw
from scapy.utils import wrpcap

from .stored import stored_events

CLIENT, SERVER = "10.6.0.1", "10.6.0.80"
EXCHANGES = [
    (b"HEAD /h HTTP/1.1\r\nHost: w\r\n\r\n", b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"),
    (b"GET /after-head HTTP/1.1\r\nHost: w\r\n\r\n", b"HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\nnot"),
]


def _capture(path: Path) -> Path:
    seq = {True: 1000, False: 50000}  # next sequence number of each side (True: the client)

    def segment(from_client: bool, flags: str, data: bytes = b"") -> Packet:
        src, dst, sport, dport = (CLIENT, SERVER, 41000, 80) if from_client else (SERVER, CLIENT, 80, 41000)
        packet = Ether() / IP(src=src, dst=dst) / TCP(sport=sport, dport=dport, flags=flags, seq=seq[from_client],
                                                      ack=seq[not from_client] if "A" in flags else 0)
        seq[from_client] += len(data) + ("S" in flags)
        return packet / Raw(data) if data else packet

    packets = [segment(True, "S"), segment(False, "SA"), segment(True, "A")]
    for request, response in EXCHANGES:
        packets += [segment(True, "PA", request), segment(False, "PA", response)]
    for index, packet in enumerate(packets):
        packet.time = 1_700_000_000 + index / 100
    wrpcap(str(path), packets)
    return path


def test_head_response_with_content_length_does_not_swallow_the_next(tmp_path: Path) -> None:
    events = [e.fields for e in stored_events(_capture(tmp_path / "head.pcap"))]
    flow = next(f for f in events if "connection" in f["event.type"])
    later = [f for f in events if f["event.type"] == ["protocol"]]
    assert flow["govsoc.flow.transactions"] == 2 and len(later) == 1
    assert (flow["http.request.method"], flow["url.original"], flow["http.response.status_code"]) == ("HEAD", "/h", 200)
    assert (later[0]["http.request.method"], later[0]["url.original"], later[0]["http.response.status_code"]) == (
        "GET", "/after-head", 404)
