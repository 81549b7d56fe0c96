"""The body of a delimited file: its records after the header, checked as they are read (stage:
classification; a part of sources/files.py).

The head (sources/layout.py) decides the header and the delimiter from the first rows; what follows
is read in one pass and may not keep to them (R15d-10): two exports appended with ``cat a.csv
b.csv`` repeat the header, in their own column order; an export from a European-locale Excel
appended to a comma one changes the delimiter, each of its records one cell under a header of
several names. A record whose cells are the header's names, in any order, is a header: reported by
line, not counted, and the records below it read in its order. A record of one cell under a header
of several names that another delimiter (delimiter.CANDIDATES) splits into the header's width is
split so; such records are reported once (how many, the first's line), unless one alone that
nothing splits (a label, a stray byte's line). Totals, and notes and sign-offs below the records
(sources/footers.py, R15d-6, R15e-4) are left out and reported. A row of column names below the
records (sources/layout.heading_row) starts a table of its own, unless it fills fewer cells than the
record above it and the row below it (a post no one holds: layout.short_record, R15f-24); a record
holding no digit is looked at for one whatever its first cell (月份,发放金额,银行卡号: R15f-8). A last
record that spans lines may be a quote the end of the file cuts (sources/unclosed.py, R15d-2): it is
checked once the records run out, and read again as records.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Final

from govsoc.classification.sources.cells import Unused
from govsoc.classification.sources.charset import Tally
from govsoc.classification.sources.delimiter import CANDIDATES
from govsoc.classification.sources.footers import WORDS, Footers, Hits, no_hits
from govsoc.classification.sources.layout import HEADING_ENDS, Width, heading_row, other_shape, short_record
from govsoc.classification.sources.skips import Skips
from govsoc.classification.sources.unclosed import cut_by_the_end, lines_from, reread

__all__ = ["Body"]


@dataclass(slots=True, kw_only=True)
class Body:
    """A delimited file being read: where it is, how it is decoded and split, its header, where its
    reports go, its line count (``tally``) and the start line of the last record read (``width.last``)."""

    path: Path
    encoding: str
    errors: str
    delimiter: str
    header: list[str]
    skips: Skips
    tally: Tally
    width: Width
    #: the position in a repeated header of each of the first header's names (None: its own order)
    order: list[int] | None = None
    #: records of one cell: how many, the first's line, the delimiter that split them; records of
    #: several cells that it split into the header's width (its delimiter's lines holding ours)
    narrow: int = 0
    other: int = 0
    narrow_at: int = 0
    split: str | None = None
    footers: Footers | None = None
    #: the header's names, stripped
    heads: frozenset[str] = frozenset()
    #: what a column's recognizers find in a cell (a footer candidate holding one is a record)
    hits: Hits = no_hits
    #: whether a cell holds a value, names a known column (a header of its own below the records)
    has_value: Callable[[str], bool] = lambda cell: False
    names_column: Callable[[str], bool] = lambda cell: False
    #: a header of its own below the records: (its names, its line, the head's rows after it, on
    #: their lines); the records after it are the next table's
    next: tuple[list[str], int, list[list[str]], list[int]] | None = None
    records: int = 0
    #: the last record read
    last: list[str] | None = None
    #: rows holding only their serial number (a template numbered in advance: R15g-14), not records
    unused: Unused = field(default_factory=Unused)

    def rows(self, data: list[list[str]], lines: list[int], rest: Iterator[list[str]]) -> Iterator[list[str]]:
        """The head's data rows (on ``lines``; those longer than the header noted in ``width``), then
        the records ``rest`` reads, each as the header reads it (the module docstring says how); then
        the records of a quote the end cut. A header of its own below the records ends them (``next``)."""
        self.heads = frozenset(name.strip() for name in self.header)
        names = frozenset(self.header) | self.heads
        names, several, wide = (names - {""}) | WORDS, len(self.header) > 1, len(self.header)
        self.footers = footers = Footers(len(self.header), self.hits)
        ahead = _Ahead(rest, self.width)
        for at, (row, line) in enumerate(zip(data, lines, strict=True)):
            found = self._look(row, line, partial(ahead.peek, data[at + 1:at + 2])) if several else row
            if self.next is not None:
                self.next = (self.next[0], line, data[at + 1:] + ahead.rows(), lines[at + 1:] + ahead.lines())
                break
            if len(row) > self.width.header:  # noted here: the rows below a header of its own are not ours
                self.width.note(row, line)
            if found is not None:
                yield from self._record(found, line)
        # a one-column file: nothing to look at (True: never looked at below); a header again among
        # the head's rows (its columns re-mapped): every record from here on
        look, digits = not several or self.order is not None, True
        for row, line in () if self.next else ahead:
            # per record of a file of millions: the common one (the header's width, its first cell no
            # name, no colon, no BOM, a digit in it or in the record before) goes on after a length
            # test, one set lookup, three substring tests and a digit search (a row of none below one
            # of digits is looked at: 月份,发放金额,银行卡号 below a roster, R15f-8)
            before, digits = digits, any(map(_DIGIT, row))
            if (look or len(row) != wide or row[0] in names or "：" in row[0] or ":" in row[0]
                    or "\ufeff" in row[0] or row[0].endswith(HEADING_ENDS) or before and not digits):
                if several:
                    found = self._look(row, line, ahead.peek)
                    look = self.order is not None  # columns re-mapped: every record from here on
                    if self.next is not None:
                        self.next = (self.next[0], line, ahead.rows(), ahead.lines())
                        break
                    if found is None:
                        continue
                    row = found
            yield from self._record(row, line)
        self._report()
        self.unused.report(self.skips)
        footers.report(self.skips)
        if self.next is not None:
            return  # the table ends at a header of its own: the next one's records follow
        # a record spanning lines, or one line whose last cell holds its line break (its quote open)
        last = self.last
        if last and (self.tally.next_line() > self.width.last + 1 or last[-1].endswith(("\n", "\r"))):
            yield from self._unclosed(last)

    def _record(self, row: list[str], line: int) -> Iterator[list[str]]:
        """``row``, a record, after the footer candidates held above it (records after all); none
        when it holds only its serial number under a header of several names (R15g-14)."""
        if len(self.header) > 1 and line not in self.skips.blanked and self.unused.take(row, line):
            return
        self.last = row
        if self.footers is not None and self.footers.held:
            yield from self.footers.release()
        self.records += 1
        yield row

    def _look(self, row: list[str], line: int, after: Callable[[], list[str] | None]) -> list[str] | None:
        """``row`` as the header reads it; None for a repeated header (reported), a header of its own
        (``next``; ``after`` gives the row below it) or a footer row (sources/footers.py: counted,
        reported at the end)."""
        if len(row) != len(self.header) and any(cell.strip() for cell in row):
            row = self._split(row, line)
        cells = [cell.strip() for cell in row]
        if cells:  # the header of a second Excel export opens with its BOM (R15e-5)
            cells[0] = cells[0].lstrip("\ufeff").strip()
        if len(cells) == len(self.header) and cells[0] in self.heads and set(cells) == self.heads:
            moved = [cells.index(name.strip()) for name in self.header]
            self.order = None if moved == list(range(len(moved))) else moved
            self.skips.note("the header again (files appended?): read as the header, not a record"
                           + ("; the records below it in its column order" if self.order else ""), line=line)
            return None
        if self.records and (heading_row(cells, self.has_value, self.names_column) and not short_record(
                cells, self.last, after) or other_shape(cells, self.last, after, self.has_value, self.hits)):
            self.next = (row, line, [], [])  # a header of its own below the records (R15e-5)
            return None
        if self.footers is not None and self.footers.take(row, line):
            return None
        if self.order is not None:
            return [row[i] if i < len(row) else "" for i in self.order] + row[len(self.order):]
        return row

    def _split(self, row: list[str], line: int) -> list[str]:
        """``row``, not of the header's width, split by another delimiter: a record of one cell by the
        first that splits one into the header's width (一、城关镇, a label, may come first: the next may
        tell); one of several cells when another delimiter, more frequent in its line than ours, splits
        it into the header's width (刘艳;110105...;文三路100号,5幢 under a comma header: R15e-5)."""
        one = len(row) == 1
        text = row[0] if one else self.delimiter.join(row)  # the line as read, its quotes aside
        if "\n" in text or "\r" in text or not one and not any(
                text.count(d) > text.count(self.delimiter) for d in CANDIDATES if d != self.delimiter):
            # a record spanning lines (a quote left open, in its first cell too: sources/unclosed.py,
            # R15f-22), or a short or long record of our delimiter (sources/layout.Width reports it):
            # a few C-level counts a row
            return row
        split = self.split or next((d for d in CANDIDATES if d != self.delimiter
                                    and len(next(csv.reader([text], delimiter=d))) == len(self.header)), None)
        parts = next(csv.reader([text], delimiter=split)) if split else row
        if not one and (len(parts) != len(self.header) or text.count(split or "") <= text.count(self.delimiter)):
            return row  # a short or long record of our delimiter: sources/layout.Width reports it
        self.narrow += one
        self.other += not one
        self.narrow_at = self.narrow_at or line
        self.split = self.split or (split if len(parts) == len(self.header) else None)
        return parts if self.split else row

    def _report(self) -> None:
        if not self.split and self.narrow < 2:
            return  # one such record (a label, a stray byte's line) is read as it is
        count = self.narrow + self.other
        cells = "of one cell" if not self.other else f"in {self.split!r}, not {self.delimiter!r},"
        what = (f"{count:,} record{'s' if count > 1 else ''} {cells} under the header's "
                f"{len(self.header)} names (the first on this line)")
        self.skips.note(f"{what}: split by {self.split!r}, the delimiter changes part-way (files appended?)"
                       if self.split else f"{what}: not split; the delimiter changes part-way?", line=self.narrow_at)

    def _unclosed(self, last: list[str]) -> Iterator[list[str]]:
        first = self.width.last
        lines = lines_from(self.path, self.encoding, self.errors, first, csv.field_size_limit())
        if lines is None or not cut_by_the_end(lines, self.delimiter):
            return
        records = reread(lines, first, self.delimiter, self.skips)
        last[:] = next(records)[1]  # counted already, as the record of its first line
        for line, row in records:
            if len(row) > self.width.header:
                self.width.note(row, line)
            yield row


