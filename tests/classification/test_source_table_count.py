"""The progress bar's count of an XLSX's tables reads the workbook part alone, a bounded read (issue 15:
FileSource.count() ran check_archive, which inflates every XML part and sheet, and tables() ran it
again: a 200,000-row workbook's parts were inflated twice before a row was read)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from govsoc.classification.sources.files import FileSource
from tests.classification.test_source_workbook_bounds import NUMBERS, PARTS, SHEET

NS = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _sheet(rows: bytes) -> bytes:
    return b'<?xml version="1.0"?><worksheet xmlns="%s"><sheetData>%s</sheetData></worksheet>' % (NS, rows)


def _ids() -> bytes:
    """A header sfzh and the 40 ID numbers, a row each."""
    return b"".join(b'<row r="%d"><c t="inlineStr"><is><t>%s</t></is></c></row>' % (n, v.encode())
                    for n, v in enumerate(["sfzh", *NUMBERS], 1))

SHEETS = ('<?xml version="1.0"?><x:workbook xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
          'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><x:sheets>'
          '<x:sheet name="A" sheetId="1" r:id="rId1"/><x:sheet name="B" sheetId="2" r:id="rId2"/>'
          '<x:sheet name="C" sheetId="3" r:id="rId3"/></x:sheets></x:workbook>')


def _book(path: Path, workbook: str | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for name, text in PARTS.items():
            book.writestr(name, workbook if workbook and name == "xl/workbook.xml" else text)
        book.writestr(SHEET, _sheet(_ids()))
    return path


def test_the_count_inflates_the_workbook_part_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _book(tmp_path / "b.xlsx")
    opened: list[str] = []
    real = zipfile.ZipFile.open

    def recording(self: zipfile.ZipFile, name: str | zipfile.ZipInfo, *args: object, **kwargs: object) -> object:
        opened.append(name if isinstance(name, str) else name.filename)
        return real(self, name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(zipfile.ZipFile, "open", recording)
    assert FileSource(path, sample=100).count() == 1
    assert opened == ["xl/workbook.xml"]  # was: [Content_Types].xml, the rels, the workbook, ... (twice)


def test_the_count_is_the_sheets_the_workbook_lists(tmp_path: Path) -> None:
    # a namespace prefix on the workbook's tags, as some writers use
    assert FileSource(_book(tmp_path / "b.xlsx", SHEETS), sample=100).count() == 3
