"""Withdrawing stored alerts that no longer stand: those resting on events a delete removed
(Store.withdraw_alerts_on), and those a pass judges again (govsoc.rules.regroup, pass_rejudge).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Protocol

from govsoc.core.alert import DONE, Alert, AlertReceipt, Note, TriageChange, joined_copies

__all__ = ["AlertStore", "chained", "copies_of", "held", "stands_for_window", "trimmed", "untouched", "withdraw",
           "withdraw_resting"]


class AlertStore(Protocol):
    """The alert calls withdrawing needs (a govsoc.store.base.Store has them; a Protocol, as in
    govsoc.store.deleted, since base calls this module)."""

    def delete_alerts(self, ids: Iterable[str]) -> int: ...

    def update_alert(self, alert_id: str, change: TriageChange) -> Alert: ...

    def write_alerts(self, alerts: Iterable[Alert]) -> AlertReceipt: ...


def untouched(alert: Alert) -> bool:
    """Whether no analyst worked on an alert: open, unassigned, without notes."""
    return alert.status == "open" and not alert.assignee and not alert.notes


def stands_for_window(alert: Alert, gone: set[str]) -> bool:
    """Whether an alert resting on deleted events stands for a window that is judged again: a
    correlation that keeps other events, or a suppressed rule's window (a match with a group)."""
    if alert.kind == "correlation":
        return any(i not in gone for i in alert.event_ids)
    return bool(alert.group)


def withdraw_resting(store: AlertStore, alert: Alert, gone: set[str],
                     replaced_by: Mapping[str, Sequence[str] | None] | None = None) -> None:
    """Store.withdraw_alerts_on for one alert resting on the deleted events ``gone``, which the
    events ``replaced_by`` names replaced (a copy's completed line; None: events it cannot name,
    Store.delete)."""
    found = replaced_by or {}
    if not held(alert, gone):
        # Only the completed line of a copy it was judged with, itself a longer copy now replaced
        # (a line completed over three runs): what the copy became is the line's new form.
        store.write_alerts([replace(alert, judged_copies=chained(alert.judged_copies, gone, found))])
        return
    window = stands_for_window(alert, gone)
    if window and untouched(alert):
        store.delete_alerts([alert.id])  # judged again by the next pass (govsoc.store.rejudge)
        return
    resting = gone.intersection(alert.rests_on)  # a suppressed window's too, not only its first match
    ids = ", ".join(sorted(resting))
    said = f"the event {ids} this alert rests on was the partial copy of an unterminated last line"
    text = (f"{said}, deleted when the line was completed; " + (
        "it is no longer counted here, and the next pass judges the window again without it"
        if window else "the complete event is judged on its own"))
    counted = window and alert.kind != "correlation"  # a suppressed window: its copies are counted
    copies = copies_of(alert, gone, found) if alert.status in DONE else ()
    if not any(n.author == "govsoc" and said in n.text for n in alert.notes):  # not said before
        if window or alert.status in DONE:
            # a note only: a window keeps its status until judged again; an alert the analyst
            # already closed stays as they left it, but says why its event is gone (V12 F3). A
            # suppressed window counts the copy no more (the next pass counts it again); a closed
            # one keeps what became of it, in the same write (R57a-1, R57b-6).
            store.update_alert(alert.id, TriageChange(
                note=Note(author="govsoc", time=datetime.now(UTC), text=text),
                uncount=len(resting) if counted else 0, copies=copies if counted else ()))
        else:
            withdraw(store, [alert], "withdrawn: " + text)
    elif counted and alert.status in DONE:
        # Said before. A copy recorded then was taken off the window's matches: listed again, a
        # pass that read the copy before its delete wrote the window again, counting it (R57b-3):
        # taken off again (a retried delete finds the window by its first match, never off its
        # ids: not listed, not taken off twice, R57c-2). A copy named now and not recorded then
        # (a racing pass's late withdrawal, which cannot name what replaced it, came first: R57c-1)
        # is recorded, its uncount done then.
        recorded = {c for c, _ in alert.judged_copies}
        again = [(c, lines) for c, lines in alert.judged_copies if c in resting and c in alert.matched]
        named = [(c, lines) for c, lines in copies if c not in recorded]
        if again or named:
            store.update_alert(alert.id, TriageChange(uncount=len(again), copies=(*again, *named)))
    if window and alert.kind == "correlation":
        # The deleted events leave the alert's ids (and snapshot): the next pass joins the stored
        # ids with the burst it finds, so an id kept here would count the line twice, copy and
        # completed line (V12 F2). Triage kept by the upsert. Written after the note: a retry
        # finds the alert still resting on the copy until both are done.
        kept = trimmed(alert, gone)
        if alert.status in DONE:
            # What became of each copy the analyst judged: the next pass tells a completed line
            # come back from a new event by it (core.alert.unseen; R56b-1).
            kept = replace(kept, judged_copies=joined_copies(chained(alert.judged_copies, gone, found), copies))
        store.write_alerts([kept])


