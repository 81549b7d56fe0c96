"""Totals, notes and sign-offs below a roster's records (issue 15 review R15d-6): 合计, 注：…,
填报人：李四,,审核人：张三 were counted as records (rows=63 for 60 people) and 审核人：张三 sampled
among the ID numbers. They are left out, as title rows are, and reported once."""

from __future__ import annotations

from pathlib import Path

import openpyxl  # extra `classify`, which dev pulls in: missing, the tests fail, never skip
import pytest

from govsoc.classification.sources import open_source
from tests.classification.test_sources import ROWS

HEADER = ["xm", "sfzh", "sjhm", "sku"]
FOOTER = [["合计", "", "", "40"], ["注：本表由村委会填报，联系人王明", "", "", ""],
          ["填报人：李四", "", "审核人：张三", ""]]


def _csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> None:
    path.write_bytes("".join(",".join(row) + "\r\n" for row in rows).encode(encoding))


def _xlsx(path: Path, rows: list[list[str]]) -> None:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)


@pytest.mark.parametrize("name, write, first", [
    ("r.csv", lambda p, rows: _csv(p, rows, "gb18030"), 43),  # R15d's roster_gbk.csv: a title line first
    ("r.xlsx", _xlsx, 43),                                    # R15d's roster.xlsx
])
def test_totals_notes_and_sign_offs_are_not_records(tmp_path: Path, name: str, write: object, first: int) -> None:
    rows = [["某乡2024年低保对象花名册", "", "", ""], HEADER, *map(list, ROWS), *FOOTER]
    write(tmp_path / name, rows)  # type: ignore[operator]
    (table,) = open_source(str(tmp_path / name)).tables()
    assert table.rows == len(ROWS)  # was 43
    columns = {c.field: c.values for c in table.columns}
    assert columns["sfzh"] == [r[1] for r in ROWS] and columns["xm"] == [r[0] for r in ROWS]
    (note,) = [s for s in table.skipped if "totals" in s.reason]
    assert note.location.line == first and "3 rows of totals, notes or sign-offs" in note.reason


def test_a_subtotal_between_groups_is_left_out_and_records_like_footers_are_kept(tmp_path: Path) -> None:
    # 小计 closes each group; 总部 and 注册中心 open records (their rows full): records
    records = [list(r) for r in ROWS]
    records[5][0], records[6][0] = "总部", "注册中心"
    rows = [HEADER, *records[:20], ["小计", "", "", "20"], *records[20:], ["小 计", "", "", "20"]]
    _csv(tmp_path / "g.csv", rows)
    (table,) = open_source(str(tmp_path / "g.csv")).tables()
    assert table.rows == len(ROWS) and {c.field: c.values for c in table.columns}["xm"] == [r[0] for r in records]
    (note,) = table.skipped
    assert note.location.line == 22 and note.reason.startswith("2 rows of totals")