#: A digit in a cell (a record's 序号, ID number, phone): no header holds one.
_DIGIT: Final = re.compile(r"\d").search


class _Ahead:
    """The records a delimited file's reader gives, each with its line, one read ahead at need (the
    row below a header-like row: R15f-24)."""

    def __init__(self, rest: Iterator[list[str]], width: Width) -> None:
        self.rest, self.width = rest, width
        self.held: list[tuple[list[str], int]] = []

    def __iter__(self) -> Iterator[tuple[list[str], int]]:
        return self

    def __next__(self) -> tuple[list[str], int]:
        if self.held:
            return self.held.pop()
        row = next(self.rest)
        return row, self.width.last  # the reader keeps the line a record starts on

    def peek(self, before: list[list[str]] | None = None) -> list[str] | None:
        """The next record, read ahead (None at the end); the first of ``before`` (the head's rows
        yet to come) if any."""
        if before:
            return before[0]
        if not self.held:
            row = next(self.rest, None)
            if row is None:
                return None
            self.held.append((row, self.width.last))
        return self.held[-1][0]

    def rows(self) -> list[list[str]]:
        """The record read ahead, if any (the next table's, below a header of its own)."""
        return [row for row, _ in self.held]

    def lines(self) -> list[int]:
        return [line for _, line in self.held]
