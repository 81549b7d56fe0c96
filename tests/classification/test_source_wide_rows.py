"""A row far wider than its table, and the bound on a delimited table's columns (issue 15 review
R15d-17): one line of 100,000 ID numbers joined by ',' (a list saved as .csv) gave 100,001 fields of
one value each, all 'none', the file 一般数据（1级）, in 135 s and 750 MB. The row is now a list of
values under one field, tagged as a column of them would be; the columns of a wide table are
bounded as a JSON array row's positions are (POSITIONS), the rest sharing one field."""

from __future__ import annotations

import time
from pathlib import Path

from govsoc.classification.grading import load_scheme
from govsoc.classification.inventory import Inventory, build_inventory
from govsoc.classification.sources import open_source
from govsoc.classification.sources.json_records import POSITIONS
from govsoc.classification.sources.wide_rows import COLUMNS, LIST_FIELD
from tests.classification.test_sources import NAMES, PHONES, ids


def _inventory(path: Path) -> Inventory:
    source = open_source(str(path))
    return build_inventory(source.tables(), source=source.name, scheme=load_scheme("gbt43697"), sample_size=1000)


def test_one_line_of_id_numbers_is_a_list_graded_as_a_column_of_them(tmp_path: Path) -> None:
    numbers = ids(20_000)
    (tmp_path / "line.csv").write_text(",".join(numbers) + ",\n", encoding="utf-8")  # a trailing comma
    (tmp_path / "column.csv").write_text("\n".join(numbers) + "\n", encoding="utf-8")
    started = time.monotonic()
    line = _inventory(tmp_path / "line.csv")
    assert time.monotonic() - started < 20  # main: some 25 s for 20,000 cells (1.3 ms a cell)
    column = _inventory(tmp_path / "column.csv")
    (table,) = line.tables
    assert [(f.field, f.status, f.recognizer) for f in table.fields] == [(LIST_FIELD, "tagged", "cn_resident_id")]
    assert table.rows == 20_000  # each value a record, as the column's rows
    assert (table.level, table.rows) == (column.tables[0].level, column.tables[0].rows)
    assert line.skipped_count == 0  # nothing left out
    (note,) = line.skipped
    assert note.note and note.location.line == 1
    assert "20,001 cells" in note.reason and "20,000 values read as one field '[]'" in note.reason


def test_a_pasted_line_among_records_is_a_list_beside_the_columns(tmp_path: Path) -> None:
    records = [f"{NAMES[i % 8]},{PHONES[i]}" for i in range(40)]
    records.insert(20, ",".join(ids(3_000)))  # past the head: line 22
    (tmp_path / "roster.csv").write_text("姓名,手机号\n" + "\n".join(records) + "\n", encoding="utf-8")
    inventory = _inventory(tmp_path / "roster.csv")
    (table,) = inventory.tables
    assert {f.field: f.recognizer for f in table.fields} == {
        "姓名": "cn_person_name", "手机号": "cn_mobile", LIST_FIELD: "cn_resident_id"}
    assert table.rows == 40 + 3_000
    assert [(s.location.line, s.note) for s in inventory.skipped] == [(22, True)]


def test_the_columns_past_the_bound_share_one_field_and_the_bound_is_said(tmp_path: Path) -> None:
    # headerless, 100 cells a row, 20 rows: positions as a JSON array row's, the rest one field
    rows = [",".join(f"{r}.{c}" for c in range(100)) for r in range(20)]
    (tmp_path / "unnamed.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    # a header of 70 names is a table's, not past the bound; one of COLUMNS + 6 is bounded at COLUMNS
    (tmp_path / "named70.csv").write_text(",".join(f"q{c}" for c in range(70)) + "\n" + "\n".join(
        ",".join("是" for _ in range(70)) for _ in range(20)) + "\n", encoding="utf-8")
    wide = COLUMNS + 6
    (tmp_path / "named.csv").write_text(",".join(f"q{c}" for c in range(wide)) + "\n" + "\n".join(
        ",".join(["张伟"] * wide) for _ in range(20)) + "\n", encoding="utf-8")
    unnamed = _inventory(tmp_path / "unnamed.csv")
    fields = [f.field for f in unnamed.tables[0].fields]
    assert fields == [f"column_{i + 1}" for i in range(POSITIONS)] + [f"column_{POSITIONS + 1}..column_100"]
    assert unnamed.tables[0].fields[-1].sampled == 20 * (100 - POSITIONS)
    assert unnamed.skipped_count == 0 and [s.note for s in unnamed.skipped] == [True]
    assert f"bound of {POSITIONS}" in unnamed.skipped[0].reason
    assert len(_inventory(tmp_path / "named70.csv").tables[0].fields) == 70
    named = _inventory(tmp_path / "named.csv")
    fields = [f.field for f in named.tables[0].fields]
    assert fields == [f"q{c}" for c in range(COLUMNS)] + [f"column_{COLUMNS + 1}..column_{wide}"]
    assert f"bound of {COLUMNS:,}" in named.skipped[0].reason


def test_a_header_far_wider_than_wide_rows_is_still_the_header(tmp_path: Path) -> None:
    # R15d's wide_hdr.csv: 20,000 names over rows of 4,000 cells; here 400 over rows of 80
    (tmp_path / "h.csv").write_text(",".join(f"c{c}" for c in range(400)) + "\n" + "\n".join(
        ",".join(["是"] * 80) for _ in range(20)) + "\n", encoding="utf-8")
    (table,) = _inventory(tmp_path / "h.csv").tables
    assert table.rows == 20 and [f.field for f in table.fields][:2] == ["c0", "c1"] and len(table.fields) == 400
