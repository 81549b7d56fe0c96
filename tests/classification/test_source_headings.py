"""Headings below the records (issue 15 review R15f-8, R15f-24): a second table appended below the
first is one of its own when its header names known columns, whatever its first cell (name, 户主,
月份); a row of a post no one holds (财务部门,负责人,,,), filling fewer cells than the records around
it, is a record, not a header."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest

from govsoc.classification.sources import open_source
from govsoc.classification.sources.base import TableSample
from tests.classification.test_sources import NAMES, PHONES, ids

PAID = [[str(i), "100", "无"] for i in range(60)]
PEOPLE = [[NAMES[i % 8], number, PHONES[i % 40]] for i, number in enumerate(ids(60))]
CARDS = [[f"2024-{i % 12 + 1:02d}", "560.00", f"62284800000000{i:05d}"] for i in range(60)]


def _write(path: Path, rows: list[list[str]]) -> list[TableSample]:
    if path.suffix == ".csv":
        with path.open("w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows(rows)
    else:
        book = openpyxl.Workbook()
        for row in rows:
            book.active.append(row)
        book.save(path)
    return list(open_source(str(path)).tables())


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize("upper, lower", [
    # cat of a Chinese and an English export: `name` is no HEADING_ENDS word nor the first's name
    ([["序号", "金额", "备注"], *PAID], [["name", "id_card", "mobile"], *PEOPLE]),
    # 户主 likewise
    ([["序号", "发放金额", "备注"], *PAID], [["户主", "身份证号码", "手机"], *PEOPLE]),
    # a roster, then payments headed 月份 (no known column, no HEADING_ENDS word)
    ([["姓名", "身份证号", "联系电话"], *PEOPLE], [["月份", "发放金额", "银行卡号"], *CARDS]),
])
def test_a_second_table_whose_first_heading_is_no_known_word_is_its_own(
        tmp_path: Path, suffix: str, upper: list[list[str]], lower: list[list[str]]) -> None:
    """R15f-8: the header below was read as a record and its table as the first's: rows=121, the
    names under 序号 never tagged (4级 -> 3级)."""
    tables = _write(tmp_path / f"cat{suffix}", upper + lower)
    assert [t.rows for t in tables] == [60, 60]
    second = {c.field: c.values for c in tables[1].columns}
    assert second[lower[0][0]] == [row[0] for row in lower[1:]]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize("at", [5, 45])  # within the head's 40 rows, in the body's one pass
def test_a_post_no_one_holds_is_a_record_not_a_header(tmp_path: Path, suffix: str, at: int) -> None:
    """R15f-24: `财务部门,负责人,,,` was "a header of its own below the records": the roster split,
    the names below it column_3, never tagged (4级 -> 3级 for that part)."""
    rows = [["部门", "职务", "姓名", "身份证号", "联系电话"], *(["综合科", "科员", *person] for person in PEOPLE)]
    rows.insert(at + 1, ["财务部门", "负责人", "", "", ""])
    tables = _write(tmp_path / f"vacancy{suffix}", rows)
    assert [(t.table.split(":")[0], t.rows) for t in tables] == [(f"vacancy{suffix}", 61)]
    columns = {c.field: c.values for c in tables[0].columns}
    assert columns["姓名"] == [person[0] for person in PEOPLE]


@pytest.mark.parametrize("upper", [
    [["序号", "发放金额", "备注"], *([str(i + 1), "560.00", "无"] for i in range(12))],  # no known column named
    [["村组", "户数", "人数"], *([f"{i + 1}组", "38", "94"] for i in range(12))],
])
def test_a_small_table_above_a_roster_is_a_table_not_a_title(tmp_path: Path, upper: list[list[str]]) -> None:
    """R15f-33: the roster's header (three known columns) won whatever the rows above it held, and
    a table of 12 records above it, its header naming no known column, was "read as a title"."""
    tables = _write(tmp_path / "small.csv", [*upper, ["姓名", "身份证号", "联系电话"], *PEOPLE])
    assert [t.rows for t in tables] == [12, 60]
    assert {c.field: c.values for c in tables[0].columns}[upper[0][1]] == [row[1] for row in upper[1:]]
    assert {c.field: c.values for c in tables[1].columns}["姓名"] == [person[0] for person in PEOPLE]
