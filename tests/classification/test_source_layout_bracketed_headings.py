"""Headings carrying a fill-in instruction in brackets under a 填报 line of bare values (review
R15n-19): 身份证号码（18位，末位X大写）, 联系电话（手机，座机均可）, 姓名（必填！）, or a heading ending in ；
are a government template's, no sentence of a record's note (R15k-20). Read as free text, they named
no column, the 填报 line above won, and the roster was read headerless: 姓名 untagged, 4级 -> 3级."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest

from govsoc.classification.grading import load_scheme
from govsoc.classification.inventory import build_inventory
from govsoc.classification.sources import open_source
from tests.classification.test_sources import ids

NAMES = ["王桂兰", "李秀英", "张建国", "刘志强", "陈丽", "杨敏", "赵建军", "周海涛", "孙志强", "吴静", "徐伟", "黄国平"]
#: a 填报 line of bare values (unit, filler, phone, date: R15e-6), alone or under a title
FILL = ["某乡民政办", "张三", "13812345678", "2024-01-31"]
TITLE = ["某村2024年低保对象花名册", "", "", ""]


def _rows(head: list[str], above: list[list[str]]) -> list[list[str]]:
    return [*above, head, *([NAMES[i % 12], n, f"139{i:08d}", "无"] for i, n in enumerate(ids(30)))]


def _write(path: Path, rows: list[list[str]]) -> None:
    if path.suffix == ".xlsx":
        book = openpyxl.Workbook()
        sheet = book.active
        assert sheet is not None
        for row in rows:
            sheet.append(row)
        book.save(path)
        return
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize("above", [[FILL], [TITLE, FILL]], ids=["fill", "title+fill"])
@pytest.mark.parametrize("head", [
    # R15n-19: two headings with a full-width comma inside their brackets
    ["姓名", "身份证号码（18位，末位X大写）", "联系电话（手机，座机均可）", "备注"],
    # one of them only
    ["姓名", "身份证号码（18位，末位X大写）", "联系电话", "备注"],
    # ASCII brackets
    ["姓名", "身份证号码(18位，末位X大写)", "联系电话(手机，座机均可)", "备注"],
    # an exclamation mark inside every heading's brackets (split the file in two)
    ["姓名（必填！）", "身份证号码（必填！）", "联系电话（必填！）", "备注"],
    # headings ending in ；
    ["姓名", "身份证号码；", "联系电话；", "备注"],
], ids=["two-commas", "one-comma", "ascii-brackets", "exclamation", "semicolon"])
def test_a_heading_s_bracketed_instruction_keeps_the_header(tmp_path: Path, suffix: str, above: list[list[str]],
                                                            head: list[str]) -> None:
    path = tmp_path / f"roster{suffix}"
    _write(path, _rows(head, above))
    source = open_source(str(path))
    inventory = build_inventory(source.tables(), source=source.name, scheme=load_scheme("gbt43697"), sample_size=1000)
    (table,) = inventory.tables  # one table, the 填报 line no table of its own
    assert ([f.field for f in table.fields], table.rows) == (head, 30)  # was column_1..column_4, rows=32
    assert "cn_person_name" in table.fields[0].kinds  # 姓名 beside the ID numbers
    assert table.level == "G4"
