"""H3C Comware (switches, routers) and SecPath firewalls: information-center lines
(collectors.devices.infocenter) to ECS (log-formats.md section 4).

Firewall modules write ``FieldName(FieldID)=value;`` lists: they are read by the numeric id
(FIELD_IDS), because the names' spelling varies between versions (``NatSrcIPAddr(1005)`` /
``NATSrcIPAddr(1005)``); an id not in the table goes to ``h3c.<name>``. Other modules write
sentences, matched by MESSAGES (logins, logouts, the SSH server's refusals, CLI commands). EVENTS
classifies a module as Elastic's integrations do similar devices: FILTER policy hits
(``allowed``/``denied`` from ``Event(1048)``), SESSION / NAT session logs (``start``/``end``), IPS and ATK detections
(``event.kind: alert``, ``intrusion_detection``, ``denied`` when ``Action(1053)`` reset, blocked
or dropped). Attack names are often GBK Chinese: the record is decoded per record (UTF-8, else
GB18030). Vendor header fields: ``h3c.module``, ``h3c.severity``, ``h3c.digest``,
``h3c.serial_number``; the dataset is ``h3c.secpath`` for firewall modules, else ``h3c.comware``.
"""

from __future__ import annotations

import re
from typing import Any

from govsoc.collectors.base import parsers
from govsoc.collectors.devices.device_parser import InfoCenterParser
from govsoc.collectors.devices.infocenter import InfoCenterLine
from govsoc.collectors.devices.network_fields import protocol_fields
from govsoc.collectors.numbers import decimal_number
from govsoc.collectors.syslog.line import SEVERITIES

__all__ = ["EVENTS", "FIELD_IDS", "MESSAGES", "H3cParser"]

