"""An API's envelope around its records (stage: classification; a part of sources/json_records.py).

Government platforms' exports and API captures wrap their records: {"code": 0, "msg": "ok",
"data": {"total": 600000, "list": [{…}, …]}}. Read as one record, 300,000 people were "rows=1"
(R15d-16), the count the inventory reports and the 重要数据 scale test compares. An object whose
members, nested objects walked, hold exactly one array of objects is an envelope: that array's
objects are the rows, as a top-level array's are, and its path (``data.list``) is reported once
with the members beside it, which are not classified (status codes, totals, page numbers). An
envelope over json_records.JSON_LIMIT is streamed (json_stream.envelope_items): the first array of
objects in it is the rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final

from govsoc.classification.sources.json_maps import is_map

__all__ = ["BESIDE", "Envelope", "envelope", "envelope_reason", "records_of"]

#: Members beside the records named in the report.
BESIDE: Final = 10


def records_of(value: Any) -> list[dict[str, Any]] | None:
    """The objects of ``value`` when it is an array of objects only (records, each a row), else None."""
    if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
        return value
    return None


class Envelope:
    """The records of an envelope, the path they were found at and the paths of the members beside them."""

    __slots__ = ("path", "records", "beside")

    def __init__(self, path: str, records: list[dict[str, Any]], beside: list[str]) -> None:
        self.path, self.records, self.beside = path, records, beside

    def reason(self) -> str:
        """What the file's report says once: which path was read as the rows, what was left."""
        return envelope_reason(self.path, len(self.records), self.beside)


def envelope_reason(path: str, rows: int, beside: list[str]) -> str:
    """The report of an envelope whose ``rows`` records at ``path`` were read, ``beside`` not (the
    first BESIDE of them named)."""
    names = ", ".join(beside[:BESIDE]) + (f" and {len(beside) - BESIDE:,} more" if len(beside) > BESIDE else "")
    left = f"; {names} beside them not classified" if beside else ""
    return f"a JSON envelope: the {rows:,} records of {path} read as the rows{left}"


def envelope(value: Any) -> Envelope | None:
    """The envelope ``value`` is, when it is an object (not a map) holding one array of objects, else None."""
    if not isinstance(value, dict) or is_map(value):
        return None
    arrays, beside = [], []
    for path, inner in _members(value, ""):
        records = records_of(inner)
        if records is None:
            beside.append(path)
        else:
            arrays.append((path, records))
    if len(arrays) != 1:  # none, or several tables side by side: one record as before
        return None
    (path, records), = arrays
    return Envelope(path, records, beside)


def _members(value: dict[str, Any], prefix: str) -> Iterator[tuple[str, Any]]:
    """(dotted path, value) of each member that is not an object to walk (a map is a value)."""
    for key, inner in value.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(inner, dict) and inner and not is_map(inner):
            yield from _members(inner, path)
        else:
            yield path, inner
