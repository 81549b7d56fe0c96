"""Columnar JSON as records (stage: classification; a part of sources/json_records.py).

APIs and data tools dump a table by columns, not by records: pandas ``to_json(orient="split")``
({"columns": [...], "index": [...], "data": [[...], ...]}), a portal's {"fields": [...], "rows":
[[...]]}, Elasticsearch's _sql API ({"columns": [{"name": ..., "type": ...}], "rows": [[...]]}),
ClickHouse's JSONCompact ({"meta": [{"name": ...}], "data": [[...]]}); pandas' orient="columns"
({"xm": {"0": ..., "1": ...}}) and a dict of equal-length lists ({"xm": [...], "sfzh": [...]}; a
list of phones per person is a cell; a column one value short, as when the last value was null and
dropped, is read with that cell empty and said: R15g-14).
Read as one record, 60 people were rows=1 and one field ``data[][]`` holding every cell, the names
never judged beside the ID numbers (R15f-12). :func:`columnar` gives such an object's records, one
per row, each named by the columns' names, so that the row count is the table's.
"""

from __future__ import annotations

from typing import Any, Final

from govsoc.classification.sources.json_maps import DATA_KEY, entries, is_map, name_map

__all__ = ["as_table", "columnar", "uneven", "NAMES", "ROWS", "MIN_UNEVEN", "SHORT_BY"]

#: Members that name the columns (strings, or objects with a "name": ES _sql, ClickHouse "meta").
NAMES: Final = ("columns", "fields", "meta", "schema", "header", "headers", "names")
#: Members that hold the rows as arrays of cells.
ROWS: Final = ("data", "rows", "values", "datarows", "records")
#: The member of a split dump that is neither: pandas' row labels (the DataFrame's index).
_LABELS: Final = "index"
#: Rows a dict of lists of unequal lengths must have to be a table (a record's few lists are not).
MIN_UNEVEN: Final = 10
#: Lists may be shorter than the longest by one in SHORT_BY of its length (at least one).
SHORT_BY: Final = 20


def as_table(value: dict[str, Any], notes: list[str] | None = None) \
        -> tuple[list[dict[str, Any]], dict[str, Any]] | None:
    """The records of a JSON object that is a table by its keys (a map: json_maps; most keys names
    beside a "total": R15f-13) or by its columns (:func:`columnar`), and its other members; None
    for a record. What is to be said of the table (:func:`uneven`) is appended to ``notes``."""
    if is_map(value):
        return entries(value), {}
    split = name_map(value)
    if split is not None:
        return entries(split[0]), split[1]
    return columnar(value, notes)


def columnar(value: dict[str, Any], notes: list[str] | None = None) \
        -> tuple[list[dict[str, Any]], dict[str, Any]] | None:
    """The records of ``value`` when it is a table by columns, and its other members (a split
    dump's "total" or "cursor"); None for any other object. Columns of unequal lengths are said
    in ``notes`` (:func:`uneven`)."""
    split = _split(value)
    if split is not None:
        return split
    records = _by_columns(value)
    said = uneven(value) if records is not None else None
    if said is not None and notes is not None:
        notes.append(said)
    return (records, {}) if records is not None else None


def _names(value: Any) -> list[str] | None:
    """Column names: an array of strings, or of objects each with a string "name"."""
    if not isinstance(value, list) or not value:
        return None
    names = [item.get("name") if isinstance(item, dict) else item for item in value]
    return [n for n in names if isinstance(n, str)] if all(isinstance(n, str) for n in names) else None


def _split(value: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, Any]] | None:
    """A names member beside a member of rows, each an array of as many cells as there are names."""
    for names_key in NAMES:
        names = _names(value.get(names_key))
        if names is None:
            continue
        for rows_key in ROWS:
            rows = value.get(rows_key)
            if isinstance(rows, list) and rows and all(isinstance(r, list) and len(r) == len(names) for r in rows):
                rest = {k: v for k, v in value.items() if k not in (names_key, rows_key, _LABELS)}
                records = [dict(zip(names, row, strict=True)) for row in rows]
                return _labelled(records, value.get(_LABELS), names), rest
    return None


def _labelled(records: list[dict[str, Any]], labels: Any, names: list[str]) -> list[dict[str, Any]]:
    """``records`` each with its row label as a column of its own (named "index", or "(index)" when a
    column is so named) unless the labels are pandas' default 0..n-1: a frame indexed by 姓名 or 证件号
    (df.set_index("xm").to_json(orient="split")) keeps that column in "index" alone (R15g-5)."""
    if not isinstance(labels, list) or len(labels) != len(records) \
            or all(str(label) == str(place) for place, label in enumerate(labels)):
        return records
    name = "(index)" if _LABELS in names else _LABELS
    return [{name: label, **record} for label, record in zip(labels, records, strict=True)]


def _by_columns(value: dict[str, Any]) -> list[dict[str, Any]] | None:
    """Two or more columns, each an array of two or more cells (scalars, or arrays of scalars: a list
    of phones per person) of one length or nearly (:func:`uneven`), or each an object keyed by the same
    row labels (numbers: pandas' index)."""
    columns = list(value.values())
    if len(columns) < 2:
        return None
    if all(isinstance(c, list) and all(_cell(v) for v in c) for c in columns):
        equal = len({len(c) for c in columns}) == 1
        if not (equal or uneven(value)) or max(len(c) for c in columns) < 2:
            return None
        rows = max(len(c) for c in columns)  # a short column's missing cells are no values (R15g-14)
        return [{name: c[place] for name, c in value.items() if place < len(c)} for place in range(rows)]
    if not all(isinstance(c, dict) for c in columns):
        return None
    labels = list(columns[0])
    if len(labels) < 2 or not all(DATA_KEY.fullmatch(label) for label in labels) \
            or any(list(c) != labels or any(isinstance(v, (dict, list)) for v in c.values()) for c in columns):
        return None
    return [{name: column[label] for name, column in value.items()} for label in labels]


def _cell(value: Any) -> bool:
    """Whether ``value`` is a cell of a column: a scalar, or an array of scalars."""
    return not isinstance(value, dict) and (not isinstance(value, list)
                                            or not any(isinstance(v, (dict, list)) for v in value))


def uneven(value: dict[str, Any]) -> str | None:
    """What is said of a dict of lists whose lengths differ by at most one in SHORT_BY of the longest
    (at least one: a value missing at the end of a column, R15g-14), over MIN_UNEVEN rows: which
    columns are short ("sfzh: 59 values for 60 rows"); None for any other value, equal lengths too."""
    lengths = {name: len(c) for name, c in value.items() if isinstance(c, list)}
    if len(lengths) != len(value) or len(set(lengths.values())) < 2:
        return None
    rows = max(lengths.values())
    if rows < MIN_UNEVEN or rows - min(lengths.values()) > max(1, rows // SHORT_BY):
        return None
    short = ", ".join(f"{name}: {n:,} values" for name, n in lengths.items() if n < rows)
    return (f"a table by columns of unequal lengths ({short} for {rows:,} rows): read from the first row, the "
            "rows past a short column's end without it")
