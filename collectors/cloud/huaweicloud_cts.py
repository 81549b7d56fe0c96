"""Huawei Cloud CTS (云审计服务) traces, as the CTS v3 API and the OBS/LTS transfers give them:
the ``huaweicloud.cts`` parser.

Stage: collectors (parse + normalise), per reference log-formats.md 13.3. Every key stays under
``huaweicloud.cts.*``. ``time`` is epoch milliseconds in the API; Huawei's older documentation
shows ``"2017-02-15 14:21:50 GMT+08:00"``: both are read. ``request`` and ``response`` are JSON
held in strings: they are kept as text (they may hold secrets; masking is the classification
stage's).

A security group rule call's request is read for the sources its ingress rules let in
(:data:`~govsoc.collectors.cloud.actiontrail.ACCEPTED_SOURCES`, as for Alibaba Cloud): a rule
whose ``action`` is ``deny`` (VPC API v3) lets nothing in, and a rule with no
``remote_ip_prefix``, ``remote_group_id`` or ``remote_address_group_id`` accepts every source
(VPC API v2.0/v1, which follows Neutron: no remote is any address), 0.0.0.0/0 or ::/0 by its
``ethertype``. A Sigma rule cannot read that from the request's text.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from govsoc.collectors.base import parsers
from govsoc.collectors.cloud.actiontrail import ACCEPTED_SOURCES
from govsoc.collectors.cloud.trail import TrailFormat, TrailParser, categorise

FIELDS: dict[str, str] = {
    "trace_name": "event.action", "service_type": "cloud.service.name", "user.id": "user.id",
    "user.name": "user.name", "user.domain.id": "cloud.account.id", "code": "http.response.status_code",
}
#: trace_rating -> event.severity (reference 13.3).
SEVERITIES: dict[str, int] = {"normal": 1, "warning": 2, "incident": 3}
_GMT = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) GMT([+-])(\d\d):(\d\d)$")


#: Keys of a security group rule that name who it lets in; none of them set is every source.
_REMOTES = ("remote_ip_prefix", "remote_group_id", "remote_address_group_id")


def accepted_sources(request: object) -> list[str]:
    """The source ranges the ingress rules of a security group call (``request``, CTS's JSON text:
    one ``security_group_rule`` or a ``security_group_rules`` list) let in; [] when it is no such
    call or not JSON."""
    try:
        body = json.loads(request) if isinstance(request, str) else request
    except ValueError:
        return []
    if not isinstance(body, dict):
        return []
    rules = [body.get("security_group_rule"), *(body.get("security_group_rules") or [])]
    sources: list[str] = []
    for rule in rules:
        if not isinstance(rule, dict) or str(rule.get("direction", "")).lower() != "ingress":
            continue
        if str(rule.get("action") or "allow").lower() == "deny":
            continue
        prefix = rule.get("remote_ip_prefix")
        if not prefix and any(rule.get(key) for key in _REMOTES):
            continue  # another group or an address group: not the world
        source = str(prefix) if prefix else "::/0" if str(rule.get("ethertype", "")).lower() == "ipv6" else "0.0.0.0/0"
        if source not in sources:
            sources.append(source)
    return sources


def _extra(doc: dict[str, Any], out: dict[str, Any]) -> None:
    out["cloud.provider"] = "huaweicloud"
    out["event.module"] = "huaweicloud"
    out["event.provider"] = str(doc.get("service_type", ""))
    code = str(doc.get("code", ""))
    if code.isdigit():
        out["http.response.status_code"] = int(code)
        out["event.outcome"] = "failure" if int(code) >= 400 else "success"
    rating = doc.get("trace_rating")
    if isinstance(rating, str) and rating in SEVERITIES:
        out["event.severity"] = SEVERITIES[str(rating)]
    categorise(str(doc.get("trace_name", "")), str(doc.get("service_type", "")), out)
    sources = accepted_sources(doc.get("request"))
    if sources:
        out[ACCEPTED_SOURCES] = sources


def _timestamp(doc: dict[str, Any]) -> datetime:
    value = doc["time"]
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value / 1000, tz=UTC)
    match = _GMT.match(str(value))
    if match is None:
        raise ValueError(f"time {value!r} is neither epoch milliseconds nor 'YYYY-MM-DD hh:mm:ss GMT+hh:mm'")
    sign = 1 if match.group(2) == "+" else -1
    zone = timezone(sign * timedelta(hours=int(match.group(3)), minutes=int(match.group(4))))
    return datetime.strptime(match.group(1), "%Y-%m-%d %H:%M:%S").replace(tzinfo=zone).astimezone(UTC)


CTS = TrailFormat(prefix="huaweicloud.cts.", marker="trace_id", batch_keys=("traces",), fields=FIELDS,
                  address="source_ip", timestamp=_timestamp, extra=_extra, provider="Huawei Cloud CTS",
                  # "trace_id: 标识事件的ID，由系统生成的UUID" (CTS v3 API, event structure; reference 13.3)
                  identity="trace_id")


@parsers.register("huaweicloud.cts")
class HuaweiCloudCtsParser(TrailParser):
    """Huawei Cloud CTS management and data traces."""

    dataset = "huaweicloud.cts"
    trail = CTS
