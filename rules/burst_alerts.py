"""A burst's one alert (govsoc.rules.regroup judges the bursts): the stored alerts of the same
burst that it is matched with and joined under one id, and the stored alerts it retires (other
bursts a late event joined into it) or withdraws (an upper-bound condition that no longer holds).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from govsoc.core.alert import DONE, Alert, Note, TriageChange
from govsoc.core.evidence import EVIDENCE_LIMIT, Evidence
from govsoc.store.base import Store
from govsoc.store.withdraw import withdraw as withdraw_alerts

__all__ = ["Joined", "burst_claims", "joined", "retire", "triaged", "withdraw"]


@dataclass(frozen=True, slots=True)
class Joined:
    """A burst's alert (new, or a stored one updated under its id) and the other stored alerts
    of the same rule and group that it now covers: bursts stored apart that a late event joined
    into one. Those are retired, so that one burst keeps one alert. With ``withdrawn``, ``alert``
    is a stored alert whose burst no longer meets the condition (see :func:`withdraw`)."""

    alert: Alert
    absorbed: tuple[Alert, ...] = ()
    withdrawn: bool = False


def burst_claims(alerts: Sequence[Alert], stored: Sequence[Alert]) -> list[list[Alert]]:
    """For each of a group's bursts, the stored alerts that are the same burst: each stored
    alert overlapping some burst belongs to one burst only, the one holding most of its events
    (then the longest overlap, then the first). Several bursts may overlap one stored alert in
    time: the alert of a chained correlation spans the events behind its matches, which reach
    back a timespan before them, so two bursts kept apart in match time can share events; a
    stored burst is only ever grown or joined by late events, never split, so it lies wholly in
    the burst that now holds it, and shares fewer events with the others."""
    claims: list[list[Alert]] = [[] for _ in alerts]
    for old in stored:
        held = set(old.event_ids)
        best: tuple[int, timedelta, int] | None = None
        for n, alert in enumerate(alerts):
            if alert.start > old.end or alert.end < old.start:
                continue
            rank = (len(held.intersection(alert.event_ids)),
                    min(alert.end, old.end) - max(alert.start, old.start), -n)
            best = rank if best is None or rank > best else best
        if best is not None:
            claims[-best[2]].append(old)
    return claims


def joined(alert: Alert, stored: list[Alert]) -> Joined:
    """``alert`` under the id of the stored alert of the same burst, with its events joined, and
    the other stored alerts it covers (to be retired)."""
    overlapping = [a for a in stored if a.start <= alert.end and a.end >= alert.start]
    if not overlapping:
        return Joined(alert)
    # The alert an analyst worked on keeps its id, status, assignee and notes (R12 F11); else the
    # first. The others' triage goes to it when they are retired (:func:`retire`).
    keep = min(overlapping, key=lambda a: (not triaged(a), a.start, a.id))
    first = min(overlapping, key=lambda a: (a.start, a.id))
    ids = list(alert.event_ids)
    seen = set(ids)
    for other in overlapping:
        extra = [i for i in other.event_ids if i not in seen]
        seen.update(extra)
        ids = extra + ids if other.start < alert.start else ids + extra
    # The events of absorbed alerts an analyst is done with, and the completed lines of the copies
    # they judged (Alert.judged_copies: R56b-2's N3): judged already, so not "new" when the kept
    # alert, closed, is opened again (R49b-7; core.alert.unseen).
    judged = frozenset(i for other in overlapping if other.id != keep.id and other.status in DONE
                       for i in (*other.event_ids, *(c for _, lines in other.judged_copies for c in lines)))
    merged = replace(alert, id=keep.id, start=min(first.start, alert.start),
                     end=max(alert.end, *(a.end for a in overlapping)),
                     event_ids=tuple(ids), evidence=_joined_evidence(ids, (alert, *overlapping)),
                     judged_elsewhere=judged)
    return Joined(merged, tuple(a for a in overlapping if a.id != keep.id))


def _joined_evidence(ids: Sequence[str], alerts: Sequence[Alert]) -> tuple[Evidence, ...]:
    """The merged burst's snapshots: the first EVIDENCE_LIMIT of its events, in its order, that
    any of the joined alerts holds a snapshot of (R58b-4: one side's snapshots were kept, so a
    burst of 7 showed "6 of 7" on SQLite, the absorbed alert's last event lost once retention
    drops the events)."""
    snapshots = {e.event_id: e for a in reversed(alerts) for e in a.evidence}  # the new pass's last: it wins
    return tuple(snapshots[i] for i in ids if i in snapshots)[:EVIDENCE_LIMIT]


def triaged(alert: Alert) -> bool:
    """Whether an analyst has worked on the alert (a status, an assignee or a note)."""
    return alert.status != "open" or bool(alert.assignee) or bool(alert.notes)


def withdraw(store: Store, alerts: Sequence[Alert]) -> None:
    """Withdraw stored alerts whose burst no longer meets the condition (:func:`_unmet`), as
    govsoc.store.withdraw.withdraw does (an analyst's triage kept, closed, with a note)."""
    withdraw_alerts(store, alerts, "withdrawn: a late event reached the window this alert was judged on, and the "
                                   "correlation's condition no longer holds")


def retire(store: Store, absorbed: Sequence[tuple[str, Alert]]) -> None:
    """Retire stored alerts that another alert of the same burst now covers (written first, so
    their events are never out of every alert). What analysts did on a retired alert is kept,
    as it is stored now (an analyst may have acted since the pass read it): its notes are added
    to the alert that covers it, with their authors and times, then a note that names it, its
    status and assignee; an alert that covers it untouched takes its status and assignee too, one
    with no assignee its assignee."""
    for keep_id, snapshot in absorbed:
        alert = store.alert(snapshot.id) or snapshot
        if not triaged(alert):
            continue
        keeper = store.alert(keep_id)
        adopt = keeper is not None and not triaged(keeper)
        # an assignee too when the kept alert has none (R58b-4: acknowledged by one analyst, the
        # burst assigned to another in the alert it absorbed, and `alerts --assignee` lost it)
        assign = adopt or (keeper is not None and not keeper.assignee)
        for note in alert.notes:
            store.update_alert(keep_id, TriageChange(note=note))
        text = (f"merged alert {alert.id} into this one (a late event joined the two bursts); it was "
                f"{alert.status}, assignee {alert.assignee or 'none'}")
        store.update_alert(keep_id, TriageChange(
            status=alert.status if adopt else None, assignee=alert.assignee if assign else None,
            note=Note(author="govsoc", time=datetime.now(UTC), text=text)))
    store.delete_alerts(alert.id for _, alert in absorbed)
