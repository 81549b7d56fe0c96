"""The Elasticsearch store's aggregations (Store.groups, Store.histogram, Store.cardinality):
request bodies and how their answers read, the same numbers the SQLite store's SQL gives.

``groups`` is a terms aggregation ordered by count then key, with a ``sum`` sub-aggregation for
the total and two one-hit ``top_hits`` (oldest, newest) for the span: a ``min``/``max``
aggregation reads ``date_nanos`` as a double of milliseconds and would lose the microseconds
SQLite keeps. ``histogram`` is a ``date_histogram`` with a fixed interval whose ``offset`` aligns
the intervals on the origin. ``cardinality`` counts exactly up to its precision threshold (40,000).
Alerts are aggregated over the alerts index, where ``context`` and ``group`` are ``flattened``
fields (their keyed sub-fields aggregate as keywords, so every alert key is given as text).

Queries the Query DSL cannot decide alone (an exact native condition checked in Python, see
govsoc.store.elasticsearch) are aggregated in Python over their events (:func:`python_groups` ...).

Stage: store.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from govsoc.core.errors import StoreError
from govsoc.core.event import Event, format_timestamp, parse_timestamp
from govsoc.store.base import Bucket, Group, Query

__all__ = ["PRECISION", "alert_query", "cardinality_aggs", "groups_aggs", "histogram_aggs", "python_cardinality",
           "python_groups", "python_histogram", "read_groups", "read_histogram"]

#: The cardinality aggregation's precision threshold (its maximum): exact below it.
PRECISION = 40_000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def alert_query(query: Query) -> dict[str, Any]:
    """The Query DSL over the alerts index of an alert query (start time range and terms)."""
    if query.text or query.native or query.after or query.until or query.exclude:
        raise StoreError("an alert aggregation takes a time range and terms only (no text, native "
                         "condition, exclusions or ingest positions)")
    filters: list[dict[str, Any]] = []
    bounds = {k: format_timestamp(v) for k, v in (("gte", query.start), ("lt", query.end)) if v is not None}
    if bounds:
        filters.append({"range": {"@timestamp": bounds}})
    for name, values in sorted(query.terms.items()):
        filters.append({"terms": {name: [str(int(v)) if isinstance(v, bool) else str(v) for v in values]}})
    return {"bool": {"filter": filters}} if filters else {"match_all": {}}


def _first(order: str, field: str = "@timestamp") -> dict[str, Any]:
    return {"top_hits": {"size": 1, "sort": [{field: {"order": order}}], "_source": [field]}}


def groups_aggs(field: str, *, size: int, total: str | None, span: bool, alerts: bool = False) -> dict[str, Any]:
    """The ``by`` terms aggregation of Store.groups; over ``alerts`` the span's last time is the
    latest ``event.end`` (an alert's last event), not the latest start."""
    subs: dict[str, Any] = {}
    if total is not None:
        subs["total"] = {"sum": {"field": total}}
    if span:
        subs["first"], subs["last"] = _first("asc"), _first("desc", "event.end" if alerts else "@timestamp")
    terms = {"field": field, "size": size, "shard_size": max(size * 20, 1000),
             "order": [{"_count": "desc"}, {"_key": "asc"}]}
    return {"by": {"terms": terms, **({"aggs": subs} if subs else {})}}


def read_groups(answer: Mapping[str, Any], *, span: bool, text_keys: bool) -> list[Group]:
    """The groups of a ``groups_aggs`` answer (boolean keys come back as 1/0, as SQLite holds them)."""
    out = []
    for b in answer.get("aggregations", {}).get("by", {}).get("buckets", []):
        key = str(b.get("key_as_string", b["key"])) if text_keys else b["key"]
        out.append(Group(key=key, count=int(b["doc_count"]), total=float(b.get("total", {}).get("value") or 0.0),
                         first=_hit_time(b["first"]) if span else None, last=_hit_time(b["last"]) if span else None))
    return out


def _hit_time(agg: Mapping[str, Any]) -> datetime | None:
    hits = agg.get("hits", {}).get("hits", [])
    if not hits:
        return None
    source = hits[0]["_source"]
    if "@timestamp" in source:
        return parse_timestamp(source["@timestamp"])
    # event.end: a dotted key or an object, as the document was written
    end = source["event.end"] if "event.end" in source else source["event"]["end"]
    return parse_timestamp(end)


def _step_ms(interval: timedelta) -> int:
    seconds = interval.total_seconds()
    if seconds <= 0 or interval % timedelta(seconds=1):
        raise StoreError(f"a histogram interval is a positive number of whole seconds, not {interval}")
    return int(seconds) * 1000


def histogram_aggs(*, interval: timedelta, origin: datetime) -> dict[str, Any]:
    """The ``by`` date_histogram of Store.histogram, aligned on ``origin``."""
    step = _step_ms(interval)
    offset = _millis(origin) % step
    return {"by": {"date_histogram": {"field": "@timestamp", "fixed_interval": f"{step // 1000}s",
                                      "offset": f"+{offset}ms", "min_doc_count": 1}}}


def read_histogram(answer: Mapping[str, Any]) -> list[Bucket]:
    """Buckets keyed by each interval's start (the answer's keys are epoch milliseconds)."""
    buckets = answer.get("aggregations", {}).get("by", {}).get("buckets", [])
    return [Bucket(key=format_timestamp(_EPOCH + timedelta(milliseconds=int(b["key"]))), count=int(b["doc_count"]))
            for b in buckets if int(b["doc_count"]) > 0]


def cardinality_aggs(field: str, *, keyed: bool) -> dict[str, Any]:
    """The ``n`` cardinality aggregation of Store.cardinality; for an alert's ``context.*`` and
    ``group.*`` (keyed sub-fields of a flattened field, which the cardinality aggregation does
    not read) a ``values`` terms aggregation of up to PRECISION buckets, counted."""
    head = field.partition(".")[0]
    if keyed and head in ("context", "group"):
        return {"values": {"terms": {"field": field, "size": PRECISION}}}
    return {"n": {"cardinality": {"field": field, "precision_threshold": PRECISION}}}


def _millis(ts: datetime) -> int:
    delta = ts.astimezone(UTC) - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000


def _values(event: Event, field: str) -> list[Any]:
    value = event.get(field)
    items = value if isinstance(value, list) else [value]
    return list(dict.fromkeys(int(v) if isinstance(v, bool) else v for v in items if v is not None))


def python_groups(events: Iterable[Event], field: str, *, size: int, total: str | None,
                  span: bool) -> list[Group]:
    """Store.groups over events read one by one (queries with a condition checked in Python)."""
    found: dict[Any, list[Any]] = {}
    for event in events:
        amount = event.get(total) if total else None
        number = float(amount) if isinstance(amount, (int, float)) and not isinstance(amount, bool) else 0.0
        for key in _values(event, field):
            group = found.setdefault(key, [0, 0.0, event.timestamp, event.timestamp])
            group[0] += 1
            group[1] += number
            group[2], group[3] = min(group[2], event.timestamp), max(group[3], event.timestamp)
    ordered = sorted(found.items(), key=lambda kv: (-kv[1][0], str(kv[0])))[:size]
    return [Group(key=k, count=g[0], total=g[1], first=g[2] if span else None, last=g[3] if span else None)
            for k, g in ordered]


def python_histogram(events: Iterable[Event], *, interval: timedelta, origin: datetime) -> list[Bucket]:
    """Store.histogram over events read one by one."""
    _step_ms(interval)
    counts: dict[int, int] = {}
    for event in events:
        k = (event.timestamp - origin) // interval
        counts[k] = counts.get(k, 0) + 1
    return [Bucket(key=format_timestamp(origin + k * interval), count=c) for k, c in sorted(counts.items())]


def python_cardinality(events: Iterable[Event], field: str) -> int:
    """Store.cardinality over events read one by one."""
    seen: set[Any] = set()
    for event in events:
        seen.update(_values(event, field))
    return len(seen)
