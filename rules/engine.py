"""One detection pass: every loaded rule against the store, alerts written back to it.

Passes are incremental. Each rule reads what the store received since its checkpoint, by ingest
order (govsoc.store.base.Query.after/until), never by event time, so an event that arrives late
is still read; the checkpoint advances only when the rule's pass succeeded, so a failed pass
widens the next and its gap is recorded and shown (govsoc.rules.state). Hits stream from the
store: single-event rules write their alerts in batches, and correlations keep only which groups
received new hits, then judge those groups again over their event-time windows
(govsoc.rules.regroup), so memory follows the batch, not the store. ``start``/``end`` (``detect
--from/--to``) run a one-off pass over an event-time range instead, leaving checkpoints alone.

A rule that fails to convert or run is reported and counted, and every other rule still runs;
a correlation over a failed rule fails too. Following the Sigma correlation specification, a
rule that a correlation refers to raises alerts of its own only when a correlation says
``generate: true`` (rules no correlation refers to always do); the same holds for a correlation
that another correlation refers to (govsoc.rules.correlate: chaining). A rule with suppression
(govsoc.rules.suppress) raises one alert per suppression window instead of one per match. Alert
ids are deterministic and alerts are upserted, so passes that read an event twice never duplicate an alert.
On a store that takes alert writes beside its searches (``Store.concurrent_alert_writes``), the
match alerts are written on a thread of their own while the next rules are read
(govsoc.rules.alert_writer); a rule still succeeds only once every alert it raised was written.
"""

from __future__ import annotations

import itertools
import time
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sigma.correlations import SigmaCorrelationRule
from sigma.rule import SigmaRule

from govsoc.core.alert import Alert, AlertReceipt, TriageChange, match_alert_of
from govsoc.core.errors import GovsocError, Location, RuleError
from govsoc.core.event import Event, format_timestamp, make_id, parse_timestamp, shift
from govsoc.core.gcpolicy import relaxed_gc
from govsoc.rules.alert_writer import AlertWriter, Written
from govsoc.rules.backends import backend_for
from govsoc.rules.conversions import ConversionCache
from govsoc.rules.correlate import Correlation, Path, compile_correlation, event_context
from govsoc.rules.loader import RuleSet
from govsoc.rules.metadata import RuleMetadata, rule_metadata
from govsoc.rules.pipeline import rule_source_status
from govsoc.rules.regroup import Key, Span, reevaluate, retire, route_key, withdraw
from govsoc.rules.state import RuleState, load_states, save_states
from govsoc.rules.suppress import Suppressor, suppression_of
from govsoc.store import deleted, rejudge
from govsoc.store.base import Query, Store
from govsoc.store.base import withdraw as withdraw_alerts

#: Alerts written per store call, unless the store asks for another batch (Store.alert_batch).
ALERT_BATCH = 1000
#: Seconds between two saves of the finished rules' states within a pass: what a pass killed
#: midway (the daemon's job timeout) loses at most, for a store call every few seconds at most.
SAVE_EVERY = 5.0
_OWN = ""  # the consumer key of a rule's own match alerts (correlations use their rule id)
_NO_LONGER_HOLDS = ("withdrawn: a partial copy of a line this alert counted was deleted when the line was "
                    "completed, and its window, judged again without it, no longer meets the rule's condition")


