"""The layout of hand-made exports (issue 15 review): cells past a short header are classified as
columns of their own and the file is reported once (R15-15)."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govsoc.classification.grading import load_scheme
from govsoc.classification.inventory import Inventory, build_inventory
from govsoc.classification.sources import open_source
from govsoc.classification.sources.files import MAX_CELL
from govsoc.classification.sources.layout import HEAD_ROWS, Width, split_head
from govsoc.classification.sources.skips import Skips, scanner
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
    # classified: a note, not a skip (R15d-26)
    assert "40 rows" in skipped.reason and "column_3" in skipped.reason
    assert skipped.note and inventory.skipped_count == 0
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


def test_an_oversized_cell_is_named_as_the_inventory_names_its_column(tmp_path: Path) -> None:
    body = ["sfz,,tel"] + [f"{NUMBERS[i]},x,{PHONES[i]}" for i in range(40)]
    body[3] += "," + "A" * (MAX_CELL + 1)  # line 4, past the header
    body[20] = f"{NUMBERS[19]},{'B' * (MAX_CELL + 1)},{PHONES[19]}"  # line 21, under the unnamed column
    (tmp_path / "big.csv").write_text("\n".join(body) + "\n", encoding="utf-8")
    inventory = _scan(tmp_path / "big.csv")
    fields = [f.field for f in inventory.tables[0].fields]
    where = [(s.location.line, s.location.column, s.location.field) for s in inventory.skipped
             if s.reason.startswith("cell of")]
    assert where == [(4, 4, "column_4"), (21, 2, "column_2")] and fields == ["sfz", "column_2", "tel"]


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


ROSTER = [[str(i + 1), NAMES[i % 8], NUMBERS[i], PHONES[i]] for i in range(40)]  # 序号 姓名 身份证号码 联系电话
HEADER = ["序号", "姓名", "身份证号码", "联系电话"]
FOUND = {"姓名": "cn_person_name", "身份证号码": "cn_resident_id", "联系电话": "cn_mobile"}


@pytest.mark.parametrize("above, reason", [
    # the usual 花名册: a one-cell title (a merged A1:D1 in the workbook), then the header
    ([["某县2024年低保对象花名册", "", "", ""]], "line 1 above the header (line 2)"),
    # a title, then who filled it in and when (two cells of four), then the header
    ([["某县2024年低保对象花名册"], ["填报单位：某县民政局", "", "填报日期：2024年1月31日", ""]],
     "lines 1-2 above the header (line 3)"),
    # a blank line before the title: no row (R15d-28), the title alone above the header
    ([[], ["低保对象花名册"]], "line 2 above the header (line 3)"),
    ([], None),  # the first row is the header: nothing above it, nothing said
])
def test_csv_title_rows_above_the_header(tmp_path: Path, above: list[list[str]], reason: str | None) -> None:
    # R15-17: the title was taken for the header: column_1..4, 姓名 untagged, the header a data row, 3级
    lines = [",".join(row) for row in [*above, HEADER, *ROSTER]]
    (tmp_path / "roster.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    inventory = _scan(tmp_path / "roster.csv")
    assert _tagged(inventory) == FOUND and inventory.tables[0].rows == 40
    assert inventory.tables[0].level == "G4"
    assert [(s.location.line, s.reason) for s in inventory.skipped] == (
        [] if reason is None else [(int(reason.split()[1].split("-")[0]), f"{reason} read as a title: not classified")])


def test_xlsx_merged_title_row_above_the_header(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "名单"
    sheet.append(["某县2024年低保对象花名册"])
    sheet.merge_cells("A1:D1")
    sheet.append(HEADER)
    for row in ROSTER:
        sheet.append([int(row[0]), *row[1:]])
    book.save(tmp_path / "title.xlsx")
    inventory = _scan(tmp_path / "title.xlsx")
    assert _tagged(inventory) == FOUND and inventory.tables[0].rows == 40
    (skipped,) = inventory.skipped
    assert (skipped.location.line, skipped.reason) == (
        1, "sheet 名单: row 1 above the header (row 2) read as a title: not classified")


@pytest.mark.parametrize("rows", [
    ROSTER,                                                          # the first row holds an ID number
    [[NAMES[i % 8], "男", "汉族", str(20 + i)] for i in range(40)],  # a number in it (an age)
])
def test_headerless_files_keep_every_row_as_data(tmp_path: Path, rows: list[list[str]]) -> None:
    (tmp_path / "data.csv").write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    inventory = _scan(tmp_path / "data.csv")
    (table,) = inventory.tables
    assert table.rows == 40 and inventory.skipped == ()
    assert [f.field for f in table.fields] == ["column_1", "column_2", "column_3", "column_4"]


def test_a_title_over_headerless_data_is_reported_and_the_data_kept(tmp_path: Path) -> None:
    rows = [["低保对象花名册"], *ROSTER]
    (tmp_path / "data.csv").write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    inventory = _scan(tmp_path / "data.csv")
    (table,) = inventory.tables
    assert table.rows == 40 and [f.field for f in table.fields] == ["column_1", "column_2", "column_3", "column_4"]
    (skipped,) = inventory.skipped
    assert (skipped.location.line, skipped.reason) == (
        1, "line 1 above the data (no header row; line 2 on) read as a title: not classified")


CELLS = st.one_of(st.just(""), st.sampled_from(["姓名", "身份证号码", "某县花名册", "1", "2024-01-31", " ", "备注"]),
                  st.sampled_from(NUMBERS[:3] + PHONES[:3]), st.text(max_size=8))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(CELLS, max_size=6), max_size=HEAD_ROWS))
def test_every_head_row_is_a_title_the_header_or_data(head: list[list[str]]) -> None:
    # nothing read is lost or taken twice: the rows before the header (or the data) are reported
    # as titles, one skip, and the header and the data rows are the rest, in order
    _check_split(head, lambda cell: False)


def _check_split(head: list[list[str]], names_column: Callable[[str], bool]) -> None:
    skips = Skips("f.csv")
    header, data, headed = split_head(head, list(range(1, len(head) + 1)),
                                      has_value=lambda cell: bool(scanner().scan(cell)), width=Width(),
                                      skips=skips, names_column=names_column)
    above = len(head) - len(data)
    assert above >= 0 and head[above:] == data
    # a header of two rows (a group over its names) is neither row; a header of one is its row
    rows = 0 if not headed else 1 if above and header == head[above - 1] else 2
    titles = above - rows
    assert titles >= 0 and len(skips.listed) == (1 if titles else 0) and skips.count == 0  # a note (R15d-26)
    if rows == 2:
        assert len(header) == max(len(head[above - 2]), len(head[above - 1]))
    if not headed:
        assert header == [f"column_{i + 1}" for i in range(len(data[0]) if data else 0)]


@pytest.mark.parametrize("extra", [
    ["2023", "2024"],                 # R15c-1: a subsidy per year
    ["1", "2", "3"],                  # monthly columns written as numbers
    ["2024-01", "2024-02"],
    # R15c-14: a column's definition in its name (over 64 characters)
    ["家庭人均月收入（元）（含工资性收入、经营性收入、财产性收入和转移性收入，不含政府发放的各类优待抚恤金、低保金）"],
])
def test_a_header_naming_known_columns_beside_numbers_or_a_long_name_is_the_header(tmp_path: Path,
                                                                                   extra: list[str]) -> None:
    """F15j's header search took a row holding a number or a date, or a name over 64 characters,
    for data: 姓名,身份证号码,2023,2024 lost its header, 姓名 went untagged and the table fell from
    4级 to 3级, silently (R15c-1, -14). A row that names a column a recognizer knows is the header."""
    rows = [[NAMES[i % 8], NUMBERS[i], *("350" for _ in extra)] for i in range(40)]
    lines = [",".join(["姓名", "身份证号码", *extra])] + [",".join(r) for r in rows]
    (tmp_path / "pivot.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    inventory = _scan(tmp_path / "pivot.csv")
    # a household's income (收入) is personal property, sensitive (GB/T 35273 Annex B, R15e-24)
    income = {extra[0]: "cn_property"} if "收入" in extra[0] else {}
    assert _tagged(inventory) == {"姓名": "cn_person_name", "身份证号码": "cn_resident_id", **income}
    assert inventory.tables[0].rows == 40 and inventory.tables[0].level == "G4"


def _roster_xlsx(path: Path, above: list[list[object]], header: list[str], rows: list[list[str]]) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "名单"
    for row in [*above, header, *rows]:
        sheet.append(row)
    book.save(path)


NOTES = [
    # R15c-9: 填报日期 in one cell, the date in the next (3 cells of 4: more than half the row)
    ["填报单位：某乡", "", "填报日期：", "2024-01-31"],
    # a contact line: a phone number in it (2 cells of 4)
    ["联系人：李明", "", "联系电话：0571-88881234", ""],
]


@pytest.mark.parametrize("note", NOTES)
def test_a_note_line_holding_a_date_or_a_phone_under_the_title_is_a_title(tmp_path: Path, note: list[str]) -> None:
    """R15c-9: the 填报 line under a 花名册's title held a date cell or a phone; the search stopped
    there and said "no header row": the header became a data row, 姓名 untagged, 3级 for 4级."""
    lines = [",".join(row) for row in [["某县2024年低保对象花名册", "", "", ""], note, HEADER, *ROSTER]]
    (tmp_path / "roster.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    _assert_roster(_scan(tmp_path / "roster.csv"), "lines 1-2 above the header (line 3)")


def test_xlsx_note_line_with_a_real_date_cell_is_a_title(tmp_path: Path) -> None:
    # a date typed into a cell: openpyxl reads a datetime ("2024-01-31 00:00:00")
    above: list[list[object]] = [["某县2024年低保对象花名册"],
                                 ["填报单位：某乡", None, "填报日期：", datetime(2024, 1, 31)]]
    _roster_xlsx(tmp_path / "note.xlsx", above, HEADER, ROSTER)
    _assert_roster(_scan(tmp_path / "note.xlsx"), "sheet 名单: rows 1-2 above the header (row 3)")


def _assert_roster(inventory: Inventory, above: str) -> None:
    """The roster under its titles: its three columns tagged, 40 rows, 4级, the titles reported once."""
    assert _tagged(inventory) == FOUND and inventory.tables[0].rows == 40 and inventory.tables[0].level == "G4"
    assert [(s.location.line, s.reason) for s in inventory.skipped] == [(1, f"{above} read as a title: not classified")]


FULL_NOTES = [
    # R15d-13: one label：value item a cell, as wide as the header, a phone and a date among them
    ["单位：某乡民政办", "填报人：张三", "电话：13812345678", "日期：2024-01-31"],
    # the same with ASCII colons and a label left empty (填报日期: still to be filled in)
    ["填报单位:某乡", "填报人:张三", "联系电话:0571-88881234", "填报日期:"],
    # wider than the header (a fifth item past its last name)
    ["单位：某乡", "填报人：张三", "电话：13812345678", "日期：2024-01-31", "审核：李四"],
]


@pytest.mark.parametrize("note", FULL_NOTES)
def test_a_note_line_as_wide_as_the_header_is_a_title(tmp_path: Path, note: list[str]) -> None:
    """R15d-13: a 填报 line of label：value cells filling as many cells as the header above it was
    judged as data (it holds a phone, a date): no header at all, 姓名 untagged, 3级 for 4级, silently."""
    lines = [",".join(row) for row in [note, HEADER, *ROSTER]]
    (tmp_path / "roster.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    _assert_roster(_scan(tmp_path / "roster.csv"), "line 1 above the header (line 2)")


def test_xlsx_note_line_as_wide_as_the_header_is_a_title(tmp_path: Path) -> None:
    # the same in a workbook, the date a real date cell after its label's cell
    above: list[list[object]] = [["填报单位：某乡", "填报人：张三", "填报日期：", datetime(2024, 1, 31)]]
    _roster_xlsx(tmp_path / "note.xlsx", above, HEADER, ROSTER)
    _assert_roster(_scan(tmp_path / "note.xlsx"), "sheet 名单: row 1 above the header (row 2)")


def test_a_record_with_a_colon_above_a_known_header_is_not_a_note_line(tmp_path: Path) -> None:
    # a record as wide as the header whose cells are not all label：value items stays judged as before
    # (data: no header), so a file of records with a note in one cell is not cut at a colon; the row of
    # column names below it is a header of its own, starting a table (R15e-5; was a record of the first)
    rows = [[str(i + 1), NAMES[i % 8], NUMBERS[i], "备注：已核实"] for i in range(3)]
    (tmp_path / "r.csv").write_text("\n".join(",".join(r) for r in [*rows[:1], HEADER, *rows[1:]]) + "\n",
                                    encoding="utf-8")
    inventory = _scan(tmp_path / "r.csv")
    assert [(t.table, t.rows) for t in inventory.tables] == [("r.csv", 1), ("r.csv (line 2)", 2)]
    (note,) = inventory.skipped
    assert note.location.line == 2 and "a header of its own" in note.reason


ONE_NAME = [[NAMES[i % 8], NUMBERS[i], PHONES[i]] for i in range(40)]
ONE_FOUND = {"姓名": "cn_person_name", "column_2": "cn_resident_id", "column_3": "cn_mobile"}


def test_a_one_name_header_over_wider_data_is_the_header(tmp_path: Path) -> None:
    """R15c-2: 姓名 alone over rows of name, ID number and mobile was reported as a title: the name
    column went untagged and the table was 3级, not 4级. One cell naming a known column directly
    over the data is the header, short of names (the cells past it reported, as R15-15's are)."""
    (tmp_path / "one.csv").write_text("姓名\n" + "\n".join(",".join(r) for r in ONE_NAME) + "\n", encoding="utf-8")
    inventory = _scan(tmp_path / "one.csv")
    assert _tagged(inventory) == ONE_FOUND and inventory.tables[0].rows == 40 and inventory.tables[0].level == "G4"
    (skipped,) = inventory.skipped
    assert skipped.location.line == 2 and skipped.reason.startswith("40 rows hold cells past the header's 1 name ")


def test_xlsx_one_name_header_is_the_header(tmp_path: Path) -> None:
    # openpyxl writes <dimension>: row 1 is padded to three cells, two of them empty
    _roster_xlsx(tmp_path / "one.xlsx", [], ["姓名"], ONE_NAME)
    inventory = _scan(tmp_path / "one.xlsx")
    assert _tagged(inventory) == ONE_FOUND and inventory.tables[0].level == "G4" and inventory.skipped == ()


def test_a_one_cell_title_over_headerless_data_stays_a_title(tmp_path: Path) -> None:
    # the contrast: a cell naming no column (a title) over data is no header
    rows = "\n".join(",".join(r) for r in ONE_NAME)
    (tmp_path / "t.csv").write_text("低保对象名单\n" + rows + "\n", encoding="utf-8")
    inventory = _scan(tmp_path / "t.csv")
    assert [f.field for f in inventory.tables[0].fields] == ["column_1", "column_2", "column_3"]
    assert [s.reason.split(" read ")[0] for s in inventory.skipped] == [
        "line 1 above the data (no header row; line 2 on)"]


@pytest.mark.parametrize("title, header, titled", [
    # R15c-16: a title and 单位：元 fill 2 cells of 3 (more than half): the title was the header
    (["某县2024年低保对象花名册", "", "单位：元"], ["姓名", "身份证号码", "联系电话"], True),
    (["某县2024年低保对象花名册", "制表日期", ""], ["姓名", "身份证号码", "联系电话"], True),
    # a data dictionary: a header naming no known column over rows that name them, as full as it:
    # the first row stays the header
    (["字段名", "中文名", "说明"], ["xm", "姓名", "申请人姓名"], False),
])
def test_a_title_over_a_narrow_roster_is_a_title(tmp_path: Path, title: list[str], header: list[str],
                                                 titled: bool) -> None:
    rows = [[NAMES[i % 8], NUMBERS[i], PHONES[i]] for i in range(40)]
    (tmp_path / "r.csv").write_text("\n".join(",".join(r) for r in [title, header, *rows]) + "\n", encoding="utf-8")
    inventory = _scan(tmp_path / "r.csv")
    names = [f.field for f in inventory.tables[0].fields]
    if titled:
        assert names == header and inventory.tables[0].rows == 40 and inventory.tables[0].level == "G4"
        assert [(s.location.line, s.reason) for s in inventory.skipped] == [
            (1, "line 1 above the header (line 2) read as a title: not classified")]
    else:
        assert names == title and inventory.tables[0].rows == 41 and inventory.skipped == ()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(CELLS, max_size=6), max_size=HEAD_ROWS))
