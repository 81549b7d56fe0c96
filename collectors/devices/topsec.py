"""Topsec (天融信) TOS and NGTOS firewalls to ECS (log-formats.md section 7): WELF-like
``key=value`` pairs, values with spaces in double quotes (NGTOS quotes them all), after an
optional syslog envelope and host:

    id=tos time="2016-04-06 16:53:11" fw=<device> pri=6 type=ac recorder=FW-NAT src=... dst=...

``time`` is the event's time (zone-less: the source's zone). ``type`` names the family, classified
through TYPES: ``ac`` / ``conn`` access control and sessions (``network``, ``allowed``/``denied``
from ``rule=accept|deny``), ``mgmt`` administrator actions (``configuration``; ``result=0``
success, else failure), ``system`` / ``sv_netacc`` logins (``authentication``), NGTOS threat
types (``event.kind: alert``). KEYS maps the rest; a key not in it goes to ``topsec.<key>``.
MAC addresses get ECS's ``AA-BB-CC-DD-EE-FF`` form. Device names (``fw=``) may be GBK Chinese.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from govsoc.collectors.base import ParseContext, parsers
from govsoc.collectors.devices.device_parser import DeviceParser
from govsoc.collectors.devices.network_fields import protocol_fields
from govsoc.collectors.numbers import decimal_number
from govsoc.core.errors import ParseError

__all__ = ["KEYS", "TYPES", "TopsecParser"]

KEYS: dict[str, str] = {
    "src": "source.ip", "dst": "destination.ip", "sport": "source.port", "dport": "destination.port",
    "smac": "source.mac", "dmac": "destination.mac", "indev": "observer.ingress.interface.name",
    "outdev": "observer.egress.interface.name", "user": "user.name", "policyid": "rule.id",
    "policyname": "rule.name", "fw": "observer.name", "dev": "observer.name", "msg": "message",
    "protoname": "network.application", "vip": "client.nat.ip", "attack_type": "rule.category",
}
_IDS = ("network", "intrusion_detection")
#: type -> (event.category, event.type, event.action, event.kind)
TYPES: dict[str, tuple[tuple[str, ...], tuple[str, ...], str, str]] = {
    "ac": (("network",), ("connection",), "access-control", "event"),
    "conn": (("network",), ("connection",), "connection", "event"),
    "mgmt": (("configuration",), ("change",), "administration", "event"),
    "system": (("authentication",), ("info",), "system", "event"),
    "sv_netacc": (("authentication", "network"), ("start",), "ssl-vpn-access", "event"),
    "dpi": (("network",), ("protocol",), "content-audit", "event"),
    "僵尸网络": (_IDS, ("info",), "botnet-detected", "alert"),
    "ips": (_IDS, ("info",), "intrusion-detected", "alert"),
    "av": (("network", "malware"), ("info",), "virus-detected", "alert"),
}
_START = re.compile(r"(?:^|\s)id=")
# key=value: only a word's start is tried (the look-behind; a key can only start one, since a
# word's later letters reach the same end), so a long token is scanned once, not once per letter
# (a 20,000-character one cost 2.8 s); the quoted value unrolled. The matches are the same.
# A value is its quotes' content, a whole non-space run in quotes (a quote left open inside it,
# as "ab\"), else the non-space run: group 2, 3 or 4, so no value is looked at again for its quotes.
_PAIR = re.compile(r'(?<![\w.-])([\w.-]++)=(?:"([^"\\]*(?:\\.[^"\\]*)*)"|"(\S*)"(?!\S)|(\S*))')
#: Keys read otherwise than by copying: the time and id (read before), the transport, MAC addresses.
_PROTOCOL, _SKIPPED = "@protocol", "@skipped"
_SPECIAL = {"time": _SKIPPED, "id": _SKIPPED, "proto": _PROTOCOL, "protocol": _PROTOCOL,
            "smac": "@source.mac", "dmac": "@destination.mac"}
#: Key -> its field (``topsec.<key>`` when not in KEYS) or special reading: few keys, many lines.
_TARGETS: dict[str, str] = {}


def _target(key: str) -> str:
    target = _SPECIAL.get(key) or KEYS.get(key) or f"topsec.{key}"
    if len(_TARGETS) < 4096:
        _TARGETS[key] = target
    return target


_OPERATIONS = {"login": ("start", "logged-in"), "logout": ("end", "logged-out"), "connect": ("start", "connected")}


@parsers.register("topsec.tos")
class TopsecParser(DeviceParser):
    """Topsec TOS / NGTOS ``id=tos`` lines."""

    dataset = "topsec.tos"
    MARKER = _START
    EXPECTED = "not a Topsec line (expected 'id=tos time=\"...\" fw=... type=...')"

    def body(self, text: str, start: re.Match[str], context: ParseContext) -> tuple[dict[str, Any], datetime | None]:
        """The key=value pairs from ``id=`` on; the time is their ``time=``."""
        pairs = {key: quoted or run_quoted or run
                 for key, quoted, run_quoted, run in _PAIR.findall(text, start.end() - 3)}
        stamp = pairs.get("time", "")
        try:
            when = datetime.fromisoformat(stamp).replace(tzinfo=context.timezone) if stamp else None
        except ValueError:
            raise ParseError(f"time={stamp!r} is not 'YYYY-MM-DD hh:mm:ss'") from None
        fields: dict[str, Any] = {"observer.vendor": "Topsec", "observer.product": pairs.get("id", "tos").upper(),
                                  "observer.type": "firewall"}
        for key, value in pairs.items():
            if not value or value == "null":
                continue
            target = _TARGETS.get(key) or _target(key)
            if target[0] != "@":  # the first of two keys for one field wins (fw=, dev=)
                fields.setdefault(target, value)
            elif target == _PROTOCOL:
                fields.update(protocol_fields(value))
            elif target != _SKIPPED:  # "@source.mac", "@destination.mac"
                fields[target[1:]] = value.replace(":", "-").upper()
        _classify(pairs, text[start.end():], fields)
        return fields, when


def _classify(pairs: dict[str, str], body: str, fields: dict[str, Any]) -> None:
    known = TYPES.get(pairs.get("type", "").lower()) or TYPES.get(pairs.get("type", ""))
    if known:
        category, kinds, action, kind = known
        fields.update({"event.category": list(category), "event.type": list(kinds), "event.action": action,
                       "event.kind": kind})
    rule = pairs.get("rule", "").lower()
    if rule in ("accept", "permit", "deny", "drop", "reject"):
        allowed = rule in ("accept", "permit")
        fields["event.type"] = ["connection", "allowed" if allowed else "denied"]
        fields["event.outcome"] = "success" if allowed else "failure"
    result = pairs.get("result")
    code = None if result is None else decimal_number(result[1:] if result.startswith("-") else result)
    if code is not None:
        fields["event.outcome"] = "success" if code == 0 else "failure"
    operation = pairs.get("op", "").lower()
    tail = pairs.get("msg", "") + " " + body.rsplit('"', 1)[-1]  # sv_netacc ends "... Login success"
    for word, (kind_of, action) in _OPERATIONS.items():
        if word in operation:
            fields["event.type"], fields["event.action"] = [kind_of], action
    if "success" in tail.lower() and "event.outcome" not in fields:
        fields["event.outcome"] = "success"
    if pairs.get("type") == "mgmt" and pairs.get("recorder") == "config":
        fields["process.command_line"] = pairs.get("msg", "")
