"""Sangfor AF (NGAF) firewall ``fwlog`` / ``nat`` lines to ECS (log-formats.md section 5.1):

    <PRI>Mmm dd hh:mm:ss localhost fwlog: 日志类型:<type>, <key>:<value>, ...

Keys are Chinese (GBK on many units, UTF-8 on others: decided per record) or, on English
firmware, English; both go through KEYS. A value may contain ``, `` (a URL), so the body is split
only where ``, `` is followed by a short key and a colon (ASCII or full-width). LOG_TYPES
classifies the 日志类型 as Elastic's integrations do similar devices: application control and
NAT (``network``), IPS / WAF / DoS / botnet (``event.kind: alert``, ``intrusion_detection``),
anti-virus (``malware``), web access (``web``), user authentication and SSL VPN
(``authentication``), system operations (``configuration``). 系统动作 / 动作 gives ``allowed`` /
``denied``; 严重级别 高/中/低 gives ``event.severity`` 3/2/1. A key not in KEYS goes to
``sangfor.<key>``.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from govsoc.collectors.base import ParseContext, parsers
from govsoc.collectors.devices.device_parser import DeviceParser
from govsoc.collectors.devices.network_fields import protocol_fields
from govsoc.collectors.numbers import decimal_number

__all__ = ["KEYS", "LOG_TYPES", "SangforParser"]

#: Key (Chinese or English firmware) -> ECS or sangfor.* field.
KEYS: dict[str, str] = {
    "日志类型": "sangfor.log_type", "type": "sangfor.log_type", "所属系统": "sangfor.vsys",
    "策略名称": "rule.name", "policy name": "rule.name", "用户": "user.name", "user": "user.name",
    "源IP": "source.ip", "Src IP": "source.ip", "源端口": "source.port", "Src port": "source.port",
    "目的IP": "destination.ip", "Dst IP": "destination.ip", "目的端口": "destination.port",
    "Dst port": "destination.port", "协议": "network.transport", "应用类型": "sangfor.app_category",
    "应用名称": "network.application", "application": "network.application", "系统动作": "sangfor.action",
    "动作": "sangfor.action", "action": "sangfor.action", "攻击类型": "rule.category",
    "漏洞名称": "sangfor.vulnerability", "病毒名": "sangfor.virus", "病毒类型": "sangfor.virus_type",
    "严重级别": "sangfor.severity", "严重等级": "sangfor.severity", "URL": "url.original",
    "攻击方向": "sangfor.attack_direction", "IP地址": "source.ip", "用户名/主机": "sangfor.user_or_host",
    "上行流量(KB)": "source.bytes", "下行流量(KB)": "destination.bytes", "总流量(KB)": "network.bytes",
    "NAT类型": "sangfor.nat_type", "转换后的IP": "source.nat.ip", "转换后的端口": "source.nat.port",
    "操作对象": "sangfor.object", "操作类型": "sangfor.operation", "操作": "sangfor.operation",
    "描述": "sangfor.description", "时间": "sangfor.time", "登录时间": "sangfor.login_time",
    "登录时长": "sangfor.login_duration", "注销时间": "sangfor.logout_time",
}
_IDS, _ALERT = ("network", "intrusion_detection"), "alert"
#: 日志类型 -> (event.category, event.type, event.action, event.kind)
LOG_TYPES: dict[str, tuple[tuple[str, ...], tuple[str, ...], str, str]] = {
    "服务控制或应用控制": (("network",), ("connection",), "application-control", "event"),
    "IPS防护日志": (_IDS, ("info",), "intrusion-detected", _ALERT),
    "WAF应用防护日志": (_IDS, ("info",), "web-attack-detected", _ALERT),
    "DOS攻击日志": (_IDS, ("info",), "dos-attack-detected", _ALERT),
    "僵尸网络日志": (_IDS, ("info",), "botnet-detected", _ALERT),
    "病毒查杀": (("network", "malware"), ("info",), "virus-detected", _ALERT),
    "网站访问": (("web",), ("access",), "web-access", "event"),
    "流量审计": (("network",), ("info",), "traffic-audit", "event"),
    "用户认证": (("authentication",), ("info",), "user-authentication", "event"),
    "SSL VPN用户行为日志": (("authentication",), ("info",), "ssl-vpn", "event"),
    "系统操作": (("configuration",), ("change",), "system-operation", "event"),
    "NAT日志": (("network",), ("connection",), "nat", "event"),
}
#: 系统动作 -> (event.type verdict, event.outcome); 被记录 (logged only) has none.
ACTIONS = {"允许": ("allowed", "success"), "allow": ("allowed", "success"), "permit": ("allowed", "success"),
           "拒绝": ("denied", "failure"), "deny": ("denied", "failure"), "阻断": ("denied", "failure"),
           "block": ("denied", "failure")}
#: 严重级别 -> event.severity (our 1-4 scale: 低 1, 中 2, 高 3, 严重 4).
SEVERITIES = {"低": 1, "中": 2, "高": 3, "严重": 4, "low": 1, "medium": 2, "high": 3}
_HEADER = re.compile(r"(\S+) +(fwlog|nat|[a-z]+log)(?:\[\d+\])?: ?", re.ASCII)
_SPLIT = re.compile(r", (?=[^,:：]{1,24}[:：])")
_KILO = ("source.bytes", "destination.bytes", "network.bytes")


@parsers.register("sangfor.af")
class SangforParser(DeviceParser):
    """Sangfor AF ``fwlog`` and ``nat`` lines."""

    dataset = "sangfor.af"
    MARKER = _HEADER
    ANCHORED = True
    EXPECTED = "not a Sangfor AF line (expected 'host fwlog: 日志类型:...')"

    def accepts(self, text: str) -> bool:
        """Only a line with a log type (日志类型, or type: in English firmware)."""
        return "日志类型" in text or "type:" in text

    def body(self, text: str, header: re.Match[str], context: ParseContext) -> tuple[dict[str, Any], datetime | None]:
        """The key/value pairs after ``host fwlog:``."""
        body = text[header.end():]
        fields: dict[str, Any] = {"message": body, "observer.vendor": "Sangfor", "observer.product": "AF",
                                  "observer.type": "firewall", "observer.name": header[1],
                                  "log.syslog.appname": header[2]}
        for part in _SPLIT.split(body):
            key, _, value = part.replace("：", ":", 1).partition(":")
            key, value = key.strip(), value.strip()
            if not value or value in ("(null)", "-"):
                continue
            target = KEYS.get(key) or f"sangfor.{key}"
            if target == "network.transport":
                fields.update(protocol_fields(value))
            elif target in _KILO and (kilobytes := decimal_number(value)) is not None:
                fields[target] = kilobytes * 1024
            else:
                fields.setdefault(target, value)
        _classify(fields)
        return fields, None


def _classify(fields: dict[str, Any]) -> None:
    known = LOG_TYPES.get(str(fields.get("sangfor.log_type", "")))
    if known:
        category, kinds, action, kind = known
        fields.update({"event.category": list(category), "event.type": list(kinds), "event.action": action,
                       "event.kind": kind})
    verdict = ACTIONS.get(str(fields.get("sangfor.action", "")).lower())
    if verdict:
        phases = [t for t in fields.get("event.type", []) if t not in ("info", "allowed", "denied")]
        fields["event.type"] = [*phases, verdict[0]]
        fields["event.outcome"] = verdict[1]
    vulnerability = fields.get("sangfor.vulnerability") or fields.get("sangfor.virus")
    if vulnerability:  # the signature that matched is the rule; the policy stays a ruleset
        if "rule.name" in fields:
            fields["rule.ruleset"] = fields["rule.name"]
        fields["rule.name"] = vulnerability
    severity = SEVERITIES.get(str(fields.get("sangfor.severity", "")).lower())
    if severity:
        fields["event.severity"] = severity
    who = str(fields.pop("sangfor.user_or_host", ""))
    if who:
        fields["source.ip" if who[:1].isdigit() else "user.name"] = who
    description = str(fields.get("sangfor.description", ""))
    if fields.get("event.category") == ["authentication"]:
        operation = str(fields.get("sangfor.operation", "")) + str(fields.get("sangfor.object", ""))
        fields["event.type"] = ["end"] if "注销" in operation else ["start"] if "登录" in operation else ["info"]
    if "成功" in description:
        fields["event.outcome"] = "success"
    elif "失败" in description:
        fields["event.outcome"] = "failure"
