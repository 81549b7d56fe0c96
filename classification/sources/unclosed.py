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
so it is held whole. A quote typed before a cell of a big file runs past that limit first (R15f-21:
rows=97 of 1,000,000): when its line without it, and the next line, split into the table's width
(``past_limit``), the lines the reader gave up are read again the same way, and the reading goes on.

A second stray quote closes the first (R15e-3: a roster with two names typed with a quote lost the
15 records between them in one 姓名 cell, rows=25 for 40, without a word). RFC 4180 §2.6 lets a
quoted field hold line breaks, not whole records: a record whose one cell spans lines, each line
inside it splitting into the header's width of cells, is that breakage (``strays``); so is one
most of whose lines do (R15f-7: a comma in an address, a short row, a blank line among them). The
pair is reported where each quote is, and the lines are read as records, each quote left out. A
quoted cell some of whose lines split so, but not most, is reported ("a quoted cell holds N
lines"), never counted as one record without a word.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Final

from govsoc.classification.sources.charset import Tally, open_text, tallied
from govsoc.classification.sources.skips import Skips

__all__ = ["lines_from", "cut_by_the_end", "reread", "past_limit", "strays"]


def lines_from(path: Path, encoding: str, errors: str, first: int, limit: int,
               until: int | None = None) -> list[str] | None:
    """The lines of ``path`` from line ``first`` on (to line ``until``, when given), numbered as
    Tally numbers them; None when they hold over ``limit`` characters (more than the reader takes in
    one field: no quote the end cuts, or the reader said so; the rest of a file of gigabytes is not held)."""
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
            if until is not None and tally.next_line() > until:
                break
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


def reread(lines: list[str], first: int, delimiter: str, skips: Skips,
           reach: str | None = None) -> Iterator[tuple[int, list[str]]]:
    """The records of ``lines`` (starting on line ``first``), whose first record the end of the text
    cut, with the line each starts on: that record's first line alone, then the lines after it, each
    quote the end cuts again reported and read the same way. ``reach``: how far the first quote ran,
    when not to the end of ``lines`` (past the reader's field limit: R15f-21)."""
    start = 0
    while start < len(lines):
        line = lines[start]
        at = _opening(line.rstrip("\r\n"), delimiter)
        ran = reach or f"the {len(lines) - start - 1:,} lines after it were one cell"
        skips.add(f"quote opened here is never closed (RFC 4180 §2.7): {ran}; this line read without it and "
                  "the lines after it read as records", line=first + start, column=at)
        yield first + start, next(csv.reader([line[:at - 1] + line[at:] if at else line], delimiter=delimiter), [])
        start, reach = start + 1, None
        reader = csv.reader(lines[start:], delimiter=delimiter)
        held: list[str] | None = None
        began = at = 0
        for row in reader:
            if held is not None:
                yield first + start + at, held
            held, at, began = row, began, reader.line_num
        if held is None:
            return
        if at + 1 < began and cut_by_the_end(lines[start + at:], delimiter):
            start += at
            continue
        yield first + start + at, held
        return


def past_limit(lines: list[str], width: int, delimiter: str) -> bool:
    """Whether ``lines``, a record whose field ran past the reader's limit, are a quote typed before a
    cell (R15f-21), not a long quoted cell: the first line without that quote, and the next, each
    split into the table's ``width`` of cells (a blob's lines do not)."""
    at = _opening(lines[0].rstrip("\r\n"), delimiter) if len(lines) > 1 and width > 1 else 0
    return bool(at) and _width(lines[0][:at - 1] + lines[0][at:], delimiter) == width == _width(lines[1], delimiter)


#: A line end inside a quoted cell, as the csv module keeps it.
_LINE_END: Final = re.compile(r"\r\n|\r|\n")


def strays(row: list[str], first: int, lines: int, head: str, last: str, width: int, delimiter: str,
           skips: Skips) -> list[list[str]] | None:
    """The records of ``row``, read from line ``first`` over ``lines`` lines (``head`` the first,
    ``last`` the last, as read), when a quote opened on its first line and a stray quote closed on
    its last made them one cell: each line alone, its quote left out, the pair reported; None for a
    record that is not so: no line inside the cell a record of the header's ``width`` cells, or (that
    reported) no more than half its lines (R15f-7: an address with a comma, a short row or a blank
    line among the 15 records between two quotes left them one cell)."""
    spanning = [cell for cell in row if _LINE_END.search(cell)]
    if width < 2 or len(spanning) != 1:
        return None
    inside = _LINE_END.split(spanning[0])[1:-1]  # whole lines: no quote in them, or it would have closed the cell
    filled = [line for line in inside if line.strip()]
    fit = sum(1 for line in filled if _width(line, delimiter) == width)
    opened, closed = _opening(head.rstrip("\r\n"), delimiter), last.find('"') + 1
    if not fit or len(inside) + 2 != lines or not opened or not closed:
        return None
    if fit * 2 <= len(filled):  # a note of several lines may hold a line of commas: said, kept one cell
        skips.add(f"a quoted cell holds {lines:,} lines, {fit:,} of them of the header's {width} cells (a stray "
                  "quote? RFC 4180 §2.6): read as one cell", line=first, column=opened)
        return None
    each = "each" if fit == len(inside) else f"{fit:,} of them"
    skips.add(f"quote opened here is closed by a stray quote on line {first + lines - 1:,} column {closed} "
              f"(RFC 4180 §2.6): the {lines - 2:,} lines between them, {each} of {width} cells, were one cell; "
              "each line read as a record without the two quotes", line=first, column=opened)
    return [_cells(head[:opened - 1] + head[opened:], delimiter),
            *(_cells(line, delimiter) for line in inside),
            _cells(last[:closed - 1] + last[closed:], delimiter)]


def _cells(line: str, delimiter: str) -> list[str]:
    return next(csv.reader([line], delimiter=delimiter), [])


def _width(line: str, delimiter: str) -> int:
    return len(_cells(line, delimiter))
