"""A small table appended below a roster whose header names no known column (issue 15 review R15g-20,
the brief's R15g-15): 村组,户数,人数 and its rows 1组,45,160 under 姓名,身份证号,联系电话 were read as 9
more records of the roster (rows=69 for 60), 村组 and 1组 sampled as names. A row of short words,
no digit and nothing its column's recognizers take, above a row holding digits where the roster's
records hold none, is a header of its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from govsoc.classification.sources import open_source
from tests.classification.test_source_footers import _csv, _xlsx
from tests.classification.test_sources import NAMES, PHONES, ids

HEADER = ["姓名", "身份证号", "联系电话"]
PEOPLE = [[NAMES[i % 8], number, PHONES[i % 40]] for i, number in enumerate(ids(60))]
STATS = [["村组", "户数", "人数"], *([f"{i}组", str(20 + i * 7), str(100 + i * 13)] for i in range(1, 9))]


@pytest.mark.parametrize("name, write", [("r.csv", _csv), ("r.xlsx", _xlsx)])
def test_a_table_of_counts_below_a_roster_is_a_table_of_its_own(tmp_path: Path, name: str, write: object) -> None:
    write(tmp_path / name, [HEADER, *PEOPLE, *STATS])  # type: ignore[operator]
    roster, stats = open_source(str(tmp_path / name)).tables()
    assert roster.rows == 60  # was 69
    assert sorted(next(c.values for c in roster.columns if c.field == "姓名")) == sorted(p[0] for p in PEOPLE)
    assert stats.rows == 8 and [c.field for c in stats.columns] == STATS[0]
    assert any("header of its own" in s.reason for s in roster.skipped)


@pytest.mark.parametrize("name, write", [("r.csv", _csv), ("r.xlsx", _xlsx)])
@pytest.mark.parametrize("last", [
    # records of words after records of digits: no digit below where the records above hold none
    [["张伟", "无", "无"], ["王芳", "无", "无"]],
    # a record of words whose first cell is a name under 姓名, then a record again
    [["李娜", "不详", "待补"], PEOPLE[0]],
])
def test_records_without_digits_stay_records(tmp_path: Path, name: str, write: object,
                                             last: list[list[str]]) -> None:
    write(tmp_path / name, [HEADER, *PEOPLE, *last])  # type: ignore[operator]
    (roster,) = open_source(str(tmp_path / name)).tables()
    assert roster.rows == 60 + len(last)
