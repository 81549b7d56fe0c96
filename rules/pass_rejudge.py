"""The windows a detection pass judges again (rules.engine.DetectionPass derives from PassRejudge):
those that deletes of partial copies left behind (store.rejudge), recounted, withdrawn when no
window holds them any more, and forgotten once their rule ran.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from govsoc.core.alert import Alert, TriageChange
from govsoc.core.errors import GovsocError
from govsoc.rules.pass_bookkeeping import PassBookkeeping
from govsoc.store import rejudge
from govsoc.store.withdraw import withdraw as withdraw_alerts

_NO_LONGER_HOLDS = ("withdrawn: a partial copy of a line this alert counted was deleted when the line was "
                    "completed, and its window, judged again without it, no longer meets the rule's condition")


class PassRejudge(PassBookkeeping):
    """The methods of rules.engine.DetectionPass for windows judged again (see the module
    docstring); the pass's state they use, which DetectionPass sets, is declared for the type checker."""

    if TYPE_CHECKING:
        failed_rules: set[str]
        rejudge: dict[str, list[dict[str, Any]]]

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
