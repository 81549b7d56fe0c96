"""Which side of a flow is its originator, as Zeek decides it (shared/reference/log-formats.md
14.2; Zeek's WantConnection): the sender of the first packet, unless it is a TCP packet that is not
a SYN or a UDP packet from a likely server port to an unlikely one, a DNS-like response, or an
ICMP reply."""

from __future__ import annotations

from govsoc.collectors.flows.decode import ICMP, ICMP6, TCP, UDP, Hit
from govsoc.collectors.flows.tcp import ACK, SYN

#: Ports a server likely listens on (Zeek's likely_server_ports, from its analyzers' ports).
LIKELY_SERVER_PORTS = frozenset({
    20, 21, 22, 23, 25, 53, 67, 69, 80, 81, 88, 110, 111, 123, 135, 137, 138, 139, 143, 161, 162, 389, 443, 445,
    465, 502, 514, 563, 587, 585, 614, 636, 989, 990, 992, 993, 994, 995, 1080, 1194, 1433, 1521, 1812, 1813, 1883,
    2049, 2152, 2404, 3128, 3306, 3389, 3544, 4789, 5060, 5061, 5072, 5222, 5269, 5353, 5355, 5432, 5672, 6081,
    6379, 6667, 6668, 6669, 8000, 8080, 8443, 8888, 9200, 20000, 27017, 47808,
})
#: ICMP replies: their sender is the responder.
ICMP_REPLIES = {ICMP: frozenset({0, 14, 16, 18}), ICMP6: frozenset({129})}
#: UDP ports of DNS-like protocols: a first message that is a response makes its sender the
#: responder (Zeek's DNS analyzer flips such connections unless they go to a multicast group).
DNS_PORTS = frozenset({53, 5353, 5355, 137})


def _orig_is_src(hit: Hit) -> bool:
    """Whether the sender of a flow's first packet is its originator (Zeek's WantConnection)."""
    proto = hit.proto
    if proto == TCP:
        if hit.flags & SYN and not hit.flags & ACK:
            return True
        if hit.sport in LIKELY_SERVER_PORTS:
            if hit.dport in LIKELY_SERVER_PORTS:
                return not (not hit.flags & SYN and hit.sport < hit.dport)
            return False
        return True
    if proto == UDP:
        if (hit.sport in DNS_PORTS or hit.dport in DNS_PORTS) and len(hit.data) >= 12 and hit.data[2] & 0x80:
            return _multicast(hit.dst)
        return not (hit.sport in LIKELY_SERVER_PORTS and hit.dport not in LIKELY_SERVER_PORTS)
    if proto in ICMP_REPLIES:
        return hit.sport not in ICMP_REPLIES[proto]
    return True


def _multicast(address: bytes) -> bool:
    return (len(address) == 4 and 224 <= address[0] <= 239) or (len(address) == 16 and address[0] == 0xFF)
