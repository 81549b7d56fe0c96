"""What a table's sample holds of a column (issue 15 review R15e-23): --sample 100000 kept 8,000
rows of base64 photos whole, 1.95 GB for a 960 MB file; a column of the sample holds at most
COLUMN_CHARS characters whatever the sample's size, each value judged on its first
COLUMN_CHARS // sample characters, and the cut is said."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from govsoc.classification.sources import open_source
from govsoc.classification.sources.sampling import COLUMN_CHARS, Prefixes
from tests.classification.test_sources import ROWS

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
def test_a_large_sample_holds_a_prefix_of_each_long_value(tmp_path: Path, write: Callable[[Path], Path]) -> None:
    cap = COLUMN_CHARS // 100_000  # 1,310 characters
    (table,) = open_source(str(write(tmp_path)), sample=100_000).tables()
    columns = {c.field: c.values for c in table.columns}
    assert table.rows == len(ROWS) and len(columns["bz"]) == len(ROWS)
    assert all(len(value) == cap for value in columns["bz"])  # were 5,000 + characters each
    assert columns["bz"] == [f"{sfzh}说明{'甲' * LONG}"[:cap] for _, sfzh, _, _ in ROWS]
    assert columns["sfzh"] == [row[1] for row in ROWS]  # short values whole
    (note,) = [s for s in table.skipped if s.note]
    assert note.location.line == (1 if write is _jsonl else 2)
    assert f"{len(ROWS)} values over {cap:,} characters (the first" in note.reason


def test_the_default_sample_keeps_such_values_whole(tmp_path: Path) -> None:
    (table,) = open_source(str(_csv(tmp_path))).tables()
    assert [len(v) for v in {c.field: c.values for c in table.columns}["bz"]] == [18 + 2 + LONG] * len(ROWS)
    assert table.skipped == ()


@pytest.mark.parametrize("size", [1000, 10_000, 100_000])
def test_a_column_of_any_sample_holds_at_most_column_chars(size: int) -> None:
    prefixes, value = Prefixes(size), "x" * 200_000
    held = sum(len(cell) for _ in range(size) for cell in prefixes.row([value], 2))
    assert held <= COLUMN_CHARS and prefixes.cut == size and prefixes.first == 2
