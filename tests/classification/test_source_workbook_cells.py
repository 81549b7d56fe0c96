"""Cells openpyxl cannot read are a clear error naming file, sheet and row, counted by a folder run (issue 15,
review R15bi: RRR15bi-9, LOW). They escaped the reader as openpyxl's bare ValueError or IndexError, which the CLI
said as "cannot read" without the sheet or the row."""

from __future__ import annotations

from pathlib import Path

import pytest

from govsoc.classification.sources.workbook import WorkbookReader
from govsoc.core.errors import ConfigError
from tests.classification.test_source_folder import _scan, _tagged
from tests.classification.test_source_workbook_rows import HEAD, IDS, _book, _sheet


@pytest.mark.parametrize("sheet, said", [
    # a reference that is no cell's (openpyxl: int() of '8OatMm')
    (_sheet(HEAD + IDS + b'<row r="42"><c r="8OatMm"><v>1</v></c></row>'), "after row 41: a cell openpyxl cannot "
                                                                          "read (ValueError: invalid literal"),
    # a shared string past the table (there is none): IndexError
    (_sheet(HEAD + IDS + b'<row r="42"><c r="A42" t="s"><v>5</v></c></row>'), "after row 41: a cell openpyxl "
                                                                              "cannot read (IndexError"),
    # a bad first row
    (_sheet(b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>' + IDS), "in its first row: a cell openpyxl cannot read"),
])
def test_a_cell_openpyxl_cannot_read_is_named(tmp_path: Path, sheet: bytes, said: str) -> None:
    path = _book(tmp_path / "b.xlsx", sheet)
    with pytest.raises(ConfigError) as raised:
        list(WorkbookReader(sample=100).tables(path))
    assert raised.value.message.startswith(f"not a readable XLSX workbook: sheet 'S' {said}"), raised.value.message
    assert raised.value.location is not None and raised.value.location.path == str(path)


def test_a_reversed_merged_range_is_named(tmp_path: Path) -> None:
    sheet = _sheet(HEAD + IDS, tail=b'<mergeCells count="1"><mergeCell ref="A621430:Z570666"/></mergeCells>')
    with pytest.raises(ConfigError, match="sheet 'S' after row 41: a cell openpyxl cannot read .ValueError: 570666"):
        list(WorkbookReader(sample=100).tables(_book(tmp_path / "b.xlsx", sheet)))


def test_a_folder_run_counts_the_workbook_and_reads_the_others(tmp_path: Path) -> None:
    _book(tmp_path / "bad.xlsx", _sheet(HEAD + IDS + b'<row r="42"><c r="8OatMm"><v>1</v></c></row>'))
    _book(tmp_path / "ok.xlsx", _sheet(HEAD + IDS))
    inventory = _scan(tmp_path)
    assert _tagged(inventory, "ok.xlsx:S") == {"sfzh": "cn_resident_id"}
    (skip,) = inventory.skipped
    assert skip.location.path == str(tmp_path / "bad.xlsx") and skip.location.line == 42
    assert "sheet 'S' after row 41" in skip.reason
    assert inventory.skipped_count == 1
