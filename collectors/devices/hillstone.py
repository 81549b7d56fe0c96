"""Hillstone StoneOS firewalls to ECS (log-formats.md section 6):

    <PRI>Mmm dd hh:mm:ss SERIAL(VSYS) MSGID [HillstoneNetworks#]CLASS@MODULE: text

SERIAL is ``observer.serial_number``, VSYS ``hillstone.vsys``, MSGID (8 hex digits naming the
message template) ``event.code``. Session and NAT texts (``Traffic@FLOW``) carry the 5-tuple as
``a:p->b:p(PROTO)`` (or ``a:p(if)->b:p(if), Protocol PROTO``) and then ``name value`` items, read
through ITEMS; ``session start`` / ``session end`` / ``policy deny`` give ``event.type``.
``Event@MGMT`` administrator logins and logouts are ``authentication`` events (ADMIN). Messages
often end with ``\\n\\0`` (the two characters or the bytes): both are stripped.
"""

from __future__ import annotations

import re
from datetime import datetime, tzinfo
from typing import Any

from govsoc.collectors.base import ParseContext, parsers
from govsoc.collectors.devices.device_parser import DeviceParser
from govsoc.collectors.devices.network_fields import protocol_fields
from govsoc.core.event import format_wall_time

__all__ = ["ADMIN", "ITEMS", "HillstoneParser"]

_HEADER = re.compile(r"(\w{10,20})\(([^)]*)\) ([0-9a-fA-F]{8}) (?:HillstoneNetworks#)?(\w+)@(\w+): ?")
# The search starts only where an address can (the look-behind: a match inside a run of address
# characters implies one at the run's start), so a long hex-like token is scanned once, not once
# per character (a 20,000-character one cost 3.4 s); the matches are the same.
_TUPLE = re.compile(r"(?<![0-9a-fA-F.:])(?P<src>[0-9a-fA-F.:]+?):(?P<sport>\d+)(?:\((?P<in>[^)]*)\))?->"
                    r"(?P<dst>[0-9a-fA-F.:]+?):(?P<dport>\d+)\((?P<third>[^)]*)\)")
_TIME = r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)"
#: Item of a session or NAT text -> (a literal the text must hold, pattern, ECS fields of its groups).
#: The literal is looked for first (``in`` is far cheaper than a search), and every pattern starts
#: with a literal so that the search skips ahead to it.
ITEMS: tuple[tuple[str, re.Pattern[str], tuple[str, ...]], ...] = (
    ("application ", re.compile(r"application ([^,]+)"), ("network.application",)),
    ("interface ", re.compile(r"interface ([^,\s]+)"), ("observer.ingress.interface.name",)),
    ("vr ", re.compile(r" vr ([^,\s]+)"), ("hillstone.vr",)),
    ("policy ", re.compile(r"policy (\d+)"), ("rule.id",)),
    ("user ", re.compile(r"user ([^,\s@]+)@([^,\s]*)"), ("user.name", "user.domain")),
    ("send packets ", re.compile(r"send packets (\d+)"), ("source.packets",)),
    ("send bytes ", re.compile(r"send bytes (\d+)"), ("source.bytes",)),
    ("receive packets ", re.compile(r"receive packets (\d+)"), ("destination.packets",)),
    ("receive bytes ", re.compile(r"receive bytes (\d+)"), ("destination.bytes",)),
    ("start time ", re.compile(r"start time " + _TIME), ("event.start",)),
    ("close time ", re.compile(r"close time " + _TIME), ("event.end",)),
    ("zone from ", re.compile(r"zone from (\S+) to ([^,\s]+)"), ("observer.ingress.zone", "observer.egress.zone")),
    ("Protocol ", re.compile(r"Protocol (\w+)"), ("network.transport",)),
    # older firmware: "srcip a, srcport n, dstip b, dstport n, protocol TCP" instead of the arrow
    ("srcip ", re.compile(r"srcip ([0-9a-fA-F.:]+)"), ("source.ip",)),
    ("srcport ", re.compile(r"srcport (\d+)"), ("source.port",)),
    ("dstip ", re.compile(r"dstip ([0-9a-fA-F.:]+)"), ("destination.ip",)),
    ("dstport ", re.compile(r"dstport (\d+)"), ("destination.port",)),
    ("protocol ", re.compile(r"protocol (\w+)"), ("network.transport",)),
    ("snat to ", re.compile(r"snat to ([0-9a-fA-F.:]+?):(\d+)"), ("source.nat.ip", "source.nat.port")),
    ("dnat to ", re.compile(r"dnat to ([0-9a-fA-F.:]+?):(\d+)"), ("destination.nat.ip", "destination.nat.port")),
    ("rule ", re.compile(r"rule (\d+)"), ("rule.id",)),
    ("session end", re.compile(r"session end[,.] ?([^,]+?)\s*$"), ("hillstone.close_reason",)),
)
#: Event@MGMT administrator texts -> (pattern, event.type, event.action, event.outcome)
ADMIN: tuple[tuple[re.Pattern[str], str, str, str], ...] = (
    (re.compile(r'Admin user "(?P<user>[^"]*)" logined through (?P<via>\w+)(?:, from (?P<ip>[0-9a-fA-F.:]+?):\d+'
                r'| and the IP is (?P<ip2>[0-9a-fA-F.:]+?)\.?(?:$|,| ))'), "start", "logged-in", "success"),
    (re.compile(r'Admin user "(?P<user>[^"]*)" attempted to login through (?P<via>\w+) failed'
                r'(?:, and the IP is (?P<ip2>[0-9a-fA-F.:]+?)\.?$)?'), "start", "logon-failed", "failure"),
    (re.compile(r'Admin user "(?P<user>[^"]*)" logout through (?P<via>\w+)(?:, the IP is (?P<ip2>[0-9a-fA-F.:]+?),)?'),
     "end", "logged-out", "success"),
)
_UNSET = frozenset(("-", "UNKNOWN", ""))
_COPY, _TRANSPORT, _WALL_TIME = 0, 1, 2


