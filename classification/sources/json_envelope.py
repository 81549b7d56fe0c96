"""An API's envelope around its records (stage: classification; a part of sources/json_records.py).

Government platforms' exports and API captures wrap their records: {"code": 0, "msg": "ok",
"data": {"total": 600000, "list": [{…}, …]}}. Read as one record, 300,000 people were "rows=1"
(R15d-16), the count the inventory reports and the 重要数据 scale test compares. An object whose
members, nested objects walked, hold an array of objects is an envelope: each such array is a
table, its objects the rows (``data.users`` and ``data.accounts`` two tables; a small ``tags``
array before ``data.list`` no longer takes the records' place: R15e-1), and the members beside
them (a status code, a total, the operator's name or phone) are one row of a table of their own,
classified like any other (R15e-9: they were listed raw in the report and never looked at). An
envelope over json_records.JSON_LIMIT is streamed (json_stream.envelope_items) to the same tables.
Paths are data too (a key can be a phone number): each is shown masked as a field name is.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final

from govsoc.classification.recognizer import masked_text
from govsoc.classification.sources.json_columnar import columnar
from govsoc.classification.sources.json_maps import NAME_KEY, entries, is_map, map_key, name_map
from govsoc.classification.sources.skips import scanner

__all__ = ["BESIDE", "Envelope", "envelope", "envelope_reason", "records_of", "shown_path"]

#: The table the members beside the records are a row of, after the file's name.
BESIDE: Final = ":(envelope)"


def records_of(value: Any) -> list[dict[str, Any]] | None:
    """The objects of ``value`` when it is an array of objects only (records, each a row), else None."""
    if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
        return value
    return None


def shown_path(path: str) -> str:
    """``path`` (a key path: data) with what a recognizer finds in it masked, as skips mask field names."""
    return masked_text(path, scanner().scan(path))


class Envelope:
    """The arrays of records of an envelope by their paths, and the members beside them (path -> value)."""

    __slots__ = ("tables", "beside")

    def __init__(self, tables: dict[str, list[dict[str, Any]]], beside: dict[str, Any]) -> None:
        self.tables, self.beside = tables, beside


def envelope_reason(path: str, rows: int, tables: int, beside: int, file: str) -> str:
    """The note of the table of the ``rows`` records at ``path`` in an envelope of ``tables`` such
    arrays and ``beside`` other members (read as the table ``file`` + BESIDE)."""
    others = f" (one of its {tables:,} arrays of records, each a table)" if tables > 1 else ""
    left = f"; the members beside them ({beside:,}) read as one row, the table {file}{BESIDE}" if beside else ""
    what = "the 1 record" if rows == 1 else f"the {rows:,} records"  # R15f-36: "the 1 records"
    return f"a JSON envelope: {what} of {shown_path(path)} read as the rows{others}{left}"


def envelope(value: Any) -> Envelope | None:
    """The envelope ``value`` is, when it is an object (not a map) holding an array of objects, else None."""
    if not isinstance(value, dict) or is_map(value):
        return None
    tables: dict[str, list[dict[str, Any]]] = {}
    beside: dict[str, Any] = {}
    for path, inner in _members(value, ""):
        records = records_of(inner)
        if records is None and isinstance(inner, dict) and _keyed(inner):
            records = entries(inner)  # {"data": {"<name>": {…}, …}}: its entries the rows (R15f-13)
        if records is None:
            beside[path] = inner
        else:
            tables[path] = records
    return Envelope(tables, beside) if tables else None


def _members(value: dict[str, Any], prefix: str) -> Iterator[tuple[str, Any]]:
    """(dotted path, value) of each member that is not an object to walk (a map is a value)."""
    for key, inner in value.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        split = columnar(inner) or name_map(inner) if isinstance(inner, dict) and inner and not is_map(inner) \
            else None
        if split is not None:  # columns and rows (R15f-12), names beside a "total" (R15f-13): the
            yield path, split[0]  # records or the map, and the members beside them walked
            yield from _members(split[1], path)
        elif isinstance(inner, dict) and inner and not is_map(inner):
            yield from _members(inner, path)
        else:
            yield path, inner


def _keyed(value: dict[str, Any]) -> bool:
    """Whether ``value``, a member of an envelope, is a map of records: keyed by people's names, or
    by data (ID numbers, row numbers) with an object for each key."""
    key = map_key(value)
    return key == NAME_KEY or (key is not None and all(isinstance(inner, dict) for inner in value.values()))
