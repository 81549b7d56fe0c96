"""The base (single-event) rules of a detection pass (rules.engine.DetectionPass derives from
PassRules): each rule planned with who consumes its hits and its searches, one per checkpoint,
searched in batches, its hits turned into match alerts or suppression windows (rules.suppress)
or routed to the correlations that refer to it, and its alerts buffered and written.
"""

from __future__ import annotations

import itertools
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sigma.rule import SigmaRule

from govsoc.core.alert import Alert, match_alert_of
from govsoc.core.errors import GovsocError
from govsoc.core.event import Event, make_id, parse_timestamp
from govsoc.rules.alert_writer import AlertWriter, Written
from govsoc.rules.backends import RuleBackend
from govsoc.rules.conversions import ConversionCache
from govsoc.rules.correlate import Correlation, Path
from govsoc.rules.event_context import event_context
from govsoc.rules.metadata import RuleMetadata, rule_metadata
from govsoc.rules.pass_bookkeeping import _located
from govsoc.rules.pass_rejudge import PassRejudge
from govsoc.rules.regroup import Key, Span, route_key
from govsoc.rules.suppress import Suppressor, suppression_of
from govsoc.store.base import Query

_OWN = ""  # the consumer key of a rule's own match alerts (correlations use their rule id)



@dataclass(slots=True)
class _Plan:
    """A base rule ready to run: who consumes its hits, and its searches (one per checkpoint)."""

    rule: SigmaRule
    generating: bool
    began: float
    #: Correlation id -> the paths by which this rule's events reach it.
    paths: dict[str, list[Path]]
    suppressor: Suppressor | None = None
    groups: list[list[str]] = field(default_factory=list)
    queries: list[Query] = field(default_factory=list)


def _paired(plans: list[_Plan], results: Iterator[Iterator[Event]]) -> Iterator[tuple[_Plan, list[Iterator[Event]]]]:
    """Each plan with its own queries' hits, from the hits of a batch's queries in order."""
    for plan in plans:
        yield plan, [next(results) for _ in plan.queries]


def match_alert(meta: RuleMetadata, event: Event, fields: dict[str, Any] | None = None) -> Alert:
    """The alert of one event that matched a single-event rule (``fields``: the rule's
    ``meta.alert_fields()``, computed once for all of a rule's alerts)."""
    return match_alert_of(make_id(meta.id, event.id), event, event_context(event),
                          fields if fields is not None else meta.alert_fields())


