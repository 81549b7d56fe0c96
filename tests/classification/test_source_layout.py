"""The layout of hand-made exports (issue 15 review): cells past a short header are classified as
columns of their own and the file is reported once (R15-15)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from govsoc.classification.grading import load_scheme
from govsoc.classification.inventory import Inventory, build_inventory
from govsoc.classification.sources import open_source
from tests.classification.test_sources import NAMES, PHONES, ids

NUMBERS = ids(40)


def _scan(target: Path) -> Inventory:
    source = open_source(str(target))
    return build_inventory(source.tables(), source=source.name, scheme=load_scheme("gbt43697"), sample_size=1000)


def _tagged(inventory: Inventory) -> dict[str, str | None]:
    (table,) = inventory.tables
    return {f.field: f.recognizer for f in table.fields if f.status == "tagged"}


def _without_dimension(path: Path) -> None:
    # some writers (streaming ones) leave out <dimension>: openpyxl's read-only rows are then as
    # long as each row's own cells, not padded to the sheet's width
    packed = path.read_bytes()
    with zipfile.ZipFile(path) as book:
        parts = [(info, book.read(info.filename)) for info in book.infolist()]
    with zipfile.ZipFile(path, "w") as book:
        for info, data in parts:
            if info.filename.startswith("xl/worksheets/sheet"):
                data = re.sub(rb"<dimension[^>]*/>", b"", data)
            book.writestr(info, data)
    assert path.read_bytes() != packed


def test_csv_cells_past_a_short_header_are_classified_and_reported(tmp_path: Path) -> None:
    # R15-15: the header names two columns, every row has three: the ID numbers were dropped, uncounted
    rows = [f"{NAMES[i % 8]},无,{NUMBERS[i]}" for i in range(40)]
    (tmp_path / "short.csv").write_text("姓名,备注\n" + "\n".join(rows) + "\n", encoding="utf-8")
    inventory = _scan(tmp_path / "short.csv")
    assert _tagged(inventory) == {"姓名": "cn_person_name", "column_3": "cn_resident_id"}
    (skipped,) = inventory.skipped
    assert (skipped.location.path, skipped.location.line) == (str(tmp_path / "short.csv"), 2)
    assert "40 rows" in skipped.reason and "column_3" in skipped.reason and inventory.skipped_count == 1
    assert inventory.tables[0].level == "G4"  # 身份证号 beside 姓名: the combination rule fires


def test_one_ragged_row_is_reported_at_its_line_and_padding_is_not(tmp_path: Path) -> None:
    body = ["sfz,tel"] + [f"{NUMBERS[i]},{PHONES[i]}," for i in range(40)]  # a trailing empty cell: nothing
    body[6] = f"{NUMBERS[5]},{PHONES[5]},,{PHONES[39]},  "  # line 7: cells 3-5, the 4th holding a number
    (tmp_path / "rag.csv").write_text("\n".join(body) + "\n", encoding="utf-8")
    inventory = _scan(tmp_path / "rag.csv")
    (table,) = inventory.tables
    assert [f.field for f in table.fields] == ["sfz", "tel", "column_3", "column_4"]
    (column_4,) = [f for f in table.fields if f.field == "column_4"]
    assert column_4.sampled == 1  # the one value is sampled (too few to tag a column)
    (skipped,) = inventory.skipped
    assert skipped.location.line == 7 and skipped.reason.startswith("1 row holds cells past the header's 2 names")
    assert "column_3..column_4" in skipped.reason


def test_a_headerless_csv_with_longer_rows_keeps_their_cells(tmp_path: Path) -> None:
    rows = [f"{NAMES[i % 8]},{NUMBERS[i]}" + (f",{PHONES[i]}" if i else "") for i in range(40)]
    (tmp_path / "data.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    inventory = _scan(tmp_path / "data.csv")
    assert _tagged(inventory) == {"column_2": "cn_resident_id", "column_3": "cn_mobile"}
    (skipped,) = inventory.skipped
    assert skipped.location.line == 2 and "the first row's 2 cells" in skipped.reason


@pytest.mark.parametrize("dimension", [True, False])
def test_xlsx_cells_past_a_short_header_are_classified(tmp_path: Path, dimension: bool) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["姓名", "备注"])
    for i in range(40):
        sheet.append([NAMES[i % 8], "无", NUMBERS[i]])
    book.save(tmp_path / "short.xlsx")
    if not dimension:
        _without_dimension(tmp_path / "short.xlsx")
    inventory = _scan(tmp_path / "short.xlsx")
    assert _tagged(inventory) == {"姓名": "cn_person_name", "column_3": "cn_resident_id"}
    # with <dimension> the header row is padded to the sheet's width: an unnamed cell, nothing wider
    assert [(s.location.line, "sheet Sheet: 40 rows" in s.reason) for s in inventory.skipped] == (
        [] if dimension else [(2, True)])
