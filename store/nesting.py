"""Fields that nest under another field's value (``a`` = 1 beside ``a.b``) in one event: the
nested ECS document cannot hold both, so each store refuses such an event, with the reason
(govsoc.store.sqlite_rows; Elasticsearch: core.coercion.stored_document). In different events the two
are two fields of a vendor object on both stores. Stage: store. Worked out once per tuple of field names.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

__all__ = ["check_nesting", "nesting_pairs"]


def check_nesting(fields: Mapping[str, Any]) -> None:
    """ValueError when a field lies under another field's non-object value (``a`` = 1 beside
    ``a.b``): the nested ECS document cannot hold both."""
    for name, parent in nesting_pairs(tuple(fields)):
        if not isinstance(fields[parent], dict):
            raise ValueError(f"field {name!r} nests under the value of {parent.rpartition('.')[2]!r}")


def nesting_pairs(names: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """(field, parent field) of every field of ``names`` below another one of them."""
    pairs = _NESTING.get(names)
    if pairs is None:
        if len(_NESTING) > 10_000:  # hostile input with ever new field names: stay bounded
            _NESTING.clear()
        present = set(names)
        pairs = _NESTING[names] = tuple(
            (name, parent) for name in names if "." in name
            for parent in _parents(name) if parent in present)
    return pairs


def _parents(name: str) -> Iterator[str]:
    parts = name.split(".")
    for cut in range(1, len(parts)):
        yield ".".join(parts[:cut])


#: Field-name tuple -> (field, parent field) pairs of that shape, worked out once per shape.
_NESTING: dict[tuple[str, ...], tuple[tuple[str, str], ...]] = {}
