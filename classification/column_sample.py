"""What a source hands over for one column or field (stage: classification): its place and its
sampled values, judged by columns.ColumnClassifier."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["ColumnSample"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ColumnSample:
    """What a source hands over for one column or field: where it is and sampled values.
    ``places``: the row each value came from (its place in the sampled rows, a SQLite rowid), one
    per value, when the source knows it (else empty). A source leaves empty cells out, so two
    columns of one table are row for row only by their places: an attribute/value table with an
    empty answer is paired by them (attribute_values.py)."""

    dataset: str
    field: str
    values: Sequence[str]
    comment: str = ""
    table: str = ""
    rows: int | None = None
    nulls: int = 0
    places: Sequence[int] = ()