class PassRules(PassRejudge):
    """The base-rule methods of rules.engine.DetectionPass (see the module docstring); the pass's
    state they use, which DetectionPass sets, is declared for the type checker."""

    if TYPE_CHECKING:
        backend: RuleBackend
        batch: int
        buffered: list[Alert]
        compiled: dict[str, Correlation]
        conversions: ConversionCache | None
        start: datetime | None
        end: datetime | None
        finished: list[tuple[_Plan, int, float]]
        natives: dict[str, str]
        new_groups: dict[str, dict[Key, Span]]
        write_failed: dict[str, GovsocError]
        writer: AlertWriter[list[tuple[_Plan, int, float]]] | None

    # -- base rules --------------------------------------------------------------------------
    def _searched(self, rules: list[SigmaRule], generating: set[str]) -> Iterator[tuple[_Plan, list[Iterator[Event]]]]:
        """Each rule that converted, with its searches' hits. The store may fetch the first hits
        of many rules at once (one request for many rules); one that takes its rules in batches
        (Store.search_batch) has the next batch's queries while the pass reads this one's hits,
        so converting a batch's rules (client work) runs beside the searches of the batch before
        it (the node's), instead of every rule being converted before the first search. At most
        two batches are searched ahead, as before (store/elasticsearch_many.py)."""
        plans = (plan for plan in (self._plan(rule, str(rule.id) in generating) for rule in rules) if plan)
        size = self.store.search_batch
        batches = iter(lambda: list(itertools.islice(plans, size)), []) if size else iter([list(plans)])
        waiting: deque[tuple[list[_Plan], Iterator[Iterator[Event]]]] = deque()
        for batch in batches:
            waiting.append((batch, iter(self.store.search_many([q for plan in batch for q in plan.queries]))))
            if len(waiting) > 1:
                yield from _paired(*waiting.popleft())
        while waiting:
            yield from _paired(*waiting.popleft())

    def _plan(self, rule: SigmaRule, generating: bool) -> _Plan | None:
        """Convert a rule and name its searches: one per distinct checkpoint of its consumers
        (its own alerts, each correlation that refers to it); None when it failed."""
        rule_id = str(rule.id)
        paths: dict[str, list[Path]] = defaultdict(list)
        for corr_id, corr in self.compiled.items():
            for reached, path in corr.routes():
                if reached == rule_id:
                    paths[corr_id].append(path)
        plan = _Plan(rule=rule, generating=generating, began=self._begin(rule), paths=dict(paths))
        consumers = ([_OWN] if generating else []) + sorted(plan.paths)
        try:
            native = (self.backend.convert(rule) if self.conversions is None
                      else self.conversions.native(rule, self.backend.convert))
            self.natives[rule_id] = native
            suppression = suppression_of(rule) if generating else None
            plan.suppressor = None if suppression is None else Suppressor(rule, suppression, self.store, native)
            if plan.suppressor is not None:  # windows left to count again (govsoc.store.rejudge)
                for entry in self.rejudge.get(rule_id, ()):
                    plan.suppressor.again(entry["group"], parse_timestamp(entry["start"]))
                self._windows_without_matched(rule, plan.suppressor)
        except GovsocError as e:
            self._rule_failed(plan, e)
            return None
        by_checkpoint: dict[str | None, list[str]] = defaultdict(list)
        for consumer in consumers:
            by_checkpoint[self._checkpoint(rule_id if consumer == _OWN else consumer)].append(consumer)
        for checkpoint, group in by_checkpoint.items():
            if not self.ranged and self.until is None:
                continue  # the store holds no event yet
            plan.groups.append(group)
            plan.queries.append(Query(native=native, start=self.start, end=self.end, after=checkpoint,
                                      until=self.until))
        return plan

    def _windows_without_matched(self, rule: SigmaRule, suppressor: Suppressor) -> None:
        """Once per rule: its suppressed windows stored before 563b0cd keep no ``alert.matched``,
        so the delete of a partial copy that was not a window's first match found no alert, and
        the window counted the copy for good, in every store upgraded from then (R12f G3). Each
        such window is judged again by this pass, which stores its newest matches (the same
        descending query as any count); said once. A ranged pass (--from/--to) keeps no state
        and leaves them to the next incremental one."""
        rule_id = str(rule.id)
        if self.ranged or self._state(rule_id).windows_matched:
            return
        old = [a for a in self.store.alerts(rule_id=rule_id)
               if a.kind == "match" and a.group and a.suppressed and not a.matched]
        for alert in old:
            suppressor.again(alert.group, alert.start)
        self.matched_once.add(rule_id)
        if old:
            self.summary.notices.append(
                f"{rule.title}: {len(old)} suppressed window{'s' if len(old) != 1 else ''} stored by an older "
                "govsoc judged again, once, to keep their newest matches (alert.matched)")

    def _rule_failed(self, plan: _Plan, error: GovsocError) -> None:
        self.failed_rules.add(str(plan.rule.id))
        self.summary.matches.pop(str(plan.rule.id), None)
        if plan.generating:
            self._fail(plan.rule, error, plan.began)
        else:
            self.summary.failed.append(_located(error, plan.rule, self.ruleset))

    def _buffer(self, alerts: list[Alert]) -> None:
        self.buffered.extend(alerts)
        if len(self.buffered) >= self.batch:
            self._flush()

    def _flush(self) -> None:
        """Write the buffered alerts; then the rules that finished meanwhile have succeeded, or,
        when the write failed, have failed (and the error goes on to the rule being consumed).
        With a writer, hand them over and settle the batches it has written meanwhile."""
        alerts, self.buffered = self.buffered, []
        finished, self.finished = self.finished, []
        if self.writer is not None:
            if alerts or finished:
                self.writer.submit(alerts, finished)
            self._settle(self.writer.done())
            return
        try:
            self._write(alerts)
        except GovsocError as e:
            for plan, _, _ in finished:
                self._rule_failed(plan, e)
            raise
        for plan, matches, duration in finished:
            self._succeed(str(plan.rule.id), plan.rule.title, matches, duration)

    def _settle(self, outcomes: list[Written[list[tuple[_Plan, int, float]]]]) -> None:
        """What the writer did, batch by batch in the order handed over: a refused batch fails
        the rules whose alerts it held (those still running fail when they finish); a written
        one counts its alerts and lets the rules that finished before it succeed."""
        for outcome in outcomes:
            if outcome.error is not None:
                if not isinstance(outcome.error, GovsocError):
                    raise outcome.error
                for alert in outcome.alerts:
                    self.write_failed.setdefault(alert.rule_id, outcome.error)
                for plan, _, _ in outcome.tag:
                    self._rule_failed(plan, outcome.error)
                continue
            if outcome.receipt is not None:
                self.summary.receipt += outcome.receipt
            self.summary.kinds.update(a.kind for a in outcome.alerts)
            for plan, matches, duration in outcome.tag:
                error = self.write_failed.get(str(plan.rule.id))
                if error is not None:
                    self._rule_failed(plan, error)
                else:
                    self._succeed(str(plan.rule.id), plan.rule.title, matches, duration)

    def _consume(self, rule: SigmaRule, hits: Iterable[Event], consumers: list[str],
                 paths: dict[str, list[Path]], suppressor: Suppressor | None = None) -> int:
        """Turn a rule's hits into match alerts (its own consumer; with suppression, windows the
        suppressor counts) and new groups (correlations)."""
        meta = rule_metadata(rule)
        fields = meta.alert_fields()
        batch: list[Alert] = []
        count = 0
        for event in hits:
            count += 1
            for consumer in consumers:
                if consumer == _OWN:
                    if suppressor is not None:
                        suppressor.add(event)
                    else:
                        batch.append(match_alert(meta, event, fields))
                    continue
                for path in paths[consumer]:
                    key, margin = route_key(event, path)
                    if key is None:
                        continue
                    span = self.new_groups[consumer].get(key)
                    if span is None:
                        self.new_groups[consumer][key] = span = Span(event.timestamp, event.timestamp)
                    span.widen(event.timestamp - margin)
                    span.widen(event.timestamp + margin)
                    span.hits += 1  # what the group's read holds at least (regroup sizes its parts by it)
            if len(batch) >= self.batch:
                self._buffer(batch)
                batch = []
        self._buffer(batch)
        return count
