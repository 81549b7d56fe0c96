"""File sources (stage: classification): CSV, TSV, JSON lines, JSON, XLSX and SQLite files.

Each file is one table (each sheet, for XLSX; each table, for SQLite; each array of records in
a JSON envelope, and the members beside them, sources/json_envelope.py). Rows are sampled with a
seeded reservoir (Algorithm R) so that a large file's sample covers it all, not its head, and
the same file gives the same sample twice. CSV/TSV are read in the charset their BOM names (UTF-8,
UTF-16 as Excel's "Unicode text", UTF-32), else in UTF-8, GB18030 (what Chinese Excel and WPS
export) or Big5 as the evidence of the file's non-ASCII bytes says (sources/charset.py), with the
delimiter the head shows when the suffix's splits nothing (sources/delimiter.py). A file whose
decoding is over 1 % U+FFFD or NUL, on over 1 % of its lines, is not text in that charset: refused.

Bulk work goes on past bad parts: a cell over MAX_CELL characters (128 KiB, the csv module's own
default limit: a blob, a base64 attachment, a log dump) is left out of the sample, reported with its
file, line and column and counted; a sampled JSON line that does not parse likewise; a quoted field
that runs past READ_LIMIT from a quote typed before a cell is read again from that line, the quote
left out (R15f-21), any other ends the file's reading there, keeping the rows read;
a file of a folder that cannot be read at all is reported and the other files are classified; a
folder's files of other types (.xls, .txt, ...) are each reported with what to do and counted.

The header is looked for in the first rows (sources/layout.py): title rows above it (a roster's
merged title) are reported and left out; a first row holding a value (an ID number, a phone number,
a number, a date: nothing a heading holds) is data, not a header: the columns are named column_1,
column_2 ... and the row is sampled with the others. Cells past a short header are columns of their
own, named the same way, and the file is reported once. A row of column names below the records
(two exports appended, tables stacked on a sheet: sources/layout.heading_row) starts a table of its
own, named after its line (``a.csv (line 32)``, ``b.xlsx:Sheet (row 25)``), and is reported.
Field names in skip reports are masked like values.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import chain, islice
from pathlib import Path
from typing import Final, TextIO, TypeVar

from govsoc.classification.sources.base import Skipped, TableSample
from govsoc.classification.sources.body import Body
from govsoc.classification.sources.cells import (
    Numbered,
    column_hits,
    fits,
    has_value,
    names_column,
)
from govsoc.classification.sources.charset import (
    COUNTED,
    NotText,
    Tally,
    Undecodable,
    evidence,
    first_charset,
    open_text,
    tallied,
)
from govsoc.classification.sources.compressed import refuse_compressed
from govsoc.classification.sources.delimiter import sniffed
from govsoc.classification.sources.file_kinds import (
    LEFT_OUT,
    OTHER,
    SUFFIXES,
    left_out_table,
    reader_of,
    size,
    table_count,
)
from govsoc.classification.sources.folder import walk
from govsoc.classification.sources.forms import FORM_AHEAD, form_table, is_form
from govsoc.classification.sources.json_records import flatten, json_document, json_lines, record_columns
from govsoc.classification.sources.key_sketch import KeySketcher
from govsoc.classification.sources.layout import HEAD_ROWS, Width, split_head
from govsoc.classification.sources.mixed_charsets import MIXED, mixed_lines, mixed_note
from govsoc.classification.sources.record_sampling import record_reservoir
from govsoc.classification.sources.records import READ_LIMIT, Reading, records, too_long
from govsoc.classification.sources.row_columns import delimited_columns
from govsoc.classification.sources.sampling import SEED, Prefixes, reservoir
from govsoc.classification.sources.sideways import SIDEWAYS, sideways
from govsoc.classification.sources.skips import LISTED, MAX_CELL, Skips
from govsoc.classification.sources.unclosed import lines_from
from govsoc.classification.sources.wide_rows import WideRows
from govsoc.classification.sources.workbook import WorkbookReader
from govsoc.classification.sources.workbook_kinds import left_out_advice
from govsoc.core.errors import ConfigError, GovsocError, Location

__all__ = ["FileSource", "SUFFIXES", "LEFT_OUT", "flatten", "reservoir", "record_columns", "MAX_CELL", "READ_LIMIT",
           "SEED", "LISTED"]

#: Readers of text, which a compressed file under their suffix would give bytes (sources/compressed.py).
_TEXT: Final = frozenset({"csv", "tsv", "jsonl", "json"})
#: A CSV's (a JSON lines file's) bytes read are said every so many rows (lines).
ROWS_SAID: Final = 4096
_Row = TypeVar("_Row")


@contextmanager
def _field_limit(limit: int) -> Iterator[None]:
    # csv.field_size_limit is process-wide: raised only while a file is read
    before = csv.field_size_limit(limit)
    try:
        yield
    finally:
        csv.field_size_limit(before)


class FileSource:
    """A file, or every supported file in a folder."""

    def __init__(self, path: Path, *, sample: int) -> None:
        # one saved result per file or folder however it was typed ('dd/../dd/x.csv', './x.csv', a
        # link to it), and its tables named by the same full path (R15e-25)
        self.path = path.resolve()
        self.sample = sample
        self.name = str(self.path)
        #: called with the bytes of the files read since the last call: a CSV's as its rows are read,
        #: another file's when it is done (a progress bar in bytes that moves within a large table: R15at-8)
        self.on_bytes: Callable[[int], None] | None = None
        self._reported = 0
        suffix = self.path.suffix.lower()
        if self.path.is_file() and reader_of(self.path) is None:
            advice = left_out_advice(self.path, LEFT_OUT.get(suffix, OTHER))
            raise ConfigError(f"type {suffix or '(none)'} not classified: {advice}", location=Location(path=str(path)))

    def _files(self) -> list[Path]:
        if self.path.is_file():
            return [self.path]
        return [p for p in walk(self.path).files if reader_of(p)]

    def _left_out(self) -> list[tuple[Path, str | None]]:
        """A folder's files of other types (reason None: by their type) and what is not a file or is
        a link not followed (sources/folder.py), which are reported, not read."""
        if self.path.is_file():
            return []
        walked = walk(self.path)
        others: list[tuple[Path, str | None]] = [(p, None) for p in walked.files if reader_of(p) is None]
        return others + [(p, why) for p, why in walked.passed]

    def count(self) -> int | None:
        """The number of tables ``tables`` yields (one per sheet, per SQLite table, per other file;
        one for a file that cannot be read; one for a folder's files of other types), the unit the
        progress bar advances in."""
        return sum(table_count(path) for path in self._files()) + (1 if self._left_out() else 0)

    def size(self) -> int:
        """The bytes of the files ``tables`` reads, the unit ``on_bytes`` counts in."""
        return sum(size(path) for path in self._files())

    def _read_to(self, done: int) -> None:
        """Say to ``on_bytes`` that the file being read is read to byte ``done``."""
        if self.on_bytes and done > self._reported:
            self.on_bytes(done - self._reported)
            self._reported = done

    def _counted(self, rows: Iterator[_Row], raw: TextIO) -> Iterator[_Row]:
        """``rows`` (a CSV's, a JSON lines file's lines) as they are, the bytes of ``raw``'s file
        read said every ROWS_SAID rows."""
        for number, row in enumerate(rows, 1):
            if number % ROWS_SAID == 0:
                self._read_to(raw.buffer.tell())
            yield row

    def tables(self) -> Iterator[TableSample]:
        """Every file's tables. A file named alone that cannot be read raises ConfigError; in a
        folder it is reported (an unreadable TableSample) and the other files are read."""
        for path in self._files():
            yield from self._file_tables(path)
            self._read_to(size(path))
            self._reported = 0
        left_out = self._left_out()
        if left_out:
            yield left_out_table(self.path, left_out)

    def _file_tables(self, path: Path) -> Iterator[TableSample]:
        kind = reader_of(path)
        try:
            if kind in _TEXT:
                refuse_compressed(path)
            yield from getattr(self, f"_{kind}")(path)
        except Exception as e:  # in a folder, a file's fault (even a bug's) costs that file (R15f-2)
            read_error = isinstance(e, (OSError, ValueError, csv.Error, GovsocError))
            if self.path.is_file():
                if isinstance(e, GovsocError) or not read_error:
                    raise
                raise ConfigError(f"cannot read: {e}", location=Location(path=str(path))) from e
            why = e.message if isinstance(e, GovsocError) else \
                f"cannot read: {e}" if read_error else f"cannot read: internal error {type(e).__name__}: {e}"
            where = e.location if isinstance(e, GovsocError) and e.location else Location(path=str(path))
            yield TableSample(dataset=str(path), table=path.name, rows=None, columns=(), readable=False,
                              skipped=(Skipped(location=where, reason=why),), skipped_count=1)

    def _delimited(self, path: Path, delimiter: str) -> Iterator[TableSample]:
        # streamed, never read whole (exports run to gigabytes). The charset: a BOM's (UTF-8, -16,
        # -32); else UTF-8 while the text holds nothing else, decided again on the file's evidence
        # (charset.Evidence) and re-read from the start at the first byte that is not UTF-8
        encoding, found = first_charset(path)
        if encoding == "utf-8-sig" and found is None:
            try:
                yield from self._read_delimited(path, delimiter, encoding, "strict")
                return
            except Undecodable:
                found = evidence(path)
                encoding = found.charset()
        doubt = found.doubt() if found else None
        try:
            yield from self._read_delimited(path, delimiter, "utf-8-sig" if encoding == "utf-8" else encoding,
                                            COUNTED, doubt)
        except NotText:  # a GBK export and a UTF-8 one joined: each line in its own (R15g-10)
            lines = mixed_lines(path)
            if lines is None:
                raise
            yield from self._read_delimited(path, delimiter, MIXED, COUNTED, mixed_note(lines))

    def _read_delimited(self, path: Path, delimiter: str, encoding: str, errors: str,
                        doubt: str | None = None) -> list[TableSample]:
        skips = Skips(str(path))
        if doubt:
            skips.note(doubt)
        tally = Tally()
        with open_text(path, encoding, errors) as f, _field_limit(READ_LIMIT):
            found = sniffed(f, delimiter, names_column)
            if found:
                skips.note(f"delimited by {found!r}, not {delimiter!r} as its suffix says: read with {found!r}")
                delimiter = found
            text = tallied(f, tally)
            reader = csv.reader(text, delimiter=delimiter)
            names: list[str] = []  # filled once the header is known: skip reports name the column
            width = Width()
            held: list[tuple[int, int, str]] = []
            wide, prefixes = WideRows(self.sample), Prefixes(self.sample)
            reading = Reading(reader, text, tally, wide, prefixes,
                              lambda first, until: lines_from(path, encoding, errors, first, 2 * READ_LIMIT, until))
            rows_read = records(reading, names, skips, width, held)
            head, lines = [], []
            for row in islice(rows_read, HEAD_ROWS):
                head.append(row)
                lines.append(width.last)
            head, lines = wide.split_head(head, lines)
            if is_form(head, has_value, names_column):  # 姓名,黄伟芳,性别,男 / 身份证号,… (R15e-10)
                return self._form(path, Body(path=path, encoding=encoding, errors=errors, delimiter=delimiter,
                                             header=[], skips=skips, tally=tally, width=width),
                                  list(zip(lines, head, strict=True)), rows_read, names)
            turned = sideways(head, names_column, fits) if len(head) < HEAD_ROWS else None
            if turned:
                skips.note(SIDEWAYS, line=lines[0])
                head, lines = turned, [lines[0]] * len(turned)
            header, data, headed = split_head(head, lines, has_value=has_value, width=width, skips=skips,
                                              names_column=names_column, fits=fits)
            names.extend(header)
            width.restart(len(header))  # the head's data rows are noted as the body reads them
            wide.know(len(header))
            for line, index, reason in held:
                too_long(skips, names, line, index, reason)
            body = Body(path=path, encoding=encoding, errors=errors, delimiter=delimiter, header=header, skips=skips,
                        tally=tally, width=width, hits=column_hits(header), has_value=has_value,
                        names_column=names_column)
            sketcher = KeySketcher()  # every row's keys, for tables linked past the sample (R15h-15)
            counted: dict[int, int] = {}  # a record id's distinct values over every row (R15j-24)
            read = self._counted(body.rows(data, lines[len(lines) - len(data):], rows_read), f)
            rows, total = record_reservoir(sketcher.rows(read), self.sample, counted=counted)
            wider, wider_at, widened = width.reason(headed=headed), width.first, width.names(header)
            later = self._later(body, rows_read, names)
        replaced = tally.judge(path, encoding)
        if replaced:
            skips.note(replaced, line=tally.first_bad)
        cut = prefixes.note()
        if cut:
            skips.note(cut, line=prefixes.first)
        if wider:
            skips.note(wider, line=wider_at)
        columns = delimited_columns(str(path), widened, rows, total, named=len(header) if headed else 0,
                                    wide=wide, skips=skips, counted=counted)
        return [TableSample(dataset=str(path), table=path.name, rows=total + wide.seen, columns=columns,
                            keys=sketcher.sketches([c.field for c in columns]),
                            skipped=tuple(skips.listed), skipped_count=skips.count), *later]

    def _form(self, path: Path, body: Body, head: list[tuple[int, list[str]]], rows_read: Iterator[list[str]],
              names: list[str]) -> list[TableSample]:
        """A form (its first rows ``head``, on their lines), then the tables below a header that ends
        it (R15f-6, R15f-14: a 家庭成员 table, a 汇总名单), read as tables of their own."""
        return [self._form_part(body, path.name, head, rows_read), *self._later(body, rows_read, names)]

    def _form_part(self, body: Body, table: str, head: list[tuple[int, list[str]]],
                   rows_read: Iterator[list[str]]) -> TableSample:
        """The form whose first rows are ``head`` (on their lines) as the table ``table``; a header that
        ends it is ``body.next``, the rows after it read ahead given with it."""
        found: list[tuple[int, list[str]]] = []
        rows = Numbered(chain(head, ((body.width.last, row) for row in rows_read)))
        form = form_table(str(body.path), table, rows, self.sample, body.skips, has_value=has_value,
                          names_column=names_column, found=found, unit="line")
        body.next = None
        if found:
            line, row = found[0]
            # the head's rows after the header, or the row read ahead below it (R15g-9)
            rest = [(number, cells) for number, cells in head if number > line] or rows.held[::-1]
            body.next = (row[:max(i + 1 for i, cell in enumerate(row) if cell.strip())], line,
                         [cells for _, cells in rest], [number for number, _ in rest])
        return form

    def _later(self, body: Body, rows_read: Iterator[list[str]], names: list[str]) -> list[TableSample]:
        """The tables below a header of their own (files appended: R15e-5), each read with its header
        from the line after it; the first table's report says where each begins."""
        tables: list[TableSample] = []
        width = body.width
        while body.next is not None:
            header, line, data, lines = body.next
            table = f"{body.path.name} (line {line})"
            body.skips.note(f"a header of its own below the records (files appended?): the rows from this line "
                            f"read as the table {table!r}", line=line)
            skips = Skips(str(body.path))
            skips.blanked = body.skips.blanked  # the reader's too-long cells
            ahead = list(zip(lines, data, strict=True))
            ahead.extend((width.last, row) for row in islice(rows_read, max(0, FORM_AHEAD - len(ahead))))
            if is_form([header, *(row for _, row in ahead)], has_value, names_column):
                # the next form's first row of pairs (审批表 blocks down one file, each with its 家庭成员: R15g-8)
                body = Body(path=body.path, encoding=body.encoding, errors=body.errors, delimiter=body.delimiter,
                            header=[], skips=skips, tally=body.tally, width=width)
                tables.append(self._form_part(body, table, [(line, header), *ahead], rows_read))
                continue
            data, lines = [row for _, row in ahead], [number for number, _ in ahead]
            names[:] = header  # skip reports name the new table's columns
            width.restart(len(header))
            body = Body(path=body.path, encoding=body.encoding, errors=body.errors, delimiter=body.delimiter,
                        header=header, skips=skips, tally=body.tally, width=width, hits=column_hits(header),
                        has_value=has_value, names_column=names_column)
            sketcher = KeySketcher()
            rows, total = reservoir(sketcher.rows(body.rows(data, lines, rows_read)), self.sample)
            wider = width.reason(headed=True)
            if wider:
                skips.note(wider, line=width.first)
            columns = delimited_columns(str(body.path), width.names(header), rows, total, named=len(header),
                                        wide=WideRows(self.sample), skips=skips)
            tables.append(TableSample(dataset=str(body.path), table=table, rows=total, columns=columns,
                                      keys=sketcher.sketches([c.field for c in columns]),
                                      skipped=tuple(skips.listed), skipped_count=skips.count))
        return tables

    def _csv(self, path: Path) -> Iterator[TableSample]:
        return self._delimited(path, ",")

    def _tsv(self, path: Path) -> Iterator[TableSample]:
        return self._delimited(path, "\t")

    def _jsonl(self, path: Path) -> Iterator[TableSample]:
        yield from json_lines(path, self.sample, said=self._counted)  # its bytes as a CSV's (R15at-8)

    def _json(self, path: Path) -> Iterator[TableSample]:
        yield from json_document(path, self.sample)

    def _xlsx(self, path: Path) -> Iterator[TableSample]:
        return WorkbookReader(sample=self.sample, read_to=self._read_to, every=ROWS_SAID).tables(path)

    def _sqlite(self, path: Path) -> Iterator[TableSample]:
        from govsoc.classification.sources.sql import SqlSource

        yield from SqlSource(f"sqlite:///{path.resolve()}", sample=self.sample).tables()
