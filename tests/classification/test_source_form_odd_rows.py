"""A 登记表 whose rows are not all strict pairs (R15g-8): a 家庭成员 header with a merged 姓名 cell, a
label over 16 characters, a row with a second phone, a row of neither. Each made the whole sheet "no
form": read as a table under its first row of pairs, the applicant's ID number and bank card in no
field, 3级 where 4级. One odd row does not undo the form, and the family table below it stays a table."""

from __future__ import annotations

from pathlib import Path

import openpyxl  # extra `classify`, which dev pulls in: missing, the tests fail, never skip
import pytest

from govsoc.classification.inventory import TableRecord
from tests.classification.test_source_form_layouts import ADDRESSES, CARDS, PEOPLE
from tests.classification.test_source_json import NUMBERS, _scan
from tests.classification.test_sources import PHONES

APPLICANT = {"姓名": "cn_person_name", "身份证号": "cn_resident_id", "银行卡号": "cn_bank_card"}
LONG = "申请人家庭上年度人均可支配月收入（元）"  # 19 characters, names a column (收入)


def _form(odd: str) -> list[list[str]]:
    """A 低保 登记表 with the ``odd`` row of the finding, then its 家庭成员 table (names, no ID numbers:
    the sheet's 4级 is the applicant's)."""
    income = [LONG if odd == "long" else "人均月收入", "1200", "申请类别", "低保"]
    phone = ["联系电话", PHONES[0], *([PHONES[1]] if odd == "phone2" else [])]
    rows = [["城乡居民最低生活保障申请登记表"], ["姓名", PEOPLE[0], "性别", "男", "民族", "汉族"],
            ["身份证号", NUMBERS[0], "出生日期", "1980-03-12", *phone],
            ["家庭住址", ADDRESSES[1], "银行卡号", CARDS[0], "开户银行", "中国农业银行"], income]
    if odd == "count":
        rows.append(["家庭人口", "3", "人", "其中劳动力", "2", "人"])
    gap = [""] if odd == "merged" else []
    rows += [["家庭成员"], ["称谓", "姓名", *gap, "年龄", "工作单位"],
             ["妻子", PEOPLE[5], *gap, "45", "某公司职员"], ["儿子", PEOPLE[10], *gap, "20", "某大学学生"]]
    return rows


def _write(path: Path, rows: list[list[str]], odd: str) -> Path:
    if path.suffix == ".csv":
        path.write_text("\n".join(",".join(row) for row in rows) + "\n", encoding="utf-8-sig")
        return path
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "登记表"
    for row in rows:
        sheet.append([cell or None for cell in row])
    if odd == "merged":  # 姓名 over columns B:C in the header and the rows under it
        for number in range(len(rows) - 2, len(rows) + 1):
            sheet.merge_cells(start_row=number, start_column=2, end_row=number, end_column=3)
    book.save(path)
    return path


def _tagged(table: TableRecord) -> dict[str, str | None]:
    return {f.field: f.recognizer for f in table.fields if f.status == "tagged"}


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize("odd, more", [
    # the 家庭成员 header's 姓名 merged over two columns: the header was no header (not side by side),
    # its rows pairs up to 45, the form none: rows=7 3级
    ("merged", {}),
    # a label of 19 characters was no label (16 at most): rows=4 3级, fields named by the values
    ("long", {LONG: "cn_property"}),
    # 联系电话,<mobile>,<mobile>: the second phone no label, the row no pairs: rows=4 3级
    ("phone2", {"联系电话": "cn_mobile", "联系电话#2": "cn_mobile"}),
    # a row of neither (a count, its unit, a count): one odd row, said and counted, not the form undone
    ("count", {}),
])
def test_a_form_with_one_odd_row_is_still_a_form(tmp_path: Path, suffix: str, odd: str,
                                                 more: dict[str, str]) -> None:
    inventory = _scan(_write(tmp_path / f"form{suffix}", _form(odd), odd))
    form, family = inventory.tables
    assert form.rows == 1 and form.level == "G4"  # 身份证件号码与姓名同表
    assert {**APPLICANT, **more}.items() <= _tagged(form).items()
    assert family.rows == 2 and _tagged(family)["姓名"] == "cn_person_name"
    left = [s for s in inventory.skipped if not s.note]
    assert len(left) == (odd == "count") and inventory.skipped_count == len(left)  # the odd row said, counted


@pytest.mark.parametrize("rows", [
    # a row of labels with blank values (a template not filled in) is no header, though its labels
    # are apart by one cell as a merged header's are: the form reads on below it
    [["姓名", PEOPLE[1], "性别", "男"], ["曾用名", "", "民族", "", "籍贯", ""],
     ["身份证号", NUMBERS[1], "联系电话", PHONES[1]], ["家庭住址", ADDRESSES[0], "银行卡号", CARDS[1]]],
])
def test_a_row_of_blank_values_does_not_end_the_form(tmp_path: Path, rows: list[list[str]]) -> None:
    (form,) = _scan(_write(tmp_path / "blank.csv", rows, "")).tables
    assert form.rows == 1 and form.level == "G4" and APPLICANT.items() <= _tagged(form).items()


def test_a_table_with_odd_rows_is_no_form(tmp_path: Path) -> None:
    # more odd rows than rows of pairs: a headerless list, not a form (odd rows are tolerated one by one)
    rows = [["姓名", PEOPLE[2], "性别", "女"]] + [[str(n), PEOPLE[n], NUMBERS[n], PHONES[n]] for n in range(3, 8)]
    (table,) = _scan(_write(tmp_path / "list.csv", rows, "")).tables
    assert table.rows != 1
