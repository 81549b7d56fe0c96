"""What a source hands over for one column or field (stage: classification): its place and its
sampled values, judged by columns.ColumnClassifier."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["ColumnSample", "row_for_row"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ColumnSample:
    """What a source hands over for one column or field: where it is and sampled values.
    ``places``: the row each value came from (its place in the sampled rows, a SQLite rowid), one
    per value, when the source knows it (else empty). A source leaves empty cells out, so two
    columns of one table are row for row only by their places: an attribute/value table with an
    empty answer is paired by them (attribute_values.py). ``distinct``: the column's distinct
    values over every row of the table, where the reader counted them (a record id an attribute/
    value table was sampled by: its records, exact: R15j-24), else None."""

    dataset: str
    field: str
    values: Sequence[str]
    comment: str = ""
    table: str = ""
    rows: int | None = None
    nulls: int = 0
    places: Sequence[int] = ()
    distinct: int | None = None


def row_for_row(columns: Sequence[ColumnSample]) -> list[list[str] | None]:
    """Each column's sampled cells row for row, an empty cell as "" (None: a column that cannot be
    aligned). By the values' places when every column has them, over the rows of the longest
    column; else only the columns with as many values as the longest are aligned."""
    size = max((len(c.values) for c in columns), default=0)
    if size and all(len(c.places) == len(c.values) for c in columns):
        rows = max(columns, key=lambda c: len(c.values)).places
        by_place = [dict(zip(c.places, c.values, strict=True)) for c in columns]
        return [[cells.get(place, "") for place in rows] for cells in by_place]
    return [list(c.values) if size and len(c.values) == size else None for c in columns]
