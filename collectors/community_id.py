"""Community ID v1 flow hashes (https://github.com/corelight/community-id-spec), so that firewall
logs, IDS alerts and flow records of one connection join on ``network.community_id``.

``1:`` + base64(sha1(seed, lower endpoint address, higher endpoint address, protocol, 0,
lower endpoint port, higher endpoint port)), with the endpoints ordered by (address, port) so
both directions hash alike. ICMP and ICMPv6 hash their type and code in the ports' places: a
request/reply type pair of the spec's table (echo, timestamp, ...) hashes as (type, the other
type) so both directions agree; any other message is one-way (code in the destination port, the
endpoints kept in their order). Other protocols (GRE, ESP, ...) hash the addresses and protocol only.
"""

from __future__ import annotations

import base64
import hashlib
import socket
import struct
from collections.abc import Mapping
from typing import Any

from govsoc.collectors.numbers import whole_number

#: IANA protocol numbers whose flows are hashed with ports.
PORT_PROTOCOLS = {"tcp": 6, "udp": 17, "sctp": 132}
#: ICMP and ICMPv6 protocol numbers, whose type and code take the ports' places.
ICMP_PROTOCOLS = {"icmp": 1, "ipv6-icmp": 58, "icmpv6": 58, "icmp6": 58}
#: transport names of port-less protocols hashed by addresses and protocol only.
PORTLESS_PROTOCOLS = {"gre": 47, "esp": 50, "ah": 51, "ipip": 4, "ipv6": 41, "ospf": 89, "pim": 103, "vrrp": 112,
                      "igmp": 2}
#: Community ID spec's two-way ICMP message types: type -> its counterpart's type.
ICMP4_PAIRS = {8: 0, 0: 8, 13: 14, 14: 13, 15: 16, 16: 15, 10: 9, 9: 10, 17: 18, 18: 17}
ICMP6_PAIRS = {128: 129, 129: 128, 133: 134, 134: 133, 135: 136, 136: 135, 130: 131, 131: 130, 144: 145,
               145: 144}


def community_id(source: str, source_port: int, destination: str, destination_port: int, transport: str,
                 seed: int = 0) -> str | None:
    """The Community ID v1 of a flow, or None when it cannot be computed (an address that is
    not one, mixed IP versions, a protocol without ports, a port out of range)."""
    protocol = PORT_PROTOCOLS.get(transport) or ICMP_PROTOCOLS.get(transport) or PORTLESS_PROTOCOLS.get(transport)
    if protocol is None:
        return None
    src, dst = packed_address(source), packed_address(destination)
    if src is None or dst is None:
        return None
    return community_id_packed(src, source_port, dst, destination_port, protocol, seed)


def packed_address(text: str) -> bytes | None:
    """The 4 or 16 bytes of an address in text form (inet_pton: a tenth of ipaddress's cost),
    None when it is not one."""
    try:
        return socket.inet_pton(socket.AF_INET6 if ":" in text else socket.AF_INET, text)
    except (OSError, ValueError):
        return None


def community_id_packed(src: bytes, source_port: int, dst: bytes, destination_port: int, protocol: int,
                        seed: int = 0) -> str | None:
    """:func:`community_id` of packed addresses and an IANA protocol number (flow decoders that
    hold the bytes skip the text round trip). For ICMP/ICMPv6 the ports are the type and code;
    for a protocol without ports they are ignored."""
    if len(src) != len(dst):
        return None
    if protocol not in (6, 17, 132, 1, 58):  # port-less: addresses and protocol only
        if src > dst:
            src, dst = dst, src
        data = struct.pack("!H", seed) + src + dst + struct.pack("!BB", protocol, 0)
        return "1:" + base64.b64encode(hashlib.sha1(data).digest()).decode("ascii")
    if not (0 <= source_port < 65536 and 0 <= destination_port < 65536):
        return None
    one_way = False
    if protocol in (1, 58):
        if source_port > 255 or destination_port > 255:
            return None
        pairs = ICMP4_PAIRS if protocol == 1 else ICMP6_PAIRS
        if source_port in pairs:
            destination_port = pairs[source_port]
        else:
            one_way = True
    if not one_way and (src, source_port) > (dst, destination_port):
        src, dst, source_port, destination_port = dst, src, destination_port, source_port
    data = struct.pack("!H", seed) + src + dst + struct.pack("!BBHH", protocol, 0, source_port, destination_port)
    return "1:" + base64.b64encode(hashlib.sha1(data).digest()).decode("ascii")


def fields_community_id(fields: Mapping[str, Any], transport: str) -> str | None:
    """The Community ID of an event's source.ip and destination.ip with their ports (0 for a port it
    has not), None when a port it gives is no number (R58a-6: kept as written for the store to flag)."""
    source_port = whole_number(fields.get("source.port", 0))
    destination_port = whole_number(fields.get("destination.port", 0))
    if source_port is None or destination_port is None:
        return None
    return community_id(str(fields["source.ip"]), source_port, str(fields["destination.ip"]), destination_port,
                        transport)
