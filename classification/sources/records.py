"""The records of a delimited file as the csv module reads them, checked (stage: classification; a
part of sources/files.py).

A cell over MAX_CELL is blanked and reported by its column; a record with a field past READ_LIMIT
is reported and left out (sources/long_records.py); one that is a quote typed before a cell, its
lines splitting into the table's width, is read again from its line without the quote
(sources/unclosed.py, R15f-21); any other unclosed quote ends the file there; a row
of no cell (a blank line, CR CR LF's second end, a padding row ``,,,``) is no record (R15d-28); a
row far wider than the table is a list (sources/wide_rows.py, R15d-17); a row longer than the
header is noted in its Width.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Final

from govsoc.classification.sources.base import named
from govsoc.classification.sources.charset import Tally
from govsoc.classification.sources.layout import Width
from govsoc.classification.sources.long_records import field_index, over_limit, skip_record
from govsoc.classification.sources.sampling import Prefixes
from govsoc.classification.sources.skips import MAX_CELL, Skips
from govsoc.classification.sources.unclosed import past_limit, reread, strays
from govsoc.classification.sources.wide_rows import WideRows

__all__ = ["READ_LIMIT", "Reading", "records", "too_long"]

#: Longest field the CSV reader accepts at all (memory bound for an unclosed quote).
READ_LIMIT: Final = 16 * 1024 * 1024
#: How far a quote typed before a cell ran, read again from its line (R15f-21).
_REACH: Final = "the lines after it were one cell, past the reader's field limit"


@dataclass(frozen=True, slots=True)
class Reading:
    """A delimited file being read: the csv reader, the lines it reads, their tally."""

    reader: Any
    lines: Iterator[str]
    tally: Tally
    wide: WideRows
    prefixes: Prefixes
    #: the file's lines from one line to another, read again (None: from nowhere); a quote typed
    #: before a cell that runs past the field limit is read again from its line (R15f-21)
    again: Callable[[int, int], list[str] | None] | None = None


def records(reading: Reading, header: list[str], skips: Skips, width: Width,
            held: list[tuple[int, int, str]]) -> Iterator[list[str]]:
    """The reader's rows with cells over MAX_CELL blanked (each reported at the line its record
    starts on, by its column's name: while the header is not known yet, the first rows', as (line,
    column index, reason), are ``held`` for too_long); a record with a field past READ_LIMIT is
    reported and left out (sources/long_records.py), an unclosed quote ends the file there.
    A row of no cell is no record; a row far wider than the table is ``reading.wide``'s (a list); one
    longer than the header is noted in ``width``."""
    tally = reading.tally
    before = 0  # the width of the record before: the table's, while the header is not known
    while True:
        line, tally.fresh = tally.next_line(), True
        try:
            row = next(reading.reader)
        except StopIteration:
            return
        except csv.Error as e:
            spans = tally.head is not tally.last  # the record began on an earlier line
            table = before if width.header == sys.maxsize else width.header
            again = _again(reading, line, table) if spans and over_limit(e) else None
            if again is not None:
                for at, record in reread(again, line, reading.reader.dialect.delimiter, skips, _REACH):
                    if _checked(record, at, reading, header, skips, width, held):
                        width.last, before = at, len(record)
                        yield record
                continue
            if not over_limit(e) or not skip_record(reading.lines, tally.last, open_before=spans):
                skips.add(f"{e}: the rest of the file is not read (an unclosed quote?)", line=line)
                return
            index = field_index(tally.head, reading.reader.dialect.delimiter, READ_LIMIT)
            _long(line, index, f"field over {READ_LIMIT >> 20} MiB (the reader's limit): the record is not read",
                  header, skips, width, held)
            continue
        read = tally.next_line() - line  # lines the record spans
        rebuilt = None if read < 2 else strays(row, line, read, tally.head, tally.last,
                                               before if width.header == sys.maxsize else width.header,
                                               reading.reader.dialect.delimiter, skips)
        if rebuilt is None:  # per record of a file of millions: no list built around it
            if _checked(row, line, reading, header, skips, width, held):
                width.last, before = line, len(row)
                yield row
            continue
        for at, record in enumerate(rebuilt, line):
            if _checked(record, at, reading, header, skips, width, held):
                width.last, before = at, len(record)
                yield record


def _again(reading: Reading, line: int, table: int) -> list[str] | None:
    """The lines from ``line`` to the last read, when the record on them ran past the field limit
    because a quote was typed before a cell (unclosed.past_limit), else None."""
    if reading.again is None:
        return None
    lines = reading.again(line, reading.tally.next_line() - 1)
    return lines if lines and past_limit(lines, table, reading.reader.dialect.delimiter) else None


def _checked(row: list[str], line: int, reading: Reading, header: list[str], skips: Skips, width: Width,
             held: list[tuple[int, int, str]]) -> bool:
    """Whether ``row`` (on ``line``) is a record, its cells over MAX_CELL blanked (see records)."""
    if not any(row):
        return False  # a blank line (CR CR LF's second end, a padding row ,,,): no record (R15d-28)
    longest = max(map(len, row))
    if longest > MAX_CELL:
        for i, cell in enumerate(row):
            if len(cell) > MAX_CELL:
                _long(line, i, f"cell of {len(cell):,} characters (over {MAX_CELL // 1024} KiB): not classified",
                      header, skips, width, held)
                row[i] = ""
    if longest > reading.prefixes.cap:  # what a sample may hold of a value (R15e-23)
        reading.prefixes.row(row, line, longest)
    if len(row) > width.header:
        if len(row) > reading.wide.limit:
            reading.wide.take(row, line)  # a list pasted into a row (sources/wide_rows.py)
            return False
        width.note(row, line)
    return True


def _long(line: int, index: int, reason: str, header: list[str], skips: Skips, width: Width,
          held: list[tuple[int, int, str]]) -> None:
    """Report the ``index``-th cell of the record on ``line`` as too long (held while the header is not known)."""
    skips.blanked.add(line)
    if width.header == sys.maxsize:
        held.append((line, index, reason))
    else:
        too_long(skips, header, line, index, reason)


def too_long(skips: Skips, header: list[str], line: int, index: int, reason: str) -> None:
    # named as the inventory names the column: an unnamed one, or one past the header, column_N
    name = header[index] if index < len(header) else ""
    skips.add(reason, line=line, column=index + 1, name=named(name, None) or f"column_{index + 1}")
