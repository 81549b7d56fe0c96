"""The rows of an XLSX sheet counted before openpyxl reads them (stage: classification; a part of
sources/workbook_bounds.py).

openpyxl's read-only mode streams a sheet by rows, but it builds each ``<row>`` element whole, every
child kept as a cell whatever its tag, before it yields it: one row of 8 million cells in an 11.8 MB
file took over 10 GB of memory (RRR15aw-3). Each sheet is therefore first read here with expat (the
XML 1.0 processor ElementTree and openpyxl use, so UTF-16 and any encoding they read is read the
same), one piece at a time and no tree built, and refused, naming the file, the sheet and the row,
when a row (a child of ``<sheetData>``; nothing outside it is a row: hyperlinks and merged cells come
after it, R15bb-1) holds

- more than 16,384 cells: SpreadsheetML's own columns run A to XFD (ECMA-376 Part 1, 18.3.1.4 ``c``,
  ``r`` an ST_CellRef; Excel's limit) and a wider row is no valid sheet;
- a row number above 1,048,576 or a cell past column XFD (openpyxl yields an empty row for every
  number skipped: ``<row r="999999999">`` is a billion rows), or more than 1,048,576 rows in all
  (openpyxl keeps each row element, emptied, until the sheet ends: 50 million ``<row r="1"/>`` pack
  into a few MB);
- more than ``max_nodes`` elements and attributes in all, the memory openpyxl holds for the row
  (16,384 cells of 64 each: a cell of two rich-text runs with six properties each is 33, R15bb-4);
- or when more than ``max_token`` bytes, in whole pieces, are fed with no tag ending and no text
  read, i.e. one tag that long (expat builds a start tag's attributes whole: one ``<c>`` of 3 million
  attributes, R15bb-5); a long text is read.

After the rows, a sheet of more than 1,048,576 ``<hyperlink>`` elements (one a row of Excel's; Excel
writes at most 65,530 a sheet) is refused naming the file and the sheet: openpyxl keeps each
(RRR15bi-6). ``<mergeCell>`` elements are bounded only by what a sheet can hold (each range covers two
or more of its 2^34 cells): 524,288 rows of two merged ranges each are a valid sheet (RRR15bo-1).

There is no bound on the cells of a sheet: rows are streamed, memory is per row. What is counted
(the highest row and column, the cells) lets sources/workbook.py drop a ``<dimension>`` that would
make openpyxl pad every row to columns, and the sheet to rows, that the XML does not hold.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from typing import Final
from xml.parsers import expat

__all__ = ["RowLimits", "SheetExtent", "sheet_extent"]

#: The bytes inflated and fed at a time (here, and by workbook_bounds' read of other parts).
PIECE: Final = 1 << 20
#: The depth of <sheetData> before and after it: deeper than any element, so nothing is in it.
_OUTSIDE: Final = 1 << 62
#: The column of a reference of more letters than openpyxl reads: past every bound on columns.
_PAST_COLUMNS: Final = 1 << 62
_DIGITS: Final = "0123456789"
_LETTERS: Final = 3  # openpyxl's own bound on a column's letters (A to ZZZ)
#: A row's start tag (any prefix), its r, and how far into a long one r is looked for.
_ROW_TAG: Final = re.compile(rb"<(?:[^\s<>/:]+:)?row[\s/>]")
_ROW_NUMBER: Final = re.compile(rb"\sr\s*=\s*[\"']([^\"'<>]{1,32})[\"']")
_ROW_HEAD: Final = 4096


@dataclass(frozen=True, slots=True, kw_only=True)
class RowLimits:
    """What one row of a sheet may hold: cells (Excel's columns, A to XFD), its row number (Excel's
    rows), elements and attributes in all, and the bytes of one tag; and what a sheet may hold after
    its rows: hyperlinks, one a row of Excel's, and merged ranges, half the cells a sheet can hold
    (openpyxl keeps each whole: 2 million merged ranges in a 16 MB file took 1.35 GB, RRR15bi-6, but a
    sheet of 524,288 rows merging A:B and C:D is valid, RRR15bo-1; 140,000 of either are written,
    R15bb-1)."""

    max_cells: int = 16_384
    max_row: int = 1_048_576
    max_nodes: int = 16_384 * 64
    max_token: int = 1 << 20
    max_links: int = 1_048_576
    max_merges: int = 16_384 * 1_048_576 // 2


@dataclass(frozen=True, slots=True, kw_only=True)
class SheetExtent:
    """What a sheet's rows hold: the highest row number and column of a cell, and the cells."""

    rows: int
    columns: int
    cells: int


