"""Alibaba Cloud ActionTrail (操作审计) events, one per line as delivered to SLS (where the event
sits under ``event``) or OSS (a JSON array): the ``alibaba.actiontrail`` parser.

Stage: collectors (parse + normalise), per reference log-formats.md 13.2. Every key stays under
``alibaba.actiontrail.*`` in ActionTrail's spelling.
"""

from __future__ import annotations

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


def _extra(doc: dict[str, Any], out: dict[str, Any]) -> None:
    out["cloud.provider"] = "alibaba_cloud"
    out["event.module"] = "alibaba"
    out["event.outcome"] = "failure" if doc.get("errorCode") else "success"
    categorise(str(doc.get("eventName", "")), str(doc.get("serviceName", "")), out)
    if doc.get("eventType") == "ConsoleSignin":
        out["event.category"] = ["authentication"]
        out["event.type"] = ["start"]
        result = pick(doc, "additionalEventData.loginResult")
        if isinstance(result, str) and result.lower() != "success":
            out["event.outcome"] = "failure"


def _timestamp(doc: dict[str, Any]) -> datetime:
    return parse_timestamp(str(doc["eventTime"]))


ACTIONTRAIL = TrailFormat(prefix="alibaba.actiontrail.", marker="eventId", batch_keys=(), fields=FIELDS,
                          address="sourceIpAddress", timestamp=_timestamp, extra=_extra,
                          provider="Alibaba Cloud ActionTrail")


@parsers.register("alibaba.actiontrail")
class ActionTrailParser(TrailParser):
    """Alibaba Cloud ActionTrail API calls, console operations and sign-ins."""

    dataset = "alibaba.actiontrail"
    trail = ACTIONTRAIL
