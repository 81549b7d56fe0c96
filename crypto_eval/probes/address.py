"""What address an endpoint's host names, however it is spelt.

A connection reads an IPv4 host the way inet_aton(3) does (getaddrinfo calls it): 127.0.9.9,
2130708745, 0x7f000909, 0177.0.011.011 and 127.2313 are one address. Anything that counts
endpoints (the per-host connection cap, evaluation objects, de-duplicated probes) keys them by the
address, else the score and the load on a server move with the spelling (issue 16, third review,
finding 12). A host name is resolved once (``resolve_hosts``); one that does not resolve keys as
its lower-cased self, and the probe says why it cannot connect.

A numeric host is never a TLS server name (RFC 6066 §3: "Literal IPv4 and IPv6 addresses are not
permitted"), whatever its spelling: ``server_name_of`` is the name a probe sends as SNI.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from collections.abc import Iterable

__all__ = ["numeric_address", "resolve_host", "resolve_hosts", "server_name_of"]

#: The characters of an inet_aton spelling (decimal, octal with a leading 0, hex with 0x, 1-4 parts):
#: inet_aton itself ignores what follows a space, so nothing else may be handed to it.
_IPV4_SPELLING = re.compile(r"[0-9a-fA-FxX.]+")


def numeric_address(host: str) -> str | None:
    """The address a numeric host spells (ipaddress's compressed form), or None for a host name.
    IPv6 may carry brackets and a zone (fe80::1%eth0: the zone is dropped); an IPv4-mapped IPv6
    address (::ffff:127.0.0.1, ::ffff:7f00:1) is the IPv4 address it maps (RFC 4291 2.5.5.2: the
    connection reaches that IPv4 node's socket, and its certificate names the IPv4 address)."""
    text = host.strip().strip("[]").split("%", 1)[0]
    if ":" in text:
        try:
            address = ipaddress.IPv6Address(text)
        except ValueError:
            return None
        return str(address.ipv4_mapped) if address.ipv4_mapped is not None else address.compressed
    if not text or not _IPV4_SPELLING.fullmatch(text) or not any(c.isdigit() for c in text):
        return None
    try:
        return socket.inet_ntoa(socket.inet_aton(text))
    except OSError:
        return None


def server_name_of(host: str, server_name: str | None) -> str | None:
    """The name a TLS probe sends (SNI) and a certificate must carry: the declared server name,
    else the host when it is a name, not an address in any spelling."""
    if server_name:
        return server_name
    return None if numeric_address(host) is not None else host


async def resolve_host(host: str) -> str:
    """The address ``host`` connects to: its numeric spelling read, or the first address the
    resolver gives; the lower-cased host when it does not resolve."""
    numeric = numeric_address(host)
    if numeric is not None:
        return numeric
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
        return ipaddress.ip_address(str(infos[0][4][0]).split("%")[0]).compressed
    except (OSError, ValueError, IndexError, UnicodeError):
        return host.lower().rstrip(".")


def resolve_hosts(hosts: Iterable[str]) -> dict[str, str]:
    """Every distinct host's address (``resolve_host``), names looked up at once."""
    distinct = list(dict.fromkeys(hosts))

    async def every() -> list[str]:
        return list(await asyncio.gather(*(resolve_host(h) for h in distinct)))

    return dict(zip(distinct, asyncio.run(every()) if distinct else [], strict=True))
