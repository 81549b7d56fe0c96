"""An answer with an empty record id in an attribute/value table larger than the sample (a
continuation row of 备注, 记录编号 left blank) belongs to no record (review R15o-3): the exact count
(R15j-24) counted the empty id as one more record, 2,000 people read as 2,001; and an id written with a
trailing blank on some of its answers ('P000001 ') is the same record as without it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.classification.test_attribute_values_counts import answers, scan, written


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_answers_with_no_record_id_are_no_record(tmp_path: Path, suffix: str) -> None:
    rows = answers(2000, shuffled=True)
    rows = rows[:3000] + [("", "备注", "续") for _ in range(30)] + rows[3000:]
    (table,) = scan(written(tmp_path / f"eav{suffix}", rows)).tables
    assert table.rows == 2000  # was 2,001


def test_a_record_id_with_a_trailing_blank_is_the_same_record(tmp_path: Path) -> None:
    rows = [(k + " " if attr == "备注" else k, attr, value) for k, attr, value in answers(2000, shuffled=True)]
    (table,) = scan(written(tmp_path / "eav.csv", rows)).tables
    assert table.rows == 2000
