"""Sliding-window correlation: bursts across window edges, merged overlaps, distinct values."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sigma.collection import SigmaCollection

from govsoc.core.errors import RuleError
from govsoc.core.event import Event, make_id
from govsoc.rules.correlate import correlate

T0 = datetime(2026, 1, 1, 0, 0, tzinfo=UTC)
BASE = """
title: base
id: 00000000-0000-0000-0000-000000000001
name: base
logsource: {product: linux}
detection: {sel: {event.action: x}, condition: sel}
"""


def rule(kind: str = "event_count", condition: str = "gte: 3", group: str = "[source.ip]", extra: str = ""):
    collection = SigmaCollection.from_yaml(BASE + f"""---
title: corr
id: 00000000-0000-0000-0000-0000000000c1
correlation:
  type: {kind}
  rules: [base]
  group-by: {group}
  timespan: 5m
  condition: {{{condition}}}
{extra}""")
    collection.resolve_rule_references()
    return list(collection)[1]


def events(minutes: list[float], ip: str = "10.0.0.1", users: list[str] | None = None) -> list[Event]:
    return [Event(id=make_id(ip, i), timestamp=T0 + timedelta(minutes=m), dataset="t",
                  fields={"source.ip": ip, "user.name": (users[i] if users else "root")})
            for i, m in enumerate(minutes)]


@pytest.mark.parametrize(("minutes", "bursts"), [
    ([0, 1, 2], [3]),                        # three in five minutes: one alert
    ([4, 5, 6], [3]),                        # a burst straddling a 5-minute bucket edge is still found
    ([0, 3, 6, 9, 12], []),                  # spread wider than the window: never three within 5 minutes
    ([0, 1, 2, 3, 4, 5, 6, 7], [8]),         # overlapping fired windows merge into one alert
    ([0, 1, 2, 30, 31, 32], [3, 3]),         # two separate bursts: two alerts
    ([0, 2.5, 5], [3]),                      # the window is inclusive at exactly five minutes...
    ([0, 2.5, 5.01], []),                    # ...but not a moment more
    ([0, 5, 10], []),                        # each window holds two: 0 and 5, then 5 and 10
])
def test_event_count_bursts(minutes: list[float], bursts: list[int]) -> None:
    alerts = list(correlate(rule(), events(minutes)))
    assert [a.event_count for a in alerts] == bursts
    for alert in alerts:
        assert alert.kind == "correlation" and alert.group == {"source.ip": "10.0.0.1"}


def test_groups_are_counted_apart_and_ids_are_stable() -> None:
    mixed = events([0, 1], ip="10.0.0.1") + events([0.5, 1.5], ip="10.0.0.2")
    assert list(correlate(rule(), mixed)) == []
    three = events([0, 1, 2], ip="10.0.0.9")
    first = [a.id for a in correlate(rule(), three)]
    assert first == [a.id for a in correlate(rule(), list(reversed(three)))]


def test_gt_needs_one_more() -> None:
    assert list(correlate(rule(condition="gt: 3"), events([0, 1, 2]))) == []
    assert len(list(correlate(rule(condition="gt: 3"), events([0, 1, 2, 3])))) == 1


def test_value_count_counts_distinct_values() -> None:
    value_rule = rule("value_count", "gte: 3, field: user.name")
    repeated = events([0, 1, 2, 3], users=["root", "root", "root", "admin"])
    distinct = events([0, 1, 2], users=["root", "admin", "oracle"])
    assert list(correlate(value_rule, repeated)) == []
    (alert,) = correlate(value_rule, distinct)
    assert alert.event_count == 3


@pytest.mark.parametrize(("kind", "condition", "words"), [
    ("temporal", "gte: 2", "temporal is not supported yet"),
    ("event_count", "lt: 2", "lt is not supported yet"),
])
def test_unsupported_correlations_are_refused(kind: str, condition: str, words: str) -> None:
    with pytest.raises(RuleError, match=words):
        list(correlate(rule(kind, condition), events([0])))
