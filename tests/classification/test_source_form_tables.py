"""Forms and tables told apart (issue 15 review R15g): a 户籍 roster whose header holds 与户主关系 read
as a 登记表 (R15g-2: 120 people as 120 records of 132 fields named by the people and their words, no
姓名 or 身份证号 column). Each file is made here, as the reviewer's generators made it."""

from __future__ import annotations

from pathlib import Path

import openpyxl  # extra `classify`, which dev pulls in: missing, the tests fail, never skip
import pytest

from govsoc.classification.sources import open_source
from govsoc.classification.sources.base import TableSample
from govsoc.classification.sources.cells import has_value, names_column
from govsoc.classification.sources.forms import is_form
from tests.classification.test_sources import PHONES, ids

PEOPLE = [s + g for g in ("伟芳", "强", "秀英", "建国", "兰", "杰洋") for s in "黄马张杨"]  # 24 names
NUMBERS = ids(len(PEOPLE))
RELATIONS = ["户主", "配偶", "父亲", "子女", "孙子女", "母亲"]
#: the words of a roster's records: 性别, 民族, 文化程度, 职业, 婚姻状况, 健康状况
WORDS = [("女", "汉族", "高中", "务工", "已婚", "健康"), ("男", "回族", "小学", "学生", "未婚", "慢性病"),
         ("男", "汉族", "初中", "农民", "丧偶", "残疾"), ("女", "壮族", "大专", "退休", "离异", "大病")]


def _roster(relation: str) -> list[list[str]]:
    """A 户籍 roster (R15g-2's t/words_roster.csv): its header, then a row per person."""
    header = ["姓名", "身份证号", relation, "性别", "民族", "文化程度", "职业", "婚姻状况", "健康状况", "联系电话"]
    return [header, *([PEOPLE[i], NUMBERS[i], RELATIONS[i % 6], *WORDS[i % 4], PHONES[i]] for i in range(24))]


def _tables(path: Path) -> list[TableSample]:
    return list(open_source(str(path)).tables())


def _no_form(table: TableSample) -> None:
    """``table`` is read as a table of the roster's ten columns, not as a form's records."""
    assert not [s.reason for s in table.skipped if "a form (label cells" in s.reason]
    assert len(table.columns) == 10  # a form's: 132 fields, the people's names and words among them
    fields = {column.field for column in table.columns}
    assert not fields & {*PEOPLE, *RELATIONS, *(word for row in WORDS for word in row)}


# a heading naming a relation to a role: a recognizer reads a name in it (关 and 房 are surnames)
RELATION_HEADINGS = ["与户主关系", "与申请人关系", "监护人关系", "户主关系"]


@pytest.mark.parametrize("relation", RELATION_HEADINGS)
def test_a_roster_whose_header_names_a_relation_is_no_form(relation: str) -> None:
    rows = _roster(relation)
    assert not is_form(rows, has_value, names_column)


@pytest.mark.parametrize("relation", RELATION_HEADINGS)
def test_a_roster_csv_is_a_table_of_its_columns(tmp_path: Path, relation: str) -> None:
    # R15g-2, t/words_roster.csv: "a form ... read as 120 records", 132 fields (黄**, 父亲, 汉族 ...)
    path = tmp_path / "words_roster.csv"
    path.write_text("\n".join(",".join(row) for row in _roster(relation)) + "\n", encoding="utf-8")
    (table,) = _tables(path)
    _no_form(table)


def test_a_roster_sheet_is_a_table_of_its_columns(tmp_path: Path) -> None:
    # R15g-2, x/words_roster.xlsx: the same on a sheet 户籍
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "户籍"
    for row in _roster("与户主关系"):
        sheet.append(row)
    book.save(tmp_path / "words_roster.xlsx")
    (table,) = _tables(tmp_path / "words_roster.xlsx")
    _no_form(table)


ADDRESSES = ["北京市朝阳区建国路88号3栋201", "浙江省杭州市西湖区文三路100号"]
CARDS = [f"62220245335534{i:04d}" for i in range(24)]  # the card column is read by its label