def test_every_head_row_is_a_title_the_header_or_data_when_names_are_known(head: list[list[str]]) -> None:
    # the same with column names known (the rows above a known header, a one-name header)
    _check_split(head, lambda cell: cell.strip() in ("姓名", "身份证号码"))


def test_a_two_row_header_with_names_in_the_top_row_is_one_header(tmp_path: Path) -> None:
    """R15c-3: 姓名,身份证号码 named in the top row, beside a merged 家庭成员情况 over the lower row's
    关系,姓名,身份证号,电话: the top row was read as a title and the household head's columns went
    unnamed (column_1, column_2). The two rows are one header; a group's names head the names below."""
    top = ["姓名", "身份证号码", "家庭成员情况", "", "", ""]
    lower = ["", "", "关系", "姓名", "身份证号", "电话"]
    rows = [[NAMES[i % 8], NUMBERS[i], "配偶", NAMES[(i + 3) % 8], NUMBERS[39 - i], PHONES[i]] for i in range(40)]
    (tmp_path / "two.csv").write_text("\n".join(",".join(r) for r in [top, lower, *rows]) + "\n", encoding="utf-8")
    inventory = _scan(tmp_path / "two.csv")
    (table,) = inventory.tables
    assert [f.field for f in table.fields] == ["姓名", "身份证号码", "家庭成员情况.关系", "家庭成员情况.姓名",
                                               "家庭成员情况.身份证号", "家庭成员情况.电话"]
    assert _tagged(inventory)["姓名"] == "cn_person_name" and _tagged(inventory)["身份证号码"] == "cn_resident_id"
    assert table.rows == 40 and inventory.skipped == ()


