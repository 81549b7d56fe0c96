"""A sheet's rows are counted before openpyxl reads them (RRR15aw-3): openpyxl builds a row whole, so
an 11.8 MB workbook whose one row held 8 million cells took over 10 GB; and it pads rows to the
sheet's ``<dimension>``, so a dimension of ``A1:XFD1048576`` over 3 cells is 17 billion cells. A row
past SpreadsheetML's own bounds (16,384 columns, 1,048,576 rows) is refused naming file, sheet and
row; a dimension the cells do not fill is dropped. What R15bb found refused by F15ak's byte scan
(hyperlinks after the rows, UTF-16, full-height sheets, rich-text rows) is read."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from govsoc.classification.sources import workbook
from govsoc.classification.sources.workbook import WorkbookReader
from govsoc.classification.sources.workbook_bounds import ArchiveLimits, check_archive
from govsoc.classification.sources.workbook_rows import SheetExtent
from govsoc.core.errors import ConfigError
from tests.classification.test_source_folder import _scan, _tagged
from tests.classification.test_source_workbook_bounds import NUMBERS, PARTS, SHEET

NS = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
HEAD = b'<row r="1"><c r="A1" t="inlineStr"><is><t>sfzh</t></is></c></row>'
IDS = b"".join(b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>%s</t></is></c></row>' % (i, i, n.encode())
               for i, n in enumerate(NUMBERS, 2))
RUN = (b'<r><rPr><b/><sz val="11"/><color rgb="FFFF0000"/><rFont val="Calibri"/><family val="2"/>'
       b'<scheme val="minor"/></rPr><t>7</t></r>')


def _sheet(rows: bytes, *, dimension: bytes = b"", tail: bytes = b"") -> bytes:
    return (b'<?xml version="1.0"?><worksheet xmlns="%s" xmlns:r="http://schemas.openxmlformats.org/officeDocument/'
            b'2006/relationships">%s<sheetData>%s</sheetData>%s</worksheet>' % (NS, dimension, rows, tail))


def _book(path: Path, sheet: bytes) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for name, text in PARTS.items():
            book.writestr(name, text)
        book.writestr(SHEET, sheet)
    return path


#: 400,000 attributes, 4 MB of one tag: expat would build them whole (R15bb-5).
_ATTRIBUTES = b" ".join(b'a%d="1"' % i for i in range(400_000))


def _cells(n: int, row: int = 42) -> bytes:
    """A row numbered ``row`` of ``n`` numeric cells without references (openpyxl counts them)."""
    return b'<row r="%d">' % row + b"<c><v>1</v></c>" * n + b"</row>"


@pytest.mark.parametrize("rows, said, line", [
    # one past Excel's 16,384 columns (RRR15aw-3's bomb is this row, 8 million cells wide)
    (HEAD + IDS + _cells(16_385), "row 42 holds more than 16,384 cells", 42),
    # the wide row in the middle, rows after it
    (HEAD + _cells(20_000, 2) + IDS.replace(b'r="2"', b'r="99"'), "row 2 holds more than 16,384 cells", 2),
    # a row without r after row 41 is row 42 (openpyxl counts so), and its cells hold no r either
    (HEAD + IDS + b"<row>" + b"<c><v>1</v></c>" * 16_385 + b"</row>", "row 42 holds more than 16,384", 42),
    # the cells of a prefixed row are counted alike (any prefix of the main namespace)
    (HEAD.replace(b"<row", b"<x:row").replace(b"</row", b"</x:row") + b'<x:row r="2">'
     + b"<x:c><x:v>1</x:v></x:c>" * 16_385 + b"</x:row>", "row 2 holds more than 16,384 cells", 2),
    # past Excel's last row: openpyxl yields an empty row for each number skipped
    (HEAD + b'<row r="1048577"><c><v>1</v></c></row>', "row 1,048,577 is numbered past 1,048,576", 1_048_577),
    # a cell past column XFD (openpyxl reads up to ZZZ; a valid sheet ends at XFD)
    (HEAD + b'<row r="2"><c r="XFE2"><v>1</v></c></row>', "row 2 has a cell 'XFE2' past column XFD", 2),
    # one cell of 400,000 attributes (4 MB one tag): expat would build them whole (R15bb-5)
    (HEAD + b'<row r="2"><c ' + b" ".join(b'a%d="1"' % i for i in range(400_000)) + b"><v>1</v></c></row>",
     "row 2 is followed by more than 1,048,576 bytes in which no tag ends", 2),
    # RRR15bi-10: the long tag is row 2's own start tag, which F15ap named as after row 1
    (HEAD + b'<row r="2" ' + _ATTRIBUTES + b"><c><v>1</v></c></row>",
     "row 2 opens with more than 1,048,576 bytes in which no tag ends", 2),
    # the same with r after the attributes, beyond what is looked at: the row after row 1, as openpyxl counts
    (HEAD + b"<row " + _ATTRIBUTES + b' r="2"><c><v>1</v></c></row>', "row 2 opens with more than 1,048,576", 2),
    # a row numbered 9 after row 1
    (HEAD + b"<x:row xmlns:x='urn:x' r='9' " + _ATTRIBUTES + b"/>", "row 9 opens with more than 1,048,576", 9),
])
def test_a_row_past_the_bounds_is_refused_naming_file_sheet_and_row(tmp_path: Path, rows: bytes, said: str,
                                                                    line: int) -> None:
    path = _book(tmp_path / "b.xlsx", _sheet(rows))
    with pytest.raises(ConfigError) as raised:
        list(WorkbookReader(sample=100).tables(path))
    assert raised.value.message.startswith(f"sheet 'S' ({SHEET}) {said}"), raised.value.message
    assert raised.value.location is not None
    assert (raised.value.location.path, raised.value.location.line) == (str(path), line)


@pytest.mark.parametrize("rows, tail", [
    # a long row-named tag after <sheetData> (an extension's): no row opens there (RRR15bm-6)
    (HEAD + IDS, b"<extLst><ext uri='u'><x:row xmlns:x='urn:x' r='7' " + _ATTRIBUTES + b"/></ext></extLst>"),
    # one inside a cell of row 41: a child of a cell, not of <sheetData>
    (HEAD + IDS[:IDS.rindex(b"<row")] + b"<row r='41'><c><x:row xmlns:x='urn:x' r='7' " + _ATTRIBUTES
     + b"/></c></row>", b""),
])
def test_a_long_row_tag_not_in_sheet_data_opens_no_row(tmp_path: Path, rows: bytes, tail: bytes) -> None:
    # the long tag follows row 41: it is said so, not as a row 7 it would open
    path = _book(tmp_path / "b.xlsx", _sheet(rows, tail=tail))
    with pytest.raises(ConfigError) as raised:
        list(WorkbookReader(sample=100).tables(path))
    assert raised.value.message.startswith(f"sheet 'S' ({SHEET}) row 41 is followed by more than 1,048,576 bytes "
                                           "in which no tag ends"), raised.value.message


def test_a_sheet_of_more_row_elements_than_excel_has_rows_is_refused(tmp_path: Path) -> None:
    # the same row number over and over: openpyxl yields the first, keeps every other row element
    # (emptied) to the sheet's end; 1,048,577 of them pass every row's own bounds
    path = _book(tmp_path / "b.xlsx", _sheet(HEAD + b'<row r="2"/>' * 1_048_577))
    with pytest.raises(ConfigError) as raised:
        check_archive(path, ArchiveLimits(max_ratio=1 << 20))
    assert raised.value.message.startswith(f"sheet 'S' ({SHEET}) row 2 is row element 1,048,577 of the sheet, "
                                           "past 1,048,576")


def test_a_row_past_the_elements_bound_is_refused(tmp_path: Path) -> None:
    # the memory openpyxl holds for a row: elements and attributes (this row, one cell of two rich-text runs: 33)
    path = _book(tmp_path / "b.xlsx", _sheet(HEAD + b'<row r="2">' + b'<c t="inlineStr"><is>'
                                             + RUN * 2 + b"</is></c></row>"))
    from govsoc.classification.sources.workbook_rows import RowLimits

    check_archive(path, ArchiveLimits())
    with pytest.raises(ConfigError) as raised:
        check_archive(path, ArchiveLimits(rows=RowLimits(max_nodes=32)))
    assert raised.value.message.startswith(f"sheet 'S' ({SHEET}) row 2 holds more than 32 XML elements")


@pytest.mark.parametrize("sheet", [
    # R15bb-1: 140,000 hyperlinks after sheetData (openpyxl and Excel write one per linked cell)
    _sheet(HEAD + IDS, tail=b"<hyperlinks>" + b"".join(b'<hyperlink ref="A%d" r:id="rId%d"/>' % (i, i)
                                                       for i in range(140_000)) + b"</hyperlinks>"),
    # R15bb-1: as many merged ranges, and column widths before sheetData
    _sheet(HEAD + IDS, dimension=b"<cols>" + b'<col min="1" max="1" width="9"/>' * 140_000 + b"</cols>",
           tail=b'<mergeCells count="140000">' + b'<mergeCell ref="C1:D1"/>' * 140_000 + b"</mergeCells>"),
    # R15bb-4: a row of 7,000 inline rich-text cells, 22 elements each (under Excel's 16,384 cells)
    _sheet(HEAD + IDS + b'<row r="42">' + (b'<c t="inlineStr"><is>' + RUN * 2 + b"</is></c>") * 7_000 + b"</row>"),
    # a row of exactly 16,384 cells, and a cell of 2 MiB of text (no tag, but text: read)
    _sheet(HEAD + IDS + _cells(16_384) + b'<row r="43"><c t="inlineStr"><is><t>' + b"x" * (2 << 20)
           + b"</t></is></c></row>"),
    # R15bb-2: UTF-16 (XML 1.0 section 4.3.3: every processor reads it)
    b"\xff\xfe" + _sheet(HEAD + IDS).decode().replace('<?xml version="1.0"?>',
                                                      '<?xml version="1.0" encoding="UTF-16"?>').encode("utf-16-le"),
])
def test_what_spreadsheets_write_is_read(tmp_path: Path, sheet: bytes) -> None:
    # (the ratio bound is not what this reads: these repeated rows pack well past 100:1)
    path, limits = _book(tmp_path / "b.xlsx", sheet), ArchiveLimits(max_ratio=10_000)
    check_archive(path, limits)
    table = next(iter(WorkbookReader(sample=100, limits=limits).tables(path)))
    assert table.rows >= 40
    assert [c.field for c in table.columns][:1] == ["sfzh"]


def test_a_utf16_sheet_is_counted_as_read(tmp_path: Path) -> None:
    # expat decodes what it reads: the same wide row in UTF-16 is refused (F15ak's byte scan saw row 0)
    sheet = b"\xff\xfe" + _sheet(HEAD + _cells(16_385, 2)).decode().replace(
        '<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-16"?>').encode("utf-16-le")
    with pytest.raises(ConfigError) as raised:
        check_archive(_book(tmp_path / "b.xlsx", sheet), ArchiveLimits())
    assert raised.value.message.startswith(f"sheet 'S' ({SHEET}) row 2 holds more than 16,384 cells")


def _cells_made(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A count of the cells openpyxl gives the reader (workbook._cell's calls)."""
    made = [0]
    real = workbook._cell

    def counted(value: object) -> str:
        made[0] += 1
        return real(value)

    monkeypatch.setattr(workbook, "_cell", counted)
    return made


