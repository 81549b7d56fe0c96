"""What address an endpoint's host names, however it is spelt.

A connection reads an IPv4 host the way inet_aton(3) does (getaddrinfo calls it): 127.0.9.9,
2130708745, 0x7f000909, 0177.0.011.011 and 127.2313 are one address. Anything that counts
endpoints (the per-host connection cap, evaluation objects, de-duplicated probes) keys them by the
address, else the score and the load on a server move with the spelling (issue 16, third review,
finding 12). A host name is resolved once (``resolve_hosts``); one that does not resolve keys as
its lower-cased self, and the probe says why it cannot connect.

A numeric host is never a TLS server name (RFC 6066 §3: "Literal IPv4 and IPv6 addresses are not
permitted"), whatever its spelling, and neither is a numeric ``server_name`` an inventory declares
(an evaluator copying the address there): ``server_name_of`` is the name a probe sends as SNI and a
certificate's dNSName must match, in A-labels (core.hostname: 门户.test is xn--...); an endpoint
asked by address is matched to the certificate's iPAddress instead (``address_asked``).
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import re
import socket
from collections.abc import Iterable

from govsoc.core.hostname import a_label

__all__ = ["numeric_address", "resolve_host", "resolve_hosts", "server_name_of", "address_asked", "same_host"]

#: What "this host" is called: the name localhost and the names under .localhost (RFC 6761 6.3:
#: they resolve to loopback), the IPv4 loopback 127.0.0.1 and the IPv6 loopback ::1.
_LOOPBACK = "loopback"

#: The characters of an inet_aton spelling (decimal, octal with a leading 0, hex with 0x, 1-4 parts):
#: inet_aton itself ignores what follows a space, so nothing else may be handed to it.
_IPV4_SPELLING = re.compile(r"[0-9a-fA-FxX.]+")


@functools.lru_cache(maxsize=8192)  # pure, and asked for every listing of every check: cached
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


def _identity(host: str) -> str:
    """A host as one identity: its address (any spelling read), loopback for every spelling of this
    host, else its name lower-cased without the root dot."""
    name = host.strip().lower().rstrip(".")
    address = numeric_address(name)
    if name == "localhost" or name.endswith(".localhost") or address in ("127.0.0.1", "::1"):
        return _LOOPBACK
    return address or name


def same_host(one: str, other: str, addresses: dict[str, str] | None = None) -> bool:
    """Whether two hosts, however spelt, name one machine: the same address in any spelling, the
    same name in any case, localhost / 127.0.0.1 / ::1 alike, or a name ``addresses`` resolved to
    the other's address."""
    known = addresses or {}
    ones = {_identity(one), _identity(known.get(one, one))}
    return bool(ones & {_identity(other), _identity(known.get(other, other))})


def server_name_of(host: str, server_name: str | None) -> str | None:
    """The name a TLS probe sends (SNI) and a certificate must carry, in A-labels: the declared
    server name, else the host, when it is a name and not an address in any spelling (a numeric
    server name: no SNI, the address is matched to the certificate's iPAddress)."""
    name = server_name or host
    if not name or numeric_address(name) is not None:
        return None
    try:
        return a_label(name)
    except ValueError:  # refused at inventory load (core.inventory); sent as no name rather than garbled
        return None


def address_asked(host: str, server_name: str | None) -> str | None:
    """The address a certificate must carry as an iPAddress (RFC 5280 4.2.1.6, RFC 6125 §6.2.1):
    a numeric server name, else a numeric host asked without a server name; None when a name is asked."""
    if server_name:
        return numeric_address(server_name)
    return numeric_address(host)


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