def test_a_title_above_a_two_row_header_is_reported_with_both_rows(tmp_path: Path) -> None:
    above = [["某县困难家庭花名册"], ["姓名", "身份证号码", "家庭成员情况", ""], ["", "", "姓名", "身份证号"]]
    rows = [[NAMES[i % 8], NUMBERS[i], NAMES[(i + 3) % 8], NUMBERS[39 - i]] for i in range(40)]
    (tmp_path / "t.csv").write_text("\n".join(",".join(r) for r in [*above, *rows]) + "\n", encoding="utf-8")
    inventory = _scan(tmp_path / "t.csv")
    assert [f.field for f in inventory.tables[0].fields] == [
        "姓名", "身份证号码", "家庭成员情况.姓名", "家庭成员情况.身份证号"]
    assert [(s.location.line, s.reason) for s in inventory.skipped] == [
        (1, "line 1 above the header (lines 2-3) read as a title: not classified")]


def test_a_group_row_on_top_of_a_full_header_names_the_columns_below_it(tmp_path: Path) -> None:
    # the full row on top (序号, 姓名 and the groups), the group's names below: the lower row was a data row
    top = ["序号", "姓名", "基本情况", "", "", "联系方式", ""]
    lower = ["", "", "性别", "身份证号码", "住址", "手机", "座机"]
    rows = [[str(i + 1), NAMES[i % 8], "男", NUMBERS[i], "北京市朝阳区文一路1号", PHONES[i], "0571-88881234"]
            for i in range(40)]
    (tmp_path / "two.csv").write_text("\n".join(",".join(r) for r in [top, lower, *rows]) + "\n", encoding="utf-8")
    inventory = _scan(tmp_path / "two.csv")
    (table,) = inventory.tables
    assert [f.field for f in table.fields] == ["序号", "姓名", "基本情况.性别", "基本情况.身份证号码", "基本情况.住址",
                                               "联系方式.手机", "联系方式.座机"]
    assert table.rows == 40 and _tagged(inventory)["基本情况.身份证号码"] == "cn_resident_id"


@pytest.mark.parametrize("first", [
    ["王芳", "", "汉族", "群众"],       # a first record under a short header, its ID blank (R15c-10's file)
    ["王芳", "备注", "", ""],           # plain text under both names
])
def test_a_first_record_is_never_merged_into_the_header(tmp_path: Path, first: list[str]) -> None:
    rows = [[NAMES[i % 8], NUMBERS[i], "汉族", "群众"] for i in range(40)]
    (tmp_path / "r.csv").write_text("\n".join(",".join(r) for r in [["姓名", "身份证号"], first, *rows]) + "\n",
                                    encoding="utf-8")
    fields = [f.field for f in _scan(tmp_path / "r.csv").tables[0].fields]
    assert not any("王芳" in field or "." in field for field in fields)