def _block(i: int) -> list[list[str]]:
    """Person ``i``'s 登记表 block and the blank line after it (R15g-9's f/forms_then_2col.csv)."""
    return [["姓名", PEOPLE[i], "性别", "男"], ["身份证号", NUMBERS[i], "联系电话", PHONES[i]],
            ["家庭住址", ADDRESSES[i % 2], "银行卡号", CARDS[i]], [""]]


#: two-column tables as forms' appendices: the header, then a row per person
TWO_COLUMNS = {"联络员": lambda i: [PEOPLE[i], PHONES[i]], "户主": lambda i: [PEOPLE[i], NUMBERS[i]]}


@pytest.mark.parametrize("blocks", [10, 2])  # the header past the rows read first (40), and among them
@pytest.mark.parametrize("first", list(TWO_COLUMNS))
def test_a_two_column_table_below_forms_is_a_table(tmp_path: Path, blocks: int, first: str) -> None:
    # R15g-9, f/forms_then_2col.csv: one table rows=10, then 30 fields named by the people (杨**, 胡**
    # ...), each "tagged 手机号" on one value; no second table
    second = "联系电话" if first == "联络员" else "身份证号"
    rows = [*(row for i in range(blocks) for row in _block(i)), ["联络员名单"], [first, second],
            *(TWO_COLUMNS[first](i) for i in range(24))]
    path = tmp_path / "forms_then_2col.csv"
    path.write_text("\n".join(",".join(row) for row in rows) + "\n", encoding="utf-8")
    form, table = _tables(path)
    assert form.rows == blocks and [c.field for c in form.columns] == ["姓名", "性别", "身份证号", "联系电话",
                                                                       "家庭住址", "银行卡号"]
    assert table.rows == 24 and [c.field for c in table.columns] == [first, second]
    assert sorted(table.columns[0].values) == sorted(PEOPLE)


def test_a_two_column_table_below_a_form_sheet_is_a_table(tmp_path: Path) -> None:
    # R15g-9 on a sheet: the form's records took the people as labels
    book = openpyxl.Workbook()
    sheet = book.active
    for row in [*(row for i in range(3) for row in _block(i)), ["联络员", "联系电话"],
                *(TWO_COLUMNS["联络员"](i) for i in range(24))]:
        sheet.append(row)
    book.save(tmp_path / "forms.xlsx")
    form, table = _tables(tmp_path / "forms.xlsx")
    assert form.rows == 3 and table.rows == 24 and [c.field for c in table.columns] == ["联络员", "联系电话"]


def test_a_form_of_a_pair_a_row_keeps_its_pairs(tmp_path: Path) -> None:
    # 与户主关系,户主 over 身份证号,<ID>: the form's pairs (a label naming a column below), no table
    rows = [row for i in range(3) for row in (["姓名", PEOPLE[i]], ["与户主关系", "户主"], ["身份证号", NUMBERS[i]],
                                              ["联系电话", PHONES[i]], [""])]
    path = tmp_path / "pairs.csv"
    path.write_text("\n".join(",".join(row) for row in rows) + "\n", encoding="utf-8")
    (form,) = _tables(path)
    assert form.rows == 3 and [c.field for c in form.columns] == ["姓名", "与户主关系", "身份证号", "联系电话"]


def _application(i: int, gap: int) -> list[list[str]]:
    """Applicant ``i``'s 低保申请审批表 (R15g-8's mkg1.py): the pairs (each value followed by ``gap``
    empty cells, as a merged value's range reads), 家庭成员情况 and its table of 3, a blank row."""
    def pairs(*cells: str) -> list[str]:
        return [out for label, value in zip(cells[::2], cells[1::2], strict=True)
                for out in (label, value, *[""] * gap)]
    members = [[PEOPLE[(3 * i + j + 1) % 24], "子女", NUMBERS[(3 * i + j + 1) % 24], "健康"] for j in range(3)]
    return [["低保申请审批表"], pairs("申请人姓名", PEOPLE[i], "性别", "男"),
            pairs("身份证号", NUMBERS[i], "联系电话", PHONES[i]),
            pairs("家庭住址", ADDRESSES[i % 2], "银行卡号", CARDS[i]),
            ["家庭成员情况"], ["姓名", "与申请人关系", "身份证号", "健康状况"], *members, [""]]


