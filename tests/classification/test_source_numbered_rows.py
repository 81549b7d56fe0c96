"""A template handed out with its 序号 column numbered in advance (issue 15 review R15g-14, the brief's
R15g-9): a row whose only filled cell is a serial number in its first column is a template's unused
row, not a record: 60 people and 1..2,000 numbered down the sheet are 60 rows, not 2,000; the rows
left out are said once (how many, the first one's line)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from govsoc.classification.sources import open_source
from tests.classification.test_sources import NAMES, PHONES, ids

HEADER = ["序号", "姓名", "身份证号", "联系电话"]
PEOPLE = [[str(i + 1), NAMES[i % 8], number, PHONES[i % 40]] for i, number in enumerate(ids(60))]
UNUSED = [[str(i), "", "", ""] for i in range(61, 2001)]


def _write(path: Path, rows: list[list[str]]) -> None:
    if path.suffix == ".csv":
        path.write_bytes("".join(",".join(row) + "\r\n" for row in rows).encode("gbk"))
        return
    book = openpyxl.Workbook()
    for row in rows:  # numbers as numbers, the other cells left empty, as a fill handle leaves them
        book.active.append([int(cell) if cell.isdigit() and len(cell) < 6 else (cell or None) for cell in row])
    book.save(path)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize("rows, first", [
    ([HEADER, *PEOPLE, *UNUSED], 62),  # R15g's tplc/村01.csv, prenumbered.xlsx: the unused rows after the people
    ([HEADER, *UNUSED, *PEOPLE], 2),  # e/gbk_late.csv: the numbered rows before them
])
def test_rows_holding_only_their_serial_number_are_no_records(tmp_path: Path, suffix: str,
                                                                 rows: list[list[str]], first: int) -> None:
    path = tmp_path / f"村01{suffix}"
    _write(path, rows)
    (table,) = open_source(str(path)).tables()
    assert table.rows == 60  # was 2,000
    columns = {c.field: c.values for c in table.columns}
    assert sorted(columns["身份证号"]) == sorted(p[2] for p in PEOPLE)
    unit = "line" if suffix == ".csv" else "row"
    (said,) = [s for s in table.skipped if "serial number" in s.reason]
    assert said.location.line == first and f"{len(UNUSED):,} rows holding only" in said.reason
    assert said.note and table.skipped_count == 0  # said, not counted as a part left out
    assert f"(the first on this {unit})" in said.reason


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_record_with_its_number_and_a_value_is_a_record(tmp_path: Path, suffix: str) -> None:
    # the contrast: a number and one cell more (a name, nothing else yet) is someone's record
    path = tmp_path / f"r{suffix}"
    _write(path, [HEADER, *PEOPLE, *([str(61 + i), NAMES[i % 8], "", ""] for i in range(20))])
    (table,) = open_source(str(path)).tables()
    assert table.rows == 80
    assert not [s for s in table.skipped if "serial number" in s.reason]


def test_a_one_column_file_of_numbers_is_read_as_it_is(tmp_path: Path) -> None:
    # no column but the numbers: each is a value, not a template's unused row
    path = tmp_path / "n.csv"
    _write(path, [["编号"], *([str(i)] for i in range(1, 101))])
    (table,) = open_source(str(path)).tables()
    assert table.rows == 100