def copies_of(alert: Alert, gone: set[str], found: Mapping[str, Sequence[str] | None]
              ) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The judged copies (Alert.judged_copies) a delete of ``gone`` adds to a closed alert: each
    of its events and matches deleted, with what replaced it. Not a copy replaced by events the
    delete cannot name (None: taken to come back, as a capture's provisional flow does), nor one
    that is itself the longer form of a judged copy (it stands for that one: :func:`chained`)."""
    earlier = {i for _, lines in alert.judged_copies for i in lines}
    return tuple((copy, tuple(found.get(copy) or ())) for copy in dict.fromkeys((*alert.event_ids, *alert.matched))
                 if copy in gone and (copy not in found or found[copy] is not None) and copy not in earlier)


def held(alert: Alert, gone: set[str]) -> bool:
    """Whether an alert holds one of the deleted events ``gone`` as an event or a match (not
    only as the completed line of a judged copy)."""
    return not gone.isdisjoint(alert.event_ids) or not gone.isdisjoint(alert.matched)


def chained(copies: tuple[tuple[str, tuple[str, ...]], ...], gone: set[str],
            found: Mapping[str, Sequence[str] | None]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Judged copies (Alert.judged_copies) whose completed lines among ``gone`` were replaced in
    turn: each also names what replaced them (``found``)."""
    return tuple((copy, tuple(dict.fromkeys((*lines, *(i for line in lines if line in gone
                                                         for i in found.get(line) or ())))))
                 for copy, lines in copies)


def trimmed(alert: Alert, gone: set[str]) -> Alert:
    """A correlation alert without the deleted events ``gone``: its ids, snapshots and times
    (R12d N5). The snapshots are of its first events in time order, so the first one kept gives
    the start when a deleted event was among them; the end is the last one kept when every event
    kept has its snapshot, else the end stays (the next pass's burst gives it)."""
    rest = tuple(i for i in alert.event_ids if i not in gone)
    evidence = tuple(e for e in alert.evidence if e.event_id not in gone)
    start, end = alert.start, alert.end
    if evidence and len(evidence) < len(alert.evidence):
        start = min(e.timestamp for e in evidence)
        if len(evidence) == len(rest):
            end = max(e.timestamp for e in evidence)
    return replace(alert, event_ids=rest, evidence=evidence, start=start, end=end)


def withdraw(store: AlertStore, alerts: Sequence[Alert], why: str) -> None:
    """Withdraw stored alerts that no longer stand: an untouched one is dropped, as a pass that
    had the events as they are now would never have raised it; one an analyst worked on is kept,
    closed, with a govsoc note saying ``why``, so the triage is not lost."""
    for alert in alerts:
        if not untouched(alert) and alert.status not in DONE:
            store.update_alert(alert.id, TriageChange(status="closed", note=Note(
                author="govsoc", time=datetime.now(UTC), text=why)))
    store.delete_alerts([a.id for a in alerts if untouched(a)])
