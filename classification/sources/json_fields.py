"""The fields of JSON records (stage: classification; a part of sources/json_records.py, also used
by the Elasticsearch and SQL sources).

A record's scalars are columns named by their dotted path (``person.xm``); the elements of a list
share ``path[]`` (``contacts[].sjhm``); an object keyed by data (sources/json_maps.py) gives its keys
as the values of one field ``{key}``, its entries sharing the path ``{}``. A value that is not an
object is a record too: an array's items are the fields ``[0]``, ``[1]`` ... up to POSITIONS, the
items past it sharing ``[]``; a string or number is the field ``$``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final

from govsoc.classification.column_sample import ColumnSample
from govsoc.classification.sources.base import named
from govsoc.classification.sources.json_line import members
from govsoc.classification.sources.json_maps import ENTRY, FIELDS, key_fields, map_key
from govsoc.classification.sources.json_wrappers import unwrapped
from govsoc.classification.sources.skips import Skips

__all__ = ["flatten", "record_columns", "as_record", "POSITIONS"]

#: Items of an array row named by their position (``[0]`` .. ``[63]``); the items past them share ``[]``.
POSITIONS: Final = 64


def flatten(value: Any, prefix: str = "") -> Iterator[tuple[str, str]]:
    """(dotted path, text) for every scalar in a JSON value; list elements share ``path[]``."""
    if isinstance(value, dict):
        if (wrapped := unwrapped(value)) is not None:  # mongoexport's {"$date": ...} (R15e-26)
            yield prefix, wrapped
            return
        if (key_field := map_key(value)) is not None:
            # keys that are data (R15d-11) or names (R15e-8): values of one field, the entries one path
            for key, inner in members(value):
                for field, part in key_fields(key_field, key).items():  # 王芳_<ID>: the name, the ID
                    yield prefix + field, part
                yield from flatten(inner, prefix + ENTRY)
            return
        for key, inner in members(value):  # a repeated name's values too (R15f-19)
            yield from flatten(inner, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(value, list):
        for inner in value:
            yield from flatten(inner, f"{prefix}[]")
    elif value is not None and not isinstance(value, bool):
        yield prefix, str(value)


def record_columns(records: list[dict[str, Any]], dataset: str, total: int,
                   renamed: list[str] | None = None, skips: Skips | None = None) -> tuple[ColumnSample, ...]:
    """One column per dotted path of the records, the first FIELDS paths (the values of the others
    counted and reported to ``skips``); a path that had to be escaped (see printable_name) is
    appended to ``renamed``."""
    fields: dict[str, list[str]] = {}
    places: dict[str, list[int]] = {}  # each value's record: a null or missing value is a blank cell (R15h-7)
    past, first = 0, ""
    for row, record in enumerate(records):
        for path, text in flatten(record):
            values = fields.get(path)
            if values is None:
                if len(fields) >= FIELDS:
                    past, first = past + 1, first or path
                    continue
                values = fields[path] = []
                places[path] = []
            values.append(text)
            places[path].append(row)
    if past and skips is not None:
        skips.add(f"{past:,} values under field names past the first {FIELDS:,} (keys that are data?): "
                  "not classified", name=first)
    # a blank key ("": a PHP array's unnamed element) is named by its place, as a CSV's blank heading (R15f-2)
    return tuple(ColumnSample(dataset=dataset, field=named(path, renamed) if path.strip() else f"column_{place}",
                              values=values, rows=total, places=_places(places[path]))
                 for place, (path, values) in enumerate(fields.items(), 1))


def _places(places: list[int]) -> list[int]:
    """A field's places, or none where a record holds more than one of its values (``items[].sfzh``):
    a place names one cell."""
    return places if len(set(places)) == len(places) else []


def as_record(value: Any) -> dict[str, Any] | None:
    """The fields of one record: an object's own; an array's items named by position, ``[0]``,
    ``[1]`` (a row without a header: nested below them as in any record, ``[2].sfz``, ``[3][]``),
    those past POSITIONS sharing ``[]`` (never a field per item: R15c-13); a string or number is the
    field ``$`` (JSONPath's name for the root). None for null, true and false, which hold nothing
    to classify."""
    if isinstance(value, dict):
        return value
    if isinstance(value, list):
        fields: dict[str, Any] = {f"[{i}]": item for i, item in enumerate(value[:POSITIONS])}
        if len(value) > POSITIONS:
            fields[""] = value[POSITIONS:]  # flatten names a list under the empty key "[]", "[].sfzh"
        return fields
    if value is None or isinstance(value, bool):
        return None
    return {"$": value}
