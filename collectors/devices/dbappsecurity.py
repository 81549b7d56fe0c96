"""DBAppSecurity (安恒) WAF alerts to ECS (log-formats.md section 8.3): ``key/value`` pairs
separated by commas after a ``DBAppWAF:`` tag, Chinese keys on current firmware, English ones on
older:

    <178>Nov 18 15:15:28 host DBAppWAF: 发生时间/2024-11-18 15:15:16,威胁/中,事件/...,请求方法/GET,URL地址/...
    Jun 28 14:48:44 localhost DBAppWAF: happentime/2018-06-28 14:48:41,severity_id/3,msg_id/16020,method/GET,...

Values hold commas (user agents, POST data, attack strings) and one key holds a slash
(``HTTP/S响应码``), so the body is split only before a known key of KEYS. 发生时间 / happentime is
the event's time (zone-less: the source's zone). Every line is an ``event.kind: alert`` of
``event.category: [web, intrusion_detection]``; 动作 阻断 (blocked) gives ``denied``, 警告 (warned)
``allowed``; 威胁 高/中/低 gives ``event.severity`` 3/2/1. ``URL地址`` is the host and target as the
WAF writes them (``10.50.109.90:31003/api/v1/data``): ``url.original``, with ``url.domain`` and
``url.path`` / ``url.query`` from it.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from govsoc.collectors.base import ParseContext, parsers
from govsoc.collectors.devices.device_parser import DeviceParser
from govsoc.collectors.numbers import decimal_number
from govsoc.collectors.web.request import url_fields
from govsoc.core.errors import ParseError

__all__ = ["KEYS", "DbappWafParser"]

#: Key (Chinese or English firmware) -> ECS or dbappsecurity.waf.* field.
KEYS: dict[str, str] = {
    "发生时间": "@time", "happentime": "@time", "威胁": "dbappsecurity.waf.threat", "severity_id": "event.severity",
    "事件": "rule.name", "msg_id": "rule.id", "请求方法": "http.request.method", "method": "http.request.method",
    "URL地址": "@url", "url": "@url", "POST数据": "http.request.body.content", "post": "http.request.body.content",
    "GET数据": "dbappsecurity.waf.get_data", "服务器IP": "destination.ip", "dip": "destination.ip",
    "主机名": "dbappsecurity.waf.hostname", "hostname": "dbappsecurity.waf.hostname",
    "服务器端口": "destination.port", "dport": "destination.port", "客户端IP": "source.ip", "sip": "source.ip",
    "客户端端口": "source.port", "sport": "source.port", "客户端环境": "user_agent.original",
    "标签": "rule.category", "动作": "dbappsecurity.waf.action", "HTTP/S响应码": "http.response.status_code",
    "攻击特征串": "dbappsecurity.waf.attack_feature", "触发规则": "rule.id",
    "访问唯一编号": "dbappsecurity.waf.visit_id",
    "国家": "dbappsecurity.waf.country", "省": "dbappsecurity.waf.province", "市": "dbappsecurity.waf.city",
    "XFF_IP": "network.forwarded_ip",
}
#: 威胁 -> event.severity (our 1-4 scale: 低 1, 中 2, 高 3, 严重 4).
THREATS = {"低": 1, "中": 2, "高": 3, "严重": 4}
#: 动作 -> (event.type, event.outcome)
ACTIONS = {"阻断": ("denied", "failure"), "拦截": ("denied", "failure"), "警告": ("allowed", "success"),
           "记录": ("allowed", "success")}
_TAG = re.compile(r"(\S+) +DBAppWAF: ?")
# The same, tried only where a token starts: searched, _TAG tried every character of every token,
# each scanning to the token's end (a 20,000-character token cost 3.9 s)
_TOKEN_TAG = re.compile(r"(?<!\S)(\S+) +DBAppWAF: ?")
_KEY = "(?:" + "|".join(re.escape(key) for key in sorted(KEYS, key=len, reverse=True)) + ")"
_SPLIT = re.compile(f",(?={_KEY}/)")
_PAIR = re.compile(f"({_KEY})/(.*)", re.DOTALL)
#: Keys that no other key extends with "/": a part starting with one of them and "/" is that key's,
#: read without _PAIR's alternation of every key (only a prefix of HTTP/S响应码 would need it).
_PLAIN_KEYS = frozenset(key for key in KEYS if "/" not in key and not any(o.startswith(key + "/") for o in KEYS))


@parsers.register("dbappsecurity.waf")
class DbappWafParser(DeviceParser):
    """DBAppSecurity WAF ``DBAppWAF:`` alerts."""

    dataset = "dbappsecurity.waf"
    MARKER = _TAG
    EXPECTED = "not a DBAppSecurity WAF line (expected 'host DBAppWAF: key/value,...')"

    def find(self, text: str, pos: int) -> re.Match[str] | None:
        """``host DBAppWAF:`` at or after ``pos``: what ``_TAG.search(text, pos)`` finds, in linear
        time (a match inside a token implies one at the token's start, or at ``pos`` when ``pos``
        is inside the token)."""
        return _TAG.match(text, pos) or _TOKEN_TAG.search(text, pos)

    def body(self, text: str, tag: re.Match[str], context: ParseContext) -> tuple[dict[str, Any], datetime | None]:
        """The ``key/value,`` pairs after the tag; the time is their 发生时间 / happentime."""
        fields: dict[str, Any] = {"event.kind": "alert", "event.category": ["web", "intrusion_detection"],
                                  "event.type": ["info"], "event.action": "web-attack-detected",
                                  "observer.vendor": "DBAppSecurity", "observer.product": "WAF",
                                  "observer.type": "waf", "observer.name": tag[1]}
        when: datetime | None = None
        for part in _SPLIT.split(text[tag.end():]):
            key, _, value = part.partition("/")
            if key not in _PLAIN_KEYS:
                pair = _PAIR.match(part)
                if pair is None:
                    continue
                key, value = pair[1], pair[2]
            value = value.strip().rstrip(",")
            if not value:
                continue
            target = KEYS[key]
            if target == "@time":
                try:
                    when = datetime.fromisoformat(value).replace(tzinfo=context.timezone)
                except ValueError:
                    raise ParseError(f"{key}/{value!r} is not 'YYYY-MM-DD hh:mm:ss'") from None
            elif target == "@url":
                fields["url.original"] = value
                host, slash, path = value.partition("/")
                fields.update(url_fields(slash + path))
                if host:
                    fields["url.domain"] = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
            elif target == "http.response.status_code":
                status = decimal_number(value)
                if status is not None:
                    fields[target] = status
            else:
                fields[target] = value
        _verdict(fields)
        return fields, when


def _verdict(fields: dict[str, Any]) -> None:
    threat = THREATS.get(str(fields.get("dbappsecurity.waf.threat", "")))
    if threat:
        fields["event.severity"] = threat
    action = ACTIONS.get(str(fields.get("dbappsecurity.waf.action", "")))
    if action:
        fields["event.type"], fields["event.outcome"] = [action[0]], action[1]
    method = fields.get("http.request.method")
    if isinstance(method, str):
        fields["http.request.method"] = method.upper()
