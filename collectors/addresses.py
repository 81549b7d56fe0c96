"""IP addresses as logs write them, checked and put in canonical form (``2001:DB8::1`` ->
``2001:db8::1``), with a bounded cache: a network's logs repeat a few thousand addresses, and
the ipaddress module is the slowest step of a web or device line without it."""

from __future__ import annotations

import ipaddress

__all__ = ["canonical_address", "is_public"]

_LIMIT = 65536
_CANONICAL: dict[str, str | None] = {}
_PUBLIC: dict[str, bool] = {}


def canonical_address(text: str) -> str | None:
    """``text`` as an IP address in canonical form, None when it is none."""
    found = _CANONICAL.get(text, "")
    if found == "":
        try:
            found = str(ipaddress.ip_address(text))
        except ValueError:
            found = None
        if len(_CANONICAL) >= _LIMIT:
            _CANONICAL.clear()
        _CANONICAL[text] = found
    return found


def is_public(address: str) -> bool:
    """Whether a canonical ``address`` is globally routable (not private, loopback, link-local,
    documentation or shared address space)."""
    found = _PUBLIC.get(address)
    if found is None:
        found = ipaddress.ip_address(address).is_global
        if len(_PUBLIC) >= _LIMIT:
            _PUBLIC.clear()
        _PUBLIC[address] = found
    return found
