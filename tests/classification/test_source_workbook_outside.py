"""What a sheet holds after its rows, and the shared strings, are bounded too (issue 15, review R15bi: RRR15bi-6,
MEDIUM): openpyxl keeps every ``<mergeCell>`` and ``<hyperlink>`` of a sheet and every shared string whole, and
F15ap's row count saw none of them (2 million merged ranges in a 16 MB workbook took 1.35 GB; 3 million shared
strings in 17 MB, 611 MB). A sheet of more than 1,048,576 of either (one a row of Excel's), or a shared-strings
part of more items than the sheets have cells (a spreadsheet writes the strings its cells use) past a grace of
65,536, is refused naming file and sheet or part, and counted as the other refusals are."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from govsoc.classification.sources.workbook_bounds import ArchiveLimits, check_archive
from govsoc.classification.sources.workbook_rows import RowLimits
from govsoc.core.errors import ConfigError
from tests.classification.test_source_folder import _scan, _tagged
from tests.classification.test_source_workbook_bounds import SHEET
from tests.classification.test_source_workbook_rows import HEAD, IDS, _book, _book_with, _sheet

#: Repeated elements pack past 100:1; the ratio is not what is read here.
_RATIO: int = 1 << 20


def _merges(n: int, *, drawn: bool = False) -> bytes:
    """A sheet of ``n`` merged ranges after its rows: each C1:D1, or ``drawn`` (packing no better than R15bi's)."""
    draw = random.Random(6)
    ranges = (b"".join(b'<mergeCell ref="C%d:D%d"/>' % (r, r + draw.randrange(9))
                       for r in (draw.randrange(1, 10**6) for _ in range(n))) if drawn
              else b'<mergeCell ref="C1:D1"/>' * n)
    return _sheet(HEAD + IDS, tail=b'<mergeCells count="%d">%s</mergeCells>' % (n, ranges))


def _links(n: int) -> bytes:
    return _sheet(HEAD + IDS, tail=b"<hyperlinks>" + b'<hyperlink ref="A1" r:id="rId1"/>' * n + b"</hyperlinks>")


def _strings(n: int) -> dict[str, bytes]:
    items = b"".join(b"<si><t>%d</t></si>" % i for i in range(n))
    return {"xl/sharedStrings.xml": b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/'
                                    b'spreadsheetml/2006/main" count="%d" uniqueCount="%d">%s</sst>' % (n, n, items)}


@pytest.mark.parametrize("sheet, limits, said", [
    # one merged range past a bound of 1,000
    (_merges(1_001), RowLimits(max_merges=1_000), "holds more than 1,000 merged ranges (mergeCell elements)"),
    # one hyperlink past a bound of 1,000
    (_links(1_001), RowLimits(max_links=1_000), "holds more than 1,000 hyperlinks (hyperlink elements)"),
    # the bound itself: one merged range past Excel's 1,048,576 rows
    (_merges(1_048_577), RowLimits(), "holds more than 1,048,576 merged ranges"),
    # prefixed elements are counted alike
    (_merges(1_001).replace(b"<mergeCell ", b"<x:mergeCell xmlns:x='http://schemas.openxmlformats.org/"
                            b"spreadsheetml/2006/main' "), RowLimits(max_merges=1_000), "holds more than 1,000 merged"),
])
def test_a_sheet_of_too_many_merged_ranges_or_links_is_refused_naming_file_and_sheet(
        tmp_path: Path, sheet: bytes, limits: RowLimits, said: str) -> None:
    path = _book(tmp_path / "b.xlsx", sheet)
    with pytest.raises(ConfigError) as raised:
        check_archive(path, ArchiveLimits(max_ratio=_RATIO, rows=limits))
    assert raised.value.message.startswith(f"sheet 'S' ({SHEET}) {said}"), raised.value.message
    assert raised.value.location is not None and raised.value.location.path == str(path)


@pytest.mark.parametrize("sheet", [_merges(1_000), _links(1_000)])  # at the bound: read
def test_a_sheet_at_the_bound_is_read(tmp_path: Path, sheet: bytes) -> None:
    check_archive(_book(tmp_path / "b.xlsx", sheet),
                  ArchiveLimits(max_ratio=_RATIO, rows=RowLimits(max_merges=1_000, max_links=1_000)))


def test_shared_strings_past_the_cells_are_refused_naming_the_part(tmp_path: Path) -> None:
    # 41 cells (a header and 40 ids) and a grace of 10: 52 strings are one too many, 51 are read
    limits = ArchiveLimits(max_ratio=_RATIO, string_grace=10)
    check_archive(_book_with(tmp_path / "ok.xlsx", _sheet(HEAD + IDS), _strings(51)), limits)
    path = _book_with(tmp_path / "b.xlsx", _sheet(HEAD + IDS), _strings(52))
    with pytest.raises(ConfigError) as raised:
        check_archive(path, limits)
    assert raised.value.message.startswith("xl/sharedStrings.xml holds 52 shared strings, more than the sheets' 41 "
                                           "cells and 10 more"), raised.value.message


def test_the_default_grace_on_shared_strings(tmp_path: Path) -> None:
    path = _book_with(tmp_path / "b.xlsx", _sheet(HEAD + IDS), _strings(41 + 65_537))
    with pytest.raises(ConfigError, match="holds 65,578 shared strings"):
        check_archive(path, ArchiveLimits(max_ratio=_RATIO))


def test_a_folder_run_counts_the_refused_workbook_and_reads_the_others(tmp_path: Path) -> None:
    _book(tmp_path / "merged.xlsx", _merges(1_048_577, drawn=True))  # under 100:1
    _book(tmp_path / "ok.xlsx", _sheet(HEAD + IDS))
    inventory = _scan(tmp_path)
    assert _tagged(inventory, "ok.xlsx:S") == {"sfzh": "cn_resident_id"}
    (skip,) = inventory.skipped
    assert skip.location.path == str(tmp_path / "merged.xlsx")
    assert "holds more than 1,048,576 merged ranges" in skip.reason
    assert inventory.skipped_count == 1
