"""A quote that nothing closes before the end of a delimited file (stage: classification; a part of
sources/files.py).

RFC 4180 §2.5-2.7: a field enclosed in double quotes ends with a double quote (a quote inside it is
written twice). The csv module, not strict, returns a quoted field that the end of the file cuts as
if a quote had closed it: one unclosed quote early in a file (a hand-edited cell, ``"110105…753X``)
makes all the lines after it one cell, and the file one or two records (R15d-2: rows=1 for 40
records), silently. So the file's last record, when it spans lines, is read again from its first
line and parsed strictly: when the end of the text is what ends it ("unexpected end of data"), the
quote is reported where it opens, the line holding it is read alone as its record, without that
quote (a typo's, not a cell of thousands of lines), and the lines after it are read as records
again, each further such quote likewise. Such a record is at most the reader's field limit long,
so it is held whole.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from govsoc.classification.sources.charset import Tally, open_text, tallied
from govsoc.classification.sources.skips import Skips

__all__ = ["lines_from", "cut_by_the_end", "reread"]


def lines_from(path: Path, encoding: str, errors: str, first: int, limit: int) -> list[str] | None:
    """The lines of ``path`` from line ``first`` on, numbered as Tally numbers them; None when they
    hold over ``limit`` characters (more than the reader takes in one field: no quote the end cuts,
    or the reader said so; the rest of a file of gigabytes is not held)."""
    tally = Tally()
    with open_text(path, encoding, errors) as f:
        lines = tallied(f, tally)
        while tally.next_line() < first and next(lines, None) is not None:
            pass
        kept, size = [], 0
        for line in lines:
            size += len(line)
            if size > limit:
                return None
            kept.append(line)
        return kept


def cut_by_the_end(lines: list[str], delimiter: str) -> bool:
    """Whether the first record of ``lines`` is a quoted field the end of the text ends."""
    try:
        next(csv.reader(lines, delimiter=delimiter, strict=True), None)
    except csv.Error as e:
        return "unexpected end of data" in str(e)
    return False


def _opening(line: str, delimiter: str) -> int:
    """The column (from 1) of the quote that opens a field of ``line`` and stays open."""
    at, quoted, field_start, i = 0, False, True, 0
    while i < len(line):
        char = line[i]
        if quoted and char == '"':
            if line[i + 1:i + 2] == '"':
                i += 1  # a quote written twice: one quote in the field
            else:
                quoted = False
        elif char == '"' and field_start and not quoted:
            quoted, at = True, i + 1
        field_start = not quoted and char == delimiter
        i += 1
    return at


def reread(lines: list[str], first: int, delimiter: str, skips: Skips) -> Iterator[list[str]]:
    """The records of ``lines`` (starting on line ``first``), whose first record the end of the text
    cut: that record's first line alone, then the lines after it, each quote the end cuts again
    reported and read the same way."""
    start = 0
    while start < len(lines):
        line = lines[start]
        at = _opening(line.rstrip("\r\n"), delimiter)
        skips.add(f"quote opened here is never closed (RFC 4180 §2.7): the {len(lines) - start - 1:,} lines after "
                  "it were one cell; this line read without it and the lines after it read as records",
                  line=first + start, column=at)
        yield next(csv.reader([line[:at - 1] + line[at:] if at else line], delimiter=delimiter), [])
        start += 1
        reader = csv.reader(lines[start:], delimiter=delimiter)
        held: list[str] | None = None
        began = at = 0
        for row in reader:
            if held is not None:
                yield held
            held, at, began = row, began, reader.line_num
        if held is None:
            return
        if at + 1 < began and cut_by_the_end(lines[start + at:], delimiter):
            start += at
            continue
        yield held
        return
