"""Forms as templates draw them (issue 15 review R15f): value cells merged over two columns (openpyxl
and a WPS CSV export give the range's other cells as empty), a second cell on the title row, a
sign-off row, an empty margin column (R15f-4); a value that is a column word (与户主关系 = 户主:
R15f-5); a form followed by a table on one sheet (低保申请审批表 and its 家庭成员, 登记表 blocks and a
汇总名单: R15f-6, R15f-14); a 干部任免审批表 (R15f-1); and a 数据字典 that is no form (R15f-34). Each was
read as a table whose header was the first row of pairs: the ID number and bank card in no field,
3级 or 1级 for a file of people's data."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from govsoc.classification.checksums import luhn_ok
from tests.classification.test_source_json import NUMBERS, _scan
from tests.classification.test_sources import PHONES

openpyxl = pytest.importorskip("openpyxl")

PEOPLE = [s + g for g in ("伟", "芳", "秀英", "建国") for s in "王李张刘陈"]  # 20 names, 2 and 3 characters
CARDS = [next(f"622848{i:012d}{d}" for d in "0123456789" if luhn_ok(f"622848{i:012d}{d}")) for i in range(20)]
ADDRESSES = ["北京市朝阳区建国路88号3栋201", "浙江省杭州市西湖区文三路100号"]
FORM = {"姓名": "cn_person_name", "身份证号": "cn_resident_id", "联系电话": "cn_mobile",
        "家庭住址": "cn_address", "银行卡号": "cn_bank_card"}
Rows = list[list[str | None]]


def _pairs(i: int, gap: int = 0, margin: int = 0) -> Rows:
    """Person ``i``'s rows of pairs, each value followed by ``gap`` empty cells (merged over them),
    after ``margin`` empty cells."""
    def spread(*cells: str) -> list[str | None]:
        out: list[str | None] = [None] * margin
        for label, value in zip(cells[::2], cells[1::2], strict=True):
            out += [label, value] + [None] * gap
        return out
    return [spread("姓名", PEOPLE[i], "性别", "男"), spread("身份证号", NUMBERS[i], "联系电话", PHONES[i]),
            spread("家庭住址", ADDRESSES[i % 2], "银行卡号", CARDS[i])]


def _merged(book: object, sheet: object, rows: Rows, gap: int, margin: int) -> None:
    """Merge each value cell over the ``gap`` cells after it, as the template does."""
    for number, row in enumerate(rows, 1):
        for at, cell in enumerate(row):
            if gap and cell is not None and at > margin and row[at - 1] is not None and (at - margin) % (2 + gap) == 1:
                sheet.merge_cells(start_row=number, start_column=at + 1, end_row=number,  # type: ignore[attr-defined]
                                  end_column=at + 1 + gap)


def _book(path: Path, sheets: dict[str, Rows], *, gap: int = 0, margin: int = 0) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        _merged(book, sheet, rows, gap, margin)
    book.save(path)
    return path


def _tagged(table: object) -> dict[str, str | None]:
    return {f.field: f.recognizer for f in table.fields if f.status == "tagged"}  # type: ignore[attr-defined]


LAYOUTS: dict[str, Callable[[int], Rows]] = {
    # the value cells merged over two columns: 姓名,<name>,'',性别,男,''
    "merged": lambda i: [["个人信息采集表"], *_pairs(i, gap=1)],
    # a second cell on the title row
    "title2": lambda i: [["个人信息采集表", None, None, "编号：2024001"], *_pairs(i)],
    # a sign-off row below the pairs
    "signoff": lambda i: [["个人信息采集表"], *_pairs(i), ["填表人：王五", None, None, "填表日期：2024-01-31"]],
    # drawn from column B, column A an empty margin, the values merged too
    "margin": lambda i: [[None, "个人信息采集表"], *_pairs(i, gap=1, margin=1)],
}


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_a_template_form_per_sheet_is_a_form(tmp_path: Path, layout: str) -> None:
    # R15f-4: each sheet rows=2 一般数据（3级）, fields 黄** and 男, the ID number and card in none
    gap, margin = (1, 1) if layout == "margin" else (1 if layout == "merged" else 0, 0)
    path = _book(tmp_path / f"{layout}.xlsx", {f"表{i + 1}": LAYOUTS[layout](i) for i in range(3)}, gap=gap,
                 margin=margin)
    inventory = _scan(path)
    assert len(inventory.tables) == 3
    for table in inventory.tables:
        assert table.rows == 1 and table.level == "G4"
        assert _tagged(table) == FORM


def test_a_csv_of_forms_with_gaps_is_a_record_per_form(tmp_path: Path) -> None:
    # R15f-4, f/form_gaps.csv: a WPS export of merged cells, 20 people: rows=78, fields 杨** and 男
    lines = [line for i in range(20) for line in (
        "个人信息采集表,,,,,", f"姓名,{PEOPLE[i]},,性别,男,", f"身份证号,{NUMBERS[i]},,联系电话,{PHONES[i]},",
        f"家庭住址,{ADDRESSES[i % 2]},,银行卡号,{CARDS[i]},")]
    (tmp_path / "gaps.csv").write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    (table,) = _scan(tmp_path / "gaps.csv").tables
    assert table.rows == 20 and table.level == "G4"
    assert _tagged(table) == FORM
