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
    ("192.0.2.1", 1, "192.0.2.2", 2, "icmp"),    # no ports (not implemented: ICMP pairing)
    ("host.example", 1, "192.0.2.2", 2, "tcp"),  # not an address
    ("192.0.2.1", 70000, "192.0.2.2", 2, "udp"),  # port out of range
])
def test_none_when_it_cannot_be_computed(args: tuple[str, int, str, int, str]) -> None:
    assert community_id(*args) is None
