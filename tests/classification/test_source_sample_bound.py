"""What a table's sample holds of a column (issue 15 reviews R15e-23, R15f-3): --sample 100000 kept
8,000 rows of base64 photos whole, 1.95 GB for a 960 MB file; a column of the sample holds at most
COLUMN_CHARS characters whatever the sample's size, and the cut is said. Values are cut only once
the long ones held reach half the bound: --sample 100000 cut every value of a 300-row file to
1,310 characters, and long 情况说明 with ID numbers and names became 1级 (4级 at the default)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from govsoc.classification.sources import open_source, sampling
from govsoc.classification.sources.sampling import COLUMN_CHARS, Prefixes
from tests.classification.test_sources import ROWS, decided, ids

LONG = 5000  # a remark, a base64 thumbnail: under MAX_CELL, so read and sampled


def _csv(path: Path) -> Path:
    lines = ["xm,sfzh,bz\n"] + [f"{xm},{sfzh},{sfzh}说明{'甲' * LONG}\n" for xm, sfzh, _, _ in ROWS]
    (path / "long.csv").write_text("".join(lines), encoding="utf-8")
    return path / "long.csv"


def _jsonl(path: Path) -> Path:
    lines = [json.dumps({"xm": xm, "sfzh": sfzh, "bz": f"{sfzh}说明{'甲' * LONG}"}, ensure_ascii=False) + "\n"
             for xm, sfzh, _, _ in ROWS]
    (path / "long.jsonl").write_text("".join(lines), encoding="utf-8")
    return path / "long.jsonl"


def _xlsx(path: Path) -> Path:
    import openpyxl  # extra `classify`, which dev pulls in
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["xm", "sfzh", "bz"])
    for xm, sfzh, _, _ in ROWS:
        sheet.append([xm, sfzh, f"{sfzh}说明{'甲' * LONG}"])
    book.save(path / "long.xlsx")
    return path / "long.xlsx"


@pytest.mark.parametrize("write", [_csv, _jsonl, _xlsx])
def test_a_large_sample_keeps_the_long_values_of_a_small_file_whole(tmp_path: Path,
                                                                    write: Callable[[Path], Path]) -> None:
    # R15f-3: each value was cut to COLUMN_CHARS // 100,000 = 1,310 characters in a 40-row file
    (table,) = open_source(str(write(tmp_path)), sample=100_000).tables()
    columns = {c.field: c.values for c in table.columns}
    assert columns["bz"] == [f"{sfzh}说明{'甲' * LONG}" for _, sfzh, _, _ in ROWS]
    assert [s for s in table.skipped if s.note] == []


@pytest.mark.parametrize("write", [_csv, _jsonl, _xlsx])
def test_a_large_sample_cuts_long_values_past_half_the_bound(tmp_path: Path, write: Callable[[Path], Path],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    # a bound of 40 values of 2,000 characters at a sample of 100 rows: 40,000 held whole, the
    # other 40,000 are 100 values of 400; the first 7 long values (5,020 each) fill the budget
    monkeypatch.setattr(sampling, "COLUMN_CHARS", 80_000)
    (table,) = open_source(str(write(tmp_path)), sample=100).tables()
    values = {c.field: c.values for c in table.columns}["bz"]
    whole = [f"{sfzh}说明{'甲' * LONG}" for _, sfzh, _, _ in ROWS]
    assert values == whole[:7] + [v[:400] for v in whole[7:]]
    assert {c.field: c.values for c in table.columns}["sfzh"] == [row[1] for row in ROWS]  # short values whole
    (note,) = [s for s in table.skipped if s.note]
    assert note.location.line == (8 if write is _jsonl else 9)
    assert f"{len(ROWS) - 7} values over 400 characters (the first" in note.reason


def test_long_notes_keep_their_ids_and_names_at_a_large_sample(tmp_path: Path) -> None:
    # R15f-3: 300 case notes of 1,530 characters, then the applicant's name, ID number and mobile:
    # tagged at the default sample, nothing at --sample 100000 (1级 for 4级)
    story = "经村委会入户走访核实，该户家庭收入低于当地最低生活保障标准，" * 51  # 1,530 characters
    lines = ["编号,情况说明\n"] + [f"{i},{story}申请人王建国，身份证号{sfzh}，联系电话1390000{i:04d}。\n"
                                 for i, sfzh in enumerate(ids(300))]
    (tmp_path / "notes.csv").write_text("".join(lines), encoding="utf-8")
    default = decided(str(tmp_path / "notes.csv"))
    assert default[("notes.csv", "情况说明")] == "cn_resident_id"
    assert decided(str(tmp_path / "notes.csv"), sample=100_000) == default


def test_the_default_sample_keeps_such_values_whole(tmp_path: Path) -> None:
    (table,) = open_source(str(_csv(tmp_path))).tables()
    assert [len(v) for v in {c.field: c.values for c in table.columns}["bz"]] == [18 + 2 + LONG] * len(ROWS)
    assert table.skipped == ()


@pytest.mark.parametrize("size", [1000, 10_000, 100_000])
def test_a_column_of_any_sample_holds_at_most_column_chars(size: int) -> None:
    prefixes, value = Prefixes(size), "x" * 200_000
    held = sum(len(cell) for _ in range(size) for cell in prefixes.row([value], 2))
    assert held <= COLUMN_CHARS and prefixes.first == 2
    assert prefixes.cut == (size if size == 1000 else size - (COLUMN_CHARS // 2) // len(value))


@pytest.mark.parametrize("size", [1000, 1001, 10_000, 100_000])
def test_a_larger_sample_cuts_no_value_the_default_keeps_while_the_budget_lasts(size: int) -> None:
    prefixes, value = Prefixes(size), "x" * 100_000
    assert prefixes.row([value, "y"], 2) == [value, "y"] and prefixes.cut == 0
