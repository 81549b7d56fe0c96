"""Correlations as the Sigma specification defines them: sliding windows, one alert per burst,
every type, operator, range and extended condition; groups, aliases, arrays and repeat counts."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from sigma.collection import SigmaCollection

from govsoc.core.errors import RuleError
from govsoc.core.event import Event, make_id
from govsoc.rules.correlate import compile_correlation, correlate
from govsoc.rules.correlation_condition import split_range
from govsoc.rules.loader import load_rules

T0 = datetime(2026, 1, 1, 0, 0, tzinfo=UTC)
LATER = T0 + timedelta(days=30)  # the horizon: every window of these tests is closed by then
A_ID, B_ID, C_ID = (f"00000000-0000-0000-0000-00000000000{i}" for i in (1, 2, 3))
BASES = f"""
title: base a
id: {A_ID}
name: rule_a
logsource: {{product: linux}}
detection: {{sel: {{event.action: a}}, condition: sel}}
---
title: base b
id: {B_ID}
name: rule_b
logsource: {{product: linux}}
detection: {{sel: {{event.action: b}}, condition: sel}}
---
title: base c
id: {C_ID}
name: rule_c
logsource: {{product: linux}}
detection: {{sel: {{event.action: c}}, condition: sel}}
"""


def rule(kind: str = "event_count", condition: Any = "{gte: 3}", group: str = "[source.ip]",
         rules: str = "[rule_a]", extra: str = "") -> Any:
    text = BASES + f"""---
