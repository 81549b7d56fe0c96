"""Kernel netfilter LOG lines (iptables, ip6tables, nftables ``log``, ufw) to ECS, as Elastic's
iptables integration writes them: ``source.*`` / ``destination.*`` (ip, port, mac),
``network.transport`` / ``.type`` / ``.community_id``, the interfaces as
``observer.ingress/egress.interface.name``, the rest under ``iptables.*``.

``[ 307.757925] [UFW BLOCK] IN=eth0 OUT= MAC=... SRC=... DST=... LEN=60 ... PROTO=TCP SPT=.. DPT=..
WINDOW=.. RES=0x00 SYN URGP=0``: an optional kernel time, the rule's log prefix, then KEY=VALUE
pairs and bare flags. The prefix names the verdict when it says so (ufw's ``BLOCK``/``ALLOW``,
``DROP``, ``REJECT``, ``ACCEPT``; Ubiquiti's ``[rule-set-N-D]``): ``event.type`` gets
``denied`` or ``allowed`` and ``event.action`` the prefix itself, lower-case and hyphenated.
An ICMP error's quoted inner packet (``[SRC=... ]``) is not read.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from govsoc.collectors.community_id import community_id
from govsoc.collectors.numbers import decimal_number

_LINE = re.compile(r"(?:\[\s*\d+\.\d+\]\s*)?(?P<prefix>[^=]*?)\s*IN=(?P<in>\S*) OUT=(?P<out>\S*)(?: (?P<rest>.*))?$",
                   re.DOTALL)
_UBIQUITI = re.compile(r"\[(?P<zones>[^\]]*?)-(?P<rule>default|\d+)-(?P<verdict>[ADR])\]$")
#: KEY -> (ECS or iptables field, converter); only the first of a repeated key counts (UDP's
#: second LEN is iptables.udp.length).
_KEYS: dict[str, tuple[str, type[int] | type[str]]] = {
    "SRC": ("source.ip", str), "DST": ("destination.ip", str), "SPT": ("source.port", int),
    "DPT": ("destination.port", int), "LEN": ("iptables.length", int), "TOS": ("iptables.tos", str),
    "PREC": ("iptables.precedence_bits", str), "TTL": ("iptables.ttl", int), "HOPLIMIT": ("iptables.ttl", int),
    "ID": ("iptables.id", int), "TC": ("iptables.tos", str), "FLOWLBL": ("iptables.flow_label", int),
    "WINDOW": ("iptables.tcp.window", int), "RES": ("iptables.tcp.reserved_bits", str),
    "TYPE": ("iptables.icmp.type", int), "CODE": ("iptables.icmp.code", int), "SEQ": ("iptables.icmp.seq", int),
    "MARK": ("iptables.mark", str), "SPI": ("iptables.spi", str),
}
#: KEY after the field that opens the transport header -> that header's field: UDP's LEN after
#: PROTO, ICMP's ID after TYPE (the IP header has its own LEN and, for IPv4, ID before them).
_AFTER = {"LEN": ("network.transport", "iptables.udp.length"), "ID": ("iptables.icmp.type", "iptables.icmp.id")}
_TCP_FLAGS = frozenset({"CWR", "ECE", "URG", "ACK", "PSH", "RST", "SYN", "FIN"})
_FRAGMENT_FLAGS = frozenset({"CE", "DF", "MF"})
_TRANSPORTS = {"icmpv6": "ipv6-icmp"}
_DENIED = re.compile(r"\b(?:BLOCK|DROP|DENY|REJECT)", re.IGNORECASE)
_ALLOWED = re.compile(r"\b(?:ALLOW|ACCEPT)", re.IGNORECASE)


def normalise_netfilter(message: str) -> dict[str, Any] | None:
    """The ECS fields of a netfilter LOG message, None when ``message`` is not one."""
    if "IN=" not in message or " OUT=" not in message:
        return None
    match = _LINE.match(message)
    if match is None:
        return None
    fields: dict[str, Any] = {"event.category": ["network"], "event.type": ["connection"]}
    if match["in"]:
        fields["observer.ingress.interface.name"] = fields["iptables.input_device"] = match["in"]
    if match["out"]:
        fields["observer.egress.interface.name"] = fields["iptables.output_device"] = match["out"]
    _pairs(match["rest"] or "", fields)
    _verdict(match["prefix"].strip(), fields)
    _flow(fields)
    return fields


def _pairs(rest: str, fields: dict[str, Any]) -> None:
    tcp_flags: list[str] = []
    fragment_flags: list[str] = []
    for token in rest.split(" "):
        if token.startswith("["):  # an ICMP error's quoted packet: not this packet's fields
            break
        key, sep, value = token.partition("=")
        if not sep:
            if key in _TCP_FLAGS:
                tcp_flags.append(key)
            elif key in _FRAGMENT_FLAGS:
                fragment_flags.append(key)
            continue
        if key == "MAC":
            _macs(value, fields)
        elif key == "PROTO":
            fields["network.transport"] = _TRANSPORTS.get(value.lower(), value.lower())
        elif key in _AFTER and _AFTER[key][0] in fields:
            number = decimal_number(value)
            if number is not None and _AFTER[key][1] not in fields:
                fields[_AFTER[key][1]] = number
        elif key in ("SRC", "DST"):
            address = _address(value)
            if address:
                fields.setdefault(_KEYS[key][0], address)
        elif key in _KEYS and _KEYS[key][0] not in fields and value:
            name, kind = _KEYS[key]
            if kind is int:
                number = decimal_number(value)
                if number is not None:
                    fields[name] = number
            else:
                fields[name] = kind(value)
    if tcp_flags:
        fields["iptables.tcp.flags"] = tcp_flags
    if fragment_flags:
        fields["iptables.fragment_flags"] = fragment_flags


def _address(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def _macs(value: str, fields: dict[str, Any]) -> None:
    """``MAC=dst:src:type``: 6 bytes each, in ECS's upper-case dash form."""
    octets = value.split(":")
    if len(octets) >= 12:
        fields["destination.mac"] = "-".join(octets[:6]).upper()
        fields["source.mac"] = "-".join(octets[6:12]).upper()
    if len(octets) >= 14:
        fields["iptables.ether_type"] = int("".join(octets[12:14]), 16)


