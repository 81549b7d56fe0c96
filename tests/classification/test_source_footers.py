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


# R15e-4: a role or a remark in the first cell of a record (a 班子成员 roster's 职务, a 备注 column put
# first, 注 on every row) is no footer when the row's other cells hold what their columns' recognizers
# take; a note or sign-off row with nothing else in it is a footer only below the last record.
ROLES = ["负责人", "审核人", "制表人", "成员"]


@pytest.mark.parametrize("name, write", [("r.csv", _csv), ("r.xlsx", _xlsx)])
@pytest.mark.parametrize("first", [
    lambda i: ROLES[i % 4],                       # 职务 first, as a 村两委/项目组 roster has it
    lambda i: "说明：新增" if i % 2 else "",        # a remark column first, every other row filled
    lambda i: "注",                                # 60 rows of R15e's all_notes.csv: all 注
])
def test_records_whose_first_cell_is_a_role_or_a_remark_are_read(tmp_path: Path, name: str, write: object,
                                                                  first: object) -> None:
    rows = [["职务", "xm", "sfzh", "sjhm"], *([first(i), n, sfzh, ""] for i, (n, sfzh, _, _) in  # type: ignore[operator]
                                               enumerate(ROWS))]
    write(tmp_path / name, rows)  # type: ignore[operator]
    (table,) = open_source(str(tmp_path / name)).tables()
    assert table.rows == len(ROWS)  # was 10 of 40 for the roles, 20 for the remarks, 0 for 注
    columns = {c.field: c.values for c in table.columns}
    assert columns["xm"] == [r[0] for r in ROWS] and columns["sfzh"] == [r[1] for r in ROWS]
    assert not [s for s in table.skipped if "totals" in s.reason]


def test_a_sign_off_row_between_records_is_a_record_one_below_them_a_footer(tmp_path: Path) -> None:
    # 负责人 alone on a row in the middle (a roster's member whose other cells are blank) is read;
    # the same below the last record, after 合计, is the sign-off; 小计 between groups stays a total
    records = [list(r) for r in ROWS]
    rows = [HEADER, *records[:10], ["负责人", "", "", ""], *records[10:20], ["小计", "", "", "20"], *records[20:],
            ["合计", "", "", "40"], ["负责人", "", "", ""], ["审核人：张三", "电话：13812345678", "", ""]]
    _csv(tmp_path / "m.csv", rows)
    (table,) = open_source(str(tmp_path / "m.csv")).tables()
    assert table.rows == len(ROWS) + 1  # the 负责人 row inside the roster is one of its rows
    (note,) = table.skipped
    assert note.location.line == 23 and note.reason.startswith("4 rows of totals")  # 小计, 合计, 负责人, 审核人


def test_a_footer_naming_people_is_said_to_hold_personal_data(tmp_path: Path) -> None:
    # R15e's subtotals.csv: 注：以下人员待核实 and five names with ID numbers below the 合计 line
    note = "注：以下人员待核实 " + " ".join(f"{n}{sfzh}" for n, sfzh, _, _ in ROWS[:5])
    _csv(tmp_path / "n.csv", [HEADER, *map(list, ROWS), ["合计", "", "", "40"], [note, "", "", ""]])
    (table,) = open_source(str(tmp_path / "n.csv")).tables()
    assert table.rows == len(ROWS)
    (skip,) = table.skipped
    assert "2 rows of totals" in skip.reason and "1 of them holds" in skip.reason
    assert "居民身份证号" in skip.reason and "line 43" in skip.reason
