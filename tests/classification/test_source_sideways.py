"""A table drawn sideways (issue 15 review R15g-11, the brief's R15g-7): a field per row, its name in
the first cell, a person per column (a roster pasted transposed; a 申请表's 家庭成员 part as often
drawn: 称谓,户主,配偶,长子). Read by rows it lost every ID number (12 people with ID numbers and
mobiles were 一般数据（1级）, the names column names). A short text whose first column names known
columns (姓名, 身份证号, 联系电话) and whose other cells name none is read turned back: each column a
record, said once."""

from __future__ import annotations

from pathlib import Path

import pytest

from govsoc.classification.grading import load_scheme
from govsoc.classification.inventory import build_inventory
from govsoc.classification.sources import open_source
from tests.classification.test_source_footers import _csv, _xlsx
from tests.classification.test_sources import NAMES, PHONES, ids

PEOPLE = ids(12)
FIELDS = [["姓名", *(NAMES[i % 8] for i in range(12))], ["身份证号", *PEOPLE], ["联系电话", *PHONES[:12]]]


@pytest.mark.parametrize("first", [
    [["序号", *(str(i + 1) for i in range(12))]],  # f/transposed_seq.csv
    [],  # f/transposed.csv
    [["称谓", "户主", "配偶", "长子", "长女", "次子", "次女", "孙子", "孙女", "父亲", "母亲", "其他", "其他"]],
])
@pytest.mark.parametrize("name, write", [("s.csv", _csv), ("s.xlsx", _xlsx)])
def test_a_table_drawn_sideways_is_read_by_its_rows(tmp_path: Path, first: list[list[str]], name: str,
                                                    write: object) -> None:
    write(tmp_path / name, [*first, *FIELDS])  # type: ignore[operator]
    (table,) = open_source(str(tmp_path / name)).tables()
    assert table.rows == 12  # was 3 or 4: the fields read as records
    columns = {c.field: c.values for c in table.columns}
    assert columns["身份证号"] == PEOPLE and columns["姓名"] == FIELDS[0][1:]
    assert any("sideways" in s.reason and s.note for s in table.skipped)


def test_a_family_part_drawn_sideways_is_read_by_its_rows(tmp_path: Path) -> None:
    # f/family_sideways.csv: 称谓 (户主 names a column) and 健康状况 (残疾 too) rows among the fields
    _csv(tmp_path / "f.csv", [["称谓", "户主", "配偶", "长子", "长女"], *(row[:5] for row in FIELDS),
                              ["健康状况", "健康", "高血压", "健康", "残疾"]])
    (table,) = open_source(str(tmp_path / "f.csv")).tables()
    assert table.rows == 4  # was 3 (户主, 配偶 ... fields) and a table of 0 rows named 健康状况, 残疾
    columns = {c.field: c.values for c in table.columns}
    assert columns["身份证号"] == PEOPLE[:4] and columns["称谓"] == ["户主", "配偶", "长子", "长女"]


def test_a_form_of_label_value_pairs_is_no_sideways_table(tmp_path: Path) -> None:
    # the contrast: labels in the first and third columns are a 登记表, read as before (one record)
    _csv(tmp_path / "f.csv", [["姓名", NAMES[0], "性别", "男"], ["身份证号", PEOPLE[0], "联系电话", PHONES[0]],
                              ["家庭住址", "北京市朝阳区建国路88号", "民族", "汉族"]])
    (table,) = open_source(str(tmp_path / "f.csv")).tables()
    assert not any("sideways" in s.reason for s in table.skipped)


def test_a_form_over_its_members_table_is_no_sideways_table(tmp_path: Path) -> None:
    # R15g's f/form_members_gap.csv: a 审批表's pairs (labels in the first and fourth columns), then a
    # 家庭成员 header and its members, their names first: read as before, never turned
    rows = [["低保申请审批表", "", "", "", ""], ["申请人姓名", NAMES[0], "", "性别", "男"],
            ["身份证号", PEOPLE[0], "", "联系电话", PHONES[0]],
            ["家庭住址", "北京市朝阳区建国路88号", "", "民族", "汉族"],
            ["家庭成员情况", "", "", "", ""], ["姓名", "", "与申请人关系", "身份证号", "健康状况"],
            *([NAMES[i], "", "子女", PEOPLE[i], "健康"] for i in range(1, 5))]
    _csv(tmp_path / "g.csv", rows)
    assert not any("sideways" in s.reason for t in open_source(str(tmp_path / "g.csv")).tables() for s in t.skipped)


#: R15h-3: short ordinary tables whose first column is a value (a role; a state), not a field name
FIRSTS = {
    "enterprise": ("角色", ["法定代表人", "联系人", "经办人"]),  # 企业登记: who signs, who is called, who filed it
    "insurance": ("角色", ["投保人", "被保险人", "受益人"]),  # 保单: the policy's parties
    # no role: 残疾 names a known column (健康状况's), the header row past its first cell says it is one
    "disability": ("人员类别", ["残疾", "残疾", "残疾"]),
}


@pytest.mark.parametrize("first", FIRSTS.values(), ids=FIRSTS.keys())
@pytest.mark.parametrize("name, write", [("r.csv", _csv), ("r.xlsx", _xlsx)])
def test_a_table_of_values_in_its_first_column_is_no_sideways_table(tmp_path: Path, first: tuple[str, list[str]],
                                                                     name: str, write: object) -> None:
    # its header row names 姓名, 身份证号码, 手机号码: each row a person, the first cell one of its values
    heading, values = first
    rows = [[heading, "姓名", "身份证号码", "手机号码"],
            *([value, NAMES[i], PEOPLE[i], PHONES[i]] for i, value in enumerate(values))]
    write(tmp_path / name, rows)  # type: ignore[operator]
    source = open_source(str(tmp_path / name))
    (table,) = source.tables()
    assert not any("sideways" in s.reason for s in table.skipped)
    columns = {c.field: c.values for c in table.columns}
    assert table.rows == 3 and columns["身份证号码"] == PEOPLE[:3] and columns[heading] == values
    inventory = build_inventory(open_source(str(tmp_path / name)).tables(), source=source.name,
                                scheme=load_scheme("gbt43697"), sample_size=1000)
    assert inventory.tables[0].level == "G4"  # was G3: turned, the names and ID numbers lost


def test_rows_opening_with_roles_and_no_header_are_no_sideways_table(tmp_path: Path) -> None:
    # R15h-3 without its header row: 法定代表人, 联系人, 经办人 name no field; each row is a record
    roles = FIRSTS["enterprise"][1]
    _csv(tmp_path / "r.csv", [[role, NAMES[i], PEOPLE[i], PHONES[i]] for i, role in enumerate(roles)])
    (table,) = open_source(str(tmp_path / "r.csv")).tables()
    assert not any("sideways" in s.reason for s in table.skipped)
    assert table.rows == 3 and [c.values for c in table.columns][2] == PEOPLE[:3]  # was the roles' columns
