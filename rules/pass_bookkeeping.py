"""The bookkeeping of a detection pass (rules.engine.DetectionPass derives from PassBookkeeping):
each rule's state and checkpoint (rules.state), the states saved when the pass ends, alert writes
to the store with their receipts, and each rule's outcome in the summary, a failure located at
its rule file (core.errors.Location).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from sigma.correlations import SigmaCorrelationRule
from sigma.rule import SigmaRule

from govsoc.core.alert import Alert, AlertReceipt
from govsoc.core.errors import GovsocError, Location, RuleError
from govsoc.rules.detection_summary import DetectionSummary
from govsoc.rules.loader import RuleSet
from govsoc.rules.state import RuleState, load_states, save_states
from govsoc.store import deleted
from govsoc.store.base import Store

if TYPE_CHECKING:
    from govsoc.rules.conversions import ConversionCache


def _located(error: GovsocError, rule: SigmaRule | SigmaCorrelationRule, ruleset: RuleSet) -> RuleError:
    path = ruleset.files.get(str(rule.id))
    return RuleError(f"{rule.title}: {error.message}",
                     location=Location(path=str(path)) if path else error.location)


class PassBookkeeping:
    """The bookkeeping methods of rules.engine.DetectionPass (see the module docstring); the
    pass's state they use, which DetectionPass sets, is declared for the type checker."""

    if TYPE_CHECKING:
        store: Store
        ruleset: RuleSet
        summary: DetectionSummary
        states: dict[str, RuleState]
        changed: set[str]
        deletes: str | None
        failed_ids: set[str]
        matched_once: set[str]
        now: datetime
        progress: Callable[[str], None] | None
        ranged: bool
        saved_at: float
        until: str | None
        conversions: ConversionCache | None

        def _save_soon(self) -> None: ...

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
        self._note_edit(state, str(rule.title))
        state.failed(self.now, error.message, time.perf_counter() - began)
        state.ran(str(rule.title), self.ruleset.where(str(rule.id)))
        self.changed.add(state.rule_id)
        if state.open_gap:
            self.summary.gaps.append(state.open_gap.line(rule.title))

    def _note_edit(self, state: RuleState, title: str) -> None:
        """Say a rule edited since its last pass (R58b-13): it reads on from where its earlier
        version stopped, so what it missed before stays missed unless a ranged pass judges it."""
        digest = self.conversions.rule_digests.get(state.rule_id) if self.conversions is not None else None
        if digest is None:
            return
        if state.rule_digest is not None and state.rule_digest != digest and state.last_run is not None:
            self.summary.notices.append(
                f"{title}: the rule changed since its last pass ({state.last_run.isoformat(timespec='seconds')}); "
                f"what was stored before then was judged by its earlier version: `govsoc detect --from TIME` "
                f"with this rule judges what was stored since TIME again")
        state.rule_digest = digest

    def _succeed(self, rule_id: str, title: str, matches: int, duration: float) -> None:
        if self.ranged:
            return
        state = self._state(rule_id)
        self._note_edit(state, title)
        covered = state.succeeded(self.now, self.until, matches, duration)
        state.ran(title, self.ruleset.where(rule_id))
        state.windows_matched = state.windows_matched or rule_id in self.matched_once
        self.changed.add(rule_id)
        if covered:
            self.summary.gaps.append(covered.line(title))
        self._save_soon()
