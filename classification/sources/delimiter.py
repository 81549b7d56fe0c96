"""The delimiter of a delimited file (stage: classification; a part of sources/files.py).

A file's suffix names its delimiter (.csv a comma, .tsv a tab), but files are renamed: Excel's
"Unicode text" export (tab-delimited UTF-16) saved as .csv, a European-locale Excel's semicolon
CSV. When the first row is one cell under the suffix's delimiter, the head is sniffed (the csv
module's Sniffer, restricted to CANDIDATES), and a delimiter that splits the first row is used and
said (R15b-29); so is one that splits a later row of the head into names of which one names a
known column (a roster's title row above 姓名;身份证号;手机号: the title is one cell under any
delimiter). A one-column file whose values hold the delimiter (xm over 张伟;张伟) has no such row.
A file whose first row splits under the suffix's delimiter is read with it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from itertools import islice
from typing import Final, TextIO

from govsoc.classification.sources.layout import HEAD_ROWS

__all__ = ["CANDIDATES", "HEAD", "sniffed"]

#: The delimiters spreadsheet and database exports write; \x01 is Hive's and DataX's default field
#: separator (R15d-10), \x1f the ASCII unit separator some dumps use.
CANDIDATES: Final = ",;\t|\x01\x1f"
#: Characters of the head sniffed: some dozens of rows (the Sniffer's cost grows with it).
HEAD: Final = 16 * 1024


def sniffed(text: TextIO, expected: str, names_column: Callable[[str], bool] = lambda cell: False) -> str | None:
    """The delimiter ``text`` uses when its first row is one cell under ``expected`` and another
    of CANDIDATES splits it, or splits a later row of the head into cells of which one
    ``names_column`` (a column name a recognizer knows: a header under a title), else None.
    ``text`` is left where it was (it is read from there)."""
    start = text.tell()  # not 0: a BOM left out by charset.open_text
    try:
        head = text.read(HEAD)
    except UnicodeDecodeError:  # a strict read: the reader will meet it and decide the charset
        head = ""
    text.seek(start)
    if not head:
        return None
    # whole lines only, ended by LF, CRLF or a lone CR (Excel for Mac: R15d-28), as the file is read
    cut = head if len(head) < HEAD else head[:max(head.rfind("\n"), head.rfind("\r"), 0)]
    first = next(csv.reader(io.StringIO(cut, newline=""), delimiter=expected), [])
    if len(first) != 1:
        return None
    try:
        # the Sniffer splits on LF alone
        found = csv.Sniffer().sniff(cut.replace("\r\n", "\n").replace("\r", "\n"), delimiters=CANDIDATES).delimiter
    except csv.Error:  # no candidate is consistent over the head: one column after all
        return None
    if found == expected:
        return None
    try:
        first, *later = islice(csv.reader(io.StringIO(cut, newline=""), delimiter=found), HEAD_ROWS)
    except csv.Error:  # not delimited text after all (a bare CR in binary): the reader reports it
        return None
    if len(first) < 2 and not any(len(row) > 1 and any(map(names_column, row)) for row in later):
        return None
    return found
