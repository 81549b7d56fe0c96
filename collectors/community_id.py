"""Community ID v1 flow hashes (https://github.com/corelight/community-id-spec), so that firewall
logs, IDS alerts and flow records of one connection join on ``network.community_id``.

``1:`` + base64(sha1(seed, lower endpoint address, higher endpoint address, protocol, 0,
lower endpoint port, higher endpoint port)), with the endpoints ordered by (address, port) so
both directions hash alike. Implemented for the port-bearing protocols (TCP, UDP, SCTP); ICMP's
type/code pairing is not (None is returned, and no field is written).
"""

from __future__ import annotations

import base64
import hashlib
import socket
import struct

#: IANA protocol numbers whose flows are hashed.
PORT_PROTOCOLS = {"tcp": 6, "udp": 17, "sctp": 132}


def community_id(source: str, source_port: int, destination: str, destination_port: int, transport: str,
                 seed: int = 0) -> str | None:
    """The Community ID v1 of a flow, or None when it cannot be computed (an address that is
    not one, mixed IP versions, a protocol without ports, a port out of range)."""
    protocol = PORT_PROTOCOLS.get(transport)
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
    hold the bytes skip the text round trip)."""
    if len(src) != len(dst) or not (0 <= source_port < 65536 and 0 <= destination_port < 65536):
        return None
    if (src, source_port) > (dst, destination_port):
        src, dst, source_port, destination_port = dst, src, destination_port, source_port
    data = struct.pack("!H", seed) + src + dst + struct.pack("!BBHH", protocol, 0, source_port, destination_port)
    return "1:" + base64.b64encode(hashlib.sha1(data).digest()).decode("ascii")
