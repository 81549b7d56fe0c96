"""Who may send to a receiver, and how each sender's messages are read.

A receiver's ``allow`` list (CIDRs) names the senders it accepts; an empty list accepts every
sender. ``senders`` entries give per-sender overrides (time zone, parser, charset); the most
specific network that holds the address wins, so ``10.1.2.3/32`` overrides ``10.0.0.0/8``.
IPv4 senders reaching a dual-stack (``[::]``) listener arrive as ``::ffff:a.b.c.d`` and are
matched as the IPv4 address they are.

Decisions are cached per address (bounded: a UDP flood from spoofed addresses cannot grow it
without limit).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from govsoc.core.config import ReceiverSettings

__all__ = ["SenderPolicy", "SenderRules", "plain_host", "sender_address"]

_CACHE_LIMIT = 65536
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True, slots=True)
class SenderPolicy:
    """How one sender's messages are read: the zone of zone-less times, the parser id (``auto``:
    detected per message), the charset setting (collectors.syslog.charset) and the vendor its
    events name when their parser does not (SenderSettings.vendor)."""

    timezone: ZoneInfo
    parser: str
    charset: str
    vendor: str | None = None


def plain_host(host: str) -> str:
    """``host`` as events show it: an IPv4 sender of a dual-stack listener (``::ffff:a.b.c.d``)
    as its IPv4 address."""
    return host[7:] if host.startswith("::ffff:") and "." in host else host


def sender_address(host: str) -> Address | None:
    """The sender's address (IPv4-mapped IPv6 as IPv4); None when ``host`` is no address."""
    try:
        address = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


class SenderRules:
    """The allow-list and the per-sender policies of one receiver."""

    def __init__(self, settings: ReceiverSettings, default_timezone: str) -> None:
        self._allow: list[Network] = [ipaddress.ip_network(n, strict=False) for n in settings.allow]
        self._default = SenderPolicy(ZoneInfo(settings.timezone or default_timezone), settings.parser,
                                     settings.charset)
        entries: list[tuple[Network, SenderPolicy]] = []
        for sender in settings.senders:
            policy = SenderPolicy(ZoneInfo(sender.timezone) if sender.timezone else self._default.timezone,
                                  sender.parser or self._default.parser, sender.charset or self._default.charset,
                                  sender.vendor)
            entries += [(ipaddress.ip_network(n, strict=False), policy) for n in sender.match]
        # most specific first: the longest prefix that holds the address wins
        self._entries = sorted(entries, key=lambda entry: entry[0].prefixlen, reverse=True)
        self._allowed: dict[str, bool] = {}
        self._policies: dict[str, SenderPolicy] = {}

    @property
    def default(self) -> SenderPolicy:
        """The receiver's own policy, for senders no entry names."""
        return self._default

    def allowed(self, host: str) -> bool:
        """Whether the sender at ``host`` may send to this receiver."""
        found = self._allowed.get(host)
        if found is None:
            if not self._allow:
                return True
            address = sender_address(host)
            found = address is not None and any(address in network for network in self._allow)
            if len(self._allowed) >= _CACHE_LIMIT:
                self._allowed.clear()
            self._allowed[host] = found
        return found

    def policy(self, host: str) -> SenderPolicy:
        """How the messages of the sender at ``host`` are read."""
        found = self._policies.get(host)
        if found is None:
            found = self._default
            address = sender_address(host)
            if address is not None:
                found = next((p for network, p in self._entries if address in network), self._default)
            if len(self._policies) >= _CACHE_LIMIT:
                self._policies.clear()
            self._policies[host] = found
        return found
