"""The sheets an XLSX workbook lists, read within a bound (stage: classification; a part of
sources/workbook.py).

ECMA-376 Part 1, 18.2.19-20: ``xl/workbook.xml`` lists each sheet (``<sheet name=... r:id=...>``) in
order; the workbook part's relationships (``xl/_rels/workbook.xml.rels``, Part 2, 9.3) give each id
its part (``worksheets/sheet1.xml``, relative to ``xl/``, or absolute from the package root). These
small parts are read here at most READ_BOUND bytes each, inflated a piece at a time: the progress
bar's count of tables (sources/files.py) and the progress by a sheet's bytes (sources/workbook.py)
need them, and neither should inflate a workbook's other parts (a zip bomb's, or a valid 200k-row
one's, which openpyxl's load and check_archive read anyway when the workbook is read).
"""

from __future__ import annotations

import html
import posixpath
import re
import zipfile
from typing import Final

__all__ = ["READ_BOUND", "sheet_count", "sheet_titles"]

#: The most bytes of the workbook part, or of its relationships, read (a workbook of 10,000 sheets
#: lists them in about 1 MiB).
READ_BOUND: Final = 4 << 20
_WORKBOOK: Final = "xl/workbook.xml"
_RELS: Final = "xl/_rels/workbook.xml.rels"
_SHEET: Final = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?sheet\b([^>]*)>")
_RELATIONSHIP: Final = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?Relationship\b([^>]*)>")


def _attribute(attributes: bytes, name: bytes) -> str | None:
    """The value of the attribute ``name`` (any prefix) in a tag's ``attributes``, unescaped."""
    found = re.search(rb"(?:^|\s)(?:[A-Za-z_][\w.-]*:)?" + name + rb"\s*=\s*(\"[^\"]*\"|'[^']*')", attributes)
    return html.unescape(found.group(1)[1:-1].decode("utf-8", "replace")) if found else None


def _head(book: zipfile.ZipFile, member: str) -> bytes:
    """At most READ_BOUND bytes of ``member``, b"" when it is missing or cannot be inflated."""
    try:
        with book.open(member) as part:
            return part.read(READ_BOUND)
    except (KeyError, OSError, RuntimeError, NotImplementedError, zipfile.BadZipFile, EOFError):
        return b""


def sheet_count(book: zipfile.ZipFile) -> int:
    """The number of sheets ``xl/workbook.xml`` lists (in its first READ_BOUND bytes); KeyError when
    the workbook has no such part."""
    book.getinfo(_WORKBOOK)
    return len(_SHEET.findall(_head(book, _WORKBOOK)))


def sheet_titles(book: zipfile.ZipFile) -> dict[str, str]:
    """Each sheet's title by the name of its part in the ZIP (``xl/worksheets/sheet1.xml``), for the
    sheets the workbook part and its relationships name; the others are left out."""
    targets: dict[str, str] = {}
    for match in _RELATIONSHIP.finditer(_head(book, _RELS)):
        rid, target = _attribute(match.group(1), b"Id"), _attribute(match.group(1), b"Target")
        if rid and target:
            part = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
            targets[rid] = posixpath.normpath(part)
    titles: dict[str, str] = {}
    for match in _SHEET.finditer(_head(book, _WORKBOOK)):
        name, rid = _attribute(match.group(1), b"name"), _attribute(match.group(1), b"id")
        if name is not None and rid in targets:
            titles[targets[rid]] = name
    return titles
