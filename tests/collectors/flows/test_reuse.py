"""A 5-tuple used again after its connection closed (review R14 F8 HIGH): a new SYN, not a
retransmission of the first one, on a connection whose close completed (a RST from either side,
or FINs both ways) is a new connection (Zeek's TCPSessionAdapter::IsReuse: a new conn.log row),
even within the close delay; each connection's payload is counted in its own flow. A scanner or
brute-forcer with a fixed source port (nmap -g, hping3, masscan), or a NAT reusing a port after
a RST, made one or two merged flows out of five. Both engines; tshark's tcp.stream (which splits
on the same reuse) is the peer for how many connections and how many payload bytes each."""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path

import pytest

from govsoc.collectors.flows.assemble import FlowAssembler
from tests.collectors.protocols.tshark import tshark_rows

from .packets import ethernet, ipv4, pcap, tcp

CLIENT, SERVER = "10.3.0.1", "10.3.0.2"


def _packet(when: float, src: str, dst: str, segment: bytes) -> tuple[float, bytes]:
    return when, ethernet(ipv4(src, dst, 6, segment))


def _connection(start: float, isn: int, closer: str, data: bytes) -> list[tuple[float, bytes]]:
    """SYN, SYN-ACK, ACK, ``data`` from the client, then a RST from ``closer``; sequence numbers
    from ``isn`` (modulo 2^32: a connection may wrap)."""
    server_isn, m = 7_000_000, 0xFFFFFFFF
    c, s = (isn + 1) & m, server_isn + 1
    packets = [_packet(start, CLIENT, SERVER, tcp(45000, 22, isn, 0, "S")),
               _packet(start + 0.001, SERVER, CLIENT, tcp(22, 45000, server_isn, c, "SA")),
               _packet(start + 0.002, CLIENT, SERVER, tcp(45000, 22, c, s, "A")),
               _packet(start + 0.003, CLIENT, SERVER, tcp(45000, 22, c, s, "PA", data))]
    c = (c + len(data)) & m
    if closer == "server":
        packets.append(_packet(start + 0.004, SERVER, CLIENT, tcp(22, 45000, s, c, "RA")))
    else:
        packets.append(_packet(start + 0.004, CLIENT, SERVER, tcp(45000, 22, c, s, "R")))
    return packets


def _flows(data: bytes, engine: str) -> list[tuple[int, int, int, str]]:
    return [(flow.orig_packets + flow.resp_packets, flow.orig_payload, flow.resp_payload, flow.state_and_history()[0])
            for flow in FlowAssembler(io.BytesIO(data), engine=engine).flows()]


def _tshark(path: Path) -> list[tuple[int, int]]:
    """(packets, client payload bytes) of each TCP stream tshark tells apart, in order."""
    packets: Counter[int] = Counter()
    payload: Counter[int] = Counter()
    for row in tshark_rows(path, "tcp", ["tcp.stream", "tcp.len", "ip.src"]):
        stream = int(row["tcp.stream"][0])
        packets[stream] += 1
        payload[stream] += int(row["tcp.len"][0]) if row["ip.src"][0] == CLIENT else 0
    return [(packets[s], payload[s]) for s in sorted(packets)]


@pytest.mark.parametrize("engine", ["python", "native"])
def test_five_connections_reset_by_the_server_are_five_flows(engine: str, tmp_path: Path) -> None:
    packets = []
    for i in range(5):  # 2 s apart: well within the close delay (5 s)
        packets += _connection(100.0 + 2 * i, 1_000_000 * (i + 1), "server", b"SSH-2.0-x%d\r\n" % i)
    path = tmp_path / "reuse.pcap"
    path.write_bytes(pcap(packets))
    flows = _flows(path.read_bytes(), engine)
    assert [(n, sent) for n, sent, _, _ in flows] == _tshark(path) == [(5, 12)] * 5
    assert [state for *_, state in flows] == ["RSTR"] * 5


