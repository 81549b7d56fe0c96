"""The layout of a table read from a file (stage: classification; a part of sources/files.py).

Hand-made exports are not always square: a header that lacks its last names leaves cells past it in
every row. Those cells are data like any other: each position past the header becomes a column of
its own, named as a headerless file's columns are (``column_3``), and the file is reported once
(the first such row's line, how many rows) so that the operator sees the header is short.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

__all__ = ["Width"]


@dataclass(slots=True)
class Width:
    """Rows holding a non-empty cell past the header: how many, where the first is, how far the
    widest reaches. ``header`` is the header's width once known (until then no row is wider)."""

    header: int = sys.maxsize
    rows: int = 0
    first: int | None = None
    widest: int = 0

    def note(self, row: list[str], line: int) -> None:
        """Count ``row``, one longer than the header, when a cell past the header holds something
        (trailing empty cells, as a spreadsheet pads a row, are nothing lost)."""
        last = next((i for i in range(len(row) - 1, self.header - 1, -1) if row[i].strip()), -1)
        if last < 0:
            return
        self.rows += 1
        if self.first is None:
            self.first = line
        self.widest = max(self.widest, last + 1)

    def names(self, header: list[str]) -> list[str]:
        """``header`` widened to the widest row: the positions past it are unnamed (column_N)."""
        return header + [""] * (self.widest - len(header))

    def reason(self, *, headed: bool, unit: str = "line") -> str | None:
        """What to report once per file (None: no row is wider than the header)."""
        if not self.rows:
            return None
        width = self.header
        extra = f"column_{width + 1}" + (f"..column_{self.widest}" if self.widest > width + 1 else "")
        what = f"the header's {width} names" if headed else f"the first row's {width} cells"
        rows = f"{self.rows:,} rows hold" if self.rows > 1 else "1 row holds"
        return (f"{rows} cells past {what} (the first on this {unit}): classified as {extra}"
                + ("; is the header short of names?" if headed else ""))
