"""Review r14d: NetFlow/IPFIX ICMP, GRE and ESP flows had no ``network.community_id``, and a v5
ICMP flow's type and code (carried as type * 256 + code in the destination port) were stored as
ports. Now every such flow gets the Community ID v1 (corelight community-id-spec: ICMP type and
code in the ports' places, port-less protocols by addresses and protocol), checked against the
spec authors' own Python package (``communityid``, dev extra), and ICMP's type and code as
``icmp.type``/``icmp.code``. Crafted v5, v9 and IPFIX datagrams go over loopback to a real
receiver and SQLite store."""

from __future__ import annotations

import socket
import struct
from pathlib import Path

import communityid

from govsoc.store.base import Query
from tests.collectors.netflow.peers import serve_datagrams
from tests.collectors.netflow.test_decoder import EXPORT, flow_set, ipfix, template, v9

PEER = communityid.CommunityID()


def _v5(*records: tuple[str, str, int, int, int, int]) -> bytes:
    """A v5 datagram of (source, destination, source port, destination port, protocol, octets)."""
    header = struct.pack("!HHIIIIBBH", 5, len(records), 10_000, EXPORT, 0, 1, 0, 0, 0)
    return header + b"".join(
        struct.pack("!4s4s4sHHIIIIHHBBBBHHBBH", socket.inet_aton(src), socket.inet_aton(dst), bytes(4), 1, 2, 1,
                    octets, 2_000, 9_000, sport, dport, 0, 0, proto, 0, 0, 0, 24, 24, 0)
        for src, dst, sport, dport, proto, octets in records)


#: IPFIX: addresses, protocol, icmpTypeIPv4/icmpCodeIPv4 (176, 177), octets
IPFIX_ICMP4 = template(256, (8, 4), (12, 4), (4, 1), (176, 1), (177, 1), (1, 4))
#: v9: IPv6 addresses, protocol, ICMP_TYPE for IPv6 (139: type * 256 + code), octets
V9_ICMP6 = template(257, (27, 16), (28, 16), (4, 1), (139, 2), (1, 4))
V9_ESP6 = template(258, (27, 16), (28, 16), (4, 1), (1, 4))
A6, B6 = "2001:db8::1", "fe80::260:97ff:fe07:69ea"

DATAGRAMS = [
    _v5(("192.168.0.89", "192.168.0.1", 0, 0x0800, 1, 1),  # echo request: type 8 code 0
        ("192.168.0.1", "192.168.0.89", 0, 0x0000, 1, 2),  # its reply: the same Community ID
        ("10.0.0.1", "10.0.0.2", 0, 0x0301, 1, 3),  # destination unreachable, code 1: one-way
        ("10.0.0.1", "10.0.0.2", 0, 0, 47, 4),  # GRE: addresses and protocol only
        ("10.0.0.2", "10.0.0.1", 0, 0, 50, 5)),  # ESP
    ipfix(1, flow_set(2, IPFIX_ICMP4)),
    ipfix(1, flow_set(256, bytes([10, 9, 9, 1, 10, 9, 9, 2]) + bytes([1, 13, 0]) + struct.pack("!I", 6))),
    v9(7, flow_set(0, V9_ICMP6 + V9_ESP6)),
    v9(7, flow_set(257, socket.inet_pton(socket.AF_INET6, B6) + socket.inet_pton(socket.AF_INET6, A6)
                   + bytes([58]) + struct.pack("!HI", 135 << 8, 7))),  # neighbour solicitation
    v9(7, flow_set(258, socket.inet_pton(socket.AF_INET6, A6) + socket.inet_pton(socket.AF_INET6, B6)
                   + bytes([50]) + struct.pack("!I", 8))),
]

#: octets -> (the spec's flow tuple, ICMP type and code or None)
EXPECTED = {
    1: (communityid.FlowTuple.make_icmp("192.168.0.89", "192.168.0.1", 8, 0), (8, 0)),
    2: (communityid.FlowTuple.make_icmp("192.168.0.1", "192.168.0.89", 0, 0), (0, 0)),
    3: (communityid.FlowTuple.make_icmp("10.0.0.1", "10.0.0.2", 3, 1), (3, 1)),
    4: (communityid.FlowTuple(47, "10.0.0.1", "10.0.0.2"), None),
    5: (communityid.FlowTuple(50, "10.0.0.2", "10.0.0.1"), None),
    6: (communityid.FlowTuple.make_icmp("10.9.9.1", "10.9.9.2", 13, 0), (13, 0)),
    7: (communityid.FlowTuple.make_icmp6(B6, A6, 135, 0), (135, 0)),
    8: (communityid.FlowTuple(50, A6, B6), None),
}


def test_icmp_gre_esp_flows_get_the_community_id_and_icmp_type_and_code(tmp_path: Path) -> None:
    store, _, _, _ = serve_datagrams(DATAGRAMS, tmp_path)
    try:
        flows = {int(e.get("network.bytes")): e for e in store.search(Query(terms={"netflow.type": ("netflow_flow",)}))}
        assert sorted(flows) == sorted(EXPECTED)
        for octets, (flow, icmp) in EXPECTED.items():
            event = flows[octets]
            assert event.get("network.community_id") == PEER.calc(flow), octets
            assert (None if icmp is None else (event.get("icmp.type"), event.get("icmp.code"))) == icmp, octets
            assert event.get("source.port") is None and event.get("destination.port") is None, octets
        # the echo request and its reply join on one id, as a pcap flow of both would
        assert flows[1].get("network.community_id") == flows[2].get("network.community_id")
    finally:
        store.close()
