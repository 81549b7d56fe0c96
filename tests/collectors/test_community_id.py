"""Community ID v1 against the reference vectors of corelight/community-id-spec (BSD-3-Clause),
as Elasticsearch's community_id processor tests also use them."""

from __future__ import annotations

import pytest

from govsoc.collectors.community_id import community_id


@pytest.mark.parametrize(("source", "sport", "destination", "dport", "transport", "expected"), [
    ("128.232.110.120", 34855, "66.35.250.204", 80, "tcp", "1:LQU9qZlK+B5F3KDmev6m5PMibrg="),
    ("192.168.1.52", 54585, "8.8.8.8", 53, "udp", "1:d/FP5EW3wiY1vCndhwleRRKHowQ="),
    ("192.168.170.8", 7, "192.168.170.56", 7, "sctp", "1:MP2EtRCAUIZvTw6MxJHLV7N7JDs="),
    ("2001:470:e5bf:dead:4957:2174:e82c:4887", 63943, "2607:f8b0:400c:c03::1a", 25, "tcp",
     "1:/qFaeAR+gFe1KYjMzVDsMv+wgU4="),
])
def test_reference_vectors_both_directions(source: str, sport: int, destination: str, dport: int, transport: str,
                                           expected: str) -> None:
    assert community_id(source, sport, destination, dport, transport) == expected
    assert community_id(destination, dport, source, sport, transport) == expected


@pytest.mark.parametrize("args", [
    ("192.0.2.1", 1, "2001:db8::1", 2, "tcp"),   # mixed IP versions
    ("192.0.2.1", 300, "192.0.2.2", 2, "icmp"),  # an ICMP type is one byte
    ("host.example", 1, "192.0.2.2", 2, "tcp"),  # not an address
    ("192.0.2.1", 70000, "192.0.2.2", 2, "udp"),  # port out of range
])
def test_none_when_it_cannot_be_computed(args: tuple[str, int, str, int, str]) -> None:
    assert community_id(*args) is None


@pytest.mark.parametrize(("source", "sport", "destination", "dport", "transport", "expected"), [
    # the spec's ICMP vectors (corelight/community-id-spec baseline, as its implementations test)
    ("192.168.0.89", 8, "192.168.0.1", 0, "icmp", "1:X0snYXpgwiv9TZtqg64sgzUn6Dk="),
    ("192.168.0.1", 0, "192.168.0.89", 8, "icmp", "1:X0snYXpgwiv9TZtqg64sgzUn6Dk="),  # the echo reply
    ("192.168.0.89", 20, "192.168.0.1", 1, "icmp", "1:tz/fHIDUHs19NkixVVoOZywde+I="),  # one-way
    ("fe80::200:86ff:fe05:80da", 135, "fe80::260:97ff:fe07:69ea", 0, "ipv6-icmp", "1:dGHyGvjMfljg6Bppwm3bg0LO8TY="),
    ("fe80::260:97ff:fe07:69ea", 134, "ff02::1", 0, "ipv6-icmp", "1:pkvHqCL88/tg1k4cPigmZXUtL00="),
])
def test_icmp_reference_vectors(source: str, sport: int, destination: str, dport: int, transport: str,
                                expected: str) -> None:
    assert community_id(source, sport, destination, dport, transport) == expected


def test_icmp_and_portless_protocols_agree_with_the_reference_implementation() -> None:
    # review 14 finding 10: the peer is the spec authors' own Python package (communityid)
    import communityid  # the dev extra installs it
    peer = communityid.CommunityID()
    addresses4 = ["10.0.0.1", "10.0.0.2", "192.168.0.89", "255.1.0.0"]
    addresses6 = ["fe80::1", "2001:db8::2", "ff02::1"]
    checked = 0
    for proto, name, addresses in [(1, "icmp", addresses4), (58, "ipv6-icmp", addresses6), (47, "gre", addresses4),
                                   (50, "esp", addresses6), (89, "ospf", addresses4)]:
        ports = [0, 3, 8, 11, 13, 14, 20, 128, 129, 133, 135, 136, 144, 145, 255] if proto in (1, 58) else [0]
        for src in addresses:
            for dst in addresses:
                for sport in ports:
                    for dport in (0, 1, 8):
                        if proto == 1:
                            flow = communityid.FlowTuple.make_icmp(src, dst, sport, dport)
                        elif proto == 58:
                            flow = communityid.FlowTuple.make_icmp6(src, dst, sport, dport)
                        else:
                            flow = communityid.FlowTuple(proto, src, dst)
                        assert community_id(src, sport, dst, dport, name) == peer.calc(flow), (name, src, dst, sport)
                        checked += 1
    assert checked > 1000
