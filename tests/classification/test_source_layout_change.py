"""A delimited file whose layout changes part-way (issue 15 review R15d-10): two exports appended
(``cat a.csv b.csv``: the header again, in another column order), a semicolon export appended to a
comma one, Hive's \\x01 field separator. Each was read with the first layout, silently: columns
mis-attributed (姓名 tagged as ID numbers), the name column lost and the level 4级 -> 3级."""

from __future__ import annotations

from pathlib import Path

import pytest

from govsoc.classification.sources import open_source
from tests.classification.test_sources import EXPECTED, ROWS, decided

HEADER = ["xm", "sfzh", "sjhm", "sku"]


def _line(cells: tuple[str, ...] | list[str], delimiter: str = ",") -> str:
    return delimiter.join(cells) + "\n"


def _columns(path: Path) -> dict[str, list[str]]:
    (table,) = open_source(str(path)).tables()
    return {c.field: c.values for c in table.columns}


def test_records_in_another_delimiter_are_split_by_it_and_said(tmp_path: Path) -> None:
    # R15d's delim/mixed.csv: 30 comma records, then 30 semicolon ones (two exports appended)
    text = _line(HEADER) + "".join(_line(r) for r in ROWS[:20]) + "".join(_line(r, ";") for r in ROWS[20:])
    (tmp_path / "m.csv").write_text(text, encoding="utf-8")
    assert decided(str(tmp_path / "m.csv")) == {("m.csv", k): v for k, v in EXPECTED.items()}
    assert _columns(tmp_path / "m.csv")["xm"] == [r[0] for r in ROWS]  # was 20 names, then 20 whole lines
    (table,) = open_source(str(tmp_path / "m.csv")).tables()
    (note,) = table.skipped
    assert table.rows == len(ROWS) and note.location.line == 22 and "20 records of one cell" in note.reason
    assert "split by ';'" in note.reason


@pytest.mark.parametrize("second", [
    ["sjhm", "xm", "sku", "sfzh"],  # the second export's own column order: its columns re-mapped
    HEADER,                         # the same order: only the header line is left out
])
def test_the_header_again_is_a_header_not_a_record(tmp_path: Path, second: list[str]) -> None:
    # R15d's delim/concat.csv: cat a.csv b.csv
    index = [HEADER.index(name) for name in second]
    text = (_line(HEADER) + "".join(_line(r) for r in ROWS[:25]) + _line(second)
            + "".join(_line([r[i] for i in index]) for r in ROWS[25:]))
    (tmp_path / "c.csv").write_text(text, encoding="utf-8")
    assert decided(str(tmp_path / "c.csv")) == {("c.csv", k): v for k, v in EXPECTED.items()}
    columns = _columns(tmp_path / "c.csv")
    assert all(columns[name] == [r[i] for r in ROWS] for i, name in enumerate(HEADER))  # was 41 rows, mixed
    (table,) = open_source(str(tmp_path / "c.csv")).tables()
    (note,) = table.skipped
    assert table.rows == len(ROWS) and note.location.line == 27 and "the header again" in note.reason
    assert ("column order" in note.reason) == (second != HEADER)


def test_hive_field_separator_is_sniffed(tmp_path: Path) -> None:
    # Hive's and DataX's default separator \x01: was one column named 'xm\x01sfzh\x01sjhm\x01sku'
    text = _line(HEADER, "\x01") + "".join(_line(r, "\x01") for r in ROWS)
    (tmp_path / "h.csv").write_text(text, encoding="utf-8")
    assert decided(str(tmp_path / "h.csv")) == {("h.csv", k): v for k, v in EXPECTED.items()}
    (table,) = open_source(str(tmp_path / "h.csv")).tables()
    assert table.rows == len(ROWS) and "delimited by '\\x01'" in table.skipped[0].reason


def test_one_cell_records_nothing_splits_stay_and_are_said(tmp_path: Path) -> None:
    # group labels of a roster (一、城关镇) split under no delimiter: kept as they are, reported once
    text = _line(HEADER) + "一、城关镇\n" + "".join(_line(r) for r in ROWS[:20]) + "二、新城镇\n" + "".join(
        _line(r) for r in ROWS[20:])
    (tmp_path / "g.csv").write_text(text, encoding="utf-8")
    (table,) = open_source(str(tmp_path / "g.csv")).tables()
    (note,) = table.skipped
    assert table.rows == len(ROWS) + 2 and note.location.line == 2 and "2 records of one cell" in note.reason
    assert "not split" in note.reason and _columns(tmp_path / "g.csv")["sfzh"] == [r[1] for r in ROWS]
