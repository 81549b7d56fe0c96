"""Sigma correlations as govsoc's own layer over the base rules' hits, independent of the store.

Implements the Sigma correlation specification (v2): event_count, value_count, temporal and
temporal_ordered; the operators gt, gte, lt, lte, eq and neq, several of them together as a range
(``gt: 100`` + ``lte: 200``: pySigma accepts one, the loader keeps the others in
``custom_attributes``, see govsoc.rules.correlation_condition.split_range); pySigma's extended
(boolean) conditions for the temporal types; ``aliases``. The windowing (sliding windows, one alert per burst) is in
govsoc.rules.windows. Field names in ``group-by``, aliases and ``field`` are Sigma names, mapped
for each referenced rule's log source by govsoc.rules.pipeline.ecs_field, as the rules'
detection fields are. An event that lacks a group-by field belongs to no group (it cannot be
"the same user" as anything). value_sum/avg/percentile/median are refused with a RuleError,
never run with a different meaning.

A correlation may refer to a correlation (the specification's chaining: "many failed logins"
then "a successful login"). The inner correlation's *matches* are then the outer one's events,
carrying the inner rule's group-by values under its group-by names. With lower bounds (gt, gte;
monotone) the inner condition is judged over a sliding window, as the specification asks: there
is a match at every event time where the window of ``timespan`` ending there meets the
condition, standing for that window's events. "Many failures, then a success" thus holds when
the failures just before the success are many, however long the guessing lasted before; and
since a late event can only add matches, never move or remove one, incremental passes give the
alerts of one full pass. An event_count over a correlation counts those matches (a storm of 12
failures holds 3 points with at least 10 failures in the 10 minutes before). Upper bounds
(not monotone) keep one match per burst, timed at the end of the first window judged. An outer
``group-by`` or ``field`` must be one of the inner rule's group-by fields (a match carries
nothing else); any other is refused with a RuleError naming the field, the inner rule and the
fix (add the field to the inner rule's group-by). The specification's one word on it (under
temporal_ordered: "even if the rule many_failed_logins groups by ComputerName, the correlation
rule only uses its own group-by User") does not say which value a match has when its window's
events hold several users (ten failures on one computer from three accounts); its Compatibility
section asks for an error over a query that changes a rule's meaning, so govsoc does not pick
one. An outer alert lists the events behind the matches. Cycles are refused, naming the rules.
``generate`` of a correlation decides only whether the correlations it refers to write alerts
of their own.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sigma.correlations import (
    SigmaCorrelationCondition,
    SigmaCorrelationRule,
    SigmaCorrelationType,
    SigmaExtendedCorrelationCondition,
    SigmaRuleReference,
)
from sigma.correlations import SigmaCorrelationConditionOperator as Op
from sigma.rule import SigmaRule

from govsoc.core.alert import Alert
from govsoc.core.errors import RuleError
from govsoc.core.event import Event, make_id, shift
from govsoc.core.evidence import evidence_of
from govsoc.rules.correlation_condition import COMPARE, evaluate_condition, has_not, rule_conditions
from govsoc.rules.correlation_members import MATCH_DATASET, MEMBERS, Members, behind
from govsoc.rules.event_context import burst_context
from govsoc.rules.metadata import rule_metadata
from govsoc.rules.pipeline import ecs_field
from govsoc.rules.windows import Item, WindowState, bursts, ordered_chain

_TEMPORAL = {SigmaCorrelationType.TEMPORAL, SigmaCorrelationType.TEMPORAL_ORDERED}
_SUPPORTED = {SigmaCorrelationType.EVENT_COUNT, SigmaCorrelationType.VALUE_COUNT, *_TEMPORAL}


@dataclass(frozen=True, slots=True)
class Ref:
    """One rule a correlation refers to, with the ECS names of its group and value fields."""

    id: str
    group_fields: tuple[str, ...]
    value_field: str | None
    #: The referenced correlation, compiled, when the rule referred to is a correlation.
    inner: Correlation | None = None


#: How an event of a base rule reaches a correlation: (correlation, position of the rule or of
#: the inner correlation in its list), from the innermost correlation out.
Path = tuple[tuple["Correlation", int], ...]


class Correlation:
    """A correlation rule compiled for evaluation: refs, condition and windowing."""

    def __init__(self, rule: SigmaCorrelationRule, _within: tuple[str, ...] = ()) -> None:
        if str(rule.id) in _within:
            names = " -> ".join(f"{t!r}" for t in (*_within[_within.index(str(rule.id)):], str(rule.id)))
            raise RuleError(f"correlation cycle: {names} (rules by id) refer to each other")
        self._within = (*_within, str(rule.id))
        if rule.type not in _SUPPORTED:
            raise RuleError(f"correlation type {rule.type.name.lower()} is not supported "
                            "(event_count, value_count, temporal, temporal_ordered are)")
        self.rule = rule
        self.meta = rule_metadata(rule)
        self.span = timedelta(seconds=rule.timespan.seconds)
        self.group_by: tuple[str, ...] = tuple(rule.group_by or ())
        self.ordered = rule.type == SigmaCorrelationType.TEMPORAL_ORDERED
        self.expression = rule.condition.parsed if isinstance(rule.condition, SigmaExtendedCorrelationCondition) \
            else None
        self.conditions = rule_conditions(rule) if self.expression is None else ()
        value_name = self._value_name()
        references = list(rule.referenced_rules or rule.rules or ())
        if not references:
            raise RuleError("the correlation refers to no rule")
        self._positions = {name: i for i, ref in enumerate(references) for name in _names(ref)}
        self.refs = tuple(self._ref(ref, value_name) for ref in references)
        self.monotone = (all(op in (Op.GT, Op.GTE) for op, _ in self.conditions)
                         and not has_not(self.expression))

    def _value_name(self) -> str | None:
        if self.rule.type != SigmaCorrelationType.VALUE_COUNT:
            return None
        assert isinstance(self.rule.condition, SigmaCorrelationCondition)
        name = self.rule.condition.fieldref
        if isinstance(name, list):
            name = name[0] if len(name) == 1 else None
        if not name:
            raise RuleError("value_count needs exactly one condition.field")
        return name

    def _ref(self, ref: SigmaRuleReference, value_name: str | None) -> Ref:
        base = ref.rule
        if isinstance(base, SigmaCorrelationRule):
            return self._chained(ref, base, value_name)
        if not isinstance(base, SigmaRule):
            raise RuleError(f"it refers to {ref.reference!r}, which is neither a rule nor a correlation")
        fields = tuple(ecs_field(self._aliased(name, ref), base) for name in self.group_by)
        value = ecs_field(value_name, base) if value_name else None
        return Ref(id=str(base.id), group_fields=fields, value_field=value)

    def _chained(self, ref: SigmaRuleReference, base: SigmaCorrelationRule, value_name: str | None) -> Ref:
        """A reference to a correlation: its matches carry its group-by fields, nothing else."""
        try:
            inner = Correlation(base, self._within)
        except RuleError as e:
            if e.message.startswith("correlation cycle"):
                raise
            raise RuleError(f"the correlation it refers to, {base.title!r}, fails: {e.message}") from e
        names = [self._aliased(name, ref) for name in self.group_by]
        if value_name:
            names.append(value_name)
        missing = [n for n in names if n not in inner.group_by]
        if missing:
            raise RuleError(f"it groups or counts by {', '.join(map(repr, missing))}, but the matches of the "
                            f"correlation {base.title!r} carry only its group-by fields "
                            f"({', '.join(map(repr, inner.group_by)) or 'none'}): add "
                            f"{', '.join(map(repr, missing))} to the group-by of {base.title!r}")
        return Ref(id=str(base.id), group_fields=tuple(names[:len(self.group_by)]),
                   value_field=value_name, inner=inner)

    def routes(self) -> Iterator[tuple[str, Path]]:
        """Every base rule this correlation reads, directly or through the correlations it refers
        to, with the path its events take (a rule may be reached by several paths)."""
        for position, ref in enumerate(self.refs):
            if ref.inner is None:
                yield ref.id, ((self, position),)
            else:
                for rule_id, path in ref.inner.routes():
                    yield rule_id, (*path, (self, position))

    def project(self, inner_key: tuple[Any, ...], position: int) -> tuple[Any, ...]:
        """This correlation's group key of a match of the inner correlation at ``position``."""
        inner = self.refs[position].inner
        assert inner is not None
        return tuple(inner_key[inner.group_by.index(name)] for name in self.refs[position].group_fields)

    def _aliased(self, name: str, ref: SigmaRuleReference) -> str:
        alias = self.rule.aliases.aliases.get(name) if self.rule.aliases else None
        if alias is None:
            return name
        for alias_ref, field_name in alias.mapping.items():
            if alias_ref.reference in _names(ref):
                return field_name
        raise RuleError(f"alias {name!r} names no field for the rule {ref.reference!r}")

    # -- grouping ----------------------------------------------------------------------------
    def group_of(self, event: Event, ref: int) -> tuple[Any, ...] | None:
        """The group key of an event matched by the ``ref``-th rule, None when it lacks a
        group-by field."""
        key = []
        for name in self.refs[ref].group_fields:
            value = event.get(name)
            if value is None or value == []:
                return None
            key.append(_hashable(value))
        return tuple(key)

    def item(self, event: Event, refs: frozenset[int]) -> Item | None:
        """The event as the windows see it, None when it adds nothing (value_count without the
        field)."""
        values: tuple[Any, ...] = ()
        value_field = self.refs[min(refs)].value_field
        if value_field is not None:
            raw = event.get(value_field)
            elements = raw if isinstance(raw, list) else [raw]
            values = tuple(_hashable(v) for v in elements if v is not None)
            if not values:
                return None
        return Item(event=event, refs=refs, weight=_weight(event), values=values)

    def group_dict(self, key: Sequence[Any]) -> dict[str, Any]:
        """The group as an alert shows it (ECS names of the first rule, or the alias)."""
        names = [name if name in (self.rule.aliases.aliases if self.rule.aliases else {}) else field
                 for name, field in zip(self.group_by, self.refs[0].group_fields, strict=True)]
        return dict(zip(names, key, strict=True))

    def key_of(self, group: Mapping[str, Any]) -> tuple[Any, ...]:
        """The group key of a stored alert's group (:meth:`group_dict`'s inverse)."""
        return tuple(_hashable(group.get(name)) for name in self.group_dict(self.group_by))

    # -- evaluation --------------------------------------------------------------------------
    def fires(self, state: WindowState, items: Sequence[Item], start: int, end: int) -> bool:
        """Whether the window items[start:end] meets the condition."""
        if self.expression is not None:
            present = frozenset(state.refs)
            if not evaluate_condition(self.expression, present, self._positions):
                return False
            return not self.ordered or ordered_chain(items[start:end], len(self.refs), present) == len(present)
        if self.rule.type == SigmaCorrelationType.EVENT_COUNT:
            measure = state.weight
        elif self.rule.type == SigmaCorrelationType.VALUE_COUNT:
            measure = len(state.values)
        elif self.ordered:
            measure = ordered_chain(items[start:end], len(self.refs))
        else:
            measure = len(state.refs)
        return all(COMPARE[op](measure, count) for op, count in self.conditions)

    def group_alerts(self, key: tuple[Any, ...], items: Sequence[Item],
                     horizon: datetime | None = None) -> Iterator[Alert]:
        """The alerts of one group, from its items sorted by time then id."""
        for first, last in bursts(items, self.span, self.fires, monotone=self.monotone, horizon=horizon):
            yield self.alert(key, [item.event for item in items[first:last]])

    def matches(self, key: tuple[Any, ...], items: Sequence[Item], horizon: datetime | None = None) -> Iterator[Event]:
        """The matches of one group, as the events a correlation referring to this one reads."""
        if self.monotone:
            yield from self._sliding(key, items)
            return
        for first, last in bursts(items, self.span, self.fires, monotone=self.monotone, horizon=horizon):
            met = items[self._met(items, first)]
            yield Event(id=make_id(self.meta.id, "match", repr(key), met.event.id), timestamp=met.timestamp,
                        dataset=MATCH_DATASET, fields={**dict(zip(self.group_by, key, strict=True)),
                                                       MEMBERS: behind(i.event for i in items[first:last])})

    def _sliding(self, key: tuple[Any, ...], items: Sequence[Item]) -> Iterator[Event]:
        """One match at each event time where the window of the timespan ending there (both ends
        included, every event of that time in it) meets the condition, standing for the window's
        events (a view over ``items``, never a copy: a long storm makes many matches)."""
        events = [item.event for item in items]
        state = WindowState()
        start = end = 0
        while end < len(items):
            when = items[end].timestamp
            while end < len(items) and items[end].timestamp == when:
                state.add(items[end])
                end += 1
            while items[start].timestamp < shift(when, -self.span):
                state.remove(items[start])
                start += 1
            if self.fires(state, items, start, end):
                yield Event(id=make_id(self.meta.id, "match", repr(key), events[end - 1].id), timestamp=when,
                            dataset=MATCH_DATASET, fields={**dict(zip(self.group_by, key, strict=True)),
                                                           MEMBERS: Members(events, start, end)})

    def _met(self, items: Sequence[Item], first: int) -> int:
        """The index of the item with which the window opened by ``items[first]`` first met the
        condition (upper bounds: the last item of that window, judged only whole)."""
        state = WindowState()
        end = first
        while end < len(items) and items[end].timestamp - items[first].timestamp <= self.span:
            state.add(items[end])
            end += 1
            if self.monotone and self.fires(state, items, first, end):
                return end - 1
        return end - 1

    def alert(self, key: tuple[Any, ...], members: Sequence[Event], alert_id: str | None = None) -> Alert:
        """The alert of one burst (``alert_id`` keeps the id of an alert it updates); an inner
        correlation's match stands for the events behind it."""
        members = behind(members)
        return Alert(
            id=alert_id or make_id(self.meta.id, repr(key), members[0].id),
            kind="correlation", start=members[0].timestamp, end=members[-1].timestamp,
            event_ids=tuple(e.id for e in members), group=self.group_dict(key),
            context=burst_context(members), evidence=evidence_of(members),
            **self.meta.alert_fields())

    def items_by_group(self, hits: Mapping[str, Iterable[Event]],
                       horizon: datetime | None = None) -> dict[tuple[Any, ...], list[Item]]:
        """Hits of the referenced rules (by rule id) as time-sorted items per group; an event
        matched by several of the rules is one item. An inner correlation's matches are given
        by its id, or computed here from its rules' hits."""
        refs_of: dict[str, set[int]] = defaultdict(set)
        events: dict[str, Event] = {}
        hits = self._with_matches(hits, horizon)
        for position, ref in enumerate(self.refs):
            for event in hits.get(ref.id, ()):
                refs_of[event.id].add(position)
                events[event.id] = event
        groups: dict[tuple[Any, ...], list[Item]] = defaultdict(list)
        for event_id, positions in refs_of.items():
            event = events[event_id]
            key = self.group_of(event, min(positions))
            item = self.item(event, frozenset(positions)) if key is not None else None
            if key is not None and item is not None:
                groups[key].append(item)
        for items in groups.values():
            items.sort(key=lambda i: (i.timestamp, i.event.id))
        return groups


    def _with_matches(self, hits: Mapping[str, Iterable[Event]],
                      horizon: datetime | None) -> Mapping[str, Iterable[Event]]:
        """``hits`` with the matches of the inner correlations, computed from their rules' hits
        when the caller did not give them (by the inner correlation's id)."""
        missing = [ref for ref in self.refs if ref.inner is not None and ref.id not in hits]
        if not missing:
            return hits
        extended = dict(hits)
        for ref in missing:
            assert ref.inner is not None
            groups = ref.inner.items_by_group(hits, horizon)
            extended[ref.id] = [match for key in sorted(groups, key=repr)
                                for match in ref.inner.matches(key, groups[key], horizon)]
        return extended


