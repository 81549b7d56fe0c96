"""The delimiter of a delimited file (stage: classification; a part of sources/files.py).

A file's suffix names its delimiter (.csv a comma, .tsv a tab), but files are renamed: Excel's
"Unicode text" export (tab-delimited UTF-16) saved as .csv, a European-locale Excel's semicolon
CSV. When the first row is one cell under the suffix's delimiter, the head is sniffed (the csv
module's Sniffer, restricted to CANDIDATES), and a delimiter that splits the first row is used and
said (R15b-29). A file whose first row splits under the suffix's delimiter is read with it.
"""

from __future__ import annotations

import csv
import io
from typing import Final, TextIO

__all__ = ["CANDIDATES", "HEAD", "sniffed"]

#: The delimiters spreadsheet and database exports write.
CANDIDATES: Final = ",;\t|"
#: Characters of the head sniffed: some dozens of rows (the Sniffer's cost grows with it).
HEAD: Final = 16 * 1024


def sniffed(text: TextIO, expected: str) -> str | None:
    """The delimiter ``text`` uses when its first row is one cell under ``expected`` and another
    of CANDIDATES splits it, else None. ``text`` is left where it was (it is read from there)."""
    start = text.tell()  # not 0: a BOM left out by charset.open_text
    try:
        head = text.read(HEAD)
    except UnicodeDecodeError:  # a strict read: the reader will meet it and decide the charset
        head = ""
    text.seek(start)
    if not head:
        return None
    cut = head if len(head) < HEAD else head[:max(head.rfind("\n"), 0)]  # whole lines only
    first = next(csv.reader(io.StringIO(cut), delimiter=expected), [])
    if len(first) != 1:
        return None
    try:
        found = csv.Sniffer().sniff(cut, delimiters=CANDIDATES).delimiter
    except csv.Error:  # no candidate is consistent over the head: one column after all
        return None
    if found == expected or len(next(csv.reader(io.StringIO(cut), delimiter=found), [])) < 2:
        return None
    return found
