"""A 填报 line or a long 填表说明 above a roster's header (issue 15 review R15e-6): a fill-in line with
one unlabelled item (2024年1月31日 without 日期：), one with no labels at all (某乡民政办,张三,138...,
2024-01-31,李四), or more than ten lines of title and notes made the file headerless: the header a
record (rows=62 for 60), the names column_1, never tagged, 4级 -> 3级. A row naming three known
columns or more is the header whatever the rows above it hold, and the header is looked for past
the tenth row."""

from __future__ import annotations

from pathlib import Path

import pytest

from govsoc.classification.sources import open_source
from tests.classification.test_source_footers import _csv as write_csv
from tests.classification.test_source_footers import _xlsx
from tests.classification.test_sources import ROWS

HEADER = ["姓名", "身份证号码", "联系电话", "家庭住址", "备注"]
ADDRESS = "北京市朝阳区建国路88号3栋201"
RECORDS = [[name, sfzh, phone, ADDRESS, ""] for name, sfzh, phone, _ in ROWS]
NOTES = [[f"说明{i}：本表依据《某某办法》第{i}条填写，数据截至2024年2月底"] for i in range(1, 26)]


def _csv(path: Path, rows: list[list[str]]) -> None:
    write_csv(path, rows, "gb18030")  # as offices save it


@pytest.mark.parametrize("above", [
    # R15e's fill_mixed.csv: R15d-13's 填报 line with the date written without its 日期： label
    [["单位：某乡民政办", "填报人：张三", "电话：13812345678", "2024年1月31日", "审核：李四"]],
    # fill_bare_date.csv: the same line filled in without any label
    [["某乡民政办", "张三", "13812345678", "2024-01-31", "李四"]],
    # a title, then the bare line
    [["某乡2024年低保对象花名册"], ["某乡民政办", "张三", "13812345678", "2024-01-31", "李四"]],
    # long_preamble.csv: a title and ten 说明 lines, the header on line 12
    [["某县2024年度城乡居民最低生活保障对象花名册"], *NOTES[:10]],
    # a 填表说明 of 25 lines under the title
    [["某县2024年度城乡居民最低生活保障对象花名册"], *NOTES],
])
@pytest.mark.parametrize("name, write", [("r.csv", _csv), ("r.xlsx", _xlsx)])
def test_the_header_under_a_fill_in_line_or_long_notes_is_the_header(tmp_path: Path, above: list[list[str]],
                                                                     name: str, write: object) -> None:
    write(tmp_path / name, [*above, HEADER, *RECORDS])  # type: ignore[operator]
    (table,) = open_source(str(tmp_path / name)).tables()
    assert table.rows == len(RECORDS)  # was 62 (71 for ten notes): the header and the 填报 line records
    columns = {c.field: c.values for c in table.columns}
    assert list(columns) == HEADER
    assert columns["姓名"] == [r[0] for r in RECORDS] and columns["身份证号码"] == [r[1] for r in RECORDS]
    unit = "line" if name.endswith("csv") else "row"
    rows = f"{unit} 1" if len(above) == 1 else f"{unit}s 1-{len(above)}"
    (title,) = [s for s in table.skipped if "title" in s.reason]
    assert title.reason.endswith(f"{rows} above the header ({unit} {len(above) + 1}) read as a title: not classified")


def test_a_headerless_file_stays_headerless(tmp_path: Path) -> None:
    # the contrast: records with no header row are data from their first line, named column_1 ...
    _csv(tmp_path / "d.csv", RECORDS)
    (table,) = open_source(str(tmp_path / "d.csv")).tables()
    assert table.rows == len(RECORDS) and [c.field for c in table.columns][:2] == ["column_1", "column_2"]
