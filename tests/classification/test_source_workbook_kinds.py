"""Workbooks under a suffix not read (issue 15 review R15g-17): an XLSX renamed .xls, WPS's .et saved
as OOXML and a macro-enabled .xlsm were skipped by their suffix ("convert to .xlsx or .csv (Excel
97-2003 workbooks are not read)"): a folder of such rosters was "0 tables … highest 一般数据（1级）".
An OOXML workbook is read as XLSX whatever its name; an HTML table or XML Spreadsheet 2003 saved
as .xls is still left out, with advice that says what it is."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from tests.classification.test_source_charsets import _inventory
from tests.classification.test_sources import EXPECTED, ROWS

HTML = ("<html><head><meta charset=\"utf-8\"></head><body><table><tr><td>xm</td><td>sfzh</td></tr>"
        + "".join(f"<tr><td>{r[0]}</td><td>{r[1]}</td></tr>" for r in ROWS) + "</table></body></html>")
XML2003 = ('<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n'
           '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
           'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="Sheet1"><Table>'
           + "".join(f"<Row><Cell><Data ss:Type=\"String\">{r[0]}</Data></Cell></Row>" for r in ROWS)
           + "</Table></Worksheet></Workbook>")


def _roster(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "名单"
    sheet.append(["xm", "sfzh", "sjhm", "sku"])
    for row in ROWS:
        sheet.append(list(row))
    book.save(path)
    return path


@pytest.mark.parametrize("name", ["renamed.xls", "wps.et", "macro.xlsm"])
def test_an_ooxml_workbook_under_another_suffix_is_read(name: str, tmp_path: Path) -> None:
    shutil.copy(_roster(tmp_path / "roster.xlsx"), tmp_path / name)
    (tmp_path / "roster.xlsx").unlink()
    inventory = _inventory(tmp_path / name)  # was: ConfigError "type .xls not classified: convert …"
    (table,) = inventory.tables
    assert table.table == f"{name}:名单" and table.rows == 40
    assert {f.field: f.recognizer for f in table.fields if f.status == "tagged"} == EXPECTED
    assert table.level == "G4"


@pytest.mark.parametrize("content, advice", [
    (HTML, "type .xls not classified: an HTML table"),  # a web page's "export to Excel"
    (XML2003, "type .xls not classified: an XML Spreadsheet 2003"),
])
def test_a_text_workbook_under_xls_is_left_out_with_what_it_is(content: str, advice: str, tmp_path: Path) -> None:
    (tmp_path / "export.xls").write_text(content, encoding="utf-8")
    _roster(tmp_path / "ok.xlsx")
    inventory = _inventory(tmp_path)
    assert [t.table for t in inventory.tables] == ["ok.xlsx:名单"]
    (skipped,) = inventory.skipped
    assert skipped.reason.startswith(advice) and "Excel 97-2003 workbooks are not read" not in skipped.reason
