"""XLSX workbooks as tables (stage: classification; a part of sources/files.py).

Each sheet is a table, read as a delimited file is (sources/layout.py): title rows above the header
reported and left out, a first row holding a value read as data, a table drawn sideways read turned
back, a form (登记表: label cell beside value cell) read as one record (sources/forms.py). A row of
column names below the records (tables stacked on a sheet: R15e-5; a table below a form: R15f-6)
starts a table of its own, named after its row (``b.xlsx:Sheet (row 25)``), and is reported; footer
rows are left out (sources/footers.py). Cells are read as openpyxl gives their cached values,
streamed (read-only mode) and sampled, within the bounds of sources/workbook_bounds.py: a workbook
that would inflate past them (a zip bomb: R15at-1) is refused, naming its member, before it is read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import suppress
from io import BytesIO
from itertools import chain, islice
from pathlib import Path
from traceback import walk_tb
from typing import IO, Any, Final
from zipfile import BadZipFile
from zlib import error as ZlibError

from govsoc.classification.sources.base import TableSample, named
from govsoc.classification.sources.cells import (
    Numbered,
    Unused,
    column_hits,
    fits,
    has_value,
    names_column,
    until_header,
)
from govsoc.classification.sources.footers import Footers
from govsoc.classification.sources.forms import FORM_AHEAD, form_table, is_form
from govsoc.classification.sources.formulas import uncached_formulas
from govsoc.classification.sources.key_sketch import KeySketcher
from govsoc.classification.sources.layout import HEAD_ROWS, Width, split_head
from govsoc.classification.sources.record_sampling import record_reservoir
from govsoc.classification.sources.row_columns import row_columns
from govsoc.classification.sources.sampling import Prefixes
from govsoc.classification.sources.sideways import SIDEWAYS, sideways
from govsoc.classification.sources.skips import Skips
from govsoc.classification.sources.workbook_bounds import ArchiveLimits, check_archive
from govsoc.classification.sources.workbook_kinds import workbook_file
from govsoc.classification.sources.workbook_rows import SheetExtent
from govsoc.core.errors import ConfigError, Location

__all__ = ["WorkbookReader"]

#: A dimension is kept when its area is at most PADDED cells for each cell the rows hold, or at
#: most PADDED_FREE cells (a sheet a quarter full pads little; 2^20 cells pad in a fraction of a second).
PADDED: Final = 16
PADDED_FREE: Final = 1 << 20
#: What openpyxl raises reading a row of bad cells (it has no one root): int() of a junk reference,
#: a shared-string index past the table, a reversed merged range. Not KeyError or TypeError: 13 hostile
#: cells raised neither (R15bm cells.py), and one would be a bug of govsoc's own (RRR15bm-6).
_CELL_ERRORS: Final = (ValueError, IndexError)


class WorkbookReader:
    """The sheets of XLSX workbooks as tables, ``sample`` rows sampled of each, none inflating past
    ``limits``."""

    def __init__(self, *, sample: int, limits: ArchiveLimits | None = None,
                 read_to: Callable[[int], None] | None = None, every: int = 4096) -> None:
        self.sample = sample
        self.limits = limits or ArchiveLimits()
        #: called every ``every`` rows with the bytes of the file read so far, as far as told by the
        #: sheets' packed bytes behind the file's position (a progress bar's: R15at-8)
        self.read_to = read_to
        self.every = every
        self._spans: dict[str, tuple[int, int]] = {}
        self._extents: dict[str, SheetExtent] = {}
        self._done = 0
        self._raw: IO[bytes] | None = None

    def tables(self, path: Path) -> Iterator[TableSample]:
        """The tables of the workbook at ``path``: each sheet's, a form's, and those stacked below them."""
        try:
            import openpyxl
        except ImportError as e:
            raise ConfigError("XLSX files need openpyxl: pip install 'govsoc[classify]'") from e
        checked = check_archive(path, self.limits)
        given = workbook_file(path)
        # a file of ours, closed even when openpyxl fails half-way through loading (it leaves its ZIP open)
        with given if isinstance(given, BytesIO) else path.open("rb") as raw:
            self._spans, self._extents, self._done, self._raw = checked.spans, checked.extents, 0, raw
            try:
                book = openpyxl.load_workbook(raw, read_only=True, data_only=True)
            except Exception as e:  # zipfile.BadZipFile, KeyError, InvalidFileException: openpyxl has no one root
                raise ConfigError(f"not a readable XLSX workbook: {type(e).__name__}: {e}",
                                  location=Location(path=str(path))) from e
            try:
                yield from self._sheets(path, book)
            except (BadZipFile, ZlibError, EOFError) as e:  # a member that fails its CRC or inflates wrong
                raise ConfigError(f"not a readable XLSX workbook: {type(e).__name__}: {e}",
                                  location=Location(path=str(path))) from e
            finally:
                book.close()

    def _sheets(self, path: Path, book: Any) -> Iterator[TableSample]:
        """The tables of each sheet of ``book`` (openpyxl's read-only workbook of ``path``)."""
        for sheet in book.worksheets:
            _unpadded(sheet, self._extents.get(sheet.title))
            width = Width()
            rows = ([_cell(c) for c in row] for row in sheet.iter_rows(values_only=True))
            cells = _noted(self._said(path, rows, sheet.title), width)
            head = list(islice(cells, HEAD_ROWS))
            skips = Skips(str(path))
            renamed: list[str] = []
            title = named(sheet.title, renamed)
            table = f"{path.name}:{title}"
            if is_form(head, has_value, names_column):  # a 登记表 a sheet (R15e-10)
                found: list[tuple[int, list[str]]] = []
                source = Numbered(enumerate(chain(head, cells), 1))
                yield form_table(str(path), table, source, self.sample, skips, f"sheet {title}: ",
                                 has_value=has_value, names_column=names_column, found=found)
                yield from self._stacked(path, sheet.title, table, source, width, len(head) + 1, found)
                continue
            turned = sideways(head, names_column, fits) if len(head) < HEAD_ROWS else None
            if turned:
                skips.note(f"sheet {title}: {SIDEWAYS}", line=1)
                head = turned
            header, data, headed = split_head(head, list(range(1, len(head) + 1)), has_value=has_value,
                                              width=width, skips=skips, unit="row", where=f"sheet {title}: ",
                                              names_column=names_column, fits=fits)
            width.restart(len(header))  # the head's data rows are noted as they are read
            found = []
            source = Numbered(enumerate(chain(data, cells), len(head) - len(data) + 1))
            numbered = until_header(source, width, len(head) + 1, found, self._form_below(source),
                                    column_hits(header))
            yield self._sheet_part(path, sheet.title, table, header, numbered, width, skips, renamed, headed,
                                   found, source.unused)
            yield from self._stacked(path, sheet.title, table, source, width, len(head) + 1, found)

    def _said(self, path: Path, rows: Iterator[list[str]], title: str) -> Iterator[list[str]]:
        """``rows`` (of the sheet ``title``) as they are, the file's bytes read said every
        ``every`` rows: the sheets before it, and the packed bytes of its own behind the position
        of the file openpyxl reads (zipfile reads a member's packed bytes in order). A cell openpyxl
        cannot read (a junk reference, a shared string past the table, a reversed merged range) is a
        ConfigError naming the file, the sheet and the row (RRR15bi-9)."""
        start, size = self._spans.get(title, (0, 0))
        handle = self._raw
        number = 0
        while True:
            try:
                row = next(rows)
            except StopIteration:
                break
            except _CELL_ERRORS as e:
                raise _unreadable(path, title, number, e) from e
            number += 1
            if self.read_to and size and handle is not None and number % self.every == 0:
                with suppress(OSError, ValueError):
                    self.read_to(self._done + min(size, max(0, handle.tell() - start)))
            yield row
        self._done += size

    @staticmethod
    def _form_below(source: Numbered) -> Callable[[list[str]], bool]:
        """Whether a sheet's row, with the rows read ahead below it, begins a form (R15g-8)."""
        return lambda row: is_form([row, *source.ahead(FORM_AHEAD)], has_value, names_column)

    def _stacked(self, path: Path, sheet: str, table: str, source: Numbered, width: Width,
                 noted_from: int, found: list[tuple[int, list[str]]]) -> Iterator[TableSample]:
        """The tables of a sheet below a header of their own (``found``; tables stacked on one sheet:
        R15e-5; a table below a form: R15f-6), each to the next such header."""
        while found:
            number, row = found.pop()
            if is_form([row, *source.ahead(FORM_AHEAD)], has_value, names_column):
                # the next form's first row of pairs (审批表 blocks down one sheet: R15g-8)
                source.held.append((number, row))
                source.title = None  # the form's title, not the table's below it
                yield form_table(str(path), f"{table} (row {number})", source, self.sample, Skips(str(path)),
                                 f"sheet {named(sheet, [])}: ", has_value=has_value, names_column=names_column,
                                 found=found)
                continue
            header = row[:max(i + 1 for i, cell in enumerate(row) if cell.strip())]
            width.restart(len(header))
            part = Skips(str(path))
            if source.title:  # 以下为新增人员 above the header: its title (R15f-20)
                part.note(f"sheet {named(sheet, [])}: row {source.title} above the header (row {number}) read as a "
                          "title: not classified", line=source.title)
            numbered = until_header(source, width, noted_from, found, self._form_below(source), column_hits(header))
            source.unused = Unused()  # the rows of this table's own
            yield self._sheet_part(path, sheet, f"{table} (row {number})", header, numbered, width, part, [], True,
                                   found, source.unused)

    def _sheet_part(self, path: Path, sheet: str, table: str, header: list[str],
                    numbered: Iterator[tuple[int, list[str]]], width: Width, skips: Skips, renamed: list[str],
                    headed: bool, found: list[tuple[int, list[str]]], unused: Unused) -> TableSample:
        """One table of a sheet: the records ``numbered`` yields under ``header``, footers left out;
        a header of its own that ends them (``found``) said, and the rows holding only their serial
        number that ``numbered`` left out (``unused``: R15g-14)."""
        where = f"sheet {named(sheet, [])}: "
        footers, prefixes = Footers(len(header) if len(header) > 1 else 0, column_hits(header)), Prefixes(self.sample)
        sketcher = KeySketcher()
        counted: dict[int, int] = {}  # a record id's distinct values over every row (R15j-24)
        rows, total = record_reservoir(sketcher.rows(footers.kept((number, prefixes.row(row, number))
                                                           for number, row in numbered)),
                                       self.sample, counted=counted)
        unused.report(skips, "row", where)
        if found:
            part = f"{table.split(' (row ')[0]} (row {found[-1][0]})"
            skips.note(f"{where}a header of its own below the records: the rows from this row read as the table "
                       f"{part!r}", line=found[-1][0])
        columns = row_columns(str(path), width.names(header), rows, total, renamed, counted)
        uncached_formulas(path, sheet, columns, skips)
        footers.report(skips, unit="row", where=where)
        cut = prefixes.note()
        if cut:
            skips.note(f"{where}{cut}", line=prefixes.first)
        skips.renamed(renamed)
        wider = width.reason(headed=headed, unit="row")
        if wider:
            skips.note(f"{where}{wider}", line=width.first)
        return TableSample(dataset=str(path), table=table, rows=total, columns=columns,
                           keys=sketcher.sketches([c.field for c in columns]),
                           skipped=tuple(skips.listed), skipped_count=skips.count)


def _failed_row(error: BaseException) -> int | None:
    """The number of the row whose cell openpyxl failed to read with ``error``: its worksheet parser's row
    count in ``parse_row`` (openpyxl 3.1, worksheet/_reader.py), when it raised in a call from there. The
    rows yielded do not say it: openpyxl reads the row past a gap before it yields the gap's empty rows
    (rows 1, 2 and 10 failing in 10 was said as row 3, RRR15bm-4). None when openpyxl raised elsewhere (a
    row's own number, a merged range after the rows)."""
    frames = [frame for frame, _ in walk_tb(error.__traceback__)]
    for frame in frames[:-1]:  # raised in a call from parse_row (a cell), not by parse_row itself (its number)
        row = getattr(frame.f_locals.get("self"), "row_counter", None)
        if frame.f_code.co_name == "parse_row" and isinstance(row, int):
            return row
    return None


def _unreadable(path: Path, title: str, read: int, error: Exception) -> ConfigError:
    """The error of a cell openpyxl cannot read in the sheet ``title``, ``read`` rows yielded: naming the row
    that failed when it is known, else the last row read and no line (none that openpyxl did not give)."""
    row = _failed_row(error)
    if row is not None:
        where = f"row {row:,}"
    elif read:
        where = f"after row {read:,}"
    else:
        where = "before its first row"
    return ConfigError(f"not a readable XLSX workbook: sheet {title!r} {where}: a cell openpyxl cannot read "
                       f"({type(error).__name__}: {error})", location=Location(path=str(path), line=row))


def _unpadded(sheet: Any, extent: SheetExtent | None) -> None:
    """Drop ``sheet``'s ``<dimension>`` (openpyxl's reset_dimensions) unless it is the extent of the
    cells its rows hold and no more than PADDED times their number: openpyxl pads each row to the
    dimension's last column and the sheet to its last row, so ``A1:XFD1048576`` over 3 cells made it
    yield 17 billion empty cells, and a dimension short of the rows hides those below it."""
    if sheet.max_row is None or sheet.max_column is None:
        return  # no dimension: each row as wide as its last cell, none past the last row
    area = sheet.max_row * sheet.max_column
    if (extent is None or (sheet.max_row, sheet.max_column) != (extent.rows, extent.columns)
            or area > max(PADDED * extent.cells, PADDED_FREE)):
        sheet.reset_dimensions()


def _noted(rows: Iterator[list[str]], width: Width) -> Iterator[list[str]]:
    """``rows`` (a sheet's, numbered from 1) as they are, those longer than the header noted."""
    for number, row in enumerate(rows, 1):
        if len(row) > width.header:
            width.note(row, number)
        yield row


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # 13800138000.0 in a spreadsheet is the phone number 13800138000
    return str(value)
