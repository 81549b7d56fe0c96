"""Windows to judge again: the windows of the alerts that :meth:`Store.withdraw_alerts_on` dropped
or trimmed when the partial copy of a line they counted was deleted (R12d N7, N4, N6).

A correlation (or a suppressed rule's window) counted the copy; the completed line that replaces
it may fall in another group, or no longer match at all, so the window the copy was in gets no
new event, and an incremental pass (which reads what was stored since its checkpoint) would never
judge it again: a burst its other events still make was lost when its untouched alert was
dropped, and a triaged one stayed live below its condition. So the delete records each such
alert's rule, group and time span in a state document of the store (it travels with the events),
before it changes any alert, and the next pass judges those windows again, whatever the completed
line is (govsoc.rules.engine), then removes the entries it handled. Entries of rules the pass did
not run stay for a later pass, up to :data:`LIMIT` (the oldest are forgotten first).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from govsoc.core.alert import Alert
from govsoc.core.event import format_timestamp

__all__ = ["KEY", "LIMIT", "States", "entry_of", "forget", "pending", "record"]

#: The state document holding the entries.
KEY = "rejudge-windows"
#: Entries kept at most.
LIMIT = 10_000


class States(Protocol):
    """What the entries need of a store (govsoc.store.base.Store has it): its state documents."""

    def get_state(self, key: str) -> dict[str, Any] | None: ...

    def put_state(self, key: str, value: dict[str, Any]) -> None: ...


def entry_of(alert: Alert) -> dict[str, Any]:
    """What a pass needs to judge an alert's window again: its rule, group (as the alert shows
    it), start and end, and its id (a stored alert that no burst claims any more is withdrawn)."""
    return {"rule": alert.rule_id, "alert": alert.id, "group": dict(alert.group),
            "start": format_timestamp(alert.start), "end": format_timestamp(alert.end)}


def pending(store: States) -> list[dict[str, Any]]:
    """The entries recorded and not handled yet."""
    return list((store.get_state(KEY) or {}).get("windows") or ())


def record(store: States, entries: Sequence[dict[str, Any]]) -> None:
    """Add entries (an entry already recorded is kept once)."""
    if entries:
        kept = pending(store)
        kept.extend(e for e in entries if e not in kept)
        store.put_state(KEY, {"windows": kept[-LIMIT:]})


def forget(store: States, handled: Iterable[dict[str, Any]]) -> None:
    """Remove the entries a pass handled, read again first: those a delete recorded meanwhile stay."""
    done = list(handled)
    if done:
        kept = pending(store)
        store.put_state(KEY, {"windows": [e for e in kept if e not in done]})
