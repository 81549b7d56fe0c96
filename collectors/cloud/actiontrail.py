"""Alibaba Cloud ActionTrail (操作审计) events, one per line as delivered to SLS (where the event
sits under ``event``) or OSS (a JSON array): the ``alibaba.actiontrail`` parser.

Stage: collectors (parse + normalise), per reference log-formats.md 13.2. Every key stays under
``alibaba.actiontrail.*`` in ActionTrail's spelling.

A security group call may carry one rule (``SourceCidrIp``, ``Policy``) or a list of any length
in API 2014-05-26's indexed form (``Permissions.N.SourceCidrIp``, ``Permissions.N.Policy``, as
ActionTrail keeps them), each rule with its own policy. A Sigma rule cannot pair the fields of
"the same N" for every N, so the parser adds :data:`ACCEPTED_SOURCES`: the source ranges (IPv4
and IPv6) of the call's rules whose policy is not ``drop``.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from govsoc.collectors.base import parsers
from govsoc.collectors.cloud.trail import TrailFormat, TrailParser, categorise
from govsoc.collectors.json_records import pick
from govsoc.core.event import parse_timestamp

FIELDS: dict[str, str] = {
    "eventSource": "event.provider", "eventName": "event.action", "acsRegion": "cloud.region",
    "serviceName": "cloud.service.name", "userAgent": "user_agent.original", "userIdentity.principalId": "user.id",
    "userIdentity.userName": "user.name", "userIdentity.accountId": "cloud.account.id", "errorCode": "error.code",
    "errorMessage": "error.message",
}

#: The source ranges a security group call lets in (its rules whose policy is not drop).
ACCEPTED_SOURCES = "govsoc.security_group.accepted_sources"
_PERMISSION = re.compile(r"Permissions\.(\d+)\.(\w+)")
_SOURCE_KEYS = ("SourceCidrIp", "Ipv6SourceCidrIp")


def accepted_sources(params: object) -> list[str]:
    """The source ranges of the rules in ``requestParameters`` that accept traffic: the single
    rule form and every ``Permissions.N`` (or a ``Permissions`` array), each by its own Policy."""
    if not isinstance(params, dict):
        return []
    rules: dict[str, dict[str, Any]] = {"": params}
    for key, value in params.items():
        found = _PERMISSION.fullmatch(str(key))
        if found:
            rules.setdefault(found[1], {})[found[2]] = value
    listed = params.get("Permissions")
    if isinstance(listed, list):
        rules.update({f"[{i}]": item for i, item in enumerate(listed) if isinstance(item, dict)})
    sources: list[str] = []
    for rule in rules.values():
        if str(rule.get("Policy") or "accept").lower() == "drop":
            continue
        sources += [v for name in _SOURCE_KEYS if isinstance(v := rule.get(name), str) and v and v not in sources]
    return sources


def _extra(doc: dict[str, Any], out: dict[str, Any]) -> None:
    out["cloud.provider"] = "alibaba_cloud"
    out["event.module"] = "alibaba"
    out["event.outcome"] = "failure" if doc.get("errorCode") else "success"
    categorise(str(doc.get("eventName", "")), str(doc.get("serviceName", "")), out)
    sources = accepted_sources(doc.get("requestParameters"))
    if sources:
        out[ACCEPTED_SOURCES] = sources
    if doc.get("eventType") == "ConsoleSignin":
        out["event.category"] = ["authentication"]
        out["event.type"] = ["start"]
        result = pick(doc, "additionalEventData.loginResult")
        if isinstance(result, str) and result.lower() != "success":
            out["event.outcome"] = "failure"


def _timestamp(doc: dict[str, Any]) -> datetime:
    return parse_timestamp(str(doc["eventTime"]))


# No ``identity``: reference 13.2 maps eventId to event.id but does not say it is unique to a record
# (CloudTrail's and CTS's ids are documented as such), so ActionTrail keeps positional ids (R49a-1).
ACTIONTRAIL = TrailFormat(prefix="alibaba.actiontrail.", marker="eventId", batch_keys=(), fields=FIELDS,
                          address="sourceIpAddress", timestamp=_timestamp, extra=_extra,
                          provider="Alibaba Cloud ActionTrail")


@parsers.register("alibaba.actiontrail")
class ActionTrailParser(TrailParser):
    """Alibaba Cloud ActionTrail API calls, console operations and sign-ins."""

    dataset = "alibaba.actiontrail"
    trail = ACTIONTRAIL
