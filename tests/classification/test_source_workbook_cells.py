"""Cells openpyxl cannot read are a clear error naming file, sheet and row, counted by a folder run (issue 15,
review R15bi: RRR15bi-9, LOW). They escaped the reader as openpyxl's bare ValueError or IndexError, which the CLI
said as "cannot read" without the sheet or the row."""

from __future__ import annotations

from pathlib import Path

import pytest

from govsoc.classification.sources import workbook
from govsoc.classification.sources.workbook import WorkbookReader
from govsoc.core.errors import ConfigError, Location
from tests.classification.test_source_folder import _scan, _tagged
from tests.classification.test_source_workbook_rows import HEAD, IDS, _book, _sheet

#: Rows 1 and 2, then a gap: openpyxl reads the row past a gap before it yields the gap's empty rows (RRR15bm-4).
_GAP = b'<row r="1"><c r="A1" t="inlineStr"><is><t>sfzh</t></is></c></row><row r="2"><c r="A2"><v>1</v></c></row>'


@pytest.mark.parametrize("sheet, said, line", [
    # a reference that is no cell's (openpyxl: int() of '8OatMm')
    (_sheet(HEAD + IDS + b'<row r="42"><c r="8OatMm"><v>1</v></c></row>'), "row 42: a cell openpyxl cannot "
                                                                          "read (ValueError: invalid literal", 42),
    # a shared string past the table (there is none): IndexError
    (_sheet(HEAD + IDS + b'<row r="42"><c r="A42" t="s"><v>5</v></c></row>'), "row 42: a cell openpyxl "
                                                                              "cannot read (IndexError", 42),
    # a bad first row
    (_sheet(b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>' + IDS), "row 1: a cell openpyxl cannot read", 1),
    # RRR15bm-4: rows 1 and 2, then a bad cell in row 10 (F15au said row 3)
    (_sheet(_GAP + b'<row r="10"><c r="A10" t="s"><v>99</v></c></row>'), "row 10: a cell openpyxl cannot read", 10),
    # the same without r: the row after row 2 as openpyxl counts
    (_sheet(_GAP + b'<row><c t="s"><v>99</v></c></row>'), "row 3: a cell openpyxl cannot read", 3),
    # a first row numbered 5 (F15au said "in its first row", line 1)
    (_sheet(b'<row r="5"><c r="A5" t="s"><v>0</v></c></row>'), "row 5: a cell openpyxl cannot read", 5),
])
def test_a_cell_openpyxl_cannot_read_is_named(tmp_path: Path, sheet: bytes, said: str, line: int) -> None:
    path = _book(tmp_path / "b.xlsx", sheet)
    with pytest.raises(ConfigError) as raised:
        list(WorkbookReader(sample=100).tables(path))
    assert raised.value.message.startswith(f"not a readable XLSX workbook: sheet 'S' {said}"), raised.value.message
    assert raised.value.location == Location(path=str(path), line=line)


def test_a_row_number_openpyxl_cannot_read_names_the_row_before(tmp_path: Path) -> None:
    # openpyxl raises in parse_row itself, before it counts the row: the row before is all it read, and no line
    path = _book(tmp_path / "b.xlsx", _sheet(_GAP + b'<row r="10.5"><c t="s"><v>0</v></c></row>'))
    with pytest.raises(ConfigError, match="sheet 'S' after row 2: a cell openpyxl cannot read .ValueError: 10.5 is"
                       ) as raised:
        list(WorkbookReader(sample=100).tables(path))
    assert raised.value.location == Location(path=str(path))


def test_a_reversed_merged_range_is_named(tmp_path: Path) -> None:
    sheet = _sheet(HEAD + IDS, tail=b'<mergeCells count="1"><mergeCell ref="A621430:Z570666"/></mergeCells>')
    # raised after the rows, in no row: no line is given that openpyxl did not read
    path = _book(tmp_path / "b.xlsx", sheet)
    with pytest.raises(ConfigError, match="sheet 'S' after row 41: a cell openpyxl cannot read .ValueError: 570666"
                       ) as raised:
        list(WorkbookReader(sample=100).tables(path))
    assert raised.value.location == Location(path=str(path))


def test_a_folder_run_counts_the_workbook_and_reads_the_others(tmp_path: Path) -> None:
    _book(tmp_path / "bad.xlsx", _sheet(HEAD + IDS + b'<row r="42"><c r="8OatMm"><v>1</v></c></row>'))
    _book(tmp_path / "ok.xlsx", _sheet(HEAD + IDS))
    inventory = _scan(tmp_path)
    assert _tagged(inventory, "ok.xlsx:S") == {"sfzh": "cn_resident_id"}
    (skip,) = inventory.skipped
    assert skip.location.path == str(tmp_path / "bad.xlsx") and skip.location.line == 42
    assert "sheet 'S' row 42: a cell openpyxl cannot read" in skip.reason
    assert inventory.skipped_count == 1


@pytest.mark.parametrize("error", [KeyError, TypeError])
def test_an_error_of_govsoc_s_own_is_not_said_as_a_cell_openpyxl_cannot_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: type[Exception]) -> None:
    # openpyxl raised neither from 13 hostile cells (R15bm cells.py): one here is a bug of govsoc's, let through
    # (RRR15bm-6)
    def broken(value: object) -> str:
        raise error("govsoc's own")

    monkeypatch.setattr(workbook, "_cell", broken)
    with pytest.raises(error, match="govsoc's own"):
        list(WorkbookReader(sample=100).tables(_book(tmp_path / "b.xlsx", _sheet(HEAD + IDS))))
