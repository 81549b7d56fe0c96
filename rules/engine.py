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

DetectionPass's methods are grouped by what they do: the base rules in govsoc.rules.pass_rules,
the windows judged again in .pass_rejudge, the bookkeeping in .pass_bookkeeping (mixins it derives
from); the summary is govsoc.rules.detection_summary. What tests replace on this module
(SAVE_EVERY, AlertWriter, reevaluate) is read only by the methods kept here.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

from sigma.correlations import SigmaCorrelationRule
from sigma.rule import SigmaRule

from govsoc.core.alert import Alert
from govsoc.core.errors import GovsocError, RuleError
from govsoc.core.event import Event, format_timestamp, parse_timestamp, shift
from govsoc.core.gcpolicy import relaxed_gc
from govsoc.rules.alert_writer import AlertWriter
from govsoc.rules.backends import backend_for
from govsoc.rules.burst_alerts import retire, withdraw
from govsoc.rules.conversions import ConversionCache
from govsoc.rules.correlate import Correlation, compile_correlation
from govsoc.rules.detection_summary import DetectionSummary as DetectionSummary
from govsoc.rules.loader import RuleSet
from govsoc.rules.pass_rules import PassRules, _Plan
from govsoc.rules.pass_rules import match_alert as match_alert
from govsoc.rules.pipeline import rule_source_status
from govsoc.rules.regroup import Key, Span, reevaluate
from govsoc.rules.state import RuleState
from govsoc.store.base import Store

#: Alerts written per store call, unless the store asks for another batch (Store.alert_batch).
ALERT_BATCH = 1000
#: Seconds between two saves of the finished rules' states within a pass: what a pass killed
#: midway (the daemon's job timeout) loses at most, for a store call every few seconds at most.
SAVE_EVERY = 5.0


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


class DetectionPass(PassRules):
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

    def _save_soon(self) -> None:
        """Save the finished rules' states when SAVE_EVERY seconds went by since the last save;
        a save that fails here is tried again at the pass's end (the states stay changed)."""
        if time.monotonic() - self.saved_at >= SAVE_EVERY:
            try:
                self._save_states()
            except GovsocError:
                self.saved_at = time.monotonic()