@dataclass(slots=True)
class DetectionSummary:
    """What a detection pass did."""

    rules: int = 0
    failed: list[RuleError] = field(default_factory=list)
    #: Rules not run because govsoc does not collect their log source: rule id -> the source needed.
    no_source: dict[str, str] = field(default_factory=dict)
    matches: dict[str, int] = field(default_factory=dict)
    kinds: Counter[str] = field(default_factory=Counter)
    receipt: AlertReceipt = field(default_factory=AlertReceipt)
    gaps: list[str] = field(default_factory=list)
    #: Damaged state the pass dropped and went on without, one line each (e.g. a bad rejudge entry).
    notices: list[str] = field(default_factory=list)
    #: Seconds the pass waited for alert writes (all of their time when they are not written
    #: beside the searches).
    write_wait: float = 0.0

    @property
    def alerts(self) -> int:
        """Alerts written (new, updated or unchanged)."""
        return sum(self.kinds.values())

    def line(self) -> str:
        """The closing line of a pass: rules run, not run for want of their log source, failed."""
        return (f"{self.rules} rules run, {len(self.no_source)} no source, {len(self.failed)} failed; "
                f"{self.alerts} alerts ({self.receipt.line()})")

    def no_source_lines(self) -> list[str]:
        """One line per missing log source: how many rules need it, most needed first."""
        needed = Counter(self.no_source.values())
        return [f"no source: {count} rule{'s' if count != 1 else ''} need {needs}"
                for needs, count in sorted(needed.items(), key=lambda item: (-item[1], item[0]))]


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


def generating_rules(ruleset: RuleSet, *, correlations: bool = False) -> set[str]:
    """Ids of the base rules (with ``correlations``, of the correlations) that raise alerts of
    their own: those no correlation refers to, and those a correlation with ``generate: true``
    refers to."""
    referenced: dict[str, bool] = {}
    for corr in ruleset.correlations:
        for ref in corr.referenced_rules or corr.rules or ():
            rule_id = str(ref.rule.id)
            referenced[rule_id] = referenced.get(rule_id, False) or bool(corr.generate)
    rules = ruleset.correlations if correlations else ruleset.rules
    return {str(r.id) for r in rules if referenced.get(str(r.id), True)}


def detect(store: Store, ruleset: RuleSet, *, start: datetime | None = None, end: datetime | None = None,
           progress: Callable[[str], None] | None = None) -> DetectionSummary:
    """Run every rule of ``ruleset``: over what was stored since each rule's checkpoint, or, with
    ``start``/``end``, over the events in [start, end); store the alerts."""
    return DetectionPass(store, ruleset, start=start, end=end, progress=progress).run()


