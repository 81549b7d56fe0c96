"""Sigma correlations as govsoc's own layer over the base rules' hits, independent of the store.

One semantics on every store: sliding windows. For each group (the group-by values), every event
opens a window of the rule's timespan; a window whose events meet the condition fires, and fired
windows that share events (one burst) merge into one alert. Fixed buckets, as some backends use,
miss a burst that straddles a bucket edge; overlapping windows reported one by one flood the
analyst with copies of one burst. Implemented: event_count and value_count with gte/gt; temporal
correlations and the other operators come with the detection issue and are refused with a
RuleError until then, never run with a different meaning.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import timedelta
from typing import Any

from sigma.correlations import SigmaCorrelationCondition, SigmaCorrelationRule, SigmaCorrelationType
from sigma.correlations import SigmaCorrelationConditionOperator as Op

from govsoc.core.alert import Alert
from govsoc.core.errors import RuleError
from govsoc.core.event import Event, make_id
from govsoc.rules.metadata import rule_metadata

SUPPORTED_TYPES = {SigmaCorrelationType.EVENT_COUNT, SigmaCorrelationType.VALUE_COUNT}
SUPPORTED_OPS = {Op.GTE, Op.GT}


def supported_condition(rule: SigmaCorrelationRule) -> tuple[SigmaCorrelationCondition, str | None]:
    """The rule's condition and the field value_count counts; RuleError when the correlation
    uses a type, operator or condition form not implemented yet."""
    if rule.type not in SUPPORTED_TYPES:
        raise RuleError(f"correlation type {rule.type.name.lower()} is not supported yet "
                        "(event_count, value_count are)")
    condition = rule.condition
    if not isinstance(condition, SigmaCorrelationCondition):
        raise RuleError("extended (boolean) correlation conditions are not supported yet")
    if condition.op not in SUPPORTED_OPS:
        raise RuleError(f"correlation condition {condition.op.name.lower()} is not supported yet (gte, gt are)")
    if rule.type != SigmaCorrelationType.VALUE_COUNT:
        return condition, None
    field = condition.fieldref
    if isinstance(field, list):
        field = field[0] if len(field) == 1 else None
    if not field:
        raise RuleError("value_count needs exactly one condition.field")
    return condition, field


def correlate(rule: SigmaCorrelationRule, hits: Iterable[Event]) -> Iterator[Alert]:
    """The alerts of a correlation rule over the hits of the rules it refers to."""
    condition, value_field = supported_condition(rule)
    group_by: Sequence[str] = tuple(rule.group_by or ())
    groups: dict[tuple[Any, ...], list[Event]] = defaultdict(list)
    for event in hits:
        groups[tuple(_hashable(event.get(f)) for f in group_by)].append(event)
    span = timedelta(seconds=rule.timespan.seconds)
    threshold = condition.count + (1 if condition.op == Op.GT else 0)
    meta = rule_metadata(rule)
    for key in sorted(groups, key=repr):
        events = sorted(groups[key], key=lambda e: (e.timestamp, e.id))
        for first, last in bursts(events, span, threshold, value_field):
            members = events[first:last]
            yield Alert(
                id=make_id(meta.id, repr(key), members[0].id),
                kind="correlation", start=members[0].timestamp, end=members[-1].timestamp,
                event_ids=tuple(e.id for e in members), group=dict(zip(group_by, key, strict=True)),
                context=event_context(members[0], actor=False), **meta.alert_fields())


def bursts(events: Sequence[Event], span: timedelta, threshold: int,
           value_field: str | None = None) -> Iterator[tuple[int, int]]:
    """Index ranges [first, last) of merged fired windows over time-sorted events.

    The window opened by event i holds the events j >= i with t_j - t_i <= span. It fires when it
    holds ``threshold`` events (or distinct values of ``value_field``). Fired windows sharing an
    event belong to one burst.
    """
    n = len(events)
    end = 0
    values: Counter[Any] = Counter()
    current: tuple[int, int] | None = None
    for start in range(n):
        while end < n and events[end].timestamp - events[start].timestamp <= span:
            if value_field is not None:
                values[_hashable(events[end].get(value_field))] += 1
            end += 1
        size = len(values) - (1 if None in values else 0) if value_field is not None else end - start
        if size >= threshold:
            if current is not None and start < current[1]:
                current = (current[0], max(current[1], end))
            else:
                if current is not None:
                    yield current
                current = (start, end)
        if value_field is not None:
            value = _hashable(events[start].get(value_field))
            values[value] -= 1
            if not values[value]:
                del values[value]
    if current is not None:
        yield current


ASSET_FIELDS = ("govsoc.zone", "govsoc.agency", "govsoc.system", "govsoc.dengbao_level", "host.name")
ACTOR_FIELDS = ("source.ip", "user.name")


def event_context(event: Event, *, actor: bool = True) -> dict[str, Any]:
    """The context an alert shows: the asset (zone, agency, system, host) and, for a single
    event, who acted (source address, account). A correlation's actor is its group instead: its
    first event's account says nothing about the other events of the burst."""
    names = ASSET_FIELDS + (ACTOR_FIELDS if actor else ())
    return {name: event.get(name) for name in names if event.get(name) is not None}


def _hashable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value
