"""A delimited file whose layout changes part-way (issue 15 review R15d-10): two exports appended
(``cat a.csv b.csv``: the header again, in another column order), a semicolon export appended to a
comma one, Hive's \\x01 field separator. Each was read with the first layout, silently: columns
mis-attributed (姓名 tagged as ID numbers), the name column lost and the level 4级 -> 3级."""

from __future__ import annotations

from pathlib import Path

import pytest

from govsoc.classification.sources import open_source
from tests.classification.test_sources import EXPECTED, ROWS, decided

HEADER = ["xm", "sfzh", "sjhm", "sku"]


def _line(cells: tuple[str, ...] | list[str], delimiter: str = ",") -> str:
    return delimiter.join(cells) + "\n"


def _columns(path: Path) -> dict[str, list[str]]:
    (table,) = open_source(str(path)).tables()
    return {c.field: c.values for c in table.columns}


def test_records_in_another_delimiter_are_split_by_it_and_said(tmp_path: Path) -> None:
    # R15d's delim/mixed.csv: 30 comma records, then 30 semicolon ones (two exports appended)
    text = _line(HEADER) + "".join(_line(r) for r in ROWS[:20]) + "".join(_line(r, ";") for r in ROWS[20:])
    (tmp_path / "m.csv").write_text(text, encoding="utf-8")
    assert decided(str(tmp_path / "m.csv")) == {("m.csv", k): v for k, v in EXPECTED.items()}
    assert _columns(tmp_path / "m.csv")["xm"] == [r[0] for r in ROWS]  # was 20 names, then 20 whole lines
    (table,) = open_source(str(tmp_path / "m.csv")).tables()
    (note,) = table.skipped
    assert table.rows == len(ROWS) and note.location.line == 22 and "20 records of one cell" in note.reason
    assert "split by ';'" in note.reason


@pytest.mark.parametrize("second", [
    ["sjhm", "xm", "sku", "sfzh"],  # the second export's own column order: its columns re-mapped
    HEADER,                         # the same order: only the header line is left out
])
def test_the_header_again_is_a_header_not_a_record(tmp_path: Path, second: list[str]) -> None:
    # R15d's delim/concat.csv: cat a.csv b.csv
    index = [HEADER.index(name) for name in second]
    text = (_line(HEADER) + "".join(_line(r) for r in ROWS[:25]) + _line(second)
            + "".join(_line([r[i] for i in index]) for r in ROWS[25:]))
    (tmp_path / "c.csv").write_text(text, encoding="utf-8")
    assert decided(str(tmp_path / "c.csv")) == {("c.csv", k): v for k, v in EXPECTED.items()}
    columns = _columns(tmp_path / "c.csv")
    assert all(columns[name] == [r[i] for r in ROWS] for i, name in enumerate(HEADER))  # was 41 rows, mixed
    (table,) = open_source(str(tmp_path / "c.csv")).tables()
    (note,) = table.skipped
    assert table.rows == len(ROWS) and note.location.line == 27 and "the header again" in note.reason
    assert ("column order" in note.reason) == (second != HEADER)


def test_hive_field_separator_is_sniffed(tmp_path: Path) -> None:
    # Hive's and DataX's default separator \x01: was one column named 'xm\x01sfzh\x01sjhm\x01sku'
    text = _line(HEADER, "\x01") + "".join(_line(r, "\x01") for r in ROWS)
    (tmp_path / "h.csv").write_text(text, encoding="utf-8")
    assert decided(str(tmp_path / "h.csv")) == {("h.csv", k): v for k, v in EXPECTED.items()}
    (table,) = open_source(str(tmp_path / "h.csv")).tables()
    assert table.rows == len(ROWS) and "delimited by '\\x01'" in table.skipped[0].reason


def test_one_cell_records_nothing_splits_stay_and_are_said(tmp_path: Path) -> None:
    # group labels of a roster (一、城关镇) split under no delimiter: kept as they are, reported once
    text = _line(HEADER) + "一、城关镇\n" + "".join(_line(r) for r in ROWS[:20]) + "二、新城镇\n" + "".join(
        _line(r) for r in ROWS[20:])
    (tmp_path / "g.csv").write_text(text, encoding="utf-8")
    (table,) = open_source(str(tmp_path / "g.csv")).tables()
    (note,) = table.skipped
    assert table.rows == len(ROWS) + 2 and note.location.line == 2 and "2 records of one cell" in note.reason
    assert "not split" in note.reason and _columns(tmp_path / "g.csv")["sfzh"] == [r[1] for r in ROWS]


# R15e-5: the semicolon part's addresses hold a comma ('文三路100号,5幢'): each line is two cells under
# the comma, not one, and was read so silently (姓名 tagged as ID numbers, the names lost)
ADDRESSED = [(name, sfzh, f"杭州市西湖区文三路{i}号,5幢") for i, (name, sfzh, _, _) in enumerate(ROWS)]


def test_records_in_another_delimiter_holding_ours_are_split_by_it_and_said(tmp_path: Path) -> None:
    quoted = "".join(f'{n},{s},"{a}"\n' for n, s, a in ADDRESSED[:20])
    text = "姓名,身份证号,住址\n" + quoted + "".join(_line(r, ";") for r in ADDRESSED[20:])
    (tmp_path / "s.csv").write_text(text, encoding="utf-8")
    (table,) = open_source(str(tmp_path / "s.csv")).tables()
    columns = {c.field: c.values for c in table.columns}
    assert columns["姓名"] == [r[0] for r in ADDRESSED] and columns["住址"] == [r[2] for r in ADDRESSED]
    (note,) = table.skipped
    assert table.rows == len(ROWS) and note.location.line == 22 and "20 records in ';', not ','" in note.reason
    assert "split by ';'" in note.reason


