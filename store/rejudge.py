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

import logging
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from govsoc.core.alert import Alert
from govsoc.core.coercion import DATE_RANGE
from govsoc.core.event import format_timestamp, parse_timestamp

__all__ = ["KEY", "LIMIT", "States", "entry_of", "forget", "pending", "read", "record"]

_log = logging.getLogger(__name__)

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


def read(store: States) -> tuple[list[dict[str, Any]], list[str]]:
    """The entries recorded and not handled yet, and a line for each thing wrong with the document
    (it is a store document any writer of the state index can change, V13 V1): a document that is
    not a JSON object with a list of windows, or an entry of the wrong shape, is left out (the
    caller rewrites the document without it), never fatal to the pass or the ingest reading it."""
    where = f"state document {KEY!r}"
    try:
        doc = store.get_state(KEY)
    except (ValueError, TypeError) as e:  # not JSON, or JSON that is not an object
        return [], [f"{where}: not a JSON object ({type(e).__name__}: {e}): dropped"]
    windows = (doc or {}).get("windows")
    if windows is None:
        return [], []
    if not isinstance(windows, list):
        return [], [f"{where}: 'windows' is {type(windows).__name__}, not a list: dropped"]
    entries: list[dict[str, Any]] = []
    problems: list[str] = []
    for index, entry in enumerate(windows):
        wrong = _wrong(entry)
        if wrong:
            problems.append(f"{where}: windows[{index}]: {wrong}: dropped")
        else:
            entries.append(entry)
    return entries, problems


def _wrong(entry: Any) -> str | None:
    """What is wrong with an entry (:func:`entry_of`'s shape), or None."""
    if not isinstance(entry, dict):
        return f"is {type(entry).__name__}, not an object"
    for name in ("rule", "alert", "start", "end"):
        if not isinstance(entry.get(name), str):
            return f"{name!r} is {type(entry.get(name)).__name__}, not a string"
    group = entry.get("group")
    if not isinstance(group, dict) or any(isinstance(v, dict) for v in group.values()):
        return "'group' is not an object of field values"
    try:
        start, end = parse_timestamp(entry["start"]), parse_timestamp(entry["end"])
    except (ValueError, OverflowError) as e:
        return f"bad time: {e}"
    if start > end:
        return f"start {entry['start']} after end {entry['end']}"
    if not DATE_RANGE[0] <= start <= end < DATE_RANGE[1]:
        return f"times {entry['start']}..{entry['end']} outside 1970..2262 (what a store holds)"
    return None


def pending(store: States) -> list[dict[str, Any]]:
    """The entries recorded and not handled yet (bad ones left out, each said once in the log)."""
    entries, problems = read(store)
    for problem in problems:
        _log.warning("%s", problem)
    return entries


def record(store: States, entries: Sequence[dict[str, Any]]) -> None:
    """Add entries (an entry already recorded is kept once; bad ones recorded before are dropped)."""
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
