"""What a table's cells say to its reader (stage: classification; a part of sources/files.py).

The layout of a table (sources/layout.py), its footers (sources/footers.py) and its body
(sources/body.py) are told apart by what the recognizers find in a cell: a value (nothing a column
name holds), a column name a recognizer knows (姓名, 身份证号, sfzh), and what the recognizers of a
column find in a cell under its name (张伟 under 姓名 is a name; alone it is two characters); and
where a sheet's records end at a header of their own (tables stacked on one sheet: R15e-5).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from govsoc.classification.columns import ColumnClassifier
from govsoc.classification.sources.footers import Hits
from govsoc.classification.sources.layout import LABEL, Width, heading_row
from govsoc.classification.sources.skips import scanner

__all__ = ["has_value", "names_column", "column_hits", "fits", "until_header"]


def has_value(cell: str) -> bool:
    """Whether a recognizer finds a value in ``cell``: nothing a column name holds."""
    return bool(scanner().scan(cell))


@lru_cache(maxsize=1)
def _classifier() -> ColumnClassifier:
    return ColumnClassifier(scanner())


def names_column(cell: str) -> bool:
    """Whether ``cell`` names a column a recognizer knows strongly (姓名, 身份证号, sfzh)."""
    return "strong" in _classifier().name_context(cell).values()


def column_hits(header: list[str]) -> Hits:
    """What the recognizers of the column at a position find in a cell: those its name says
    (a name under 姓名) and those that need no name (an ID number anywhere)."""
    contexts = [frozenset(ident for ident, how in _classifier().name_context(name).items() if how == "strong")
                for name in header]

    def hits(cell: str, column: int) -> list[str]:
        context = contexts[column] if column < len(contexts) else frozenset()
        return [match.reason.split(":", 1)[0] for match in scanner().scan(cell, context)]
    return hits


def fits(header: list[str], row: list[str]) -> int:
    """How many cells of ``row`` hold what the recognizers of their column under ``header`` take, a
    label：value item (电话：138..., a 填报 line's) aside."""
    hits = column_hits(header)
    return sum(1 for i, cell in enumerate(row) if cell.strip() and not LABEL.fullmatch(cell.strip())
               and hits(cell.strip(), i))


def until_header(rows: Iterator[tuple[int, list[str]]], width: Width, noted_from: int,
                  found: list[tuple[int, list[str]]]) -> Iterator[tuple[int, list[str]]]:
    """``rows`` ((number, row) pairs; those before ``noted_from``, the head's, noted in ``width``) up
    to a header of its own below a record (sources/layout.heading_row), which is put in ``found``.
    A row of empty cells is no record (a template's borders drawn down to row 20,001: R15f-20)."""
    records = False
    for number, row in rows:
        if not any(row):
            continue
        if records and not any(ch.isdigit() for cell in row for ch in cell) and heading_row(
                [cell.strip() for cell in row], has_value, names_column):
            found.append((number, row))
            return
        if number < noted_from and len(row) > width.header:
            width.note(row, number)
        records = records or any(cell.strip() for cell in row)
        yield number, row
