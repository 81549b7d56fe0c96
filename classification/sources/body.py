"""The body of a delimited file: its records after the header, checked as they are read (stage:
classification; a part of sources/files.py).

The head (sources/layout.py) decides the header from the first rows; what follows is read in one
pass and may not keep to it. A last record that spans lines may be a quote the end of the file cuts
(sources/unclosed.py, R15d-2): it is checked once the records run out, and read again as records.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

from govsoc.classification.sources.charset import Tally
from govsoc.classification.sources.layout import Width
from govsoc.classification.sources.skips import Skips
from govsoc.classification.sources.unclosed import cut_by_the_end, lines_from, reread

__all__ = ["Body"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Body:
    """A delimited file being read: where it is, how it is decoded and split, where its reports go,
    its line count (``tally``) and the start line of the last record read (``width.last``)."""

    path: Path
    encoding: str
    errors: str
    delimiter: str
    skips: Skips
    tally: Tally
    width: Width

    def rows(self, data: list[list[str]], rest: Iterator[list[str]]) -> Iterator[list[str]]:
        """The head's data rows, then the records ``rest`` reads; a last record the end of the file
        cut is replaced by its first line and followed by the records of the lines after it."""
        last: list[str] | None = None
        for last in chain(data, rest):
            yield last
        # a record spanning lines, or one line whose last cell holds its line break (its quote open)
        if last and (self.tally.next_line() > self.width.last + 1 or last[-1].endswith(("\n", "\r"))):
            yield from self._unclosed(last)

    def _unclosed(self, last: list[str]) -> Iterator[list[str]]:
        first = self.width.last
        lines = lines_from(self.path, self.encoding, self.errors, first)
        if not cut_by_the_end(lines, self.delimiter):
            return
        records = reread(lines, first, self.delimiter, self.skips)
        last[:] = next(records)  # counted already, as the record of its first line
        for row in records:
            if len(row) > self.width.header:
                self.width.note(row, first)
            yield row