@pytest.mark.parametrize("engine", ["python", "native"])
def test_a_client_reset_then_a_new_syn_10_ms_later_wrapping_its_sequence(engine: str, tmp_path: Path) -> None:
    packets = _connection(100.0, 3_000_000_000, "client", b"a" * 20)
    packets += _connection(100.01, 0xFFFFFFF0, "client", b"b" * 21)  # its data crosses 2^32
    path = tmp_path / "reuse-wrap.pcap"
    path.write_bytes(pcap(packets))
    flows = _flows(path.read_bytes(), engine)
    assert [(n, sent) for n, sent, _, _ in flows] == _tshark(path) == [(5, 20), (5, 21)]
    assert [state for *_, state in flows] == ["RSTO"] * 2


@pytest.mark.parametrize("engine", ["python", "native"])
def test_a_retransmitted_first_syn_is_not_a_new_connection(engine: str, tmp_path: Path) -> None:
    # the same SYN again (same sequence number) after a RST to it: one connection (Zeek: not a reuse)
    packets = [_packet(100.0, CLIENT, SERVER, tcp(45000, 22, 500, 0, "S")),
               _packet(100.001, SERVER, CLIENT, tcp(22, 45000, 0, 501, "RA")),
               _packet(101.0, CLIENT, SERVER, tcp(45000, 22, 500, 0, "S")),
               _packet(101.001, SERVER, CLIENT, tcp(22, 45000, 0, 501, "RA"))]
    flows = _flows(pcap(packets), engine)
    assert [n for n, *_ in flows] == [4]


@pytest.mark.parametrize("engine", ["python", "native"])
def test_unanswered_syns_with_new_isns_are_one_connection_each(engine: str, tmp_path: Path) -> None:
    # review R14b N3 (a): a scanner with a fixed source port re-probing a filtered port, a new
    # sequence number each second and no answer: Zeek's IsReuse needs no close (an open
    # connection is reused by a SYN with another ISN: five S0 rows), tshark five streams
    packets = [_packet(100.0 + i, CLIENT, SERVER, tcp(45005, 3389, 1000 + i * 77777, 0, "S")) for i in range(5)]
    path = tmp_path / "syn-retries.pcap"
    path.write_bytes(pcap(packets))
    flows = _flows(path.read_bytes(), engine)
    assert [(n, sent) for n, sent, _, _ in flows] == _tshark(path) == [(1, 0)] * 5
    assert [state for *_, state in flows] == ["S0"] * 5


@pytest.mark.parametrize("engine", ["python", "native"])
def test_half_closed_connections_reused_with_new_isns_are_three_flows(engine: str, tmp_path: Path) -> None:
    # review R14b N3 (b): the client closes, the server's FIN is never seen, the client port is
    # used again 0.5 s later with a new ISN: a new connection each time, not one flow of 15 packets
    packets: list[tuple[float, bytes]] = []
    for i in range(3):
        start, isn, s = 100.0 + 0.5 * i, 9000 + i * 100_000, 5000 + i * 10_000
        request = b"GET /%d HTTP/1.1\r\nHost: x\r\n\r\n" % i
        c = isn + 1
        packets += [_packet(start, CLIENT, SERVER, tcp(45003, 80, isn, 0, "S")),
                    _packet(start + 0.001, SERVER, CLIENT, tcp(80, 45003, s, c, "SA")),
                    _packet(start + 0.002, CLIENT, SERVER, tcp(45003, 80, c, s + 1, "A")),
                    _packet(start + 0.003, CLIENT, SERVER, tcp(45003, 80, c, s + 1, "PA", request)),
                    _packet(start + 0.004, CLIENT, SERVER, tcp(45003, 80, c + len(request), s + 1, "FA"))]
    path = tmp_path / "half-closed.pcap"
    path.write_bytes(pcap(packets))
    flows = _flows(path.read_bytes(), engine)
    assert [(n, sent) for n, sent, _, _ in flows] == _tshark(path) == [(5, 28)] * 3