#: Field id -> ECS field (log-formats.md 4.2; values checked by network_fields).
FIELD_IDS: dict[str, str] = {
    "1001": "network.transport", "1002": "network.application", "1003": "source.ip", "1004": "source.port",
    "1005": "source.nat.ip", "1006": "source.nat.port", "1007": "destination.ip", "1008": "destination.port",
    "1009": "destination.nat.ip", "1010": "destination.nat.port", "1025": "observer.ingress.zone",
    "1035": "observer.egress.zone", "1044": "source.packets", "1045": "destination.packets",
    "1046": "source.bytes", "1047": "destination.bytes", "1048": "h3c.event", "1053": "h3c.action",
    "1069": "h3c.match_count", "1072": "rule.ruleset", "1078": "rule.id", "1079": "rule.name",
    "1087": "h3c.severity_level", "1088": "h3c.attack_name", "1089": "rule.id", "1090": "rule.category",
    "1113": "user.name", "1075": "vulnerability.id",
}
#: Attack severity words (Severity(1087)) -> event.severity (1 low .. 4 critical; the scale is ours).
SEVERITY_WORDS = {"low": 1, "medium": 2, "high": 3, "critical": 4}
_AUTH, _CONF = ("authentication",), ("configuration",)
#: Module -> (product, event.category, event.type, event.action, event.kind); the FILTER, SESSION,
#: NAT and IPS types are refined from Event(1048) / Action(1053).
EVENTS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...], str, str]] = {
    "FILTER": ("secpath", ("network",), ("connection",), "policy-match", "event"),
    "SESSION": ("secpath", ("network",), ("connection",), "session", "event"),
    "NAT": ("secpath", ("network",), ("connection",), "nat", "event"),
    "IPS": ("secpath", ("network", "intrusion_detection"), ("info",), "intrusion-detected", "alert"),
    "ATK": ("secpath", ("network", "intrusion_detection"), ("info",), "attack-detected", "alert"),
    "BLS": ("secpath", ("network",), ("info",), "blacklist", "event"),
}
#: Sentence -> (event.category, event.type, event.action, event.outcome): SHELL's and LOGIN's. Each
#: pattern runs only on a description holding its cue (a search of a pattern that opens with
#: ``\S+`` costs tens of microseconds on any line; the cue's ``in`` test, nothing).
MESSAGES: tuple[tuple[str, re.Pattern[str], tuple[str, ...], tuple[str, ...], str, str], ...] = (
    ("logged in from", re.compile(r"(?P<user>\S+) logged in from (?P<from>\S+?)\.?$"), _AUTH, ("start",),
     "logged-in", "success"),
    ("logged out from", re.compile(r"(?P<user>\S+) logged out from (?P<from>\S+?)\.?$"), _AUTH, ("end",),
     "logged-out", "success"),
    # SSHS_AUTH_EXCEED_RETRY_TIMES ends a session whose refused credentials SSHS_LOG has counted one
    # by one: a failure, but not one more guess (before "failed to log", whose text it shares)
    (") failed to log in, because",
     re.compile(r"SSH user (?P<user>\S*) \(IP: (?P<from>[^)]+)\) failed to log in, because (?P<reason>.+?)\.?$"),
     _AUTH, ("info",), "logon-retries-exceeded", "failure"),
    # "admin failed to log in from 192.0.2.1.", "AUX user failed to log in on AUX0." (a line, no user),
    # SHELL_LOGINFAIL's "SSH user admin failed to log in from 192.0.2.1 on VTY0.." (the user, then the line)
    ("failed to log", re.compile(r"(?:\w+ user(?: (?P<user>\S+))?|(?P<name>\S+)) failed to log ?in (?:from|on) "
                                 r"(?P<from>[^\s,]+?)(?: on (?P<line>[^\s.]+))?\.*$"),
     _AUTH, ("start",), "logon-failed", "failure"),
    # SSHS_CONNECT / SSHS_DISCONNECT: an SSH session of a user the server authenticated, and its end
    # (H3C's reference: the user logged in to / out of the server). Their own actions, not logged-in /
    # logged-out: a CLI session over SSH is also SHELL_LOGIN's, which the login rules count once.
    (" connected to the server successfully",
     re.compile(r"SSH user (?P<user>\S*)(?: \(IP: (?P<from>[^)]+)\))? connected to the server successfully\.?$"),
     _AUTH, ("start",), "ssh-connected", "success"),
    (" disconnected from the server",
     re.compile(r"SSH user (?P<user>\S*)(?: \(IP: (?P<from>[^)]+)\))? disconnected from the server\.?$"),
     _AUTH, ("end",), "ssh-disconnected", "success"),
    # SSHS_LOG, the SSH server's own words for each credential it refused: "Authentication failed for
    # [user] admin from 192.0.2.1 port 50000 [ssh2 | because of invalid username or wrong password]."
    ("Authentication failed for ",
     re.compile(r"Authentication failed for (?:user )?(?P<user>\S+) from (?P<from>[^\s,]+?)(?: port (?P<port>\d+))?"
                r"(?: ssh2| because of (?P<reason>.+?))?\.?$"),
     _AUTH, ("start",), "logon-failed", "failure"),
    ("didn't pass", re.compile(r"SSH user (?P<user>\S+) \(IP: (?P<from>[^)]+)\) didn't pass (?P<reason>.+?)\.?$"),
     _AUTH, ("start",), "logon-failed", "failure"),
    ("; Command is ",
     re.compile(r"-(?:Line|Task)=(?P<line>[^-]*)-IPAddr=(?P<from>[^-]*)-User=(?P<user>[^;]*); Command is (?P<cmd>.*)$"),
     _CONF, ("change",), "command-executed", "success"),
    (" failed to be matched",
     re.compile(r"-User=(?P<user>[^-]*)-IPAddr=(?P<from>[^;]*); Command (?P<cmd>.*) in view \S+ failed to be matched"),
     _CONF, ("change",), "command-executed", "failure"),
)
# FieldName(FieldID)=value: the name runs from the first ASCII letter or "_" of a word. Only a
# word's start is tried (the look-behind), its other lead skipped in one step: the plain form
# ([A-Za-z_]\w*)\( tried every letter of a word, each scanning to the word's end, so a 20,000-
# character token cost 2.4 s; the matches are the same.
_PAIR = re.compile(r"(?<!\w)[^\WA-Za-z_]*+([A-Za-z_]\w*+)\((\d{4})\)=([^;]*)")
_SOURCE_PART = re.compile(r"(?:-(?:DevIP|Slot|Chassis|Context)=[^;]*;? ?)+")
_DENIED = ("deny", "drop", "reset", "block")
_SNAKE = re.compile(r"[^a-z0-9]+")


