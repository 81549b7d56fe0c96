"""What a workbook under a suffix the reader does not take holds (stage: classification; a part of
sources/files.py).

A suffix is no format: a 政务 system's "导出Excel" writes an HTML table or an XML Spreadsheet 2003
and names it .xls; an XLSX is renamed .xls so that an old system accepts it; WPS saves .et as OOXML
when asked; a macro-enabled workbook (.xlsm) is OOXML with a macro part (ECMA-376 Part 2, Open
Packaging Conventions: a ZIP holding ``[Content_Types].xml``). Refused by suffix, a folder of such
rosters was "0 tables … highest 一般数据（1级）" and the advice "convert: Excel 97-2003 workbooks are not
read" was wrong for them (R15g-17). :func:`sniffed_kind` reads an OOXML workbook under any of
SNIFFED as XLSX; :func:`left_out_advice` says what the others hold.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Final

__all__ = ["SNIFFED", "left_out_advice", "sniffed_kind", "workbook_file"]

#: Workbook suffixes whose content is looked at before the file is left out.
SNIFFED: Final = frozenset({".xls", ".xlsm", ".et", ".ett", ".xlt", ".xltx", ".xltm"})
#: Suffixes openpyxl opens by path (it refuses any other name, whatever the content).
_BY_PATH: Final = frozenset({".xlsx", ".xlsm", ".xltx", ".xltm"})
#: Bytes of the head that tell a text format.
_HEAD: Final = 4096
#: (marker in the head, lower-cased; what the file is) for the text formats saved under a workbook suffix.
_TEXT_KINDS: Final = (
    (b"urn:schemas-microsoft-com:office:spreadsheet",
     "an XML Spreadsheet 2003 (not an Excel 97-2003 workbook): open it in Excel or WPS and save as .xlsx or .csv"),
    (b"<html", "an HTML table (a web page's \"export to Excel\"), not an Excel 97-2003 workbook: open it in Excel "
               "or WPS and save as .xlsx or .csv"),
    (b"<table", "an HTML table (a web page's \"export to Excel\"), not an Excel 97-2003 workbook: open it in Excel "
                "or WPS and save as .xlsx or .csv"),
)


def sniffed_kind(path: Path) -> str | None:
    """"xlsx" when ``path``, under one of SNIFFED, is an OOXML workbook (a ZIP holding
    ``[Content_Types].xml`` and ``xl/workbook.xml``), else None."""
    if path.suffix.lower() not in SNIFFED:
        return None
    try:
        if not zipfile.is_zipfile(path):
            return None
        with zipfile.ZipFile(path) as book:
            names = set(book.namelist())
    except (OSError, zipfile.BadZipFile):
        return None
    return "xlsx" if {"[Content_Types].xml", "xl/workbook.xml"} <= names else None


def left_out_advice(path: Path, default: str) -> str:
    """What to do with ``path``, a file not read: what its head shows it is, when it is a text format
    saved under a workbook suffix; else ``default`` (the advice for its suffix)."""
    if path.suffix.lower() not in SNIFFED:
        return default
    try:
        with path.open("rb") as raw:
            head = raw.read(_HEAD).lower()
    except OSError:
        return default
    return next((advice for marker, advice in _TEXT_KINDS if marker in head), default)


def workbook_file(path: Path) -> Path | io.BytesIO:
    """What to give openpyxl for the OOXML workbook at ``path``: the path under a suffix it opens by
    name, else the file's bytes (an XLSX named .xls or .et)."""
    return path if path.suffix.lower() in _BY_PATH else io.BytesIO(path.read_bytes())