title: corr
id: 00000000-0000-0000-0000-0000000000c1
correlation:
  type: {kind}
  rules: {rules}
  group-by: {group}
  timespan: 5m
  condition: {condition}
{extra}"""
    docs = [split_range(d) for d in yaml.safe_load_all(text)]
    collection = SigmaCollection.from_dicts(docs)
    collection.resolve_rule_references()
    return list(collection)[3]


def events(minutes: list[float], ip: str | None = "10.0.0.1", users: list[Any] | None = None,
           action: str = "a", **extra: Any) -> list[Event]:
    out = []
    for i, m in enumerate(minutes):
        fields: dict[str, Any] = {"user.name": users[i] if users else "root", "event.action": action, **extra}
        if ip is not None:
            fields["source.ip"] = ip
        out.append(Event(id=make_id(ip, action, i, m), timestamp=T0 + timedelta(minutes=m), dataset="t",
                         fields=fields))
    return out


def run(corr: Any, a: list[Event], b: list[Event] | None = None, c: list[Event] | None = None) -> list[int]:
    hits = {A_ID: a, B_ID: b or [], C_ID: c or []}
    return [alert.event_count for alert in correlate(corr, hits, horizon=LATER)]


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
    alerts = list(correlate(rule(), {A_ID: events(minutes)}, horizon=LATER))
    assert [a.event_count for a in alerts] == bursts
    for alert in alerts:
        assert alert.kind == "correlation" and alert.group == {"source.ip": "10.0.0.1"}


@pytest.mark.parametrize(("condition", "minutes", "bursts"), [
    ("{gt: 3}", [0, 1, 2], []),                       # gt needs one more than the count
    ("{gt: 3}", [0, 1, 2, 3], [4]),
    ("{gte: 3}", [0, 1], []),
    ("{eq: 3}", [0, 1, 2], [3]),                       # exactly three after a quiet period
    ("{eq: 3}", [0, 1, 2, 3], []),                     # four is not three, and the tail is not judged
    ("{neq: 3}", [0, 1], [2]),
    ("{neq: 3}", [0, 1, 2], []),
    ("{lt: 3}", [0, 1], [2]),                          # fewer than three in the window it opens
    ("{lt: 3}", [0, 1, 2, 3, 4, 5], []),               # a busy burst's tail is not "fewer than three"
    ("{lt: 3}", [0, 1, 60], [2, 1]),                   # two quiet periods, each with few events
    ("{lte: 2}", [0, 1], [2]),
    ("{lte: 2}", [0, 1, 2], []),
    ("{gt: 2, lte: 4}", [0, 1, 2], [3]),               # a range: 3 is in (2, 4]
    ("{gt: 2, lte: 4}", [0, 1, 2, 3, 4], []),          # 5 is above it
    ("{gt: 2, lte: 4}", [0, 1], []),                   # 2 is below it
    ("{gte: 2, lt: 4}", [0, 1, 2, 30, 31, 32, 33], [3]),  # only the first period is in [2, 4)
])
def test_operators_and_ranges(condition: str, minutes: list[float], bursts: list[int]) -> None:
    assert run(rule(condition=condition), events(minutes)) == bursts


def test_upper_bounds_wait_for_the_window_to_close() -> None:
    corr = rule(condition="{lt: 3}")
    two = events([0, 1])
    # Judged before the window closed, "fewer than three" could still become false.
    assert list(correlate(corr, {A_ID: two}, horizon=T0 + timedelta(minutes=3))) == []
    assert len(list(correlate(corr, {A_ID: two}, horizon=T0 + timedelta(minutes=6)))) == 1


def test_events_without_the_group_field_form_no_group() -> None:
    # Seen: {'source.ip': None} fired for events that have no source address at all.
    assert run(rule(), events([0, 1, 2, 3], ip=None)) == []
    mixed = events([0, 1], ip=None) + events([2], ip="10.0.0.1")
    assert run(rule(), mixed) == []


def test_group_by_sigma_names_are_mapped_to_ecs() -> None:
    # Seen: group-by [src_ip] put three addresses in one group (the field was never mapped).
    corr = rule(group="[src_ip]")
    three = events([0], ip="10.0.0.1") + events([1], ip="10.0.0.2") + events([2], ip="10.0.0.3")
    assert run(corr, three) == []
    alerts = list(correlate(corr, {A_ID: events([0, 1, 2], ip="10.0.0.9")}, horizon=LATER))
    assert [a.group for a in alerts] == [{"source.ip": "10.0.0.9"}]


def test_groups_are_counted_apart_and_ids_are_stable() -> None:
    mixed = events([0, 1], ip="10.0.0.1") + events([0.5, 1.5], ip="10.0.0.2")
    assert run(rule(), mixed) == []
    three = events([0, 1, 2], ip="10.0.0.9")
    first = [a.id for a in correlate(rule(), {A_ID: three})]
    assert first and first == [a.id for a in correlate(rule(), {A_ID: list(reversed(three))})]


def test_value_count_counts_distinct_values_and_array_elements() -> None:
    value_rule = rule("value_count", "{gte: 3, field: user.name}")
    assert run(value_rule, events([0, 1, 2, 3], users=["root", "root", "root", "admin"])) == []
    assert run(value_rule, events([0, 1, 2], users=["root", "admin", "oracle"])) == [3]
    # Seen: an array counted as one value. Each element is a value of its own.
    assert run(value_rule, events([0], users=[["root", "admin", "oracle"]])) == [1]


def test_value_count_field_is_mapped_and_missing_values_add_nothing() -> None:
    value_rule = rule("value_count", "{gte: 2, field: User}")  # Sigma's User is ECS user.name
    assert run(value_rule, events([0, 1], users=["root", "admin"])) == [2]
    assert run(value_rule, events([0, 1], users=[None, None])) == []


def test_repeated_messages_count_as_many_events() -> None:
    # Seen: "message repeated 5 times" counted once; its ECS event.count is honoured.
    once = events([0])
    repeated = events([0.5], action="a", **{"event.count": 5})
    assert run(rule(condition="{gte: 6}"), once + repeated) == [2]
    assert run(rule(condition="{gte: 6}"), once + events([0.5])) == []


@pytest.mark.parametrize(("kind", "a", "b", "c", "fires"), [
    ("temporal", [0], [1], [2], True),             # all three rules within five minutes
    ("temporal", [2], [1], [0], True),             # in any order
    ("temporal", [0], [1], [], False),             # one missing
    ("temporal", [0], [1], [9], False),            # one too late
    ("temporal_ordered", [0], [1], [2], True),     # in the order of the rules list
    ("temporal_ordered", [2], [1], [0], False),    # reversed
    ("temporal_ordered", [0, 3], [1], [2], True),  # an extra a after the chain does not matter
    ("temporal_ordered", [0], [1], [1], True),     # same-time events count as in order
])
def test_temporal(kind: str, a: list[float], b: list[float], c: list[float], fires: bool) -> None:
    corr = rule(kind, condition="", rules="[rule_a, rule_b, rule_c]")
    got = run(corr, events(a, action="a"), events(b, action="b"), events(c, action="c"))
    assert bool(got) is fires


def test_temporal_condition_counts_rules() -> None:
    corr = rule("temporal", "{gte: 2}", rules="[rule_a, rule_b, rule_c]")
    assert run(corr, events([0]), events([1], action="b")) == [2]
    assert run(corr, events([0, 1]), []) == []  # two events of one rule are one rule


@pytest.mark.parametrize(("kind", "expression", "a", "b", "c", "fires"), [
    ("temporal", "rule_a and rule_b", [0], [1], [], True),
    ("temporal", "rule_a and rule_b", [0], [], [1], False),
    ("temporal", "rule_a or rule_c", [], [], [1], True),
    ("temporal", "rule_a and not rule_b", [0], [], [], True),        # a with no b in its window
    ("temporal", "rule_a and not rule_b", [0], [3], [], False),
    ("temporal", "rule_a and not rule_b", [3], [0], [], False),      # b shortly before a: not quiet
    ("temporal", "(rule_a or rule_b) and rule_c", [], [0], [1], True),
    ("temporal_ordered", "rule_a and rule_b", [0], [1], [], True),
    ("temporal_ordered", "rule_a and rule_b", [1], [0], [], False),  # ordered: a must come first
])
def test_extended_conditions(kind: str, expression: str, a: list[float], b: list[float], c: list[float],
                             fires: bool) -> None:
    named = sorted(set(re.findall(r"rule_[abc]", expression)))  # pySigma wants exactly these listed
    corr = rule(kind, f"'{expression}'", rules="[" + ", ".join(named) + "]")
    got = run(corr, events(a), events(b, action="b"), events(c, action="c"))
    assert bool(got) is fires


def test_aliases_group_fields_of_different_rules() -> None:
    corr = rule("temporal", "", group="[addr]", rules="[rule_a, rule_b]", extra="""  aliases:
    addr:
      rule_a: source.ip
      rule_b: destination.ip
