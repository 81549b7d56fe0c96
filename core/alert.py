"""The alert: what a detection rule found, with the evidence and attribution it needs.

An alert's id is deterministic: rule id + matched event id for a single-event rule, rule id +
group key + first event of the burst for a correlation, so running detection again over the
same events never duplicates an alert. SigmaHQ's Detection Rule License asks that the rule's
author be shown wherever matches are shown: the author travels with every alert.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from govsoc.core.event import format_timestamp, parse_timestamp

LEVELS = ("informational", "low", "medium", "high", "critical")


@dataclass(frozen=True, slots=True, kw_only=True)
class Alert:
    """One detection result.

    ``kind`` is "match" (one event matched a rule) or "correlation" (a group of events met a
    correlation rule's condition within its timespan). ``start``/``end`` span the events.
    """

    id: str
    rule_id: str
    rule_title: str
    level: str
    kind: str
    start: datetime
    end: datetime
    event_ids: tuple[str, ...]
    author: str | None = None
    references: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    group: Mapping[str, Any] = field(default_factory=dict)
    context: Mapping[str, Any] = field(default_factory=dict)

    @property
    def event_count(self) -> int:
        """How many events the alert rests on."""
        return len(self.event_ids)

    def to_document(self) -> dict[str, Any]:
        """The JSON document that stores keep (flat keys, times in ISO 8601 UTC)."""
        return {
            "alert.id": self.id,
            "rule.id": self.rule_id,
            "rule.name": self.rule_title,
            "rule.author": self.author,
            "rule.reference": list(self.references),
            "tags": list(self.tags),
            "event.severity_name": self.level,
            "event.kind": self.kind,
            "@timestamp": format_timestamp(self.start),
            "event.end": format_timestamp(self.end),
            "event.count": self.event_count,
            "event.ids": list(self.event_ids),
            "group": dict(self.group),
            "context": dict(self.context),
        }

    @classmethod
    def from_document(cls, doc: Mapping[str, Any]) -> Alert:
        """The inverse of :meth:`to_document`."""
        return cls(
            id=doc["alert.id"],
            rule_id=doc["rule.id"],
            rule_title=doc["rule.name"],
            author=doc.get("rule.author"),
            references=tuple(doc.get("rule.reference") or ()),
            tags=tuple(doc.get("tags") or ()),
            level=doc["event.severity_name"],
            kind=doc["event.kind"],
            start=parse_timestamp(doc["@timestamp"]),
            end=parse_timestamp(doc["event.end"]),
            event_ids=tuple(doc["event.ids"]),
            group=dict(doc.get("group") or {}),
            context=dict(doc.get("context") or {}),
        )