def _reading(name: str) -> int:
    if name == "network.transport":
        return _TRANSPORT
    return _WALL_TIME if name in ("event.start", "event.end") else _COPY


#: ITEMS as _flow reads them: (literal, search, the field of an item whose one value is copied
#: as it is (None otherwise), ((field, reading), ...)): decided once, not per value of every line.
_READINGS = tuple((cue, pattern.search, names[0] if len(names) == 1 and _reading(names[0]) == _COPY else None,
                   tuple((name, _reading(name)) for name in names)) for cue, pattern, names in ITEMS)
# "\n\0" at the end, as the bytes (stripped with the line end) or escaped by a relay: the NUL's
# spellings longest first, then the LF's (cut with str methods: a $-anchored regex substitution
# tries every position of the line)
_ESCAPED_NULS = ("\\u0000", "\\000", "\\0")
_ESCAPED_ENDS = ("\\n", *_ESCAPED_NULS)


#: A session end as StoneOS writes it, after its tuple (``SESSION: a:p->b:p(TCP)``): one match
#: for the thirteen items _items would look for one by one (see _session_layout).
_SESSION = re.compile(
    r", application ([^,\s]+), interface ([^,\s]+), vr ([^,\s]+), policy (\d+), user ([^,\s@]+)@([^,\s]*), "
    r"host [^,\s]+, send packets (\d+),send bytes (\d+),receive packets (\d+),receive bytes (\d+),"
    r"start time " + _TIME + r",close time " + _TIME + r",session end,([\w-]+(?: [\w-]+)?)")
_SESSION_COPIED = ("network.application", "observer.ingress.interface.name", "hillstone.vr", "rule.id", "user.name",
                   "user.domain", "source.packets", "source.bytes", "destination.packets", "destination.bytes")


@parsers.register("hillstone.stoneos")
class HillstoneParser(DeviceParser):
    """Hillstone StoneOS syslog lines."""

    dataset = "hillstone.stoneos"
    MARKER = _HEADER
    EXPECTED = "not a Hillstone line (expected 'SERIAL(VSYS) MSGID CLASS@MODULE: text')"

    def clean(self, text: str) -> str:
        """Without the ``\\n\\u0000`` some relays write for the trailers as text."""
        if text.endswith(_ESCAPED_ENDS):
            nul = next((end for end in _ESCAPED_NULS if text.endswith(end)), "")
            text = text.removesuffix(nul).removesuffix("\\n").rstrip()
        return text

    def body(self, text: str, header: re.Match[str], context: ParseContext) -> tuple[dict[str, Any], datetime | None]:
        """The fields of a FLOW, MGMT or other module's message."""
        serial, vsys, msgid, klass, module = header.groups()
        body = text[header.end():].strip()
        fields: dict[str, Any] = {"message": body, "observer.vendor": "Hillstone", "observer.product": "StoneOS",
                                  "observer.type": "firewall", "observer.serial_number": serial,
                                  "hillstone.vsys": vsys, "event.code": msgid.lower(), "hillstone.class": klass,
                                  "hillstone.module": module}
        if module == "FLOW" or body.startswith(("SESSION:", "NAT:")):
            _flow(body, context, fields)
        elif module == "MGMT":
            _admin(body, fields)
        else:
            fields["event.action"] = f"{klass}-{module}".lower()
        return fields, None