class DetectionPass:
    """The state of one pass (see the module docstring)."""

    def __init__(self, store: Store, ruleset: RuleSet, *, start: datetime | None, end: datetime | None,
                 progress: Callable[[str], None] | None) -> None:
        self.store, self.ruleset, self.start, self.end, self.progress = store, ruleset, start, end, progress
        self.ranged = start is not None or end is not None
        self.backend = backend_for(store.kind)
        self.batch = store.alert_batch or ALERT_BATCH
        self.summary = DetectionSummary()
        self.now = datetime.now(UTC)
        self.horizon = min(end, self.now) if end else self.now
        self.until: str | None = None
        self.natives: dict[str, str] = {}
        self.failed_rules: set[str] = set()
        self.compiled: dict[str, Correlation] = {}
        self.new_groups: dict[str, dict[Key, Span]] = defaultdict(dict)
        self.states: dict[str, RuleState] = {}
        #: Rules whose windows without alert.matched this pass judges again (_windows_without_matched).
        self.matched_once: set[str] = set()
        self.changed: set[str] = set()
        #: Match alerts not yet written, and the rules whose alerts they complete.
        self.buffered: list[Alert] = []
        self.finished: list[tuple[_Plan, int, float]] = []
        #: The thread writing match alerts beside the searches, while base rules run (or None).
        self.writer: AlertWriter[list[tuple[_Plan, int, float]]] | None = None
        #: Rules some of whose alerts the writer could not write, with the store's error.
        self.write_failed: dict[str, GovsocError] = {}
        #: Native queries kept from earlier passes (govsoc.rules.conversions); not for ranged passes.
        self.conversions: ConversionCache | None = None
        #: When the finished rules' states were last saved (time.monotonic; SAVE_EVERY).
        self.saved_at = time.monotonic()
        #: Windows to judge again (govsoc.store.rejudge), by rule id; the rules that failed.
        self.rejudge: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.failed_ids: set[str] = set()
        #: Store.deletes when the pass began.
        self.deletes: str | None = None

    def run(self) -> DetectionSummary:
        """Run the pass, with the cycle collector relaxed (govsoc.core.gcpolicy): each hit makes
        some 50 short-lived objects (its event, alert, evidence and document) and a batch of
        alerts stays alive until written, so the default threshold ran ~600 collections in a
        pass of 48,574 alerts, full ones over every rule's pySigma objects among them (P12d 1:
        0.5 s of the 5 s of CPU of bench.detect's SQLite pass). A hit's objects form no cycle:
        reference counting frees them; the collector still runs, less often."""
        with relaxed_gc():
            return self._run()

    def _run(self) -> DetectionSummary:
        self.deletes = self._deletes()  # before any read (see _written)
        self.store.prepare_writes()
        self.store.refresh()
        if not self.ranged:
            self.until = self.store.position()
        rules, correlations = self._unique()
        if not self.ranged:
            self._load_states([str(r.id) for r in [*rules, *correlations]])
            self._load_rejudge()
            self.conversions = ConversionCache(self.store, self.store.kind, type(self.backend).__qualname__,
                                               [str(r.id) for r in rules], damaged=self._rebuilt)
        for corr in correlations:
            try:
                self.compiled[str(corr.id)] = compile_correlation(corr)
            except RuleError as e:
                self._fail(corr, e, self._begin(corr))
        # A correlation another one refers to without generate: true writes no alerts of its own;
        # the one referring to it reads its rules' events through it.
        own = generating_rules(self.ruleset, correlations=True)
        for corr in correlations:
            if str(corr.id) not in own and str(corr.id) in self.compiled:
                self._begin(corr)  # runs inside the correlations that refer to it
        correlations = [c for c in correlations if str(c.id) in own]
        self.compiled = {i: c for i, c in self.compiled.items() if i in own}
        generating = generating_rules(self.ruleset)
        if self.store.concurrent_alert_writes:
            self.writer = AlertWriter(self._store_write)
        try:
            for plan, results in self._searched(rules, generating):
                self._run_rule(plan, results)
            try:
                self._flush()
            except GovsocError:
                pass  # the rules whose alerts it held are failed, with their gaps
        finally:
            if self.writer is not None:
                writer, self.writer = self.writer, None
                self._settle(writer.finish())
                self.summary.write_wait += writer.waited
        for corr in correlations:
            if str(corr.id) in self.compiled:
                self._run_correlation(corr, self.compiled[str(corr.id)])
        if self.conversions is not None:
            try:
                self.conversions.save()
            except GovsocError:
                pass  # kept conversions only save time: the next pass converts again
        self._save_states()
        self._forget_rejudged({str(r.id) for r in [*rules, *correlations]})
        self._publish()
        return self.summary

    def _publish(self) -> None:
        """Make the pass's alerts searchable before it returns (Store.refresh_alerts: one
        refresh, where Elasticsearch's alerts index refreshes by itself only every 30 s). They
        are written: a failed refresh is said, and the store's own interval publishes them."""
        try:
            self.store.refresh_alerts()
        except GovsocError as e:
            self.summary.notices.append(f"the alerts are written but not yet searchable: {e.message}")

    def _unique(self) -> tuple[list[SigmaRule], list[SigmaCorrelationRule]]:
        """The rules to run: those whose log source govsoc collects (the others are "no source"),
        with their first use of an id; later rules with the same id are refused (run under one id,
        their alerts would be merged and one rule's silently lost)."""
        seen: set[str] = set()
        kept: list[list[Any]] = [[], []]
        groups: list[list[Any]] = [list(self.ruleset.rules), list(self.ruleset.correlations)]
        for index, group in enumerate(groups):
            for rule in group:
                active, needs = rule_source_status(rule)
                if not active:
                    self.summary.no_source[str(rule.id)] = needs
                    continue
                if str(rule.id) in seen:
                    self.summary.rules += 1
                    self._fail(rule, RuleError(f"rule id {rule.id} is used by another rule: not run"), None)
                    continue
                seen.add(str(rule.id))
                kept[index].append(rule)
        return kept[0], kept[1]

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

    def _run_rule(self, plan: _Plan, results: list[Iterator[Event]]) -> None:
        """Consume a planned rule's hits. Its alerts join the pass's buffer; the rule counts as
        succeeded (and its checkpoint may advance) once the buffer holding them was written."""
        rule_id = str(plan.rule.id)
        try:
            matches = 0
            for hits, group in zip(results, plan.groups, strict=True):
                matches += self._consume(plan.rule, hits, group, plan.paths, plan.suppressor)
            if plan.suppressor is not None:  # one alert per touched window, counted over the whole window
                windows = list(plan.suppressor.alerts())
                self._withdraw_unclaimed(rule_id, {a.id for a in windows})
                recounted = plan.suppressor.recounted
                self._recount([a for a in windows if a.id in recounted])
                self._buffer([a for a in windows if a.id not in recounted])
        except GovsocError as e:
            self._rule_failed(plan, e)
            return
        self.summary.matches[rule_id] = matches
        if plan.generating:
            self.finished.append((plan, matches, time.perf_counter() - plan.began))
            if self.writer is not None and self.buffered and self.writer.idle():
                # A writer with nothing to do takes the alerts now, less than a batch, beside the
                # next rules' searches: a pass of fewer alerts than a batch (an incremental pass)
                # wrote them all after its last search, the node's indexing alone (P12e 3).
                self._flush()
            elif not self.ranged and time.monotonic() - self.saved_at >= SAVE_EVERY:
                try:  # write the buffer now: the rules it completes succeed, and their states are saved
                    self._flush()
                except GovsocError:
                    pass  # the rules whose alerts it held are failed, as at the pass's end

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
            if len(batch) >= self.batch:
                self._buffer(batch)
                batch = []
        self._buffer(batch)
        return count

    # -- correlations ------------------------------------------------------------------------
    def _run_correlation(self, rule: SigmaCorrelationRule, corr: Correlation) -> None:
        corr_id = str(rule.id)
        began = self._begin(rule)
        if any(rule_id in self.failed_rules or rule_id not in self.natives for rule_id, _ in corr.routes()):
            self._fail(rule, RuleError("a rule it refers to failed"), began)
            return
        groups = self.new_groups.pop(corr_id, {})
        state = None if self.ranged else self._state(corr_id)
        for key, first, last in (state.pending if state else ()):
            restored = tuple(tuple(v) if isinstance(v, list) else v for v in key)
            span = groups.setdefault(restored, Span(parse_timestamp(first), parse_timestamp(last)))
            span.widen(parse_timestamp(first))
            span.widen(parse_timestamp(last))
        for entry in self.rejudge.get(corr_id, ()):
            first, last = parse_timestamp(entry["start"]), parse_timestamp(entry["end"])
            span = groups.setdefault(corr.key_of(entry["group"]), Span(first, last))
            span.widen(first)
            span.widen(last)
        written = 0
        batch: list[Alert] = []
        try:
            absorbed: list[tuple[str, Alert]] = []
            withdrawn: list[Alert] = []
            claimed: set[str] = set()
            for joined in reevaluate(self.store, corr, self.natives, groups, until=self.until, horizon=self.horizon):
                claimed.update([joined.alert.id, *(a.id for a in joined.absorbed)])
                if joined.withdrawn:
                    withdrawn.append(joined.alert)
                    continue
                batch.append(joined.alert)
                absorbed.extend((joined.alert.id, a) for a in joined.absorbed)
                written += 1
                if len(batch) >= self.batch:
                    self._write(batch)
                    batch = []
            self._write(batch)
            retire(self.store, absorbed)
            withdraw(self.store, withdrawn)
            self._withdraw_unclaimed(corr_id, claimed)
        except GovsocError as e:
            self._fail(rule, e, began)
            return
        self.summary.matches[corr_id] = written
        if state is not None:
            # Groups whose windows are still open are judged again by the next pass, even if no
            # new hit reaches them: an upper bound can only be judged on a closed window.
            state.pending = [[list(k), format_timestamp(s.first), format_timestamp(s.last)]
                             for k, s in groups.items()
                             if not corr.monotone and shift(s.last, corr.span) >= self.horizon]
            self._succeed(corr_id, rule.title, written, time.perf_counter() - began)

    # -- windows judged again ----------------------------------------------------------------
    def _load_rejudge(self) -> None:
        """The windows that deletes of partial copies left to judge again (govsoc.store.rejudge);
        none when they cannot be read (they stay for the next pass). A damaged document or entry is
        said once in the summary's notices and dropped from the document (V13 V1)."""
        try:
            entries, problems = rejudge.read(self.store)
            if problems:
                self.summary.notices.extend(problems)
                rejudge.drop_damaged(self.store)
        except GovsocError:
            self.rejudge.clear()
            return
        for entry in entries:
            self.rejudge[entry["rule"]].append(entry)

    def _recount(self, windows: list[Alert]) -> None:
        """Write suppressed windows named by a rejudge entry, then set each stored count to the
        one counted now, also when lower (V13 V10): the upsert never lowers ``suppressed``, and a
        pass that counted the window with a partial copy and wrote after the copy's delete left
        it over by one for good. A count taken later by another pass at once is kept (the
        store applies the change to the alert as stored: R12e E4)."""
        self._write(windows)
        for window in windows:
            stored = self.store.alert(window.id)
            if stored is not None and stored.suppressed > window.suppressed:
                self.store.update_alert(window.id, TriageChange(recount=window.suppressed, counted=window.counted))

    def _withdraw_unclaimed(self, rule_id: str, claimed: set[str]) -> None:
        """Withdraw the stored alerts of ``rule_id``'s windows judged again that no window holds
        any more: without the deleted copy, the events left no longer meet the condition (R12d N4)."""
        for entry in self.rejudge.get(rule_id, ()):
            alert = None if entry["alert"] in claimed else self.store.alert(entry["alert"])
            if alert is not None:
                withdraw_alerts(self.store, [alert], _NO_LONGER_HOLDS)

    def _forget_rejudged(self, ran: set[str]) -> None:
        """Remove the entries of the rules the pass ran and did not fail; a rule that failed has
        its windows judged again by the next pass, as have rules not run."""
        done = [e for rule_id, entries in self.rejudge.items() if rule_id in ran - self.failed_ids - self.failed_rules
                for e in entries]
        try:
            rejudge.forget(self.store, done)
        except GovsocError:
            pass  # judged again by the next pass: its writes are idempotent

    # -- bookkeeping -------------------------------------------------------------------------
    def _begin(self, rule: SigmaRule | SigmaCorrelationRule) -> float:
        self.summary.rules += 1
        if self.progress:
            self.progress(rule.title)
        return time.perf_counter()

    def _load_states(self, rule_ids: list[str]) -> None:
        """Every rule's state, read in one call."""
        self.states.update(load_states(self.store, rule_ids, damaged=self._rebuilt))

    def _rebuilt(self, why: str) -> None:
        """Say a damaged state document (a rule's state, a kept conversion), which the pass
        rebuilds: the rule reads its events again, or is converted again (V13: not JSON was an
        internal error at every pass)."""
        self.summary.notices.append(f"{why}: rebuilt")

    def _deletes(self) -> str | None:
        """The store's delete mark; a damaged one said once (it reads as a delete: R12e E1)."""
        mark = self.store.deletes()
        why = deleted.why_damaged(mark)
        if why and why not in self.summary.notices:
            self.summary.notices.append(why)
        return mark

    def _said(self, why: str) -> None:
        """Say a damaged record of deleted ids once (every id not stored counts then: R12e E3)."""
        line = f"{why}: every event no longer stored counts as deleted"
        if line not in self.summary.notices:
            self.summary.notices.append(line)

    def _state(self, rule_id: str) -> RuleState:
        if rule_id not in self.states:
            self.states[rule_id] = load_states(self.store, [rule_id], damaged=self._rebuilt)[rule_id]
        return self.states[rule_id]

    def _save_states(self) -> None:
        """The states the pass changed since they were last saved, written in one call: at the
        pass's end, and every SAVE_EVERY seconds as rules finish (_save_soon). A pass that stops
        (killed by the daemon's job timeout) leaves the checkpoints of the rules it finished
        since the last save where they were, so the next pass reads their events again (alerts
        are upserted by id: nothing is doubled); the rules saved before are not run again."""
        save_states(self.store, [self.states[i] for i in sorted(self.changed)])
        self.changed.clear()
        self.saved_at = time.monotonic()

    def _save_soon(self) -> None:
        """Save the finished rules' states when SAVE_EVERY seconds went by since the last save;
        a save that fails here is tried again at the pass's end (the states stay changed)."""
        if time.monotonic() - self.saved_at >= SAVE_EVERY:
            try:
                self._save_states()
            except GovsocError:
                self.saved_at = time.monotonic()

    def _checkpoint(self, rule_id: str) -> str | None:
        return None if self.ranged else self._state(rule_id).checkpoint

    def _write(self, alerts: list[Alert]) -> None:
        if alerts:
            began = time.perf_counter()
            try:
                self.summary.receipt += self._written(alerts)
            finally:
                self.summary.write_wait += time.perf_counter() - began
            self.summary.kinds.update(a.kind for a in alerts)

    def _store_write(self, alerts: list[Alert]) -> AlertReceipt:
        """The writer thread's call: the store's, looked up when called (as _write does)."""
        return self._written(alerts)

    def _written(self, alerts: list[Alert]) -> AlertReceipt:
        """Write alerts; then, when events were deleted since the pass began (a completed line's
        partial copy, Store.delete), withdraw what rests on one of theirs that is gone (V13 V11).
        The pass may have read the copy before the delete and written after the delete's own
        withdrawal looked: a burst holding the copy's id was stored for good (later passes join
        the stored ids), a line counted twice. The mark is read after the write: a delete whose
        mark comes later finds these alerts itself (Store.withdraw_alerts_on)."""
        receipt = self.store.write_alerts(alerts)
        if self._deletes() != self.deletes:
            self.store.withdraw_alerts_on_vanished(alerts, damaged=self._said)
        return receipt

    def _fail(self, rule: SigmaRule | SigmaCorrelationRule, error: GovsocError, began: float | None) -> None:
        located = _located(error, rule, self.ruleset)
        self.failed_ids.add(str(rule.id))
        self.summary.failed.append(located)
        if self.ranged or began is None:
            return
        state = self._state(str(rule.id))
        state.failed(self.now, error.message, time.perf_counter() - began)
        self.changed.add(state.rule_id)
        if state.open_gap:
            self.summary.gaps.append(state.open_gap.line(rule.title))

    def _succeed(self, rule_id: str, title: str, matches: int, duration: float) -> None:
        if self.ranged:
            return
        state = self._state(rule_id)
        covered = state.succeeded(self.now, self.until, matches, duration)
        state.windows_matched = state.windows_matched or rule_id in self.matched_once
        self.changed.add(rule_id)
        if covered:
            self.summary.gaps.append(covered.line(title))
        self._save_soon()


def _paired(plans: list[_Plan], results: Iterator[Iterator[Event]]) -> Iterator[tuple[_Plan, list[Iterator[Event]]]]:
    """Each plan with its own queries' hits, from the hits of a batch's queries in order."""
    for plan in plans:
        yield plan, [next(results) for _ in plan.queries]


def match_alert(meta: RuleMetadata, event: Event, fields: dict[str, Any] | None = None) -> Alert:
    """The alert of one event that matched a single-event rule (``fields``: the rule's
    ``meta.alert_fields()``, computed once for all of a rule's alerts)."""
    return match_alert_of(make_id(meta.id, event.id), event, event_context(event),
                          fields if fields is not None else meta.alert_fields())


def _located(error: GovsocError, rule: SigmaRule | SigmaCorrelationRule, ruleset: RuleSet) -> RuleError:
    path = ruleset.files.get(str(rule.id))
    return RuleError(f"{rule.title}: {error.message}",
                     location=Location(path=str(path)) if path else error.location)
