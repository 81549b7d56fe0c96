"""A table drawn sideways in two rows (R15j-14): 姓名 over 身份证号 down the first column, one or two
people across. Three field rows were needed to turn a table back (layout.KNOWN_NAMES), so the first
row was the header, a person's name a column name, and the ID number a value under it: 一般数据（1级）
for a name beside an ID number (4级)."""

from __future__ import annotations

from pathlib import Path

import pytest

from govsoc.classification.grading import load_scheme
from govsoc.classification.inventory import TableRecord, build_inventory
from govsoc.classification.sources import open_source
from tests.classification.test_source_footers import _csv, _xlsx
from tests.classification.test_sources import NAMES, PHONES, ids

PEOPLE = ids(2)


def scan(path: Path) -> TableRecord:
    source = open_source(str(path))
    (table,) = build_inventory(source.tables(), source=source.name, scheme=load_scheme("gbt43697"),
                               sample_size=1000).tables
    return table


@pytest.mark.parametrize("rows", [
    # one person across (the finding's two-row case): a label and its value per row
    [["姓名", NAMES[1]], ["身份证号", PEOPLE[0]]],
    # two people across
    [["姓名", NAMES[1], NAMES[2]], ["身份证号", *PEOPLE]],
    # the ID row first, the name second
    [["公民身份号码", *PEOPLE], ["姓名", NAMES[1], NAMES[2]]],
])
@pytest.mark.parametrize("name, write", [("s.csv", _csv), ("s.xlsx", _xlsx)])
def test_two_field_rows_are_read_turned_back(tmp_path: Path, rows: list[list[str]], name: str,
                                             write: object) -> None:
    write(tmp_path / name, rows)  # type: ignore[operator]
    table = scan(tmp_path / name)
    assert table.rows == len(rows[0]) - 1
    kinds = {f.field: f.recognizer for f in table.fields}
    ident = next(row[0] for row in rows if "号" in row[0])
    assert kinds.get("姓名") == "cn_person_name" and kinds.get(ident) == "cn_resident_id"
    assert table.level == "G4" and "身份证件号码与姓名同表" in table.basis


@pytest.mark.parametrize("rows, header", [
    # an ordinary table: its header over one record (姓名 over 张三, no second column name down)
    ([["姓名", "身份证号"], [NAMES[1], PEOPLE[0]]], ["姓名", "身份证号"]),
    # a 数据字典 of two fields: field names down the first column, types across, no data taken
    ([["姓名", "varchar(50)"], ["身份证号", "char(18)"]], ["姓名", "varchar(50)"]),
    # two rows of field names and a value none of its recognizers takes: not turned
    ([["姓名", "待填"], ["联系电话", "待填"]], ["姓名", "待填"]),
])
def test_two_rows_that_are_no_sideways_table_are_read_as_they_are(
        tmp_path: Path, rows: list[list[str]], header: list[str]) -> None:
    _csv(tmp_path / "t.csv", rows)
    (table,) = open_source(str(tmp_path / "t.csv")).tables()
    assert [c.field for c in table.columns] == header
    assert not any("sideways" in s.reason for s in table.skipped)


def test_three_field_rows_read_as_before(tmp_path: Path) -> None:
    # a guard: the three-row case was turned before too (R15g-11)
    _csv(tmp_path / "s.csv", [["姓名", NAMES[1], NAMES[2]], ["身份证号", *PEOPLE], ["联系电话", *PHONES[:2]]])
    assert scan(tmp_path / "s.csv").rows == 2