def _flow(body: str, context: ParseContext, fields: dict[str, Any]) -> None:
    fields.update({"event.category": ["network"], "event.type": ["connection"]})
    found = _TUPLE.search(body)
    if found:
        fields.update({"source.ip": found["src"], "source.port": found["sport"], "destination.ip": found["dst"],
                       "destination.port": found["dport"]})
        if found["in"]:  # "a:p(if)->b:p(if)": the parentheses hold the interfaces
            fields["observer.ingress.interface.name"] = found["in"]
            fields["observer.egress.interface.name"] = found["third"]
        else:
            fields.update(protocol_fields(found["third"]))
    session = _session_layout(body, found, fields)
    if session is not None:
        _session_items(session.groups(), context.timezone, fields)
    else:
        _items(body, context.timezone, fields)
    kind = "NAT" if body.startswith("NAT:") else "session"
    if "policy deny" in body:
        fields.update({"event.type": ["connection", "denied"], "event.action": "policy-deny",
                       "event.outcome": "failure"})
    elif "session end" in body:
        fields.update({"event.type": ["connection", "end"], "event.action": "session-end"})
    elif "session start" in body:
        fields.update({"event.type": ["connection", "start"], "event.action": "session-start"})
    else:
        fields["event.action"] = kind.lower()


def _items(body: str, zone: tzinfo, fields: dict[str, Any]) -> None:
    """The ITEMS of a session or NAT text, each the first match of its pattern in ``body``."""
    for cue, search, copied, readings in _READINGS:
        if cue not in body:
            continue
        match = search(body)
        if match is None:
            continue
        if copied is not None:  # one value copied: most items
            if copied not in fields:
                value = match[1].strip()
                if value not in _UNSET:
                    fields[copied] = value
            continue
        for (name, reading), value in zip(readings, match.groups(), strict=True):
            value = value.strip()
            if value in _UNSET or name in fields:
                continue
            if reading == _COPY:
                fields[name] = value
            elif reading == _TRANSPORT:
                fields.update(protocol_fields(value))
            else:
                fields[name] = format_wall_time(datetime.fromisoformat(value), zone)


def _session_layout(body: str, found: re.Match[str] | None, fields: dict[str, Any]) -> re.Match[str] | None:
    """The items of a session text in the layout StoneOS writes (_SESSION), when ``body`` is in it.

    Then each item of ITEMS that the text holds is found where the layout puts it, and nothing
    else can be: no value of the layout holds a space, and every cue does; the tuple (first, as
    _TUPLE found it) gave a transport (so it has no interfaces); the close reason, one or two words, can
    hold only cues of fields the tuple or the layout has set before (srcip, Protocol, rule, ...),
    which the first value of a field keeps. So its fields are those _items gives, read in one match.
    """
    if (found is None or found.start() != 9 or "network.transport" not in fields or not found["third"].isalnum()
            or not body.startswith("SESSION: ")):
        return None
    return _SESSION.fullmatch(body, found.end())


def _session_items(groups: tuple[str, ...], zone: tzinfo, fields: dict[str, Any]) -> None:
    """The fields of _SESSION's groups, as _items reads them (the unset spellings left out)."""
    *copied, start, end, reason = groups
    for name, value in zip(_SESSION_COPIED, copied, strict=True):
        if value not in _UNSET:
            fields[name] = value
    fields["event.start"] = format_wall_time(datetime.fromisoformat(start), zone)
    fields["event.end"] = format_wall_time(datetime.fromisoformat(end), zone)
    if reason not in _UNSET:
        fields["hillstone.close_reason"] = reason


def _admin(body: str, fields: dict[str, Any]) -> None:
    for pattern, kind, action, outcome in ADMIN:
        match = pattern.search(body)
        if match is None:
            continue
        found = match.groupdict()
        fields.update({"event.category": ["authentication"], "event.type": [kind], "event.action": action,
                       "event.outcome": outcome, "user.name": found["user"],
                       "hillstone.access_method": found["via"]})
        address = found.get("ip") or found.get("ip2")
        if address:
            fields["source.ip"] = address
        return
    fields["event.action"] = "event-mgmt"
