"""IP fragments (review 14 finding 9): a fragmented UDP or TCP datagram is reassembled (RFC 791
3.2, RFC 8200 4.5) and counts once toward its 5-tuple flow, with its first fragment's ports and
its whole length, in whatever order its fragments come; what cannot be reassembled (overlaps,
RFC 5722; a datagram never completed; one past 65,535 bytes) is a problem naming a packet. Both
engines. The captures are written by scapy's fragment()/fragment6() at test time, and tshark,
which reassembles too, is the peer for each datagram's length and ports."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from scapy.layers.inet import IP, TCP, UDP, fragment
from scapy.layers.inet6 import IPv6, IPv6ExtHdrFragment, fragment6
from scapy.layers.l2 import Ether
from scapy.packet import Packet, Raw
from scapy.utils import wrpcap

from govsoc.collectors.flows.assemble import FlowAssembler
from govsoc.collectors.flows.fragments import Reassembler
from govsoc.collectors.flows.pcap import Problems
from tests.collectors.protocols.tshark import tshark_rows

ENGINES = ("python", "native")
ETHER = Ether(src="00:11:22:33:44:55", dst="66:77:88:99:aa:bb")


def _udp4(ident: int, size: int, src: str = "10.7.0.1") -> Packet:
    return ETHER / IP(src=src, dst="10.7.0.2", id=ident) / UDP(sport=1234, dport=5678) / Raw(b"x" * size)


def _udp6(ident: int, size: int) -> Packet:
    return (ETHER / IPv6(src="2001:db8::7", dst="2001:db8::8") / IPv6ExtHdrFragment(id=ident)
            / UDP(sport=1234, dport=5678) / Raw(b"y" * size))


def _write(tmp_path: Path, packets: list[Packet]) -> Path:
    for number, packet in enumerate(packets):
        packet.time = 1_700_000_000 + number / 1000
    path = tmp_path / "fragments.pcap"
    wrpcap(str(path), packets)
    return path


def _flows(path: Path, engine: str) -> tuple[list[tuple[int, int, int, int, int, int]], list[tuple[int, str]]]:
    with path.open("rb") as handle:
        assembler = FlowAssembler(handle, engine=engine)
        flows = [(f.proto, f.orig_port, f.resp_port, f.orig_packets, f.orig_ip_bytes, f.sizes()[0])
                 for f in assembler.flows()]
    return flows, [(p.packet, p.reason) for p in assembler.problems.kept]


def _tshark_datagrams(path: Path) -> list[tuple[int, int, int, int]]:
    """(protocol, source port, destination port, IP bytes) of each datagram tshark reassembled:
    its header (IPv4 header length, or IPv6's 40 bytes) plus the reassembled length."""
    fields = ["ip.hdr_len", "ip.reassembled.length", "ipv6.reassembled.length", "udp.srcport", "udp.dstport",
              "tcp.srcport", "tcp.dstport"]
    out = []
    for row in tshark_rows(path, "ip.reassembled.length || ipv6.reassembled.length", fields):
        if row["ip.reassembled.length"]:
            ip_bytes = int(row["ip.hdr_len"][0]) + int(row["ip.reassembled.length"][0])
        else:
            ip_bytes = 40 + int(row["ipv6.reassembled.length"][0])
        proto, ports = (17, "udp") if row["udp.srcport"] else (6, "tcp")
        out.append((proto, int(row[f"{ports}.srcport"][0]), int(row[f"{ports}.dstport"][0]), ip_bytes))
    return out


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("order", ["in order", "reversed", "shuffled"])
def test_a_fragmented_udp_datagram_counts_once_with_its_ports_and_length(tmp_path: Path, engine: str,
                                                                        order: str) -> None:
    pieces = fragment(_udp4(77, 3000), fragsize=1000)
    assert len(pieces) == 4
    if order == "reversed":
        pieces.reverse()  # the first fragment, with the ports, comes last (the reviewer's c_frag_rev)
    elif order == "shuffled":
        random.Random(5).shuffle(pieces)
    path = _write(tmp_path, pieces)
    # RFC 791: the datagram is its 20-byte header, the 8-byte UDP header and 3,000 bytes of data
    assert _tshark_datagrams(path) == [(17, 1234, 5678, 3028)]
    flows, problems = _flows(path, engine)
    assert flows == [(17, 1234, 5678, 1, 3028, 3000)]
    assert problems == []


@pytest.mark.parametrize("engine", ENGINES)
def test_a_fragmented_ipv6_datagram_counts_once(tmp_path: Path, engine: str) -> None:
    pieces = fragment6(_udp6(9, 3000), 1280)
    assert len(pieces) == 3
    path = _write(tmp_path, pieces)
    # RFC 8200 4.5: the reassembled packet is the 40-byte header (no Fragment header) and the data
    assert _tshark_datagrams(path) == [(17, 1234, 5678, 3048)]
    assert _flows(path, engine) == ([(17, 1234, 5678, 1, 3048, 3000)], [])


@pytest.mark.parametrize("engine", ENGINES)
def test_tiny_fragments_that_split_the_tcp_header_give_its_flags(tmp_path: Path, engine: str) -> None:
    # RFC 1858's tiny fragments: 8 bytes each, so the first holds the ports but not the TCP flags
    syn = ETHER / IP(src="10.7.0.1", dst="10.7.0.2", id=5) / TCP(sport=40000, dport=80, flags="S", seq=1000)
    pieces = fragment(syn, fragsize=8)
    assert len(pieces) == 3
    path = _write(tmp_path, pieces)
    assert _tshark_datagrams(path) == [(6, 40000, 80, 40)]
    with path.open("rb") as handle:
        flows = list(FlowAssembler(handle, engine=engine).flows())
    assert [(f.orig_port, f.resp_port, f.orig_packets, f.orig_ip_bytes, f.state_and_history()) for f in flows] == [
        (40000, 80, 1, 40, ("S0", "S"))]


@pytest.mark.parametrize("engine", ENGINES)
def test_datagrams_interleaved_are_told_apart_by_their_ip_id_and_source(tmp_path: Path, engine: str) -> None:
    a, b = fragment(_udp4(1, 2000), fragsize=1000), fragment(_udp4(2, 1500), fragsize=1000)
    c = fragment(_udp4(1, 1200, src="10.7.0.3"), fragsize=1000)  # the same IP id from another host
    path = _write(tmp_path, [a[0], b[0], c[0], a[1], c[1], b[1], a[2]])
    assert sorted(_tshark_datagrams(path)) == [(17, 1234, 5678, 1228), (17, 1234, 5678, 1528), (17, 1234, 5678, 2028)]
    flows, problems = _flows(path, engine)
    assert sorted(flows) == [(17, 1234, 5678, 1, 1228, 1200), (17, 1234, 5678, 2, 1528 + 2028, 3500)]
    assert problems == []


def _raw4(ident: int, offset: int, more: bool, data: bytes) -> Packet:
    return ETHER / IP(src="10.7.0.1", dst="10.7.0.2", id=ident, proto=17, flags="MF" if more else 0,
                      frag=offset // 8) / Raw(data)


def _raw6(ident: int, offset: int, more: bool, data: bytes) -> Packet:
    return (ETHER / IPv6(src="2001:db8::7", dst="2001:db8::8")
            / IPv6ExtHdrFragment(nh=17, id=ident, offset=offset // 8, m=int(more)) / Raw(data))


DATAGRAM = bytes(UDP(sport=1234, dport=5678, len=8 + 2000) / Raw(b"z" * 2000))


@pytest.mark.parametrize("engine", ENGINES)
def test_overlapping_ipv6_fragments_drop_the_datagram_and_say_so(tmp_path: Path, engine: str) -> None:
    path = _write(tmp_path, [
        _raw6(3, 0, True, DATAGRAM[:1000]),
        _raw6(3, 992, True, DATAGRAM[992:1504]),  # starts 8 bytes inside the first: an overlap
        _raw6(3, 1504, False, DATAGRAM[1504:]),  # a later fragment of the dropped datagram
    ])
    flows, problems = _flows(path, engine)
    assert flows == []
    # each fragment's IP length: its data, plus a 40-byte IPv6 header and the 8-byte Fragment
    # header (RFC 8200 4.5): none of it is in a flow
    dropped, later = 2 * 48 + 1000 + 512, 48 + 2008 - 1504
    assert problems == [
        (2, f"IPv6 fragments: fragments overlap (RFC 5722): datagram dropped (2 fragments, {dropped:,} bytes, "
            f"counted in no flow; the first seen in packet 1)"),
        (3, f"IPv6 fragments: fragment of a datagram dropped for overlapping fragments (1 fragment, "
            f"{later} bytes, counted in no flow)")]


@pytest.mark.parametrize("engine", ENGINES)
def test_overlapping_ipv4_fragments_keep_the_flow_and_say_so(tmp_path: Path, engine: str) -> None:
    # review R14 F5: an attacker who overlapped every IPv4 fragment hid the whole exchange from the
    # flows; RFC 791 reassembly (and Zeek, with a fragment_overlap weird) keeps the datagram
    path = _write(tmp_path, [
        _raw4(3, 0, True, DATAGRAM[:1000]),
        _raw4(3, 992, True, b"Q" * 8 + DATAGRAM[1000:1504]),  # 8 bytes inside the first, other bytes there
        _raw4(3, 1504, False, DATAGRAM[1504:]),
    ])
    flows, problems = _flows(path, engine)
    assert flows == [(17, 1234, 5678, 1, 20 + 2008, 2000)]  # one datagram of its reassembled length
    assert problems == [(2, "IPv4 fragments: fragments overlap (RFC 1858): bytes 992-999 sent twice; reassembled "
                            "from the fragment starting first (the datagram's first fragment seen in packet 1)")]


@pytest.mark.parametrize("engine", ENGINES)
def test_an_exact_duplicate_fragment_is_dropped_alone(tmp_path: Path, engine: str) -> None:
    first, second = raw = [_raw6(4, 0, True, DATAGRAM[:1000]), _raw6(4, 1000, False, DATAGRAM[1000:])]
    assert len(raw) == 2
    path = _write(tmp_path, [first, first.copy(), second])  # RFC 8200 4.5: duplicates are not overlaps
    assert _flows(path, engine) == ([(17, 1234, 5678, 1, 40 + 2008, 2000)], [])


@pytest.mark.parametrize("engine", ENGINES)
def test_datagrams_never_completed_are_reported_with_their_first_packet(tmp_path: Path, engine: str) -> None:
    pieces = [_raw4(6, 0, True, DATAGRAM[:1000]), _raw4(7, 1000, False, DATAGRAM[1000:]),
              _raw6(8, 0, True, DATAGRAM[:1000])]
    late = _raw4(9, 0, True, DATAGRAM[:1000]), _raw4(9, 1000, False, DATAGRAM[1000:])
    path = _write(tmp_path, [*pieces, *late])
    late[0].time, late[1].time = 1_700_000_100, 1_700_000_131  # 31 s apart: past IPv4's 30 s
    wrpcap(str(path), [*pieces, *late])
    flows, problems = _flows(path, engine)
    assert flows == []
    # the first three expire when packet 5 (100 s later) is read; packet 4's when packet 5 comes;
    # packet 5's own at the end of the capture
    # IP lengths: 20-byte IPv4 header + 1,000 or 1,008 bytes; 40-byte IPv6 + 8-byte Fragment header + 1,000
    v4_first, v4_last, v6_first = 20 + 1000, 20 + 2008 - 1000, 40 + 8 + 1000
    expired = ("datagram never reassembled, not complete {} s after its first fragment: 1 fragment dropped "
               "({:,} bytes, counted in no flow)")
    assert problems == [
        (1, "IPv4 fragments: " + expired.format(30, v4_first)),
        (2, "IPv4 fragments: " + expired.format(30, v4_last)),
        (3, "IPv6 fragments: " + expired.format(60, v6_first)),
        (4, "IPv4 fragments: " + expired.format(30, v4_first)),
        (5, f"IPv4 fragments: datagram never reassembled, not complete at the end of the capture: 1 fragment dropped "
            f"({v4_last:,} bytes, counted in no flow)")]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_fragment_past_65535_bytes_is_refused(tmp_path: Path, engine: str) -> None:
    # the "ping of death": offset 65,528 plus 100 bytes ends past what a datagram can hold
    path = _write(tmp_path, [_raw4(10, 0, True, DATAGRAM[:1000]), _raw4(10, 65528, False, b"p" * 100)])
    flows, problems = _flows(path, engine)
    assert flows == []
    assert problems == [(2, "IPv4 fragments: fragment ends at byte 65628, past the largest datagram (65535): "
                            f"datagram dropped (2 fragments, {20 + 1000 + 20 + 100:,} bytes, counted in no flow; "
                            "the first seen in packet 1)")]


def test_held_fragments_stay_bounded() -> None:
    # at most max_datagrams datagrams are held: the oldest is given up, as a problem, to make room
    problems = Problems()
    reassembler = Reassembler(problems, max_datagrams=2)
    for ident in range(5):
        assert reassembler.add((b"a", b"b", ident), 4, ident + 1, 0, 0, 0, 8, b"\0" * 8, True, b"h" * 20) is None
    assert len(reassembler.held) == 2 and reassembler.held_bytes == 16
    assert [p.packet for p in problems.kept] == [1, 2, 3]
    assert problems.counts == {"IPv4 fragments": 3}


def test_the_datagram_is_rebuilt_from_pieces_in_any_order() -> None:
    reassembler = Reassembler(Problems())
    key = (b"a", b"b", 1)
    assert reassembler.add(key, 4, 1, 0, 0, 16, 4, b"CCCC", False, None) is None
    assert reassembler.add(key, 4, 2, 0, 0, 8, 8, b"BBBBBBBB", True, None) is None
    datagram = reassembler.add(key, 4, 3, 0, 0, 0, 8, b"AAAAAAAA", True, b"h" * 20)
    assert datagram is not None and datagram.data() == b"AAAAAAAABBBBBBBBCCCC" and datagram.length == 20
    assert not reassembler.held and reassembler.held_bytes == 0


def test_a_fragment_the_capture_cut_gives_the_datagram_up_to_the_cut() -> None:
    reassembler = Reassembler(Problems())
    key = (b"a", b"b", 2)
    assert reassembler.add(key, 4, 1, 0, 0, 0, 16, b"AAAA", True, b"h" * 20) is None  # 4 of 16 bytes captured
    datagram = reassembler.add(key, 4, 2, 0, 0, 16, 4, b"CCCC", False, None)
    assert datagram is not None and datagram.data() == b"AAAA" and datagram.length == 20



@pytest.mark.parametrize("engine", ENGINES)
def test_a_fragmented_vxlan_datagram_gives_its_inner_flow_and_vni(tmp_path: Path, engine: str) -> None:
    # an outer datagram past the underlay's MTU: the inner packet is whole only once reassembled
    from scapy.layers.vxlan import VXLAN

    inner = Ether() / IP(src="192.168.9.1", dst="192.168.9.2") / UDP(sport=40001, dport=8080) / Raw(b"q" * 1800)
    outer = ETHER / IP(src="1.1.1.1", dst="2.2.2.2", id=44) / UDP(sport=40000, dport=4789) / VXLAN(vni=42) / inner
    path = _write(tmp_path, list(reversed(fragment(outer, fragsize=1000))))
    with path.open("rb") as handle:
        assembler = FlowAssembler(handle, engine=engine)
        flows = {f.resp_port: (f.orig_packets, f.orig_ip_bytes, f.vnet != 0) for f in assembler.flows()}
    # outer: 20 + 8 + 8 (VXLAN) + 14 + 20 + 8 + 1800; inner: 20 + 8 + 1800, in VNI 42
    assert flows == {4789: (1, 1878, False), 8080: (1, 1828, True)}
    assert not assembler.problems.kept


@pytest.mark.parametrize("engine", ENGINES)
def test_a_datagram_whose_header_pushes_it_past_65535_bytes_is_refused(tmp_path: Path, engine: str) -> None:
    # 65,520 bytes of data fit the fragment offsets, but with a 60-byte header (40 of options) the
    # rebuilt datagram would be 65,580 bytes: refused, not an overflow
    last = ETHER / IP(src="10.7.0.1", dst="10.7.0.2", id=11, proto=17, frag=65512 // 8) / Raw(b"e" * 8)
    first = ETHER / IP(src="10.7.0.1", dst="10.7.0.2", id=11, proto=17, flags="MF", ihl=15,
                       options=b"\x01" * 40) / Raw(DATAGRAM[:8])
    middle = [ETHER / IP(src="10.7.0.1", dst="10.7.0.2", id=11, proto=17, flags="MF", frag=offset // 8)
              / Raw(b"m" * 1424) for offset in range(8, 65512, 1424)]
    assert len(middle) == 46  # with the first and the last: 48 fragments, under MAX_FRAGMENTS
    flows, problems = _flows(_write(tmp_path, [first, *middle, last]), engine)
    assert flows == []
    ip_bytes = (60 + 8) + 46 * (20 + 1424) + (20 + 8)  # every fragment's IP length: none is in a flow
    assert problems == [(48, "IPv4 fragments: reassembled datagram of 65580 bytes, over 65,535: dropped "
                             f"(48 fragments, {ip_bytes:,} bytes, counted in no flow)")]


def test_more_fragments_than_a_datagram_needs_are_refused() -> None:
    problems = Problems()
    reassembler = Reassembler(problems)
    key = (b"a", b"b", 3)
    for index in range(128):  # 8-byte fragments (28-byte packets): the tiny-fragment flood
        assert reassembler.add(key, 4, index + 1, 0, 0, 8 * index, 8, b"\0" * 8, True, None, ip_bytes=28) is None
    assert reassembler.add(key, 4, 129, 0, 0, 1024, 8, b"\0" * 8, True, None, ip_bytes=28) is None
    assert [(p.packet, p.reason) for p in problems.kept] == [
        (129, "IPv4 fragments: more than 128 fragments: datagram dropped (129 fragments, 3,612 bytes, counted in no "
              "flow; the first seen in packet 1)")]
    assert problems.uncounted == {"datagrams": 1, "fragments": 129, "fragment bytes": 129 * 28}
    assert not reassembler.held and reassembler.held_bytes == 0


def test_fragments_in_no_flow_are_accounted_for(tmp_path: Path) -> None:
    """Review 14b: the fragments of a datagram never made whole count in no flow; the problem
    says how many packets and bytes, the ingest summary gives the totals, so that every IP packet
    and byte of the capture is in a stored flow or in those counts. Checked on the events a real
    SQLite store holds, and with both engines."""
    from govsoc.collectors import Pipeline
    from govsoc.collectors.pipeline import IngestOptions
    from govsoc.store.base import Query
    from govsoc.store.sqlite import SqliteStore

    # an unfragmented UDP exchange, and a datagram whose last fragment never came (2 of 3 sent)
    query = ETHER / IP(src="10.7.0.1", dst="10.7.0.2") / UDP(sport=4000, dport=53) / Raw(b"q" * 30)
    answer = ETHER / IP(src="10.7.0.2", dst="10.7.0.1") / UDP(sport=53, dport=4000) / Raw(b"a" * 90)
    cut = [_raw4(21, 0, True, DATAGRAM[:800]), _raw4(21, 800, True, DATAGRAM[800:1600])]
    path = _write(tmp_path, [query, *cut, answer])
    lost_packets, lost_bytes = 2, (20 + 800) * 2  # IPv4 header + 800 data bytes, twice
    all_bytes = sum(len(bytes(p[IP])) for p in (query, *cut, answer))
    for engine in ENGINES:
        flows, problems = _flows(path, engine)
        assert problems == [(2, "IPv4 fragments: datagram never reassembled, not complete at the end of the capture: "
                                f"2 fragments dropped ({lost_bytes:,} bytes, counted in no flow)")], engine
    store = SqliteStore(tmp_path / "events.db")
    try:
        summary = Pipeline(store, data_dir=tmp_path / "data").ingest_file(path, IngestOptions(parser="network.pcap"))
        events = list(store.search(Query()))
    finally:
        store.close()
    stored = [e.fields for e in events if e.fields.get("event.kind") == "event"]
    assert sum(int(f["network.packets"]) for f in stored) + lost_packets == 4
    assert sum(int(f["network.bytes"]) for f in stored) + lost_bytes == all_bytes
    assert [e for e in events if "counted in no flow" in str(e.fields.get("error.message"))], events
    assert (f"IP fragments of 1 datagram never reassembled: {lost_packets} packets, {lost_bytes:,} bytes, counted in "
            "no flow") in summary.line()