class RowRefused(ValueError):
    """A row past RowLimits: ``row`` its number (0 before the first row; None: the sheet past them
    outside its rows), ``why`` what it holds."""

    def __init__(self, row: int | None, why: str) -> None:
        super().__init__(why)
        self.row, self.why = row, why


def _column(letters: str) -> int | None:
    """The column ``letters`` (a cell reference's: ``XFD`` of ``XFD7``, 16,384) name as openpyxl reads
    them, past every bound when they are more than it reads (A to ZZZ), None when they are no letters."""
    if not letters.isascii() or not letters.isalpha():
        return None
    if len(letters) > _LETTERS:
        return _PAST_COLUMNS
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


#: _column remembered for references of up to 3 letters (a sheet has few: at most 2^15); a longer one, a junk
#: reference of up to a tag's bytes, is never asked for here, so never kept (RRR15bi-4).
_short_column: Final = lru_cache(maxsize=1 << 15)(_column)


def _row_number(text: str) -> int | None:
    """A row's ``r`` as openpyxl reads it (an integer, or a float that is one), None otherwise."""
    try:
        return int(text)
    except ValueError:
        try:
            number = float(text)
        except ValueError:
            return None
        return int(number) if number.is_integer() else None


class _Counter:
    """expat's handlers: depth kept, each child of ``<sheetData>`` counted as a row."""

    def __init__(self, limits: RowLimits) -> None:
        self.max_cells, self.max_nodes, self.max_row = limits.max_cells, limits.max_nodes, limits.max_row
        #: What is counted after the rows, by tag: its bound and what it is called.
        self.outside = {"hyperlink": (limits.max_links, "hyperlinks"),
                        "mergeCell": (limits.max_merges, "merged ranges")}
        self.counts = dict.fromkeys(self.outside, 0)
        self.depth = 0
        self.data = _OUTSIDE  # the depth of <sheetData>
        self.events = 0
        self.row = self.cells = self.nodes = self.column = 0
        self.rows = self.columns = self.total = self.elements = 0

    def start(self, name: str, attributes: dict[str, str]) -> None:
        self.depth += 1
        level = self.depth - self.data  # negative outside <sheetData>
        if level == 2:  # a cell: the most frequent, kept inline
            self.cells += 1
            if self.cells > self.max_cells:
                raise RowRefused(self.row, f"holds more than {self.max_cells:,} cells (a row of SpreadsheetML "
                                           "holds columns A to XFD)")
            said = attributes.get("r")
            letters = said.rstrip(_DIGITS) if said else ""
            column = _short_column(letters) if len(letters) <= _LETTERS else _column(letters)
            self.column = column if column is not None else self.column + 1
            if self.column > self.columns:
                self.columns = self.column
                if self.column > self.max_cells:
                    raise RowRefused(self.row, f"has a cell {said!r} past column XFD")
        elif level == 1:
            self._row(attributes)
        elif level < 1:
            local = name.rpartition(":")[2]
            if local == "sheetData":
                self.data = self.depth
            elif local in self.outside:
                self._outside(local)
            return
        self.nodes += 1 + len(attributes)
        if self.nodes > self.max_nodes:
            raise RowRefused(self.row, f"holds more than {self.max_nodes:,} XML elements and attributes")

    def _row(self, attributes: dict[str, str]) -> None:
        said = attributes.get("r")
        number = _row_number(said) if said is not None else None
        self.row = number if number is not None else self.row + 1
        self.elements += 1
        if self.elements > self.max_row:  # openpyxl keeps each row element, emptied, to the end
            raise RowRefused(self.row, f"is row element {self.elements:,} of the sheet, past {self.max_row:,} "
                                       "(Excel's rows)")
        if self.row > self.max_row:
            raise RowRefused(self.row, f"is numbered past {self.max_row:,} (Excel's last row)")
        self.total += self.cells  # the cells of the row before
        self.cells = self.nodes = self.column = 0
        self.rows = max(self.rows, self.row)

    def _outside(self, local: str) -> None:
        """Count a ``<hyperlink>`` or ``<mergeCell>`` (after the rows: ECMA-376 Part 1, 18.3.1.99
        ``worksheet``); refused past its bound."""
        count = self.counts[local] = self.counts[local] + 1
        bound, said = self.outside[local]
        if count > bound:
            raise RowRefused(None, f"holds more than {bound:,} {said} ({local} elements)")

    def text(self, data: str) -> None:
        self.events += 1

    def end(self, name: str) -> None:
        self.events += 1  # a tag ended: what is fed next is no part of one tag
        if self.depth == self.data:
            self.data = _OUTSIDE
        self.depth -= 1