@parsers.register("h3c")
class H3cParser(InfoCenterParser):
    """H3C Comware and SecPath information-center lines."""

    dataset = "h3c.comware"
    VENDOR = "h3c"

    def body(self, line: InfoCenterLine) -> tuple[str, dict[str, Any]]:
        """The product (comware or secpath, by the module) and the fields."""
        module = line.module.upper()
        known = EVENTS.get(module)
        product = known[0] if known else "comware"
        fields: dict[str, Any] = {
            "message": line.description, "event.code": f"{line.module}/{line.brief}", "h3c.module": line.module,
            "h3c.severity": line.severity, "h3c.digest": line.brief, "log.level": SEVERITIES[line.severity],
            "observer.vendor": "H3C", "observer.product": "SecPath" if product == "secpath" else "Comware",
        }
        if product == "secpath":
            fields["observer.type"] = "firewall"
        if line.host:
            fields["observer.name"] = line.host
        if line.serial:
            fields["observer.serial_number"] = line.serial
        description = line.description
        source_part = _SOURCE_PART.match(description)
        if source_part:
            description = description[source_part.end():]
        if known:
            _, category, kinds, action, kind = known
            fields.update({"event.category": list(category), "event.type": list(kinds), "event.action": action,
                           "event.kind": kind})
        if "(10" in description and _pairs(description, fields):
            _refine(module, fields)
        elif not _sentence(description, fields) and not known:
            fields["event.action"] = _SNAKE.sub("-", line.brief.lower()).strip("-")
        return product, fields


def _pairs(description: str, fields: dict[str, Any]) -> bool:
    found = False
    for name, ident, raw in _PAIR.findall(description):
        value = raw.strip()
        if not value or value == "--":
            continue
        found = True
        target = FIELD_IDS.get(ident)
        if target == "network.transport":
            fields.update(protocol_fields(value))
        elif target == "network.application":
            fields[target] = value.lower()
        elif target is not None:
            fields.setdefault(target, value)
        else:
            fields.setdefault(f"h3c.{_SNAKE.sub('_', name.lower()).strip('_')}", value)
    return found


def _refine(module: str, fields: dict[str, Any]) -> None:
    """FILTER/SESSION/NAT: the verdict and the session's phase from Event(1048); IPS/ATK: from
    Action(1053); attack severity words to event.severity."""
    event = str(fields.get("h3c.event", ""))
    verb = _SNAKE.sub("-", re.sub(r"^\(\d+\)", "", event).lower()).strip("-")
    if module == "FILTER" and verb:
        allowed = verb.startswith("permit")
        fields["event.type"] = ["connection", "allowed" if allowed else "denied"]
        fields["event.action"] = "policy-permit" if allowed else "policy-deny"
        fields["event.outcome"] = "success" if allowed else "failure"
    elif module in ("SESSION", "NAT") and verb:
        fields["event.action"] = verb
        phase = "start" if "creat" in verb else "end" if ("delet" in verb or "age" in verb) else ""
        if phase:
            fields["event.type"] = ["connection", phase]
    elif module in ("IPS", "ATK"):
        attack = fields.pop("h3c.attack_name", None)
        if attack:  # the signature that matched is the rule; the IPS policy is its ruleset
            if "rule.name" in fields:
                fields["rule.ruleset"] = fields["rule.name"]
            fields["rule.name"] = attack
        action = str(fields.get("h3c.action", "")).lower()
        if action:
            fields["event.type"] = ["denied"] if any(word in action for word in _DENIED) else ["allowed"]
    severity = str(fields.get("h3c.severity_level", "")).lower()
    if severity in SEVERITY_WORDS:
        fields["event.severity"] = SEVERITY_WORDS[severity]


def _sentence(description: str, fields: dict[str, Any]) -> bool:
    for cue, pattern, category, kinds, action, outcome in MESSAGES:
        if cue not in description:
            continue
        match = pattern.search(description)
        if match is None:
            continue
        fields.update({"event.category": list(category), "event.type": list(kinds), "event.action": action,
                       "event.outcome": outcome})
        found = match.groupdict()
        user = (found.get("user") or found.get("name") or "").strip()
        if user and user != "**":
            fields["user.name"] = user
        origin = (found.get("from") or "").strip()
        if origin and origin[0].isdigit() or ":" in origin:
            fields["source.ip"] = origin
        elif origin and origin != "**":
            fields["h3c.line"] = origin
        if found.get("line"):
            fields["h3c.line"] = found["line"]
        port = decimal_number(found.get("port") or "")
        if port is not None:
            fields["source.port"] = port
        if found.get("reason"):
            fields["event.reason"] = found["reason"]
        if found.get("cmd"):
            fields["process.command_line"] = found["cmd"].strip()
            if found["cmd"].lstrip().lower().startswith(("dis ", "display ")):
                fields["event.type"] = ["access"]
        return True
    return False
