"""登记表 cells holding a label and its value split by blanks (issue 15 review R15h-19): ``姓名 张三``,
``姓名　张三`` (a full-width space), ``姓名\\t张三`` (a tab), as a Word form pasted into a sheet or a
text export writes them. They were no form: read as a headerless table (or headed by 姓名\\t张三), the
name and the ID number were never tied, 一般数据（3级） where a name beside an ID number is 4级. They
are read as R15g-10's 姓名：张三 cells are, when the labels name known columns."""

from __future__ import annotations

from pathlib import Path

import openpyxl  # extra `classify`, which dev pulls in: missing, the tests fail, never skip
import pytest

from govsoc.classification.grading import load_scheme
from govsoc.classification.inventory import build_inventory
from govsoc.classification.sources import open_source
from tests.classification.test_source_form_tables import COLON_FIELDS, NUMBERS, PEOPLE
from tests.classification.test_sources import PHONES

ADDRESS = "北京市朝阳区建国路88号"
CARDS = [f"62220210010{i:08d}" for i in range(24)]


def _block(i: int, blank: str) -> list[list[str]]:
    """Person ``i``'s 登记表, each cell a label, ``blank`` and its value (R15g-10's colon form spaced)."""
    return [["个人信息登记表", "", ""], [f"姓名{blank}{PEOPLE[i]}", f"性别{blank}男", f"民族{blank}汉族"],
            [f"身份证号{blank}{NUMBERS[i]}", f"联系电话{blank}{PHONES[i]}", ""],
            [f"家庭住址{blank}{ADDRESS}", f"银行卡号{blank}{CARDS[i]}", ""], ["", "", ""]]


def _write(path: Path, rows: list[list[str]]) -> None:
    if path.suffix == ".xlsx":
        book = openpyxl.Workbook()
        for row in rows:
            book.active.append(row)
        book.save(path)
    else:  # a tab in a cell unquoted, as Python's csv module and Excel write it
        path.write_text("".join(",".join(row) + "\n" for row in rows), encoding="utf-8")


@pytest.mark.parametrize("blank", [
    " ",  # an ASCII space
    "\u3000",  # a full-width space (全角空格), as Chinese IMEs type it
    "\t",  # a tab, as a Word table's cells pasted into one cell
    "  ",  # two spaces, aligning labels of different lengths
])
@pytest.mark.parametrize("name, count", [("f.csv", 1), ("f.csv", 20), ("f.xlsx", 1)])
def test_label_blank_value_cells_are_a_form(tmp_path: Path, blank: str, name: str, count: int) -> None:
    _write(tmp_path / name, [row for i in range(count) for row in _block(i, blank)])
    source = open_source(str(tmp_path / name))
    (form,) = source.tables()
    assert form.rows == count and [c.field for c in form.columns] == COLON_FIELDS  # was column_1.. or 姓名\t张三
    values = {c.field: sorted(c.values) for c in form.columns}
    assert values["姓名"] == sorted(PEOPLE[:count]) and values["身份证号"] == sorted(NUMBERS[:count])
    inventory = build_inventory(open_source(str(tmp_path / name)).tables(), source=source.name,
                                scheme=load_scheme("gbt43697"), sample_size=1000)
    assert [t.level for t in inventory.tables] == ["G4"]  # was G3: the name and ID number not tied


@pytest.mark.parametrize("rows", [
    # a list of people, a name and a phone in each cell: 张伟 names no column, no form
    [[f"{PEOPLE[i]} {PHONES[i]}", f"{PEOPLE[i + 1]} {PHONES[i + 1]}"] for i in range(6)],
    # a roster whose addresses hold blanks: its header row is no label-blank-value cell
    [["姓名", "身份证号", "家庭住址"], *([PEOPLE[i], NUMBERS[i], "北京市 朝阳区 建国路88号"] for i in range(6))],
    # one cell a label and its value, the others places with blanks: 北京市, 城关镇 are no labels
    [[f"身份证号 {NUMBERS[i]}", "北京市 朝阳区", "城关镇 东街"] for i in range(6)],
])
def test_cells_with_blanks_that_are_no_labels_stay_a_table(tmp_path: Path, rows: list[list[str]]) -> None:
    _write(tmp_path / "t.csv", rows)
    (table,) = open_source(str(tmp_path / "t.csv")).tables()
    assert table.rows >= 6 and not any("a form (label cells" in s.reason for s in table.skipped)


@pytest.mark.parametrize("name", ["f.csv", "f.xlsx"])
def test_a_spaced_sign_off_line_stays_a_note_of_the_form(tmp_path: Path, name: str) -> None:
    # a 填表人/填表日期 line written as the pairs are, its labels a sign-off's: a note, as 填表人：王五 is
    # (read as two cells of pairs, 王五 a value, the whole file was no form)
    _write(tmp_path / name, [*_block(0, " "), ["填表人 王五", "填表日期 2024年1月31日", ""]])
    (form,) = open_source(str(tmp_path / name)).tables()
    assert form.rows == 1 and [c.field for c in form.columns] == COLON_FIELDS
