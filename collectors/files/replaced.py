"""Collect stage (files): what the superseded partial copies of a line file became.

When the read passes a partial copy's position again, the copy is superseded (deleted once the
store takes the read), and the events its completed line gave are noted beside it, so that
Store.delete can tell them to the alerts the copy was in (core.alert.unseen: the completed line
of a copy an analyst judged is not new; a copy whose line went elsewhere is judged no more).
Kept in the checkpoint's ``kept``, which earlier versions keep as it is (a field of its own made
them set the checkpoint aside and read the whole file again).

Hand-written: a key of govsoc's own checkpoint, nothing a library keeps.
"""

from __future__ import annotations

from typing import Any

__all__ = ["REPLACED", "replaced_of", "with_replaced"]

#: The key in Checkpoint.kept: copy id -> ids of the events its completed line gave.
REPLACED = "replaced_by"


def replaced_of(kept: dict[str, Any] | None) -> dict[str, list[str]]:
    """The noted copies (copy id -> completed ids). What a damaged (hand-edited) checkpoint holds
    in place of ids is left out, as a checkpoint of an earlier version notes none: a copy not
    noted is taken to come back to its alerts (core.alert.unseen; R57a-5)."""
    found = (kept or {}).get(REPLACED)
    if not isinstance(found, dict):
        return {}
    return {copy: [i for i in ids if isinstance(i, str)] for copy, ids in found.items()
            if isinstance(copy, str) and isinstance(ids, list)}


def with_replaced(kept: dict[str, Any] | None, replaced: dict[str, list[str]]) -> dict[str, Any] | None:
    """``kept`` with the noted copies ``replaced`` (none: the key left out)."""
    rest = {key: value for key, value in (kept or {}).items() if key != REPLACED}
    if replaced:
        rest[REPLACED] = replaced
    return None if kept is None and not rest else rest
