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
not run stay for a later pass, for :data:`RETAIN` after they were recorded (a rule removed or
renamed, or whose log source is no longer collected, would keep them for good: V13 V6), up to
:data:`LIMIT` (the oldest are forgotten first); either way the dropped entries are said.
An entry recorded again while a pass holds it (another copy of the window's lines deleted) is
stamped anew, so that the pass, forgetting what it handled, does not forget it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from govsoc.core.alert import Alert
from govsoc.core.coercion import DATE_RANGE
from govsoc.core.errors import DamagedStateError
from govsoc.core.event import format_timestamp, parse_timestamp

__all__ = ["KEY", "LIMIT", "RETAIN", "States", "drop_damaged", "entry_of", "forget", "pending", "read", "record"]

_log = logging.getLogger(__name__)

#: The state document holding the entries.
KEY = "rejudge-windows"
#: Entries kept at most.
LIMIT = 10_000
#: How long an entry waits for a pass that runs its rule.
RETAIN = timedelta(days=30)
_WHERE = f"state document {KEY!r}"


class States(Protocol):
    """What the entries need of a store (govsoc.store.base.Store has it): its state documents."""

    def get_state(self, key: str) -> dict[str, Any] | None: ...

    def update_state(self, key: str, change: Callable[[dict[str, Any] | None], dict[str, Any]], *,
                     damaged: Callable[[str], None] | None = None) -> None: ...


def entry_of(alert: Alert) -> dict[str, Any]:
    """What a pass needs to judge an alert's window again: its rule, group (as the alert shows
    it), start and end, and its id (a stored alert that no burst claims any more is withdrawn)."""
    return {"rule": alert.rule_id, "alert": alert.id, "group": dict(alert.group),
            "start": format_timestamp(alert.start), "end": format_timestamp(alert.end)}


def read(store: States) -> tuple[list[dict[str, Any]], list[str]]:
    """The entries recorded and not handled yet, and a line for each thing wrong with the document
    (it is a store document any writer of the state index can change, V13 V1): a document that is
    not a JSON object with a list of windows, or an entry of the wrong shape, is left out (the
    caller rewrites the document without it: :func:`drop_damaged`), never fatal to the pass or the
    ingest reading it."""
    try:
        doc = store.get_state(KEY)
    except DamagedStateError as e:  # not JSON, or JSON that is not an object
        return [], [_not_json(e.message)]
    return _checked(doc)


def _checked(doc: dict[str, Any] | None) -> tuple[list[dict[str, Any]], list[str]]:
    """The good entries of a document, and a line for each thing wrong with it."""
    windows = (doc or {}).get("windows")
    if windows is None:
        return [], []
    if not isinstance(windows, list):
        return [], [f"{_WHERE}: 'windows' is {type(windows).__name__}, not a list: dropped"]
    entries: list[dict[str, Any]] = []
    problems: list[str] = []
    expired = format_timestamp(datetime.now(UTC) - RETAIN)
    for index, entry in enumerate(windows):
        wrong = _wrong(entry) or _expired(entry, expired)
        if wrong:
            problems.append(f"{_WHERE}: windows[{index}]: {wrong}: dropped")
        else:
            entries.append(entry)
    return entries, problems


def _expired(entry: dict[str, Any], before: str) -> str | None:
    """Why an entry recorded before ``before`` goes (an entry of an older govsoc has no stamp: kept)."""
    recorded = entry.get("recorded")
    if recorded is not None and parse_timestamp(recorded) < parse_timestamp(before):
        return (f"rule {entry['rule']}'s window {entry['start']}..{entry['end']}, recorded {recorded}, was not "
                f"judged again within {RETAIN.days} days (no pass ran the rule)")
    return None


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
    if not isinstance(entry.get("recorded", ""), str):
        return f"'recorded' is {type(entry['recorded']).__name__}, not a string"
    try:
        start, end = parse_timestamp(entry["start"]), parse_timestamp(entry["end"])
        if "recorded" in entry:
            parse_timestamp(entry["recorded"])
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
    """Add entries, stamped with the time (an entry already recorded is kept once, stamped anew;
    bad ones recorded before are dropped, each said in the log), in one atomic change of the
    document: a pass forgetting what it handled at the same moment loses none of them (V13 V2)."""
    if entries:
        now = format_timestamp(datetime.now(UTC))
        fresh = {_key(e, stamp=False): {**e, "recorded": now} for e in entries}
        _update(store, lambda kept: [*(e for e in kept if _key(e, stamp=False) not in fresh), *fresh.values()])


def forget(store: States, handled: Iterable[dict[str, Any]]) -> None:
    """Remove the entries a pass handled, in one atomic change of the document: those a delete
    recorded meanwhile stay (V13 V2), and so does one recorded again since the pass read it (its
    stamp differs; a handled entry without a stamp stands for its window, whatever the stamp).
    Entries are compared by their text, as a set (V13 V6: a list scan per entry took 2.6 s for
    5,000 of 10,000)."""
    done = {_key(e, stamp="recorded" in e) for e in handled}
    if done:
        _update(store, lambda kept: [e for e in kept if _key(e) not in done and _key(e, stamp=False) not in done])


def drop_damaged(store: States) -> None:
    """Rewrite the document without what :func:`read` found wrong with it, which the caller
    says (atomically: entries recorded since the read stay)."""
    _update(store, lambda kept: kept, quiet=True)


def _update(store: States, change: Callable[[list[dict[str, Any]]], list[dict[str, Any]]], *,
            quiet: bool = False) -> None:
    """Change the good entries of the document in one Store.update_state; the newest LIMIT kept.
    What is wrong with the document is said in the log, unless ``quiet``."""
    said: set[str] = set()

    def apply(doc: dict[str, Any] | None) -> dict[str, Any]:
        entries, problems = _checked(doc)
        for problem in [] if quiet else problems:
            _say(said, problem)
        changed = change(entries)
        if len(changed) > LIMIT:
            _say(said, f"{_WHERE}: the {len(changed) - LIMIT} oldest entries dropped (more than {LIMIT}): "
                       "their windows are not judged again")
        return {"windows": changed[-LIMIT:]}

    store.update_state(KEY, apply, damaged=lambda why: None if quiet else _say(said, _not_json(why)))


def _say(said: set[str], problem: str) -> None:
    """Log a problem once per change (Store.update_state may read the document again)."""
    if problem not in said:
        said.add(problem)
        _log.warning("%s", problem)


def _not_json(why: str) -> str:
    """The line for a document that is not a JSON object (``why``: DamagedStateError's message)."""
    return f"{_WHERE}: not a JSON object ({why.removeprefix(_WHERE + ' is damaged: ')}): dropped"


def _key(entry: dict[str, Any], *, stamp: bool = True) -> str:
    """An entry as text, to compare entries as a set; without ``stamp``, its window alone."""
    return json.dumps(entry if stamp else {k: v for k, v in entry.items() if k != "recorded"},
                      sort_keys=True, default=str)
