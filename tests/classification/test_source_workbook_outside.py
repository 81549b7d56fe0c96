"""What a sheet holds after its rows is bounded too (issue 15, review R15bi: RRR15bi-6, MEDIUM): openpyxl keeps
every ``<mergeCell>`` and ``<hyperlink>`` of a sheet, and F15ap's row count saw none of them (2 million merged
ranges in a 16 MB workbook took 1.35 GB). A sheet of more than 1,048,576 hyperlinks (one a row of Excel's) is
refused naming file and sheet, and counted as the other refusals are; merged ranges only past what a sheet can
hold (review R15bo: RRR15bo-1, HIGH: 524,288 rows merging A:B and C:D each are a valid sheet, read before).
Shared strings are not bounded against the cells (review R15bm: RRR15bm-1, -2, HIGH): a valid workbook may hold
many more than it uses, or a stray copy openpyxl never reads, and both are read as before."""

from __future__ import annotations

import random
import zipfile
from pathlib import Path

import pytest

from govsoc.classification.sources.workbook_bounds import ArchiveLimits, check_archive
from govsoc.classification.sources.workbook_rows import RowLimits
from govsoc.core.errors import ConfigError
from tests.classification.test_source_folder import _scan, _tagged
from tests.classification.test_source_workbook_bounds import NUMBERS, PARTS, SHEET
from tests.classification.test_source_workbook_rows import HEAD, IDS, NS, _book, _sheet

#: Repeated elements pack past 100:1; the ratio is not what is read here.
_RATIO: int = 1 << 20


def _merges(n: int, *, drawn: bool = False) -> bytes:
    """A sheet of ``n`` merged ranges after its rows: each C1:D1, or ``drawn`` (packing no better than R15bi's)."""
    draw = random.Random(6)
    ranges = (b"".join(b'<mergeCell ref="C%d:D%d"/>' % (r, r + draw.randrange(9))
                       for r in (draw.randrange(1, 10**6) for _ in range(n))) if drawn
              else b'<mergeCell ref="C1:D1"/>' * n)
    return _sheet(HEAD + IDS, tail=b'<mergeCells count="%d">%s</mergeCells>' % (n, ranges))


def _links(n: int, *, drawn: bool = False) -> bytes:
    """A sheet of ``n`` hyperlinks after its rows: each on A1, or ``drawn`` (packing no better than 100:1)."""
    draw = random.Random(7)
    links = (b"".join(b'<hyperlink ref="A%d" r:id="rId%d"/>' % (draw.randrange(1, 10**6), draw.randrange(10**6))
                      for _ in range(n)) if drawn else b'<hyperlink ref="A1" r:id="rId1"/>' * n)
    return _sheet(HEAD + IDS, tail=b"<hyperlinks>" + links + b"</hyperlinks>")


_SST_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
_SST_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"


def _strings(unused: int) -> bytes:
    """A shared-strings part of ``unused`` strings no cell uses, then the header and the 40 ids (ECMA-376 Part 1,
    18.4.9 ``sst``): Apache POI's SharedStringsTable only grows, so a template written to many times holds
    strings of cells long overwritten (RRR15bm-1)."""
    items = [b"%011d" % i for i in range(unused)] + [b"sfzh"] + [n.encode() for n in NUMBERS]
    return (b'<?xml version="1.0"?><sst xmlns="%s" count="%d" uniqueCount="%d">' % (NS, len(items), len(items))
            + b"".join(b"<si><t>%s</t></si>" % i for i in items) + b"</sst>")


def _book_of_strings(path: Path, unused: int, extra: dict[str, bytes]) -> Path:
    """A workbook whose cells are shared strings past ``unused`` others, named by workbook.xml.rels, plus ``extra``."""
    rows = b"".join(b'<row r="%d"><c r="A%d" t="s"><v>%d</v></c></row>' % (r, r, unused + r - 1) for r in range(1, 42))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for name, text in PARTS.items():
            if name == "xl/_rels/workbook.xml.rels":
                text = text.replace("</Relationships>", f'<Relationship Id="rId9" Type="{_SST_TYPE}" '
                                                        'Target="sharedStrings.xml"/></Relationships>')
            elif name == "[Content_Types].xml":  # the part openpyxl reads as the shared strings
                text = text.replace("</Types>", f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_SST_CT}"/>'
                                                "</Types>")
            book.writestr(name, text)
        book.writestr(SHEET, _sheet(rows))
        book.writestr("xl/sharedStrings.xml", _strings(unused))
        for name, data in extra.items():
            book.writestr(name, data)
    return path


@pytest.mark.parametrize("unused, extra", [
    # RRR15bm-1: 70,000 strings no cell uses beside the 41 used (the base read such a POI workbook in 60 MB)
    (70_000, {}),
    # RRR15bm-2: a stray copy of 70,000 strings no relationship names (an editor's backup): openpyxl never reads it
    (0, {"xl/sharedStrings.bak.xml": _strings(70_000)}),
    # a pivot cache's 100,000 records (one <r> each, under 100:1) are no shared strings either (RRR15bm-6)
    (0, {"xl/pivotCache/pivotCacheRecords1.xml": b'<?xml version="1.0"?><pivotCacheRecords xmlns="%s">%s'
         b"</pivotCacheRecords>" % (NS, b"".join(b"<r><n v='%d'/></r>" % (i * 7_919 % 100_003)
                                                 for i in range(100_000)))}),
])
def test_shared_strings_more_than_the_cells_are_read(tmp_path: Path, unused: int, extra: dict[str, bytes]) -> None:
    # shared strings are not bounded against the cells: a valid workbook may hold more than it uses
    path = _book_of_strings(tmp_path / "b.xlsx", unused, extra)
    check_archive(path, ArchiveLimits(max_ratio=_RATIO))
    assert _tagged(_scan(tmp_path), "b.xlsx:S") == {"sfzh": "cn_resident_id"}


@pytest.mark.parametrize("sheet, limits, said", [
    # one merged range past a bound of 1,000
    (_merges(1_001), RowLimits(max_merges=1_000), "holds more than 1,000 merged ranges (mergeCell elements)"),
    # one hyperlink past a bound of 1,000
    (_links(1_001), RowLimits(max_links=1_000), "holds more than 1,000 hyperlinks (hyperlink elements)"),
    # the bound itself: one hyperlink past Excel's 1,048,576 rows
    (_links(1_048_577), RowLimits(), "holds more than 1,048,576 hyperlinks"),
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


def test_a_sheet_of_more_merged_ranges_than_excel_has_rows_is_read(tmp_path: Path) -> None:
    """RRR15bo-1: more merged ranges than 1,048,576 is no bomb (two a row on 524,289 rows is a valid sheet)."""
    check_archive(_book(tmp_path / "b.xlsx", _merges(1_048_577)), ArchiveLimits(max_ratio=_RATIO))


def test_a_folder_run_counts_the_refused_workbook_and_reads_the_others(tmp_path: Path) -> None:
    _book(tmp_path / "merged.xlsx", _links(1_048_577, drawn=True))  # under 100:1
    _book(tmp_path / "ok.xlsx", _sheet(HEAD + IDS))
    inventory = _scan(tmp_path)
    assert _tagged(inventory, "ok.xlsx:S") == {"sfzh": "cn_resident_id"}
    (skip,) = inventory.skipped
    assert skip.location.path == str(tmp_path / "merged.xlsx")
    assert "holds more than 1,048,576 hyperlinks" in skip.reason
    assert inventory.skipped_count == 1