def _applications(tables: list[TableSample], count: int) -> None:
    """Every applicant's block is a form of one record, every 家庭成员 table a table of its members."""
    forms = [t for t in tables if t.columns and t.columns[0].field == "申请人姓名"]
    assert len(forms) == count and all(t.rows == 1 for t in forms)
    fields = {c.field: c.values for t in forms for c in t.columns if c.field in ("身份证号", "银行卡号")}
    assert len(fields) == 2
    cards = sorted(value for t in forms for c in t.columns if c.field == "银行卡号" for value in c.values)
    assert cards == CARDS[:count]  # R15g-8: the 2nd..10th applicants' cards in no field
    members = [t for t in tables if [c.field for c in t.columns][:2] == ["姓名", "与申请人关系"]]
    assert len(members) == count
    names = {value for t in members for value in t.columns[0].values}
    assert {PEOPLE[(3 * i + j + 1) % 24] for i in range(count) for j in range(3)} <= names
    assert sorted(value for t in forms for value in t.columns[0].values) == sorted(PEOPLE[:count])


def test_application_blocks_down_a_file_are_a_form_each(tmp_path: Path) -> None:
    # R15g-8, f/form_blocks_members.csv: rows=1 (the first applicant), then 19 tables, (line 12) rows=3
    # 一般数据（3级） with fields 陈** (地址) and 男 (手机号): the 2nd..10th applicants' ID numbers and cards lost
    path = tmp_path / "form_blocks_members.csv"
    path.write_text("\n".join(",".join(row) for i in range(10) for row in _application(i, 0)) + "\n",
                    encoding="utf-8")
    _applications(_tables(path), 10)


def test_application_blocks_down_a_sheet_are_a_form_each(tmp_path: Path) -> None:
    # R15g-8, x/blocks.xlsx (values merged over two columns): 审批表 rows=1, then (row 6) rows=7 ... with
    # fields 身份证号, 健康状况, column_5: the next applicant's rows records of the members' table
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "审批表"
    for row in (row for i in range(6) for row in _application(i, 1)):
        sheet.append(row)
    book.save(tmp_path / "blocks.xlsx")
    tables = _tables(tmp_path / "blocks.xlsx")
    _applications(tables, 6)
    assert all(t.rows == 3 for t in tables if t.columns[0].field == "姓名")


def _colon_block(i: int) -> list[list[str]]:
    """Person ``i``'s 登记表 whose cells hold label：value (R15g-10's f/colon_form.csv)."""
    return [["个人信息登记表"], [f"姓名：{PEOPLE[i]}", "性别：男", "民族：汉族"],
            [f"身份证号：{NUMBERS[i]}", f"联系电话：{PHONES[i]}", ""],
            [f"家庭住址：{ADDRESSES[i % 2]}", f"银行卡号：{CARDS[i]}", ""], [""]]


COLON_FIELDS = ["姓名", "性别", "民族", "身份证号", "联系电话", "家庭住址", "银行卡号"]


@pytest.mark.parametrize("count", [1, 20])
def test_label_value_cells_are_a_form(tmp_path: Path, count: int) -> None:
    # R15g-10, f/colon_one.csv: rows=3 一般数据（3级）, fields column_1 (地址) and column_2 (手机号), the ID
    # number, the name and the card in none; f/colon_form.csv: 20 people rows=79, the names never judged
    path = tmp_path / "colon.csv"
    path.write_text("\n".join(",".join(row) for i in range(count) for row in _colon_block(i)) + "\n",
                    encoding="utf-8")
    (form,) = _tables(path)
    assert form.rows == count and [c.field for c in form.columns] == COLON_FIELDS
    values = {c.field: sorted(c.values) for c in form.columns}
    assert values["姓名"] == sorted(PEOPLE[:count]) and values["银行卡号"] == CARDS[:count]


