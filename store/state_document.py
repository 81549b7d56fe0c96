"""A store's state documents (Store.get_state and its kin) read back from the JSON text a store
keeps (govsoc.store.sqlite_state, govsoc.store.elasticsearch_state).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from govsoc.core.errors import DamagedStateError

__all__ = ["readable_state", "state_document"]


def state_document(key: str, text: Any) -> dict[str, Any]:
    """A state document from the JSON text a store keeps; DamagedStateError naming ``key`` when
    the text is not a JSON object (a writer of the store damaged it)."""
    try:
        value = json.loads(text)
    except (TypeError, ValueError) as e:
        raise DamagedStateError(f"state document {key!r} is damaged: not JSON ({e})") from e
    if not isinstance(value, dict):
        raise DamagedStateError(f"state document {key!r} is damaged: {type(value).__name__}, not a JSON object")
    return value


def readable_state(key: str, text: Any, damaged: Callable[[str], None] | None) -> dict[str, Any] | None:
    """:func:`state_document` for Store.get_states: a damaged document said through ``damaged``
    (None returned), or DamagedStateError without it."""
    try:
        return state_document(key, text)
    except DamagedStateError as e:
        if damaged is None:
            raise
        damaged(e.message)
        return None
