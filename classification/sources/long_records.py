"""A delimited record with a field past the csv reader's field limit (stage: classification; a part
of sources/files.py).

The csv module refuses a field longer than ``csv.field_size_limit()`` (READ_LIMIT, 16 MiB: the
memory bound for an unclosed quote) with csv.Error and drops the rest of the physical line it was
reading. The reader starts afresh at the next line it is given, so the file can go on past the record
(R15b-6: the rows after a 17 MiB cell were lost): an unquoted field ended with its line; a quoted one
(its quote open at the end of the line) goes on until the line that closes it, read past here. Each
'"' opens or closes a quote (a doubled one, its escape, does both), so its count per line says where
the quote stands. A quote that no line closes is an unclosed quote: the rest of the file is not read.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from typing import Final

__all__ = ["over_limit", "field_index", "skip_record"]

#: What the csv module says of a field longer than its limit ("field larger than field limit (N)").
_OVER: Final = "field larger than field limit"


def over_limit(error: csv.Error) -> bool:
    """Whether ``error`` is the csv reader's refusal of a field longer than its limit."""
    return str(error).startswith(_OVER)


def field_index(head: str, delimiter: str, limit: int) -> int:
    """The index (from 0) of the field past ``limit`` in a record whose first line is ``head``: the
    first field of the line longer than it, else the line's last field (a quoted field going on in
    the lines after). Only quotes and delimiters are looked at: a 16 MiB cell holds few."""
    index, start, quoted = 0, 0, False
    for mark in re.finditer(f'["{re.escape(delimiter)}]', head):
        if mark.group() == '"':
            quoted = not quoted
        elif not quoted:
            if mark.start() - start > limit:
                return index
            index, start = index + 1, mark.end()
    return index


def skip_record(lines: Iterator[str], last: str, *, open_before: bool) -> bool:
    """Read ``lines`` past the rest of the record whose field ran over the limit on line ``last``
    (``open_before``: the record began on an earlier line, so a quote was open when ``last`` began).
    False when the text ended with the quote still open (an unclosed quote)."""
    open_quote = open_before != (last.count('"') % 2 == 1)
    while open_quote:
        line = next(lines, None)
        if line is None:
            return False
        open_quote = line.count('"') % 2 == 0
    return True