def _open_head(held: bytes, at: int, size: int) -> bytes:
    """The first ``size`` bytes ``held`` holds from ``at`` (0 when before it), NULs dropped: UTF-16 reads alike."""
    start = max(at, 0)
    return held[start:start + size].replace(b"\0", b"")


def _markup(held: bytes, at: int) -> bool:
    """Whether what ``held`` holds from ``at`` opens a comment, a processing instruction or a CDATA
    section (NULs dropped: UTF-16 reads alike), which are no tags: expat reports them whole when they
    end, as openpyxl's parser reads them (RRR15bi-2)."""
    return _open_head(held, at, 24).startswith((b"<!--", b"<?", b"<![CDATA["))


def _opened_row(held: bytes, at: int, counter: _Counter) -> int | None:
    """The number of the row whose start tag is what ``held`` holds open from ``at`` (NULs dropped), as
    openpyxl reads it: its ``r`` when within the first bytes, or the row after the last; None when
    what is open is no row's start tag (RRR15bi-10: a long row tag was named after the row before)."""
    if counter.depth != counter.data:  # a row is a child of <sheetData>
        return None
    head = _open_head(held, at, _ROW_HEAD)
    if not _ROW_TAG.match(head):
        return None
    said = _ROW_NUMBER.search(head)
    number = _row_number(said.group(1).decode("ascii", "replace")) if said else None
    return number if number is not None else counter.row + 1


def sheet_extent(book: zipfile.ZipFile, member: str, limits: RowLimits) -> SheetExtent:
    """The extent of the sheet ``member`` of ``book``, read a piece at a time; RowRefused at the
    first row past ``limits``, expat.ExpatError when the sheet is no well-formed XML (ValueError
    when it declares an encoding pyexpat does not read)."""
    counter = _Counter(limits)
    parser = expat.ParserCreate()
    parser.StartElementHandler = counter.start
    parser.EndElementHandler = counter.end
    still = 0  # bytes fed since the last tag ended (or, once a piece held none, text was read)
    held, held_at, markup = b"", 0, False  # the last piece, its offset; whether the open construct is no tag
    opened = None  # the row whose start tag is open, if that is what is open
    with book.open(member) as sheet:
        while piece := sheet.read(PIECE):
            seen = counter.events
            parser.Parse(piece, False)
            if counter.events != seen:
                still = 0
            else:
                if not still:  # what is open began in the piece before, or in this one
                    markup = _markup(held + piece, parser.CurrentByteIndex - held_at)
                    opened = _opened_row(held + piece, parser.CurrentByteIndex - held_at, counter)
                still += len(piece)
                # a piece in which no tag ended: a long text (told from here on), a comment, or one long tag
                parser.CharacterDataHandler = counter.text
                if still > limits.max_token and opened is not None:
                    raise RowRefused(opened, f"opens with more than {limits.max_token:,} bytes in which no tag ends "
                                             "(its start tag that long)")
                if still > limits.max_token and not markup:
                    raise RowRefused(counter.row, f"is followed by more than {limits.max_token:,} bytes in which no "
                                                  "tag ends and no text is read (one tag that long)")
            held, held_at = piece, held_at + len(held)
        parser.Parse(b"", True)
    return SheetExtent(rows=counter.rows, columns=counter.columns, cells=counter.total + counter.cells)
