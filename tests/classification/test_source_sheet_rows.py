"""What a sheet row is (issue 15 review R15f-20): openpyxl yields every row a style reaches (a 填报
template's borders drawn down to row 20,001, a bold font set on a column), each of empty cells; a
row whose cells are all empty (None or '') is no record, as a blank line of a CSV is none."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import Border, Font, Side

from govsoc.classification.sources import open_source
from tests.classification.test_sources import NAMES, PHONES, ids

PEOPLE = [[str(i + 1), NAMES[i % 8], number, PHONES[i % 40]] for i, number in enumerate(ids(60))]


def _styled(path: Path, style: str) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "花名册"
    sheet.append(["序号", "姓名", "身份证号", "联系电话"])
    for person in PEOPLE:
        sheet.append(person)
    if style == "borders":  # a template handed out with borders on A2:D2001
        thin = Side(style="thin")
        for row in sheet.iter_rows(min_row=2, max_row=2001, max_col=4):
            for cell in row:
                cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
    else:  # a bold font set on A70:A999 and one empty string at C1000
        for row in sheet.iter_rows(min_row=70, max_row=999, max_col=1):
            row[0].font = Font(bold=True)
        sheet["C1000"] = ""
    book.save(path)


@pytest.mark.parametrize("style", ["borders", "fonts"])
def test_empty_formatted_rows_are_no_records(tmp_path: Path, style: str) -> None:
    _styled(tmp_path / "tpl.xlsx", style)
    (table,) = open_source(str(tmp_path / "tpl.xlsx")).tables()
    assert table.rows == len(PEOPLE)  # was 2000 (borders) and 999 (fonts): the styled rows counted
    columns = {c.field: c.values for c in table.columns}
    assert columns["姓名"] == [person[1] for person in PEOPLE]


def test_blank_rows_and_a_label_between_stacked_tables_are_no_records(tmp_path: Path) -> None:
    """R15e's stacked2.xlsx (R15f-20): 20 people, two blank rows, 以下为新增人员, then a table of its
    own; the first table was rows=23 for 20. The label is the table below's title, and said."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["姓名", "身份证号", "备注"])
    for person in PEOPLE[:20]:
        sheet.append([person[1], person[2]])
    sheet.append([])
    sheet.append([None, None, None])
    sheet.append(["以下为新增人员"])
    sheet.append(["姓名", "联系电话", "银行卡号"])
    for i, person in enumerate(PEOPLE[20:40]):
        sheet.append([person[1], person[3], f"62284800000000{i:05d}"])
    book.save(tmp_path / "stacked.xlsx")
    tables = list(open_source(str(tmp_path / "stacked.xlsx")).tables())
    assert [(t.table, t.rows) for t in tables] == [("stacked.xlsx:Sheet", 20), ("stacked.xlsx:Sheet (row 25)", 20)]
    assert {c.field: c.values for c in tables[0].columns}["姓名"] == [person[1] for person in PEOPLE[:20]]
    (title,) = tables[1].skipped
    assert title.location.line == 24 and "read as a title" in title.reason