def _verdict(prefix: str, fields: dict[str, Any]) -> None:
    if not prefix:
        return
    fields["iptables.prefix"] = prefix
    ubiquiti = _UBIQUITI.match(prefix)
    if ubiquiti is not None:
        fields["iptables.ubiquiti.rule_set"] = ubiquiti["zones"]
        fields["iptables.ubiquiti.rule_number"] = ubiquiti["rule"]
        fields["rule.name"] = prefix.strip("[]")
        verdict = {"A": "allowed", "D": "denied", "R": "denied"}[ubiquiti["verdict"]]
    elif _DENIED.search(prefix):
        verdict = "denied"
    elif _ALLOWED.search(prefix):
        verdict = "allowed"
    else:
        verdict = ""
    if verdict:
        fields["event.type"] = ["connection", verdict]
    action = re.sub(r"[^a-z0-9_]+", "-", prefix.lower()).strip("-")
    if action:
        fields["event.action"] = action


def _flow(fields: dict[str, Any]) -> None:
    source, destination = fields.get("source.ip"), fields.get("destination.ip")
    if source and destination:
        fields["network.type"] = "ipv6" if ":" in source else "ipv4"
        fields["related.ip"] = list(dict.fromkeys((source, destination)))
    sport, dport, transport = fields.get("source.port"), fields.get("destination.port"), fields.get("network.transport")
    if source and destination and isinstance(sport, int) and isinstance(dport, int) and transport:
        found = community_id(source, sport, destination, dport, transport)
        if found:
            fields["network.community_id"] = found
