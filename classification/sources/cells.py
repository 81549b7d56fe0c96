"""What a table's cells say to its reader (stage: classification; a part of sources/files.py).

The layout of a table (sources/layout.py), its footers (sources/footers.py) and its body
(sources/body.py) are told apart by what the recognizers find in a cell: a value (nothing a column
name holds), a column name a recognizer knows (姓名, 身份证号, sfzh), and what the recognizers of a
column find in a cell under its name (张伟 under 姓名 is a name; alone it is two characters); and
where a sheet's records end at a header of their own (tables stacked on one sheet: R15e-5).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice
from typing import Final

from govsoc.classification.columns import ColumnClassifier
from govsoc.classification.sources.footers import Hits, no_hits
from govsoc.classification.sources.layout import LABEL, Width, heading_row, other_shape, short_record
from govsoc.classification.sources.skips import Skips, scanner

__all__ = ["has_value", "names_column", "column_hits", "fits", "Numbered", "until_header", "Unused"]

#: A serial number (序号 1..20000, as a fill handle numbers a template's rows before it is sent out).
_SERIAL: Final = re.compile(r"\s*\d{1,7}\.?\s*")


def has_value(cell: str) -> bool:
    """Whether a recognizer finds a value in ``cell``: nothing a column name holds."""
    return bool(scanner().scan(cell))


@lru_cache(maxsize=1)
def _classifier() -> ColumnClassifier:
    return ColumnClassifier(scanner())


@lru_cache(maxsize=4096)  # a sheet's records of words are asked row by row (男, 汉族, 群众 repeat)
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


@dataclass(slots=True)
class Unused:
    """A table's rows whose only filled cell is a serial number in the first column: a template's
    unused rows, numbered in advance (R15g-14), not records; how many, the first one's line."""

    count: int = 0
    first: int = 0

    def take(self, row: list[str], line: int) -> bool:
        """Whether ``row`` (on ``line``) is such a row; counted if so. The caller asks under a header
        of two names or more (a one-column table of numbers is values)."""
        if not row or not _SERIAL.fullmatch(row[0]) or any(cell.strip() for cell in row[1:]):
            return False
        self.count += 1
        self.first = self.first or line
        return True

    def report(self, skips: Skips, unit: str = "line", where: str = "") -> None:
        """Say the rows once (a note: nothing of value is left out)."""
        if self.count:
            rows = f"{self.count:,} rows" if self.count > 1 else "1 row"
            skips.note(f"{where}{rows} holding only a serial number in the first column (the first on this "
                       f"{unit}): a template's unused rows, numbered in advance; not counted", line=self.first)


class Numbered:
    """A sheet's rows, numbered, one read ahead at need (the row below a header-like row: R15f-24)."""

    def __init__(self, rows: Iterator[tuple[int, list[str]]]) -> None:
        self.rows = rows
        self.held: list[tuple[int, list[str]]] = []
        #: the number of a row of one cell just above a header of its own (以下为新增人员): its title
        self.title: int | None = None
        #: rows holding only their serial number (R15g-14), of the table being read
        self.unused = Unused()

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        return self

    def __next__(self) -> tuple[int, list[str]]:
        return self.held.pop() if self.held else next(self.rows)

    def ahead(self, count: int) -> list[list[str]]:
        """The next ``count`` rows (fewer at the end), read ahead and held."""
        rows = self.held[::-1]
        rows.extend(islice(self.rows, max(0, count - len(rows))))
        self.held = rows[::-1]
        return [row for _, row in rows[:count]]

    def peek(self) -> list[str] | None:
        """The next row, read ahead (None at the end)."""
        if not self.held:
            ahead = next(self.rows, None)
            if ahead is None:
                return None
            self.held.append(ahead)
        return self.held[-1][1]


def until_header(rows: Numbered, width: Width, noted_from: int, found: list[tuple[int, list[str]]],
                 form: Callable[[list[str]], bool] = lambda row: False,
                 hits: Hits = no_hits) -> Iterator[tuple[int, list[str]]]:
    """``rows`` ((number, row) pairs; those before ``noted_from``, the head's, noted in ``width``) up
    to a header of its own below a record (sources/layout.heading_row; not a record short of cells,
    layout.short_record; or a header of rows of another shape, layout.other_shape, ``hits`` saying
    what the columns' recognizers take), or a row after a blank row or a title whose first cell names
    a column and that ``form`` says begins a form (审批表 blocks down one sheet: R15g-9), which is put
    in ``found``; a row of one cell, no digit, just above it is its title (``rows.title``), not a
    record. A row of empty cells is no record (a template's borders drawn down to row 20,001:
    R15f-20), nor is one holding only its serial number under a header of two names or more (a
    template numbered in advance: R15g-15; counted in ``rows.unused``)."""
    last: list[str] | None = None
    label: tuple[int, list[str]] | None = None  # a row of one cell and no digit: a title if a header follows
    blank = False  # a blank row since the last record
    for number, row in rows:
        if not any(row):
            blank = True
            continue
        if width.header > 1 and rows.unused.take(row, number):
            continue
        digitless = not any(ch.isdigit() for cell in row for ch in cell)
        first = next((cell.strip() for cell in row if cell.strip()), "")
        cells = [cell.strip() for cell in row] if last and digitless else []
        if cells and (heading_row(cells, has_value, names_column) and not short_record(row, last, rows.peek)
                      or other_shape(cells, last, rows.peek, has_value, hits)
                      or (blank or label) and names_column(first) and form(row)):
            found.append((number, row))
            rows.title = label[0] if label else None
            return
        blank = False
        if label:
            yield label
            label = None
        if number < noted_from and len(row) > width.header:
            width.note(row, number)
        if last and digitless and sum(1 for cell in row if cell.strip()) == 1:
            label = number, row
            continue
        last = row if any(cell.strip() for cell in row) else last
        yield number, row
    if label:
        yield label
