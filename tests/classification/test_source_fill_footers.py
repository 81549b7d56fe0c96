"""A closing 填报 line under a roster (R15j-17): who filled it in, for which office and when
(填报单位：…, 填报人：张三  填报日期：…). Only 填报人, 填表人, 审核人, 制表人 opened a sign-off
row, and only one filling fewer cells than the header: 填报单位 or 填表日期 first, or a line of
label：value items as wide as the roster, was counted as a record (rows=N+1) and its items read
as data of the roster's columns."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from govsoc.classification.grading import load_scheme
from govsoc.classification.inventory import build_inventory
from govsoc.classification.sources import open_source
from tests.classification.test_source_footers import _csv, _xlsx
from tests.classification.test_sources import NAMES, PHONES, ids

PEOPLE = 12
ROSTER = [["序号", "姓名", "身份证号码", "联系电话"],
          *([str(i + 1), NAMES[i % 8], ident, PHONES[i]] for i, ident in enumerate(ids(PEOPLE)))]
SIGNER = "欧阳振华"  # no name of the roster's


@pytest.mark.parametrize("line", [
    # the office alone in the first cell, the rest of the row empty
    ["填报单位：龙游县民政局", "", "", ""],
    # one cell holding the office, the signer and a phone, spaced apart
    [f"填报单位：龙游县民政局  填报人：{SIGNER}  联系电话：13905701234"],
    # the date first
    [f"填报日期：2024-01-01  填报人：{SIGNER}"],
    # a line of label：value items as wide as the roster
    ["填报单位：龙游县民政局", f"填报人：{SIGNER}", "填报日期：2024-01-01", "联系电话：13905701234"],
    # 填表 and 制表 alike
    ["制表日期：2024-01-01", f"制表人：{SIGNER}", "", ""],
])
@pytest.mark.parametrize("name, write", [("r.csv", _csv), ("r.xlsx", _xlsx)])
def test_a_closing_fill_line_is_no_record(tmp_path: Path, line: list[str], name: str, write: object) -> None:
    write(tmp_path / name, [*ROSTER, line])  # type: ignore[operator]
    source = open_source(str(tmp_path / name))
    inventory = build_inventory(source.tables(), source=source.name, scheme=load_scheme("gbt43697"),
                                sample_size=1000)
    (table,) = inventory.tables
    assert table.rows == PEOPLE
    assert any("sign-offs" in s.reason for s in inventory.skipped)
    assert SIGNER not in json.dumps(inventory.to_dict(), ensure_ascii=False, default=str)  # never shown in clear


def test_a_fill_line_with_a_record_below_it_is_a_record(tmp_path: Path) -> None:
    # a guard: a sign-off row is a footer only below the last record (a record follows: it is one)
    _csv(tmp_path / "r.csv", [*ROSTER[:6], ["填报单位：龙游县民政局", "", "", ""], *ROSTER[6:]])
    (table,) = open_source(str(tmp_path / "r.csv")).tables()
    assert table.rows == PEOPLE + 1