def test_a_dimension_past_the_cells_pads_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A1:XFD1048576 over 41 cells: openpyxl padded each row to 16,384 cells and the sheet to 1,048,576
    # rows (R15bb's dim_xfd_far, a real row at the last number: still reading after 120 s). Here the
    # dimension says 300 rows, 16,384 columns: 4.9 million cells padded before.
    path = _book(tmp_path / "b.xlsx", _sheet(HEAD + IDS, dimension=b'<dimension ref="A1:XFD300"/>'))
    made = _cells_made(monkeypatch)
    (table,) = WorkbookReader(sample=100).tables(path)
    assert table.rows == 40
    assert made[0] <= 41, made[0]


def test_a_dimension_short_of_the_rows_hides_none(tmp_path: Path) -> None:
    # a dimension of A1:A3 over 41 rows: openpyxl stopped at row 3, the 38 ID numbers below unread
    path = _book(tmp_path / "b.xlsx", _sheet(HEAD + IDS, dimension=b'<dimension ref="A1:A3"/>'))
    (table,) = WorkbookReader(sample=100).tables(path)
    assert table.rows == 40


def test_a_full_height_sheet_of_40_columns_keeps_its_dimension(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    # R15bb-3: a 40-column header over 4-column rows (Excel writes A1:AN<last>): no bound on a sheet's
    # cells, and a dimension the cells fill (area under 16 cells a cell) is kept, rows padded to it
    header = b'<row r="1">' + b"".join(b'<c t="inlineStr"><is><t>c%d</t></is></c>' % i for i in range(40)) + b"</row>"
    body = b"".join(b'<row r="%d"><c><v>1</v></c><c><v>2</v></c><c><v>3</v></c><c><v>4</v></c></row>' % r
                    for r in range(2, 3001))
    path = _book(tmp_path / "b.xlsx", _sheet(header + body, dimension=b'<dimension ref="A1:AN3000"/>'))
    made = _cells_made(monkeypatch)
    (table,) = WorkbookReader(sample=100).tables(path)
    assert table.rows == 2999 and len(table.columns) == 40
    assert made[0] == 3000 * 40  # padded to the dimension, as before


def test_a_folder_run_counts_the_refused_workbook_and_reads_the_others(tmp_path: Path) -> None:
    _book(tmp_path / "wide.xlsx", _sheet(HEAD + IDS + _cells(16_385)))
    _book(tmp_path / "ok.xlsx", _sheet(HEAD + IDS))
    inventory = _scan(tmp_path)
    assert _tagged(inventory, "ok.xlsx:S") == {"sfzh": "cn_resident_id"}
    (skip,) = inventory.skipped
    assert skip.location.path == str(tmp_path / "wide.xlsx") and skip.location.line == 42
    assert skip.reason.startswith(f"sheet 'S' ({SHEET}) row 42 holds more than 16,384 cells")
    assert inventory.skipped_count == 1


def test_the_zip_directory_is_read_once_here_and_once_by_openpyxl(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    # the hook's item (R15bb-10): check_archive read it, again to read parts in pieces, and again for
    # the sheets' spans (_sheet_spans), before openpyxl's own read: 4 reads of one directory
    path = _book(tmp_path / "b.xlsx", _sheet(HEAD + IDS))
    reads = [0]
    real = zipfile.ZipFile._RealGetContents  # type: ignore[attr-defined]

    def counted(self: zipfile.ZipFile) -> None:
        reads[0] += 1
        real(self)

    monkeypatch.setattr(zipfile.ZipFile, "_RealGetContents", counted)
    (table,) = WorkbookReader(sample=100).tables(path)
    assert table.rows == 40
    assert reads[0] == 2


def _book_with(path: Path, sheet: bytes, extra: dict[str, bytes]) -> Path:
    _book(path, sheet)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as book:
        for name, data in extra.items():
            book.writestr(name, data)
    return path


@pytest.mark.parametrize("extra", [
    # RRR15bi-1: a Windows thumbnail cache (binary) beside the sheets: no sheet, openpyxl never reads it
    {"xl/worksheets/Thumbs.db": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 8},
    # an editor's backup and a Finder file
    {"xl/worksheets/sheet1.xml~": b"<worksheet", "xl/worksheets/.DS_Store": b"\x00\x00\x00\x01Bud1\x00"},
    # an orphan sheet no <sheet> of the workbook names (left by a tool, unzip/edit/zip): wide or broken
    {"xl/worksheets/sheet9.xml": _sheet(HEAD + _cells(16_385, 2)), "xl/worksheets/sheet8.xml": b"<worksheet><"},
])
def test_a_part_the_workbook_does_not_name_as_a_sheet_is_not_counted(tmp_path: Path, extra: dict[str, bytes]) -> None:
    path = _book_with(tmp_path / "b.xlsx", _sheet(HEAD + IDS), extra)
    (table,) = WorkbookReader(sample=100).tables(path)
    assert table.rows == 40


def test_the_named_sheets_are_counted_wherever_they_lie(tmp_path: Path) -> None:
    # a sheet named by the workbook outside xl/worksheets/ is still counted (openpyxl reads it)
    path = tmp_path / "b.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for name, text in PARTS.items():
            book.writestr(name, text.replace("worksheets/sheet1.xml", "other/wide.xml")
                          if name.endswith(".rels") or "Content_Types" in name else text)
        book.writestr("xl/other/wide.xml", _sheet(HEAD + _cells(16_385, 2)))
    with pytest.raises(ConfigError) as raised:
        check_archive(path, ArchiveLimits())
    assert raised.value.message.startswith("sheet 'S' (xl/other/wide.xml) row 2 holds more than 16,384 cells")


_BIG = b"".join(b"%08x" % (i * 2_654_435_761 % (1 << 32)) for i in range(3 << 17))  # 3 MiB, no '-' or '?'


@pytest.mark.parametrize("sheet", [
    # RRR15bi-2: a comment of 3 MiB before sheetData is no tag (fdddc391 read it)
    _sheet(HEAD + IDS, dimension=b"<!--" + _BIG + b"-->"),
    # a processing instruction as long, between the rows
    _sheet(HEAD + b"<?log " + _BIG + b"?>" + IDS),
    # a comment after the rows, and one before the root element
    _sheet(HEAD + IDS, tail=b"<!--" + _BIG + b"-->").replace(b"<worksheet", b"<!--" + _BIG + b"--><worksheet", 1),
    # the same in UTF-16 (expat's byte index counts two bytes a character)
    b"\xff\xfe" + _sheet(HEAD + IDS, dimension=b"<!--" + _BIG[:3 << 19] + b"-->").decode().replace(
        '<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-16"?>').encode("utf-16-le"),
])
def test_a_long_comment_or_processing_instruction_is_read(tmp_path: Path, sheet: bytes) -> None:
    path = _book(tmp_path / "b.xlsx", sheet)
    (table,) = WorkbookReader(sample=100).tables(path)
    assert table.rows == 40


def test_a_long_tag_after_a_comment_is_still_refused(tmp_path: Path) -> None:
    # a short comment just before the attribute bomb does not let it through
    bomb = b'<row r="2"><c ' + b" ".join(b'a%d="1"' % i for i in range(400_000)) + b"><v>1</v></c></row>"
    path = _book(tmp_path / "b.xlsx", _sheet(HEAD + b"<!-- x --><?p?>" + bomb))
    with pytest.raises(ConfigError) as raised:
        check_archive(path, ArchiveLimits())
    assert "bytes in which no tag ends" in raised.value.message


def test_a_sheet_in_an_encoding_expat_cannot_read_is_a_config_error(tmp_path: Path) -> None:
    # RRR15bi-3: pyexpat raises a bare ValueError for GBK; fdddc391 said "not a readable XLSX workbook"
    sheet = _sheet(HEAD + IDS).replace(b'<?xml version="1.0"?>', b'<?xml version="1.0" encoding="GBK"?>')
    path = _book(tmp_path / "b.xlsx", sheet)
    with pytest.raises(ConfigError) as raised:
        check_archive(path, ArchiveLimits())
    assert raised.value.message.startswith(f"not a readable XLSX workbook: sheet 'S' ({SHEET}) declares an "
                                           "encoding expat cannot read"), raised.value.message
    assert raised.value.location is not None and raised.value.location.path == str(path)


def test_junk_cell_references_are_not_kept_after_the_file(tmp_path: Path) -> None:
    # RRR15bi-4: each r (64 KiB, no cell reference) was cached for good: 150 of them held ~10 MB
    import tracemalloc

    junk = b"".join(b'<c r="%s!"><v>1</v></c>' % (b"%06d" % i * 10_923)[:65_536] for i in range(150))
    path = _book(tmp_path / "b.xlsx", _sheet(HEAD + b'<row r="2">' + junk + b"</row>"))
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        check_archive(path, ArchiveLimits(max_ratio=1 << 20))
        kept = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert kept < 1 << 20, kept


def _prefixed(sheet: bytes) -> bytes:
    return sheet.replace(b"<sheetData>", b'<x:sheetData xmlns:x="%s">' % NS).replace(b"</sheetData>", b"</x:sheetData>")


@pytest.mark.parametrize("sheet, extent", [
    # rows out of order: the highest row (5), not the last (3); the cells of every row (1 + 2 + 1)
    (_sheet(HEAD + b'<row r="5"><c r="A5"><v>1</v></c><c r="B5"><v>1</v></c></row>'
            b'<row r="3"><c r="A3"><v>1</v></c></row>'), SheetExtent(rows=5, columns=2, cells=4)),
    # a row numbered as a float (openpyxl reads r="7.0" as row 7), a lower-case reference (c = column 3)
    (_sheet(HEAD + b'<row r="2.0"><c r="c2"><v>1</v></c></row><row r="7.0"><c><v>1</v></c></row>'),
     SheetExtent(rows=7, columns=3, cells=3)),
    # hyperlinks and merged cells after </sheetData> are no rows
    (_sheet(HEAD, tail=b'<hyperlinks><hyperlink ref="A1" r:id="rId1"/><hyperlink ref="A2" r:id="rId2"/>'
            b'</hyperlinks><mergeCells><mergeCell ref="A1:C1"/></mergeCells>'),
     SheetExtent(rows=1, columns=1, cells=1)),
    # a prefixed <x:sheetData> holds the rows alike
    (_prefixed(_sheet(HEAD.replace(b"<row", b"<x:row").replace(b"</row", b"</x:row")
                      .replace(b"<c ", b"<x:c ").replace(b"</c>", b"</x:c>").replace(b"<is>", b"<x:is>")
                      .replace(b"</is>", b"</x:is>").replace(b"<t>", b"<x:t>").replace(b"</t>", b"</x:t>")
                      + b'<x:row r="4"><x:c r="D4"><x:v>1</x:v></x:c></x:row>')),
     SheetExtent(rows=4, columns=4, cells=2)),
])
def test_the_extent_is_what_the_rows_hold(tmp_path: Path, sheet: bytes, extent: SheetExtent) -> None:
    # RRR15bi-8: mutants of the extent's counts survived every earlier test
    assert check_archive(_book(tmp_path / "b.xlsx", sheet), ArchiveLimits()).extents == {"S": extent}


@pytest.mark.parametrize("sheet, said", [
    # a wide row inside a prefixed <x:sheetData> (the prefix on sheetData itself, not only on rows)
    (_prefixed(_sheet(HEAD + _cells(16_385, 2))), "row 2 holds more than 16,384 cells"),
    # four letters (AAAA, past openpyxl's ZZZ and Excel's XFD)
    (_sheet(HEAD + b'<row r="2"><c r="AAAA2"><v>1</v></c></row>'), "row 2 has a cell 'AAAA2' past column XFD"),
])
def test_more_rows_past_the_bounds_are_refused(tmp_path: Path, sheet: bytes, said: str) -> None:
    with pytest.raises(ConfigError) as raised:
        check_archive(_book(tmp_path / "b.xlsx", sheet), ArchiveLimits())
    assert raised.value.message.startswith(f"sheet 'S' ({SHEET}) {said}"), raised.value.message


def test_a_long_text_is_read_however_the_pieces_fall(tmp_path: Path) -> None:
    # a cell of 5 MiB of text: several pieces in a row with no tag ending (the text handler is what tells it)
    path = _book(tmp_path / "b.xlsx", _sheet(HEAD + IDS + b'<row r="42"><c t="inlineStr"><is><t>'
                                             + b"x" * (5 << 20) + b"</t></is></c></row>"))
    assert check_archive(path, ArchiveLimits(max_ratio=10_000)).extents["S"].rows == 42


def test_a_dimension_of_the_extent_that_pads_over_16_cells_a_cell_is_dropped(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    # A1:XFD100 is the extent of A1 and XFD100, but 1.6 million cells for 2: openpyxl would pad every row
    path = _book(tmp_path / "b.xlsx", _sheet(HEAD + b'<row r="100"><c r="XFD100"><v>1</v></c></row>',
                                             dimension=b'<dimension ref="A1:XFD100"/>'))
    made = _cells_made(monkeypatch)
    list(WorkbookReader(sample=100).tables(path))
    assert made[0] < 100_000, made[0]