def compile_correlation(rule: SigmaCorrelationRule) -> Correlation:
    """The compiled correlation; RuleError when it uses what govsoc does not implement."""
    return Correlation(rule)


def correlate(rule: SigmaCorrelationRule | Correlation, hits: Mapping[str, Iterable[Event]], *,
              horizon: datetime | None = None) -> Iterator[Alert]:
    """The alerts of a correlation rule over the hits of the rules it refers to (rule id ->
    events), judging windows that end before ``horizon`` only for non-monotone conditions."""
    corr = rule if isinstance(rule, Correlation) else Correlation(rule)
    groups = corr.items_by_group(hits, horizon)
    for key in sorted(groups, key=repr):
        yield from corr.group_alerts(key, groups[key], horizon)


def _names(ref: SigmaRuleReference) -> set[str]:
    """The names a reference may use for its rule: the reference as written, id and name."""
    rule = ref.rule
    name = getattr(rule, "name", None)
    return {ref.reference, str(rule.id), *([str(name)] if name else [])}


def _weight(event: Event) -> int:
    """How many occurrences an event stands for: ECS event.count (``message repeated N
    times``) when it is a positive integer, else one."""
    count = event.get("event.count")
    if isinstance(count, bool) or not isinstance(count, int | float | str):
        return 1
    try:
        value = int(count)
    except ValueError:
        return 1
    return value if value > 0 else 1


def _hashable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value