""")
    out = events([0], ip="10.0.0.5")
    back = [Event(id="b1", timestamp=T0 + timedelta(minutes=1), dataset="t",
                  fields={"destination.ip": "10.0.0.5", "event.action": "b"})]
    alerts = list(correlate(corr, {A_ID: out, B_ID: back}, horizon=LATER))
    assert [a.group for a in alerts] == [{"addr": "10.0.0.5"}]


def test_unsupported_correlations_are_refused() -> None:
    with pytest.raises(RuleError, match="value_sum is not supported"):
        compile_correlation(rule("value_sum", "{gte: 2, field: source.bytes}"))


def test_chained_correlations_read_the_inner_matches(tmp_path: Path) -> None:
    # Three a's from one address in 5 minutes (the inner match, at the third), then a b: the outer
    # fires; a b between the second and third a is before the match (temporal_ordered).
    (tmp_path / "chain.yml").write_text(BASES + """---
title: inner
id: 00000000-0000-0000-0000-0000000000c1
name: inner
correlation: {type: event_count, rules: [rule_a], group-by: [source.ip], timespan: 5m, condition: {gte: 3}}
---
title: outer
id: 00000000-0000-0000-0000-0000000000c2
correlation: {type: temporal_ordered, rules: [inner, rule_b], group-by: [source.ip], timespan: 10m}
""")
    ruleset = load_rules([tmp_path])
    outer = next(c for c in ruleset.correlations if c.title == "outer")
    assert len(list(correlate(outer, {A_ID: events([0, 1, 2]), B_ID: events([3], action="b")}, horizon=LATER))) == 1
    assert list(correlate(outer, {A_ID: events([0, 1, 2]), B_ID: events([1.5], action="b")}, horizon=LATER)) == []


def test_the_loader_keeps_a_range(tmp_path: Path) -> None:
    (tmp_path / "range.yml").write_text(BASES + """---
title: range
id: 00000000-0000-0000-0000-0000000000c1
correlation: {type: event_count, rules: [rule_a], group-by: [source.ip], timespan: 5m,
              condition: {gt: 2, lte: 4}}
""")
    ruleset = load_rules([tmp_path])
    assert ruleset.errors == []
    (corr,) = ruleset.correlations
    assert [a.event_count for a in correlate(corr, {A_ID: events([0, 1, 2])}, horizon=LATER)] == [3]
    assert list(correlate(corr, {A_ID: events([0, 1, 2, 3, 4])}, horizon=LATER)) == []


def test_a_burst_shows_the_actor_its_events_share() -> None:
    """R58b-5: a burst grouped by a field other than the actor's ECS field (the Windows event data's
    User, here host.name) showed no user, and `alerts --group-by user.name` filed it under "(none)".
    The actor fields every event of the burst shares are its context; one the events disagree on is not."""
    corr = rule(group="[host.name]")
    same = events([0, 1, 2], users=["dave", "dave", "dave"], **{"host.name": "dc01"})
    (alert,) = correlate(corr, {A_ID: same}, horizon=LATER)
    assert alert.context == {"host.name": "dc01", "source.ip": "10.0.0.1", "user.name": "dave"}
    mixed = events([0, 1, 2], ip=None, users=["dave", "DAVE", "dave"], **{"host.name": "dc01"})
    (alert,) = correlate(corr, {A_ID: mixed}, horizon=LATER)
    assert alert.context == {"host.name": "dc01"}  # two spellings of the user, and no source address
