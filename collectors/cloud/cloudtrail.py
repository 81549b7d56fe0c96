"""AWS CloudTrail records (S3 delivery ``{"Records": [...]}``, or one record per line as
EventBridge and CloudWatch Logs deliver them): the ``aws.cloudtrail`` parser.

Stage: collectors (parse + normalise), per reference log-formats.md 13.1 and Elastic's AWS
CloudTrail integration. Every key stays under ``aws.cloudtrail.*`` in CloudTrail's spelling.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from govsoc.collectors.base import parsers
from govsoc.collectors.cloud.trail import TrailFormat, TrailParser, categorise
from govsoc.collectors.json_records import pick
from govsoc.core.event import parse_timestamp

FIELDS: dict[str, str] = {
    "eventSource": "event.provider", "eventName": "event.action", "awsRegion": "cloud.region",
    "recipientAccountId": "cloud.account.id", "userAgent": "user_agent.original",
    "userIdentity.principalId": "user.id", "userIdentity.userName": "user.name",
    "errorCode": "error.code", "errorMessage": "error.message", "tlsDetails.tlsVersion": "tls.version",
    "tlsDetails.cipherSuite": "tls.cipher",
}


def _extra(doc: dict[str, Any], out: dict[str, Any]) -> None:
    if "user.name" not in out:  # a role's session: the role's name (Elastic does the same)
        name = pick(doc, "userIdentity.sessionContext.sessionIssuer.userName") or pick(doc, "userIdentity.invokedBy")
        if isinstance(name, str) and name:
            out["user.name"] = name
            out["related.user"] = [name]
    out["cloud.provider"] = "aws"
    out["event.module"] = "aws"
    login = pick(doc, "responseElements.ConsoleLogin")
    if "errorCode" in doc or "errorMessage" in doc or login == "Failure":
        out["event.outcome"] = "failure"
    else:
        out["event.outcome"] = "success"
    categorise(str(doc.get("eventName", "")), str(doc.get("eventSource", "")), out)
    if doc.get("eventType") == "AwsConsoleSignIn":
        out["event.category"] = ["authentication"]
        out["event.type"] = ["start"]


def _timestamp(doc: dict[str, Any]) -> datetime:
    return parse_timestamp(str(doc["eventTime"]))


CLOUDTRAIL = TrailFormat(prefix="aws.cloudtrail.", marker="eventVersion", batch_keys=("Records",), fields=FIELDS,
                         address="sourceIPAddress", timestamp=_timestamp, extra=_extra, provider="AWS CloudTrail")


@parsers.register("aws.cloudtrail")
class CloudTrailParser(TrailParser):
    """AWS CloudTrail management, data and sign-in events."""

    dataset = "aws.cloudtrail"
    trail = CLOUDTRAIL
