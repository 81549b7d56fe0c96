"""Which reader a file of a source takes, what a folder's files of other types are told, and how
many tables a file holds (stage: classification; a part of sources/files.py): suffixes and what to
do with the files left out are tables, as the style asks of formats."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Final

from govsoc.classification.sources.base import Skipped, TableSample
from govsoc.classification.sources.skips import LISTED
from govsoc.classification.sources.workbook_kinds import left_out_advice, sniffed_kind
from govsoc.classification.sources.workbook_sheets import sheet_count
from govsoc.core.errors import GovsocError, Location

__all__ = ["SUFFIXES", "LEFT_OUT", "OTHER", "left_out_table", "reader_of", "size", "table_count"]

#: suffix -> reader name
SUFFIXES: Final = {".csv": "csv", ".tsv": "tsv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json",
                   ".xlsx": "xlsx", ".db": "sqlite", ".sqlite": "sqlite", ".sqlite3": "sqlite"}
#: What to do with a file of a folder whose type is not read (suffix -> advice); others get OTHER.
LEFT_OUT: Final = {
    ".xls": "convert to .xlsx or .csv (Excel 97-2003 workbooks are not read)",
    ".et": "convert to .xlsx or .csv (WPS spreadsheets are not read)",
    ".xlsm": "save as .xlsx or .csv (macro-enabled workbooks are not read)",
    ".xlsb": "save as .xlsx or .csv (binary workbooks are not read)",
    ".ods": "save as .xlsx or .csv",
    ".txt": "rename to .csv or .tsv if it is delimited text, .jsonl if JSON lines",
    ".dbf": "export to .csv",
    ".mdb": "export each table to .csv",
    ".accdb": "export each table to .csv",
}
OTHER: Final = "not a table format read here (" + ", ".join(sorted(SUFFIXES)) + ")"


def left_out_table(folder: Path, paths: list[tuple[Path, str | None]]) -> TableSample:
    """One unreadable table for a folder's files of other types and its paths not read: each a skip
    with its advice or reason, all counted, the first LISTED of each type listed (a folder of scans
    does not hide its one .xls, nor its linked folder)."""
    listed: list[Skipped] = []
    per_type: dict[str, int] = {}
    for path, why in paths:
        suffix = path.suffix.lower() if why is None else why
        per_type[suffix] = per_type.get(suffix, 0) + 1
        if per_type[suffix] <= LISTED:
            reason = why or f"type {suffix or '(none)'} not classified: " \
                            f"{left_out_advice(path, LEFT_OUT.get(suffix, OTHER))}"
            listed.append(Skipped(location=Location(path=str(path)), reason=reason))
    return TableSample(dataset=str(folder), table=folder.name, rows=None, columns=(), readable=False,
                       skipped=tuple(listed), skipped_count=len(paths))


def reader_of(path: Path) -> str | None:
    """The reader of ``path``: its suffix's, or XLSX for an OOXML workbook under another workbook
    suffix (an XLSX renamed .xls, .et saved as OOXML, .xlsm: R15g-17); None for a file not read."""
    return SUFFIXES.get(path.suffix.lower()) or sniffed_kind(path)


def size(path: Path) -> int:
    """``path``'s size in bytes (0 when it cannot be read)."""
    try:
        return path.stat().st_size
    except OSError:
        return 0


def table_count(path: Path) -> int:
    """How many tables ``path`` holds: a workbook's sheets, a SQLite file's tables, else 1."""
    kind = reader_of(path)
    try:
        if kind == "xlsx":
            # the workbook part alone, a bounded read: openpyxl would read the shared strings too, and
            # check_archive inflates every part and sheet, which tables() does once when it reads them
            with zipfile.ZipFile(path) as book:
                return max(1, sheet_count(book))
        if kind == "sqlite":
            from govsoc.classification.sources.sql import SqlSource

            source = SqlSource(f"sqlite:///{path.resolve()}", sample=1)
            try:
                return source.count() or 0
            finally:
                source.close()
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, GovsocError):
        return 1  # tables() reports it as one unreadable table
    return 1
