"""XLSX formula cells without a cached value (issue 15 review R15d-34): a column of them samples
nothing, and the inventory now says why (N formula cells, not read) instead of "no values sampled"
alone."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from govsoc.classification.grading import load_scheme
from govsoc.classification.inventory import Inventory, build_inventory
from govsoc.classification.sources import open_source
from tests.classification.test_sources import NAMES, ids


def _inventory(path: Path) -> Inventory:
    source = open_source(str(path))
    return build_inventory(source.tables(), source=source.name, scheme=load_scheme("gbt43697"), sample_size=1000)


def test_formula_cells_without_cached_values_are_reported(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["姓名", "身份证号", "卡号公式"])
    for i, number in enumerate(ids(40)):
        # openpyxl writes the formula and no result, as POI and report generators do
        sheet.append([NAMES[i % 8], number, f'="62284802{i:011d}"'])
    book.save(tmp_path / "formula.xlsx")
    inventory = _inventory(tmp_path / "formula.xlsx")
    (skip,) = inventory.skipped
    assert skip.location.field == "卡号公式"
    assert "40 formula cells without a cached value" in skip.reason and "not read" in skip.reason
    assert inventory.skipped_count == 1


def test_a_sheet_without_formulas_reports_nothing(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["姓名", "身份证号", "备用"])  # an empty column: nothing sampled, no formula in it
    for i, number in enumerate(ids(40)):
        sheet.append([NAMES[i % 8], number, None])
    book.save(tmp_path / "plain.xlsx")
    assert _inventory(tmp_path / "plain.xlsx").skipped == ()
