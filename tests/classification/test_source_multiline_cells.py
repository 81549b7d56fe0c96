"""A valid quoted cell of several lines (issue 15 review R15g-23, the brief's R15g-18): a 备注 typed with
Alt+Enter listing 家庭成员 as name,relation,ID,mobile,health lines, quoted as RFC 4180 §2.6 says, was
taken for two stray quotes (most of its lines split into the header's width): split into records
(rows=48 for 40) and reported as a broken file. A quote that closes a cell well (a delimiter or the
line's end after it) closes a cell of several lines: one cell, noted, not split; a stray quote
closes mid-cell (…,"王五,…) and stays a stray."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from govsoc.classification.sources import open_source
from tests.classification.test_sources import NAMES, PHONES, ids

PEOPLE = ids(60)


def _members(at: int) -> str:
    return "家庭成员：\n" + "\n".join(f"{NAMES[(at + k) % 8]},妻子,{PEOPLE[40 + (at + k) % 20]},{PHONES[k]},健康"
                                 for k in range(4))


@pytest.mark.parametrize("last", [True, False])  # 备注 the last column, or one after it
def test_a_well_formed_cell_of_several_lines_is_one_cell(tmp_path: Path, last: bool) -> None:
    header = ["序号", "姓名", "身份证号", "联系电话", "备注"] + ([] if last else ["登记日期"])
    rows = [[str(i + 1), NAMES[i % 8], PEOPLE[i], PHONES[i], _members(i) if i in (10, 25) else ""]
            + ([] if last else ["2024-01-31"]) for i in range(40)]
    with (tmp_path / "m.csv").open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([header, *rows])
    (table,) = open_source(str(tmp_path / "m.csv")).tables()
    assert table.rows == 40  # was 48: each member line a record
    columns = {c.field: c.values for c in table.columns}
    assert columns["姓名"] == [row[1] for row in rows]  # no 徐芳 under 序号, no 妻子 under 姓名
    assert [v for v in columns["备注"] if v] == [rows[10][4], rows[25][4]]  # whole, not cut
    assert table.skipped_count == 0  # not a broken file
