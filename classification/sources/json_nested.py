"""Arrays of records inside records as tables of their own (stage: classification; a part of
sources/json_records.py).

MongoDB's embedded model and many APIs nest the people inside their group: a village's document
holds its households ({"village": "城关村", "households": [{xm, sfzh}, … 200]}), a household its
members. Read as fields of the parent (``households[].xm``), 1,000 people in 5 villages were rows=5
(R15f-16), the figure the inventory reports and the 重要数据 scale test compares. An array of
objects under a record's key that holds more than PER_RECORD objects a record (on average over the
records read) is a table of its own, ``file:key[]``, its objects the rows; an array of one or two
(a person's contacts) stays fields of its record, as before. A table by columns under a record's key
({"members": {"xm": [...], "sfzh": [...]}}: json_columnar) is read as its array of objects is (R15g-14).
"""

from __future__ import annotations

from typing import Any, Final

from govsoc.classification.sources.json_columnar import columnar
from govsoc.classification.sources.json_envelope import records_of
from govsoc.classification.sources.json_line import members, object_pairs

__all__ = ["PER_RECORD", "nested_tables", "objects_of"]

#: Objects a record an array must hold on average to be a table of its own.
PER_RECORD: Final = 2


def nested_tables(records: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], dict[str, list[dict[str, Any]]]]:
    """``records`` without the arrays of objects that are tables of their own, and those arrays'
    objects by their path (``key[]``), in the records' order."""
    counts: dict[str, int] = {}
    for record in records:
        for key, inner in members(record):
            items = objects_of(inner)
            if items is not None:
                counts[key] = counts.get(key, 0) + len(items)
    own = {key for key, count in counts.items() if count > PER_RECORD * len(records)}
    if not own:
        return records, {}
    tables: dict[str, list[dict[str, Any]]] = {f"{key}[]": [] for key in own}
    parents: list[dict[str, Any]] = []
    for record in records:
        kept: list[tuple[str, Any]] = []
        for key, inner in members(record):
            items = objects_of(inner) if key in own else None
            if items is None:
                kept.append((key, inner))
            else:
                tables[f"{key}[]"].extend(items)
        parents.append(object_pairs(kept))
    return parents, tables


def objects_of(value: Any) -> list[dict[str, Any]] | None:
    """The records of ``value``: an array of objects, or a table by columns; else None."""
    if isinstance(value, dict):
        table = columnar(value)
        return table[0] if table is not None and not table[1] else None
    return records_of(value)
