"""AWS CloudTrail records (S3 delivery ``{"Records": [...]}``, or one record per line as
EventBridge and CloudWatch Logs deliver them): the ``aws.cloudtrail`` parser.

Stage: collectors (parse + normalise), per reference log-formats.md 13.1 and Elastic's AWS
CloudTrail integration. Every key stays under ``aws.cloudtrail.*`` in CloudTrail's spelling.

``requestParameters`` and ``responseElements`` are also kept whole as text, as Elastic's
integration keeps them (``aws.cloudtrail.request_parameters`` / ``response_elements``, Java's
map text ``{key=value, list=[a, b]}``, where a string such as a policy document stays as it is):
SigmaHQ matches text inside the whole object (``requestParameters|contains: 'Suspended'``). Their
leaves under lists of objects are also collected by path, as Elastic's ``flattened`` type indexes
them (``requestParameters.containerDefinitions.command``), and their booleans are the text
``true``/``false``, as in Elastic's ``flattened`` keywords.
"""

from __future__ import annotations

from collections.abc import Iterator
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
    for key, text_name in OBJECT_TEXTS.items():
        value = doc.get(key)
        if isinstance(value, dict):
            out[PREFIX + text_name] = elastic_text(value)
            # a list of objects is replaced by its leaves by path: the store keeps no field
            # under a list's value, and the objects stay whole in the text above
            holders, leaves = _listed_leaves(value, key)
            for path in holders:
                out.pop(PREFIX + path, None)
            out.update({PREFIX + path: found for path, found in leaves.items()})
    for name, value in out.items():
        # Elastic indexes these objects' leaves as keywords (its flattened type): a JSON true is
        # the text "true" there, and so here, which both stores then match as SigmaHQ writes it
        if name.startswith(FLATTENED):
            out[name] = _keyword(value)
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


#: The objects kept whole as text too, and their field under the prefix (Elastic's names).
OBJECT_TEXTS: dict[str, str] = {"requestParameters": "request_parameters", "responseElements": "response_elements"}
PREFIX = "aws.cloudtrail."
#: The objects whose leaves Elastic keeps as keywords (aws.cloudtrail.flattened.*).
FLATTENED: tuple[str, ...] = tuple(f"{PREFIX}{key}." for key in ("requestParameters", "responseElements",
                                                                 "additionalEventData"))


def _keyword(value: Any) -> Any:
    """A boolean (or booleans in a list) as the text Elastic's keyword holds."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return [_keyword(item) for item in value]
    return value


def elastic_text(value: object) -> str:
    """A CloudTrail object as Elastic's ingest pipeline writes it as text (Java's ``toString`` of
    the parsed JSON): ``{key=value, key=[a, b]}``, strings unquoted, ``null``, ``true``."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}={elastic_text(item)}" for key, item in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(elastic_text(item) for item in value) + "]"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _listed_leaves(value: object, path: str) -> tuple[list[str], dict[str, list[Any]]]:
    """The lists of objects in ``value`` (their dotted paths) and the scalar leaves reached through
    them, by dotted path, in order (Elastic's ``flattened`` type reads them so)."""
    holders: list[str] = []
    found: dict[str, list[Any]] = {}
    for name, leaf in _walk(value, path, holders, listed=False):
        found.setdefault(name, []).extend(leaf if isinstance(leaf, list) else [leaf])
    return holders, found


def _walk(value: object, path: str, holders: list[str], *, listed: bool) -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(item, f"{path}.{key}", holders, listed=listed)
    elif isinstance(value, list) and any(isinstance(item, dict) for item in value):
        if not listed:
            holders.append(path)
        for item in value:
            yield from _walk(item, path, holders, listed=True)
    elif listed and value is not None:
        yield path, value


def _timestamp(doc: dict[str, Any]) -> datetime:
    return parse_timestamp(str(doc["eventTime"]))


CLOUDTRAIL = TrailFormat(prefix="aws.cloudtrail.", marker="eventVersion", batch_keys=("Records",), fields=FIELDS,
                         address="sourceIPAddress", timestamp=_timestamp, extra=_extra, provider="AWS CloudTrail",
                         # "eventID: GUID generated by CloudTrail to uniquely identify each event"
                         # (CloudTrail record contents; reference 13.1: event.id)
                         identity="eventID")


@parsers.register("aws.cloudtrail")
class CloudTrailParser(TrailParser):
    """AWS CloudTrail management, data and sign-in events."""

    dataset = "aws.cloudtrail"
    trail = CLOUDTRAIL
