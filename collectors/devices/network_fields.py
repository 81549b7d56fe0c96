"""What every network or security device event gets once its vendor fields are mapped to ECS:
addresses checked (a value that is no address is dropped, a host name goes to ``.domain``),
ports and counters as numbers, the transport from a protocol number or name
(``network.transport`` / ``.iana_number``), ``network.type``, the Community ID of a 5-tuple
(collectors.community_id, so firewall sessions, IDS alerts and flows join) and ``related.*``.
"""

from __future__ import annotations

from typing import Any

from govsoc.collectors.addresses import canonical_address
from govsoc.collectors.community_id import community_id
from govsoc.collectors.numbers import decimal_number

__all__ = ["IANA_PROTOCOLS", "complete_network_fields", "protocol_fields"]

#: IANA protocol numbers of the transports devices name.
IANA_PROTOCOLS = {1: "icmp", 2: "igmp", 6: "tcp", 17: "udp", 47: "gre", 50: "esp", 51: "ah", 58: "ipv6-icmp",
                  89: "ospf", 132: "sctp"}
_NUMBERS = {name: number for number, name in IANA_PROTOCOLS.items()} | {"icmpv6": 58}
_ADDRESSES = ("source.ip", "destination.ip", "source.nat.ip", "destination.nat.ip", "observer.ip", "client.ip")
_ADDRESS_NAMES = frozenset(_ADDRESSES)
_INTEGERS = ("source.port", "destination.port", "source.nat.port", "destination.nat.port", "source.bytes",
             "destination.bytes", "source.packets", "destination.packets", "network.bytes", "network.packets",
             "event.severity")
_CHECKED = frozenset((*_ADDRESSES, *_INTEGERS))


def protocol_fields(value: str) -> dict[str, Any]:
    """``network.transport`` (and ``.iana_number`` when known) of ``6``, ``TCP``, ``udp``, ..."""
    text = value.strip().lower()
    if not text:
        return {}
    number = decimal_number(text)
    if number is not None:
        name = IANA_PROTOCOLS.get(number)
        return {"network.iana_number": str(number), **({"network.transport": name} if name else {})}
    number_of = _NUMBERS.get(text)
    fields: dict[str, Any] = {"network.transport": text}
    if number_of is not None:
        fields["network.iana_number"] = str(number_of)
    return fields


def complete_network_fields(fields: dict[str, Any]) -> None:
    """Check and complete ``fields`` in place (see the module docstring)."""
    # keys() & set: a third of what frozenset.intersection(dict) costs (it hashes every field name)
    for name in fields.keys() & _CHECKED:
        value = fields[name]
        if name in _ADDRESS_NAMES:
            text = value.strip() if type(value) is str else str(value).strip()
            address = canonical_address(text)
            if address is not None:
                fields[name] = address
            else:
                del fields[name]
                if name in ("source.ip", "destination.ip") and text and text not in ("-", "**", "(null)"):
                    fields[name.replace(".ip", ".address")] = text
        elif isinstance(value, str):
            number = decimal_number(value.strip())
            if number is not None and (not name.endswith("port") or number < 65536):
                fields[name] = number
            else:
                del fields[name]
    source, destination = fields.get("source.ip"), fields.get("destination.ip")
    if source and destination:
        fields["network.type"] = "ipv6" if ":" in source else "ipv4"
        sport, dport, transport = fields.get("source.port"), fields.get("destination.port"), \
            fields.get("network.transport")
        if isinstance(sport, int) and isinstance(dport, int) and transport:
            found = community_id(source, sport, destination, dport, transport)
            if found:
                fields["network.community_id"] = found
    related = [fields[name] for name in _ADDRESSES if name in fields]  # in a fixed order
    if related:
        fields["related.ip"] = list(dict.fromkeys(related + fields.get("related.ip", [])))
    user = fields.get("user.name")
    if user:
        fields["related.user"] = [user]
    observer = fields.get("observer.name")
    if observer:
        fields["related.hosts"] = [observer]
