"""Huawei VRP (switches, routers) and USG / HiSecEngine firewalls: information-center lines
(collectors.devices.infocenter) to ECS (log-formats.md section 3).

The description is a sentence and ``(Key=Value, ...)`` (``SHELL/5/CMDRECORD``), or ``Key=Value,``
lists (``SECLOG``), or ``key=value, `` lists with hyphenated keys (``POLICY``), after an optional
VRP8 location (``CID=0x...;``). Keys are matched case- and punctuation-blind through KEYS; a key
not in it goes to ``huawei.<vrp|usg>.<key>``. EVENTS classifies a (module, brief) as Elastic's
integrations do similar devices (fortinet, cisco_asa, panw): logins (``event.category:
authentication``), commands and saves (``configuration``), policy hits and sessions (``network``,
``allowed``/``denied``, ``start``/``end``), IPS/AV detections (``event.kind: alert``,
``intrusion_detection`` / ``malware``). A (module, brief) not in it is still an event, with
``event.action`` the brief, lower-case and hyphenated. Vendor header fields: ``huawei.module``,
``huawei.severity``, ``huawei.brief``, ``huawei.flag``, ``huawei.sequence``, ``event.code`` =
``MODULE/BRIEF``; the dataset is ``huawei.usg`` for firewall modules, else ``huawei.vrp``.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from govsoc.collectors.base import parsers
from govsoc.collectors.devices.device_parser import InfoCenterParser
from govsoc.collectors.devices.infocenter import InfoCenterLine
from govsoc.collectors.devices.network_fields import protocol_fields
from govsoc.collectors.numbers import decimal_number
from govsoc.collectors.syslog.line import SEVERITIES
from govsoc.core.event import format_timestamp

__all__ = ["EVENTS", "KEYS", "HuaweiParser"]

_AUTH, _CONF, _NET = ("authentication",), ("configuration",), ("network",)
_IDS, _MALWARE = ("network", "intrusion_detection"), ("network", "malware")
#: (module, brief or "*") -> (product, event.category, event.type, event.action, event.outcome, event.kind)
EVENTS: dict[tuple[str, str], tuple[str, tuple[str, ...], tuple[str, ...], str, str | None, str]] = {
    ("SHELL", "CMDRECORD"): ("vrp", _CONF, ("change",), "command-executed", "success", "event"),
    ("SHELL", "DISPLAY_CMDRECORD"): ("vrp", _CONF, ("access",), "command-executed", "success", "event"),
    ("SHELL", "CMDRECORDFAILED"): ("vrp", _CONF, ("change",), "command-executed", "failure", "event"),
    ("SHELL", "LOGIN"): ("vrp", _AUTH, ("start",), "logged-in", "success", "event"),
    ("SHELL", "LOGINFAILED"): ("vrp", _AUTH, ("start",), "logon-failed", "failure", "event"),
    ("SHELL", "LOGIN_FAIL"): ("vrp", _AUTH, ("start",), "logon-failed", "failure", "event"),
    ("SHELL", "LOGIN_FAIL_FOR_INPUT_TIMEOUT"): ("vrp", _AUTH, ("start",), "logon-failed", "failure", "event"),
    ("SHELL", "LOGOUT"): ("vrp", _AUTH, ("end",), "logged-out", "success", "event"),
    ("CLI", "LOGIN"): ("vrp", _AUTH, ("start",), "logged-in", "success", "event"),
    # VRP8 (CloudEngine, USG/HiSecEngine on VRP8) records commands under CLI, not SHELL
    ("CLI", "CMDRECORD"): ("vrp", _CONF, ("change",), "command-executed", "success", "event"),
    ("SSH", "SSH_FAIL"): ("vrp", _AUTH, ("start",), "logon-failed", "failure", "event"),
    # VRP8 (NetEngine, CloudEngine): one line per SSH login, its failure or its logout
    ("SSH", "SSH_USER_LOGIN"): ("vrp", _AUTH, ("start",), "logged-in", "success", "event"),
    ("SSH", "SSH_USER_LOGIN_FAIL"): ("vrp", _AUTH, ("start",), "logon-failed", "failure", "event"),
    ("SSH", "SSH_USER_LOGOUT"): ("vrp", _AUTH, ("end",), "logged-out", "success", "event"),
    ("SSH", "SSHS_IP_BLOCK_CLIENT"): ("vrp", _AUTH, ("info",), "client-blocked", "failure", "event"),
    # VRP8: the address locked after too many SSH failures; Telnet's block of a guessing client
    ("SSH", "IP_LOCKED"): ("vrp", _AUTH, ("info",), "client-blocked", "failure", "event"),
    ("TELNETS", "TELNETS_IP_BLOCK_CLIENT"): ("vrp", _AUTH, ("info",), "client-blocked", "failure", "event"),
    ("FTPS", "LOGIN_OK"): ("vrp", _AUTH, ("start",), "logged-in", "success", "event"),
    ("FTPS", "LOGINFAILED"): ("vrp", _AUTH, ("start",), "logon-failed", "failure", "event"),
    ("SNMP", "SNMP_FAIL"): ("vrp", _AUTH, ("start",), "logon-failed", "failure", "event"),
    ("CFM", "SAVE"): ("vrp", _CONF, ("change",), "configuration-saved", "success", "event"),
    # VRP8: a configuration file changed; a save to the startup configuration is told by _FILE_CHANGES
    ("CONFIGURATION", "CFG_FILE_CHANGE"): ("vrp", _CONF, ("change",), "configuration-file-changed", "success",
                                           "event"),
    ("CONFIG", "CONFIGCHANGE"): ("usg", _CONF, ("change",), "configuration-changed", "success", "event"),
    ("POLICY", "POLICYPERMIT"): ("usg", _NET, ("connection", "allowed"), "policy-permit", "success", "event"),
    ("POLICY", "POLICYDENY"): ("usg", _NET, ("connection", "denied"), "policy-deny", "failure", "event"),
    ("SECLOG", "SESSION_BUILT"): ("usg", _NET, ("connection", "start"), "session-built", None, "event"),
    ("SECLOG", "SESSION_TEARDOWN"): ("usg", _NET, ("connection", "end"), "session-teardown", None, "event"),
    ("IPS", "*"): ("usg", _IDS, ("info",), "intrusion-detected", None, "alert"),
    ("AV", "*"): ("usg", _MALWARE, ("info",), "virus-detected", None, "alert"),
    ("URL", "FILTER"): ("usg", ("network", "web"), ("info",), "url-filtered", None, "event"),
}
#: Key, lower-case without '-' and '_' -> ECS field (values checked by network_fields).
KEYS: dict[str, str] = {
    "ip": "source.ip", "ipaddress": "source.ip", "sourceip": "source.ip", "srcip": "source.ip",
    "username": "user.name", "user": "user.name", "command": "process.command_line",
    "sourceport": "source.port", "srcport": "source.port", "destinationip": "destination.ip",
    "dstip": "destination.ip", "destinationport": "destination.port", "dstport": "destination.port",
    "sourcezone": "observer.ingress.zone", "srczone": "observer.ingress.zone",
    "destinationzone": "observer.egress.zone", "dstzone": "observer.egress.zone",
    "rulename": "rule.name", "signname": "rule.name", "signid": "rule.id", "policy": "rule.ruleset",
    "category": "rule.category", "applicationname": "network.application", "application": "network.application",
    "sourcenatip": "source.nat.ip", "sourcenatport": "source.nat.port", "destinationnatip": "destination.nat.ip",
    "destinationnatport": "destination.nat.port", "sendpkts": "source.packets", "sendbytes": "source.bytes",
    "rcvpkts": "destination.packets", "rcvbytes": "destination.bytes", "failedreason": "event.reason",
    "reason": "event.reason", "vsys": "huawei.usg.vsys", "closereason": "huawei.usg.close_reason",
    "task": "huawei.vrp.task", "vpnname": "huawei.vrp.vpn_name", "usertype": "huawei.vrp.user_type",
    "authenticationmethod": "huawei.vrp.authentication_method", "times": "huawei.vrp.times",
    "terminalip": "source.ip", "vsysname": "huawei.usg.vsys", "vrf": "huawei.vrp.vpn_name",
    # VRP8's SSH_USER_* messages: the client's and the device's own address, the SSH service
    "useraddress": "source.ip", "localaddress": "destination.ip", "vpninstancename": "huawei.vrp.vpn_name",
    "servicetype": "huawei.vrp.service_type", "logoutreason": "event.reason",
    # VRP8's CLI/CMDRECORD: the client's (RemoteIp) and the device's own (LocalIp) address
    "remoteip": "source.ip", "localip": "destination.ip",
    # VRP8's CFG_FILE_CHANGE: who, from where, and HUAWEI-CONFIG-MAN-MIB's source and destination codes
    "teruser": "user.name", "srcaddr": "source.ip", "srccmd": "huawei.vrp.source_command",
    "srcdata": "huawei.vrp.source_data", "destdata": "huawei.vrp.destination_data",
}
#: CFG_FILE_CHANGE's (SrcData, DestData) -> event.action: a configuration file saved (2) to the
#: startup configuration (4) is a save (NetEngine 8000 Log Reference; HUAWEI-CONFIG-MAN-MIB
#: hwCfgLogSrcData / hwCfgLogDesData). Other pairs stay configuration-file-changed.
_FILE_CHANGES = {("2", "4"): "configuration-saved"}
#: Huawei's log references: "**" stands for a value the device could not obtain (the user name of a
#: password-only login, the address of a console session, ServiceType before the service is known).
_UNKNOWN = "**"
#: Signature severity words -> event.severity (1 low .. 4 critical; the scale is ours).
SEVERITY_WORDS = {"information": 1, "low": 1, "medium": 2, "high": 3, "critical": 4}
_BLOCKED = ("block", "drop", "reset", "deny")
_LOCATION = re.compile(r"(?:(?:CID|VS|VR|alarmID)=[^;\s]*;|\[[^\]]*\])*")
# Key=Value: the key is a run of word characters and hyphens from its first ASCII letter on. Only
# the start of a run is tried (the look-behind) and its non-letter lead is skipped in one step:
# the plain form ([A-Za-z][\w-]*)= tried every letter of every word of a sentence, backtracking
# each run, a third of a USG line's cost; the matches are the same. The quoted value unrolled,
# its content a group of its own (group 2; group 3 the bare value), so that it is not looked at
# again for its quotes.
_PAIR = re.compile(r'(?<![\w-])[^\WA-Za-z]*+(?:-[^\WA-Za-z]*+)*+([A-Za-z][\w-]*+)='
                   r'(?:"([^"\\]*(?:\\.[^"\\]*)*)"|([^,;)]*))')
_SNAKE = re.compile(r"[^a-z0-9]+")
_COLON_PAIR = re.compile(r"(?:^|\s)(task|ip|user|vrf|command):(.*?)(?=\s(?:task|ip|user|vrf|command):|$)", re.DOTALL)
_FIREWALL_MODULES = frozenset({"POLICY", "SECLOG", "IPS", "AV", "URL", "SECURITY", "NAT", "FWLOG", "FW-LOG"})


@parsers.register("huawei")
class HuaweiParser(InfoCenterParser):
    """Huawei VRP and USG information-center lines."""

    dataset = "huawei.vrp"
    VENDOR = "huawei"

    def body(self, line: InfoCenterLine) -> tuple[str, dict[str, Any]]:
        """The product (vrp or usg, by the message) and the fields."""
        module = line.module.upper()
        known = EVENTS.get((module, line.brief.upper())) or EVENTS.get((module, "*"))
        product = known[0] if known else ("usg" if module in _FIREWALL_MODULES else "vrp")
        description = line.description
        fields: dict[str, Any] = {
            "message": description, "event.code": f"{line.module}/{line.brief}", "huawei.module": line.module,
            "huawei.severity": line.severity, "huawei.brief": line.brief, "log.level": SEVERITIES[line.severity],
            "observer.vendor": "Huawei", "observer.product": product.upper(),
        }
        if product == "usg":
            fields["observer.type"] = "firewall"
        if line.host:
            fields["observer.name"] = line.host
        if line.flag:
            fields["huawei.flag"] = line.flag
        if line.sequence is not None:
            fields["huawei.sequence"] = line.sequence
        if "=" in description:
            _pairs(description, product, fields)
        else:
            _colon_pairs(description, product, fields)
        if known:
            _, category, kinds, action, outcome, kind = known
            fields.update({"event.category": list(category), "event.type": list(kinds), "event.action": action,
                           "event.kind": kind})
            if outcome:
                fields["event.outcome"] = outcome
            _own_result(fields, product)
            if action == "configuration-file-changed":
                saved = _FILE_CHANGES.get((str(fields.get("huawei.vrp.source_data")),
                                           str(fields.get("huawei.vrp.destination_data"))))
                if saved:
                    fields["event.action"] = saved
            if kind == "alert":
                _verdict(fields)
        else:
            fields["event.action"] = _SNAKE.sub("-", line.brief.lower()).strip("-")
        return product, fields


def _pairs(description: str, product: str, fields: dict[str, Any]) -> None:
    body = description[_LOCATION.match(description).end():]  # type: ignore[union-attr]
    pairs = _PAIR.findall(body)
    last = len(pairs) - 1
    targets = _TARGETS[product]
    for i, (key, quoted, value) in enumerate(pairs):
        if quoted:  # Key="...": its content as it is (an empty one is no value, as a bare one)
            value = quoted
        else:
            value = value.strip()
            if value.startswith('"') and value.endswith('"') and len(value) > 1:
                value = value[1:-1]
            elif i == last and value.endswith(".") and body.rstrip().endswith((".", ".)")):
                value = value[:-1]  # the full stop after "rule-name=allow_web." or in "VPNInstanceName=_public_.)"
        if not value or value == _UNKNOWN:
            continue
        target = targets.get(key) or _target(key, product)
        if target[0] != "@":
            if target not in fields:
                fields[target] = value
        elif target == "@protocol":
            fields.update(protocol_fields(value))
        elif target in ("@begintime", "@endtime"):
            seconds = decimal_number(value)
            if seconds is not None:
                try:
                    moment = datetime.fromtimestamp(seconds, UTC)
                except (OverflowError, OSError, ValueError):  # beyond the calendar: no time to give
                    continue
                fields["event.start" if target == "@begintime" else "event.end"] = format_timestamp(moment)
        elif target == "@severity":
            fields[f"huawei.{product}.severity"] = value
            if value.lower() in SEVERITY_WORDS:
                fields["event.severity"] = SEVERITY_WORDS[value.lower()]


#: Keys read otherwise than by copying: the transport, epoch times, severity words.
_SPECIAL = {"protocol": "@protocol", "begintime": "@begintime", "endtime": "@endtime", "severity": "@severity"}
#: Product -> key as written -> its field or special reading: few keys, many lines.
_TARGETS: dict[str, dict[str, str]] = {"vrp": {}, "usg": {}}


def _target(key: str, product: str) -> str:
    name = key.lower().replace("-", "").replace("_", "")
    if name == "action" and product == "usg":
        target = "huawei.usg.action"
    else:
        target = _SPECIAL.get(name) or KEYS.get(name) or f"huawei.{product}.{_SNAKE.sub('_', key.lower()).strip('_')}"
    known = _TARGETS[product]
    if len(known) < 4096:
        known[key] = target
    return target


def _colon_pairs(description: str, product: str, fields: dict[str, Any]) -> None:
    """Older USG firmware's ``task:HTPR ip:192.0.2.3 user:admin vrf:public command:...`` (the
    command runs to the end, its full stop dropped)."""
    for key, value in _COLON_PAIR.findall(description):
        value = value.strip()
        if key == "command" and value.endswith("."):
            value = value[:-1]
        if value:
            target = _TARGETS[product].get(key) or _target(key, product)
            if target[0] != "@" and target not in fields:
                fields[target] = value


#: A message's own ``Result=`` (VRP8 CMDRECORD: ``Command="...", Result=Failed``) -> event.outcome.
_RESULTS = {"success": "success", "succeeded": "success", "failed": "failure", "failure": "failure", "fail": "failure"}


def _own_result(fields: dict[str, Any], product: str) -> None:
    """The message's own verdict outranks its type's usual outcome: a CMDRECORD whose Result is
    Failed records a command the device refused, not one it executed."""
    result = _RESULTS.get(str(fields.get(f"huawei.{product}.result", "")).strip().lower())
    if result:
        fields["event.outcome"] = result


def _verdict(fields: dict[str, Any]) -> None:
    """An IPS/AV alert's ``event.type``: denied when the device blocked it, else allowed."""
    action = str(fields.get("huawei.usg.action", "")).lower()
    if action:
        fields["event.type"] = ["denied"] if any(word in action for word in _BLOCKED) else ["allowed"]
