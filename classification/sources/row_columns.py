"""The columns of a table's sampled rows (stage: classification): what the file readers hand over
for a delimited file or a sheet once its heading is found."""

from __future__ import annotations

from collections.abc import Mapping

from govsoc.classification.column_sample import ColumnSample
from govsoc.classification.sources.base import named
from govsoc.classification.sources.skips import Skips
from govsoc.classification.sources.wide_rows import WideRows, bounded

__all__ = ["row_columns", "delimited_columns"]


def row_columns(dataset: str, header: list[str], rows: list[list[str]], total: int,
                renamed: list[str] | None = None, counted: Mapping[int, int] | None = None) -> tuple[ColumnSample, ...]:
    """A column per heading: its cells' values, blank cells left out, each with its place among
    ``rows`` (so columns can be paired row for row across the blanks: ColumnSample.places), and
    its distinct values over every row where ``counted`` (record_reservoir's) holds them."""
    columns = []
    for i, name in enumerate(header):
        kept = [(place, r[i].strip()) for place, r in enumerate(rows) if i < len(r) and r[i] and r[i].strip()]
        columns.append(ColumnSample(dataset=dataset, field=named(name, renamed) or f"column_{i + 1}", rows=total,
                                    values=[v for _, v in kept], places=[p for p, _ in kept],
                                    distinct=(counted or {}).get(i)))
    return tuple(columns)


def delimited_columns(dataset: str, names: list[str], rows: list[list[str]], total: int, *, named: int,
                      wide: WideRows, skips: Skips,
                      counted: Mapping[int, int] | None = None) -> tuple[ColumnSample, ...]:
    """The columns of a delimited table within its bound, the field past it, the list rows' field
    (sources/wide_rows.py); the bound and the list rows noted in ``skips``."""
    names, past, why = bounded(dataset, names, rows, total, named=named, size=wide.size)
    extra = tuple(c for c in (past, wide.column(dataset)) if c is not None)
    if why:
        skips.note(why)
    listed = wide.note()
    if listed:
        skips.note(listed, line=wide.first)
    return row_columns(dataset, names, rows, total, counted=counted) + extra