def test_label_value_cells_on_a_sheet_are_a_form(tmp_path: Path) -> None:
    # R15g-10 on a sheet: a Word form pasted into Excel
    book = openpyxl.Workbook()
    for row in _colon_block(0):
        book.active.append(row)
    book.save(tmp_path / "colon.xlsx")
    (form,) = _tables(tmp_path / "colon.xlsx")
    assert form.rows == 1 and [c.field for c in form.columns] == COLON_FIELDS


def test_a_filing_line_above_a_roster_stays_a_title(tmp_path: Path) -> None:
    # label：value items of a sign-off or a title (单位, 填报人, 审核人, 日期) are a note, never a form's pairs
    # (three labels naming columns, 张伟 a name under 填报人)
    rows = [["某乡低保对象花名册", "", "", ""],
            ["单位：某乡", "填报人：张伟", "审核人：李强", f"电话：{PHONES[30]}", "日期：2024-01-31"],
            ["姓名", "身份证号", "联系电话", "家庭住址"],
            *([PEOPLE[i], NUMBERS[i], PHONES[i], ADDRESSES[i % 2]] for i in range(20))]
    path = tmp_path / "roster.csv"
    path.write_text("\n".join(",".join(row) for row in rows) + "\n", encoding="utf-8")
    (table,) = _tables(path)
    assert table.rows == 20 and [c.field for c in table.columns] == ["姓名", "身份证号", "联系电话", "家庭住址"]


@pytest.mark.parametrize("apart", [[[""]], []])  # blocks a blank line apart, and one under the other
def test_a_label_twice_in_a_block_is_a_second_field(tmp_path: Path, apart: list[list[str]]) -> None:
    # R15g-18, f/form_repeat_label.csv: 20 people rows=40, each record pairing one person's second phone
    # with the next person's name and ID number
    second = [f"1377700{i:04d}" for i in range(20)]
    rows = [row for i in range(20) for row in (
        ["姓名", PEOPLE[i], "性别", "男"], ["身份证号", NUMBERS[i], "联系电话", PHONES[i]],
        ["家庭住址", ADDRESSES[i % 2], "联系电话", second[i]], *apart)]
    path = tmp_path / "form_repeat_label.csv"
    path.write_text("\n".join(",".join(row) for row in rows) + "\n", encoding="utf-8")
    (form,) = _tables(path)
    assert form.rows == 20
    values = {c.field: c.values for c in form.columns}
    assert list(values) == ["姓名", "性别", "身份证号", "联系电话", "家庭住址", "联系电话#2"]
    pairs = sorted(zip(values["姓名"], values["联系电话#2"], strict=True))
    assert pairs == sorted(zip(PEOPLE[:20], second, strict=True))


def test_a_label_opening_a_row_again_is_the_next_record(tmp_path: Path) -> None:
    # f/kv_vertical.csv (属性,值 over a pair a row, person after person): the first label of the record
    # is 属性, so 姓名 again opened no record: rows=1 of 161 fields (姓名#2 ...) with R15g-18's first fix
    rows = [["属性", "值"], *(row for i in range(20) for row in (
        ["姓名", PEOPLE[i]], ["身份证号", NUMBERS[i]], ["联系电话", PHONES[i]], ["家庭住址", ADDRESSES[i % 2]]))]
    path = tmp_path / "kv_vertical.csv"
    path.write_text("\n".join(",".join(row) for row in rows) + "\n", encoding="utf-8")
    (form,) = _tables(path)
    assert form.rows == 20 and [c.field for c in form.columns] == ["属性", "姓名", "身份证号", "联系电话", "家庭住址"]
