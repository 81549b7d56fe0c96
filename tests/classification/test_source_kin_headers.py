"""Headers of 家庭成员 tables (issue 15 review R15g-1): a heading made of a role word and a heading
word (与户主关系, 与申请人关系, 户主关系, 监护人关系, 申请人房产) is a column name, not a role word
before a person's name (关 and 房 are surnames): the header stays the header, and is not counted
as a record."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest

from govsoc.classification.sources import open_source
from govsoc.classification.sources.skips import scanner
from tests.classification.test_sources import NAMES, PHONES, ids

RELATIONS = ["户主", "妻子", "长子", "长女"]


@pytest.mark.parametrize("heading", [
    "与户主关系",  # the 户籍/低保 家庭成员 table's column
    "与申请人关系",  # a 低保/医疗救助 application's
    "户主关系",  # without 与
    "监护人关系",  # a 残联 or school roster's
    "申请人房产",  # 房 is a surname too
    "联系人类型",  # a heading word of role_names' list
])
def test_role_word_heading_holds_no_name(heading: str) -> None:
    assert [m.reason for m in scanner().scan(heading)] == []


@pytest.mark.parametrize("text", [
    "户主王五",  # a name glued to its heading, as 情况说明 write it: still a name
    "申请人黄伟芳",
])
def test_name_after_role_word_still_found(text: str) -> None:
    assert any("姓名" in m.reason for m in scanner().scan(text))


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize("header", [
    ["姓名", "与户主关系", "身份证号"],
    ["户主姓名", "与户主关系", "成员姓名", "身份证号", "备注"],
    ["户号", "姓名", "与申请人关系", "性别", "身份证号", "联系电话"],
])
def test_kin_header_is_the_header(tmp_path: Path, suffix: str, header: list[str]) -> None:
    people = ids(60)
    filler = {"姓名": lambda i: NAMES[i % 8], "户主姓名": lambda i: NAMES[(i // 4) % 8],
              "成员姓名": lambda i: NAMES[i % 8], "身份证号": lambda i: people[i], "备注": lambda i: "",
              "户号": lambda i: f"{i // 4 + 1:04d}", "性别": lambda i: "男女"[i % 2],
              "联系电话": lambda i: PHONES[i % 40]}
    rows = [header, *([filler.get(name, lambda i: RELATIONS[i % 4])(i) for name in header] for i in range(60))]
    path = tmp_path / f"household{suffix}"
    if suffix == ".csv":
        with path.open("w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows(rows)
    else:
        book = openpyxl.Workbook()
        book.active.append(["某县2024年低保家庭成员花名册"])  # a merged title above, as sheets have it
        for row in rows:
            book.active.append(row)
        book.save(path)
    (table,) = open_source(str(path)).tables()
    assert table.rows == 60
    assert [c.field for c in table.columns] == header