def test_a_short_record_of_our_delimiter_is_not_split_by_another(tmp_path: Path) -> None:
    # the contrast: a record missing its last cell whose 住址 holds a ';' is read as it is
    text = "姓名,身份证号,住址,备注\n" + "".join(f"{n},{s},{a};5幢\n" for n, s, a in ADDRESSED)
    (tmp_path / "k.csv").write_text(text, encoding="utf-8")
    (table,) = open_source(str(tmp_path / "k.csv")).tables()
    assert {c.field: c.values for c in table.columns}["姓名"] == [r[0] for r in ADDRESSED]


def test_the_header_again_with_a_bom_is_the_header(tmp_path: Path) -> None:
    # R15e's cat_bom.csv: two Excel "CSV UTF-8" exports appended, each opening with its BOM
    part = "\ufeff" + _line(HEADER)
    (tmp_path / "b.csv").write_text(part + "".join(_line(r) for r in ROWS[:25]) + part
                                    + "".join(_line(r) for r in ROWS[25:]), encoding="utf-8")
    (table,) = open_source(str(tmp_path / "b.csv")).tables()
    (note,) = table.skipped
    assert table.rows == len(ROWS) and note.location.line == 27 and "the header again" in note.reason  # was 41


PAYMENTS = [("2024-03-23", str(100 + i), "已发放") for i in range(40)]
TRANSFERS = [("2024-03-01 10:00", str(400 + i), NAME, f"62284863079522{i:05d}")
             for i, NAME in enumerate(["周霞涛", "孙平英", "朱秀"] * 10)]


@pytest.mark.parametrize("first", [25, 60])  # the second header within the head's rows, or read past them
@pytest.mark.parametrize("names, second", [
    (["发放日期", "金额", "备注"], PAYMENTS),                  # R15e's concat_other2.csv: a 发放记录 appended
    (["交易时间", "金额", "对方户名", "对方账号"], TRANSFERS),  # concat_other.csv: a 交易 table of 4 columns
])
def test_a_header_of_its_own_below_the_records_starts_a_table(tmp_path: Path, first: int, names: list[str],
                                                               second: list[tuple[str, ...]]) -> None:
    roster = [ROWS[i % len(ROWS)] for i in range(first)]
    text = _line(HEADER) + "".join(_line(r) for r in roster) + _line(names) + "".join(_line(r) for r in second)
    (tmp_path / "a.csv").write_text(text, encoding="utf-8")
    one, two = open_source(str(tmp_path / "a.csv")).tables()  # was one table of first + 41 rows
    assert one.rows == first and two.rows == len(second) and two.table == f"a.csv (line {first + 2})"
    ones = {c.field: c.values for c in one.columns}
    assert ones["xm"] == [r[0] for r in roster] and ones["sfzh"] == [r[1] for r in roster]
    twos = {c.field: c.values for c in two.columns}
    assert list(twos) == names and all(twos[n] == [r[i] for r in second if r[i]] for i, n in enumerate(names))
    (note,) = one.skipped
    assert note.location.line == first + 2 and "a header of its own" in note.reason and two.skipped == ()


def test_records_of_words_alone_are_no_header(tmp_path: Path) -> None:
    # the contrast: a roster's records with no digit (姓名,性别,民族,职业) stay records of one table
    rows = [(name, "男" if i % 2 else "女", "汉族", "农民") for i, name in enumerate(n for n, *_ in ROWS)]
    (tmp_path / "w.csv").write_text(_line(["姓名", "性别", "民族", "职业"]) + "".join(_line(r) for r in rows),
                                    encoding="utf-8")
    (table,) = open_source(str(tmp_path / "w.csv")).tables()
    assert table.rows == len(rows) and table.skipped == ()


def test_tables_stacked_on_a_sheet_are_tables_of_their_own(tmp_path: Path) -> None:
    # R15e's x/stacked2.xlsx: 20 people under 姓名,身份证号码; a blank row; 20 more under their own
    # header 姓名,联系电话,备注 (was one table of 42 rows, 20 mobiles counted among the ID numbers)
    from tests.classification.test_source_footers import _xlsx

    rows = [["姓名", "身份证号码"], *([n, s] for n, s, _, _ in ROWS[:20]), ["", ""], ["姓名", "联系电话", "备注"],
            *([n, p, "新增"] for n, _, p, _ in ROWS[20:])]
    _xlsx(tmp_path / "s.xlsx", rows)
    one, two = open_source(str(tmp_path / "s.xlsx")).tables()
    assert two.table == "s.xlsx:Sheet (row 23)" and two.rows == 20
    ones, twos = ({c.field: c.values for c in t.columns} for t in (one, two))
    assert ones["身份证号码"] == [r[1] for r in ROWS[:20]] and twos["联系电话"] == [r[2] for r in ROWS[20:]]
    assert twos["姓名"] == [r[0] for r in ROWS[20:]] and list(twos) == ["姓名", "联系电话", "备注"]
    (note,) = one.skipped
    assert note.location.line == 23 and "a header of its own" in note.reason
