"""Store stage: the event ids :meth:`Store.delete` removed lately (R12e E3).

A detection pass during which events were deleted looks the event ids of each alert batch up
after writing it, and withdraws what rests on an id no longer stored (V13 V11: a completed
line's partial copy read before its delete). Events also leave by retention
(Store.delete_before), whose alerts stay ("they have their own retention and keep an evidence
snapshot"): an id is withdrawn only when a delete of partial copies removed it, which this
state document tells. It holds the last :data:`KEEP` ids (a delete removes the partial copies
of one ingest run's completed lines: a few ids), written before the events are deleted, so a
pass that sees an id gone and the delete mark changed finds the id here.

Hand-written: a document of the store's own state, nothing a library keeps.
"""
from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Collection
from typing import Any, Protocol

from govsoc.core.errors import DamagedStateError

KEY = "event-deleted-ids"
KEEP = 10_000

_log = logging.getLogger(__name__)

#: How a delete mark read damaged begins (Store.deletes, R12e E1/E7): the rest is a fresh
#: token, so it equals no other mark (a pass comparing it sees "a delete happened", the safe
#: side), then the reason, naming the document.
DAMAGED = "damaged "

__all__ = ["DAMAGED", "KEEP", "KEY", "counter_ok", "damaged_mark", "record", "recent", "why_damaged"]


class States(Protocol):
    """The two state calls this module needs (a Store has them)."""

    def get_state(self, key: str) -> dict[str, Any] | None: ...

    def update_state(self, key: str, change: Callable[[dict[str, Any] | None], dict[str, Any]], *,
                     damaged: Callable[[str], None] | None = None) -> None: ...


def record(store: States, ids: Collection[str]) -> None:
    """Add ``ids`` (about to be deleted) to the document, keeping the newest :data:`KEEP`
    (all of one call's, however many). A damaged document is said once and started again."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return
    said: set[str] = set()

    def damaged(why: str) -> None:
        if why not in said:
            said.add(why)
            _log.warning("%s: started again", why)

    def change(doc: dict[str, Any] | None) -> dict[str, Any]:
        kept = _ids(doc)
        if kept is None:
            damaged(f"state document {KEY!r} is damaged: 'ids' is not a list of event ids")
            kept = []
        fresh = set(wanted)
        merged = [i for i in kept if i not in fresh] + wanted
        return {"ids": merged[-max(KEEP, len(wanted)):]}

    store.update_state(KEY, change, damaged=damaged)


def recent(store: States, damaged: Callable[[str], None]) -> set[str] | None:
    """The ids recorded; None when the document is damaged (said through ``damaged``): the
    caller cannot tell a delete's ids from retention's then."""
    try:
        doc = store.get_state(KEY)
    except DamagedStateError as e:
        damaged(e.message)
        return None
    ids = _ids(doc)
    if ids is None:
        damaged(f"state document {KEY!r} is damaged: 'ids' is not a list of event ids")
        return None
    return set(ids)


def _ids(doc: dict[str, Any] | None) -> list[str] | None:
    """The document's ids ([] when never written); None when they are not a list of strings."""
    ids = (doc or {}).get("ids", [])
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        return None
    return ids


def damaged_mark(why: str) -> str:
    """The mark Store.deletes gives for a damaged one (``why`` names the document): unlike any
    mark read before or after, so a pass that holds or reads it looks its events up."""
    return f"{DAMAGED}{uuid.uuid4().hex} {why}"


def why_damaged(mark: str | None) -> str | None:
    """The reason of a mark from :func:`damaged_mark`; None for a sound mark."""
    if mark is None or not mark.startswith(DAMAGED):
        return None
    return mark[len(DAMAGED):].partition(" ")[2]


def counter_ok(value: Any) -> bool:
    """Whether SQLite's meta 'deletes' value is a count it can raise: digits only, below 10**18
    (a value at 2**63-1 overflowed to a REAL and stayed there; NULL stayed NULL: R12e E7)."""
    text = str(value) if isinstance(value, int | str) and not isinstance(value, bool) else ""
    return text.isascii() and text.isdigit() and len(text) < 19
