"""Rows far wider than a delimited table, and the bound on its columns (stage: classification; a
part of sources/files.py).

A list pasted into one row, or joined with ',' and saved as .csv (100,000 ID numbers on one line:
R15d-17), is not a table of 100,000 columns of one value each: no column reaches a recognizer's bar,
and each costs a decision and its inventory entry. A row of more than POSITIONS cells that is more
than FAR times as wide as the table (the header, or the other rows of the head; a file of one row
is such a list whatever its width) is read as a list: its cells are values of one field, ``[]`` as
a JSON list's items are named, each a record (a column of them would be as many rows), and the
rows are reported once, as a note.

The columns of an ordinary table are bounded as a JSON array row's positions are (POSITIONS,
json_records): positions no header names are fields up to POSITIONS, a header's names up to
COLUMNS; the cells past the bound share one field, ``column_N..column_M``, and the bound is said.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Final

from govsoc.classification.columns import ColumnSample
from govsoc.classification.sources.json_records import POSITIONS
from govsoc.classification.sources.sampling import SEED, reservoir

__all__ = ["WideRows", "COLUMNS", "FAR", "LIST_FIELD", "bounded"]

#: Columns a header may name before the rest share one field (Excel 2003's sheet held 256).
COLUMNS: Final = 1024
#: How many times wider than the table a row of over POSITIONS cells is to be a list.
FAR: Final = 4
#: The field a list row's values are read under (a JSON list's items: ``[]``).
LIST_FIELD: Final = "[]"


def _filled(row: Sequence[str]) -> int:
    """Cells up to the last non-empty one (a spreadsheet pads rows with empty cells)."""
    return next((i + 1 for i in range(len(row) - 1, -1, -1) if row[i].strip()), 0)


@dataclass(slots=True)
class WideRows:
    """The list rows of one file: their values sampled (a seeded reservoir of ``size``), counted."""

    size: int
    #: rows wider than this are lists (sys.maxsize until the table's width is known)
    limit: int = sys.maxsize
    rows: int = 0
    first: int | None = None
    widest: int = 0
    values: list[str] = field(default_factory=list)
    seen: int = 0
    _rng: random.Random = field(default_factory=lambda: random.Random(SEED))

    def split_head(self, head: list[list[str]], lines: list[int]) -> tuple[list[list[str]], list[int]]:
        """``head`` (on ``lines``) without its list rows, which are taken: a row over POSITIONS cells
        FAR times as wide as the other rows of the head are in the middle, when they are no wider than
        POSITIONS (the only row of a one-row file; two list rows among ten do not make each other a
        table's width; a header of 20,000 names over rows of 4,000 cells is a wide table's header)."""
        widths = [_filled(row) for row in head]
        kept: list[int] = []
        for i, width in enumerate(widths):
            others = sorted(widths[:i] + widths[i + 1:])
            middle = others[(len(others) - 1) // 2] if others else 0
            if width > POSITIONS and width > FAR * middle and middle <= POSITIONS:
                self.take(head[i], lines[i])
            else:
                kept.append(i)
        return [head[i] for i in kept], [lines[i] for i in kept]

    def know(self, header: int) -> None:
        """The table is ``header`` cells wide: wider rows from here on are lists past the bound."""
        self.limit = max(POSITIONS, FAR * header)

    def take(self, row: Sequence[str], line: int) -> None:
        """Read ``row`` (on ``line``) as a list: its non-empty cells are values, sampled."""
        self.rows += 1
        if self.first is None:
            self.first = line
        self.widest = max(self.widest, len(row))
        size, kept, rng = self.size, self.values, self._rng
        for cell in row:
            value = cell.strip()
            if not value:
                continue
            self.seen += 1
            if len(kept) < size:
                kept.append(value)
            else:
                slot = rng.randrange(self.seen)
                if slot < size:
                    kept[slot] = value

    def column(self, dataset: str) -> ColumnSample | None:
        """The list rows' field (None: there were none)."""
        if not self.rows:
            return None
        return ColumnSample(dataset=dataset, field=LIST_FIELD, rows=self.seen, values=self.values)

    def note(self) -> str | None:
        """What to report once (None: no list row)."""
        if not self.rows:
            return None
        rows = f"{self.rows:,} rows" if self.rows > 1 else "1 row"
        return (f"{rows} far wider than the table (up to {self.widest:,} cells; the first on this line: a list "
                f"pasted into a row?): {self.seen:,} values read as one field '{LIST_FIELD}', each a record")


def bounded(dataset: str, names: list[str], rows: list[list[str]], total: int, *, named: int,
            size: int) -> tuple[list[str], ColumnSample | None, str | None]:
    """(the names of the fields within the bound, the field the cells past it share, the note saying
    so) for a table of ``names`` whose first ``named`` a header names: unnamed positions up to
    POSITIONS, a header's names up to COLUMNS (module docstring)."""
    bound = max(POSITIONS, min(named, COLUMNS))
    if len(names) <= bound:
        return names, None, None
    shared = f"column_{bound + 1}..column_{len(names)}"
    values, _ = reservoir(_past(rows, bound), size)
    why = (f"{len(names):,} columns, over the bound of {bound:,} ({'named' if bound > POSITIONS else 'unnamed'}"
           f" columns): those past it read as one field '{shared}'")
    return names[:bound], ColumnSample(dataset=dataset, field=shared, rows=total, values=values), why


def _past(rows: list[list[str]], bound: int) -> Iterator[str]:
    for row in rows:
        for cell in row[bound:]:
            value = cell.strip()
            if value:
                yield value
