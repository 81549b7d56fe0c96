"""What the cloud audit trails share: a table-driven mapping of one trail record to ECS.

Stage: collectors (normalise). AWS CloudTrail, Alibaba Cloud ActionTrail and Huawei Cloud CTS
(reference log-formats.md 13) each keep every key of a record under their vendor namespace, with
the provider's own spelling (Sigma's cloud rules name them so: ``eventName``,
``requestParameters.x``), and fill the ECS fields their table names besides. A source address
that is a service's host name (``ec2.amazonaws.com``) goes to ``source.address`` only, an IP also
to ``source.ip``.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from govsoc.collectors.base import ParseContext, RawRecord
from govsoc.collectors.json_records import flat, json_objects
from govsoc.core.errors import ParseError
from govsoc.core.event import Event


@dataclass(frozen=True, slots=True, kw_only=True)
class TrailFormat:
    """One provider's trail: its namespace, the key that tells its records apart, its ECS table
    and what the table cannot say (time, outcome, categories)."""

    prefix: str
    marker: str
    batch_keys: tuple[str, ...]
    fields: Mapping[str, str]
    address: str
    timestamp: Callable[[dict[str, Any]], datetime]
    extra: Callable[[dict[str, Any], dict[str, Any]], None]
    provider: str
    #: The key of the record's own id when the provider documents it as unique to the record
    #: (CloudTrail's eventID, CTS's trace_id, a UUID each): the event id derives from it, so a
    #: record delivered twice, or read from a copy, is one event (R49a-1). None: positional ids.
    identity: str | None = None


def trail_events(trail: TrailFormat, dataset: str, record: RawRecord, context: ParseContext) -> Iterator[Event]:
    """The events of one line of a trail: one per record, numbered within the line."""
    del context  # trail times are UTC or carry their zone
    text = record.text()
    for index, doc in enumerate(json_objects(text, batch_keys=trail.batch_keys)):
        doc = doc.get("event", doc) if isinstance(doc.get("event"), dict) and trail.marker not in doc else doc
        if trail.marker not in doc:
            raise ParseError(f"not a {trail.provider} record (no {trail.marker})")
        try:
            when = trail.timestamp(doc)
        except (KeyError, TypeError, ValueError, OverflowError, OSError) as e:
            raise ParseError(f"{trail.provider} record without a usable time: {e!r}") from None
        fields = trail_fields(trail, doc)
        fields["event.original"] = text
        if record.file_path:
            fields["log.file.path"] = record.file_path_text
        own = record.own_event_id(dataset, (doc.get(trail.identity),), index) if trail.identity else None
        yield Event(id=own or record.event_id(index), timestamp=when, dataset=dataset, fields=fields)


class TrailParser:
    """A parser of one provider's trail: a subclass names its ``trail`` and ``dataset``."""

    dataset: str
    trail: TrailFormat
    #: Its events' ids are final (collectors.base.keeps_own_ids): the record's own where its trail
    #: names one (TrailFormat.identity), else the positional one the pipeline would give.
    own_ids = True

    def parse(self, record: RawRecord, context: ParseContext) -> Iterator[Event]:
        """One event per trail record of the line (a batch line gives several)."""
        return trail_events(self.trail, self.dataset, record, context)


def trail_fields(trail: TrailFormat, doc: dict[str, Any]) -> dict[str, Any]:
    """The vendor-namespace and ECS fields of one trail record."""
    out: dict[str, Any] = {}
    for name, value in flat(doc, ""):
        out[trail.prefix + name] = value
        target = trail.fields.get(name)
        if target is not None:
            out[target] = value
    address = out.get(trail.prefix + trail.address)
    if isinstance(address, str) and address:
        out["source.address"] = address
        if _is_ip(address):
            out["source.ip"] = address
            out["related.ip"] = [address]
    if isinstance(out.get("user.name"), str):
        out["related.user"] = [out["user.name"]]
    out.update({"event.kind": "event", "event.category": ["api"], "event.type": ["info"]})
    trail.extra(doc, out)
    return out


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


#: Words in an action name -> (event.category added, event.type).
ACTION_WORDS: tuple[tuple[tuple[str, ...], str | None, str], ...] = (
    (("login", "signin", "logon"), "authentication", "start"),
    (("create", "add", "attach", "put", "run", "authorize", "allocate", "import"), None, "creation"),
    (("delete", "remove", "detach", "terminate", "revoke", "release", "stop"), None, "deletion"),
    (("update", "modify", "set", "change", "replace", "enable", "disable", "reset"), None, "change"),
    (("get", "list", "describe", "lookup", "query", "head", "search"), None, "access"),
)
#: Services whose actions are identity and access management.
IAM_SERVICES = frozenset({"iam", "sts", "ram", "sso", "identitystore", "organizations"})


def categorise(action: str, service: str, out: dict[str, Any]) -> None:
    """event.category and event.type from the action's verb and the service (reference 13)."""
    lowered = action.lower()
    for words, category, kind in ACTION_WORDS:
        if lowered.startswith(words) or (category is not None and any(w in lowered for w in words)):
            if category is not None:
                out["event.category"] = ["authentication"]
            out["event.type"] = [kind]
            break
    if service.lower().split(".")[0] in IAM_SERVICES and "authentication" not in out["event.category"]:
        out["event.category"] = ["api", "iam"]
