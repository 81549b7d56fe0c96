"""What the Store contract (govsoc.store.base) is asked and answers with: a query of events, and
the buckets and groups of an aggregation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

__all__ = ["Bucket", "Group", "Query", "Scalar", "Target"]

Scalar = str | int | float | bool


@dataclass(frozen=True, slots=True, kw_only=True)
class Query:
    """Which events to return.

    ``start`` is inclusive and ``end`` exclusive. ``terms`` maps a dotted field to the values
    it may equal (any of them; all fields must match); a multi-valued field matches when any
    element does. ``exclude`` maps a field to values it must not hold (no element of a list
    may equal one; an event without the field passes): a flow count leaves out a flow's later
    transaction events (``event.type: protocol``) so. ``text`` is a phrase found, caselessly,
    where a Sigma keyword is: in ``message`` or the raw record (``event.original``, a JSON
    record's escapes decoded), so that web and Kubernetes audit events, which have no message,
    are found too (R49a-2). ``native`` is a condition in the store's own query language.
    Results come in time order, then by id.

    ``after`` (exclusive) and ``until`` (inclusive) bound the events by the order the store
    received them, not by event time: they are opaque positions from :meth:`Store.position`, so
    that an incremental pass reads exactly what was stored since the last one, late events
    included. A store may return a little more than asked after ``after`` (Elasticsearch reads a
    safety margin again, see its module); the callers' writes are idempotent.
    """

    start: datetime | None = None
    end: datetime | None = None
    terms: Mapping[str, tuple[Scalar, ...]] = field(default_factory=dict)
    exclude: Mapping[str, tuple[Scalar, ...]] = field(default_factory=dict)
    text: str | None = None
    native: str | None = None
    limit: int | None = None
    order: Literal["asc", "desc"] = "asc"
    after: str | None = None
    until: str | None = None


@dataclass(frozen=True, slots=True)
class Bucket:
    """One group of an aggregation: a field value and how many events have it."""

    key: Scalar
    count: int


@dataclass(frozen=True, slots=True)
class Group:
    """One group of :meth:`Store.groups`: a value, how many events (or alerts) have it, the sum
    of a numeric field over them (0 when none was asked) and the times of the first and the last
    of them (None when not asked)."""

    key: Scalar
    count: int
    total: float = 0.0
    first: datetime | None = None
    last: datetime | None = None


#: What an aggregation reads: the events, or the alerts (whose fields are the stored alert
#: document's: ``event.severity_name``, ``alert.status``, ``rule.id``, ``rule.name``, ``tags``,
#: ``event.kind``, ``context.<field>``, ``group.<field>``; their time is the alert's start).
Target = Literal["events", "alerts"]
