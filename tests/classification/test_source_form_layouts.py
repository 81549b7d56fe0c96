"""Forms as templates draw them (issue 15 review R15f): value cells merged over two columns (openpyxl
and a WPS CSV export give the range's other cells as empty), a second cell on the title row, a
sign-off row, an empty margin column (R15f-4); a value that is a column word (与户主关系 = 户主:
R15f-5); a form followed by a table on one sheet (低保申请审批表 and its 家庭成员, 登记表 blocks and a
汇总名单: R15f-6, R15f-14); a 干部任免审批表 (R15f-1); and a 数据字典 that is no form (R15f-34). Each was
read as a table whose header was the first row of pairs: the ID number and bank card in no field,
3级 or 1级 for a file of people's data."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import openpyxl  # extra `classify`, which dev pulls in: missing, the tests fail, never skip
import pytest

from govsoc.classification.checksums import luhn_ok
from tests.classification.test_source_json import NUMBERS, _scan
from tests.classification.test_sources import PHONES

PEOPLE = [s + g for g in ("伟", "芳", "秀英", "建国") for s in "王李张刘陈"]  # 20 names, 2 and 3 characters
CARDS = [next(f"622848{i:012d}{d}" for d in "0123456789" if luhn_ok(f"622848{i:012d}{d}")) for i in range(20)]
ADDRESSES = ["北京市朝阳区建国路88号3栋201", "浙江省杭州市西湖区文三路100号"]
FORM = {"姓名": "cn_person_name", "身份证号": "cn_resident_id", "联系电话": "cn_mobile",
        "家庭住址": "cn_address", "银行卡号": "cn_bank_card"}
Rows = list[list[str | None]]


def _pairs(i: int, gap: int = 0, margin: int = 0) -> Rows:
    """Person ``i``'s rows of pairs, each value followed by ``gap`` empty cells (merged over them),
    after ``margin`` empty cells."""
    def spread(*cells: str) -> list[str | None]:
        out: list[str | None] = [None] * margin
        for label, value in zip(cells[::2], cells[1::2], strict=True):
            out += [label, value] + [None] * gap
        return out
    return [spread("姓名", PEOPLE[i], "性别", "男"), spread("身份证号", NUMBERS[i], "联系电话", PHONES[i]),
            spread("家庭住址", ADDRESSES[i % 2], "银行卡号", CARDS[i])]


def _merged(book: object, sheet: object, rows: Rows, gap: int, margin: int) -> None:
    """Merge each value cell over the ``gap`` cells after it, as the template does."""
    for number, row in enumerate(rows, 1):
        for at, cell in enumerate(row):
            if gap and cell is not None and at > margin and row[at - 1] is not None and (at - margin) % (2 + gap) == 1:
                sheet.merge_cells(start_row=number, start_column=at + 1, end_row=number,  # type: ignore[attr-defined]
                                  end_column=at + 1 + gap)


def _book(path: Path, sheets: dict[str, Rows], *, gap: int = 0, margin: int = 0) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        _merged(book, sheet, rows, gap, margin)
    book.save(path)
    return path


def _tagged(table: object) -> dict[str, str | None]:
    return {f.field: f.recognizer for f in table.fields if f.status == "tagged"}  # type: ignore[attr-defined]


LAYOUTS: dict[str, Callable[[int], Rows]] = {
    # the value cells merged over two columns: 姓名,<name>,'',性别,男,''
    "merged": lambda i: [["个人信息采集表"], *_pairs(i, gap=1)],
    # a second cell on the title row
    "title2": lambda i: [["个人信息采集表", None, None, "编号：2024001"], *_pairs(i)],
    # a sign-off row below the pairs
    "signoff": lambda i: [["个人信息采集表"], *_pairs(i), ["填表人：王五", None, None, "填表日期：2024-01-31"]],
    # drawn from column B, column A an empty margin, the values merged too
    "margin": lambda i: [[None, "个人信息采集表"], *_pairs(i, gap=1, margin=1)],
}


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_a_template_form_per_sheet_is_a_form(tmp_path: Path, layout: str) -> None:
    # R15f-4: each sheet rows=2 一般数据（3级）, fields 黄** and 男, the ID number and card in none
    gap, margin = (1, 1) if layout == "margin" else (1 if layout == "merged" else 0, 0)
    path = _book(tmp_path / f"{layout}.xlsx", {f"表{i + 1}": LAYOUTS[layout](i) for i in range(3)}, gap=gap,
                 margin=margin)
    inventory = _scan(path)
    assert len(inventory.tables) == 3
    for table in inventory.tables:
        assert table.rows == 1 and table.level == "G4"
        assert _tagged(table) == FORM


def test_a_csv_of_forms_with_gaps_is_a_record_per_form(tmp_path: Path) -> None:
    # R15f-4, f/form_gaps.csv: a WPS export of merged cells, 20 people: rows=78, fields 杨** and 男
    lines = [line for i in range(20) for line in (
        "个人信息采集表,,,,,", f"姓名,{PEOPLE[i]},,性别,男,", f"身份证号,{NUMBERS[i]},,联系电话,{PHONES[i]},",
        f"家庭住址,{ADDRESSES[i % 2]},,银行卡号,{CARDS[i]},")]
    (tmp_path / "gaps.csv").write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    (table,) = _scan(tmp_path / "gaps.csv").tables
    assert table.rows == 20 and table.level == "G4"
    assert _tagged(table) == FORM


def _csv(path: Path, rows: list[list[str]]) -> Path:
    path.write_text("\n".join(",".join(row) for row in rows) + "\n", encoding="utf-8-sig")
    return path


def test_a_form_whose_values_are_column_words_is_a_form(tmp_path: Path) -> None:
    # R15f-5, f/form_role_value.csv: 与户主关系 = 户主, 备注 = 联系电话已核实 made it a headerless table,
    # rows=60 for 20 people, the names never tagged, 3级
    rows = [row for i in range(20) for row in (
        ["姓名", PEOPLE[i], "与户主关系", "户主"], ["身份证号", NUMBERS[i], "联系电话", PHONES[i]],
        ["家庭住址", ADDRESSES[i % 2], "备注", "联系电话已核实"])]
    (table,) = _scan(_csv(tmp_path / "role.csv", rows)).tables
    assert table.rows == 20 and table.level == "G4"  # 身份证号与姓名同表
    tagged = _tagged(table)
    assert tagged["姓名"] == "cn_person_name" and tagged["身份证号"] == "cn_resident_id"


MEMBERS = [["姓名", "与申请人关系", "身份证号", "健康状况"],
           *([PEOPLE[10 + j], "配偶" if j == 0 else "子女", NUMBERS[10 + j], "良好"] for j in range(4))]


def _applicant(i: int) -> list[list[str]]:
    return [["最低生活保障申请审批表"], ["申请人姓名", PEOPLE[i], "性别", "男"],
            ["身份证号", NUMBERS[i], "联系电话", PHONES[i]], ["家庭住址", ADDRESSES[0], "开户银行卡号", CARDS[i]],
            ["家庭成员情况"], *MEMBERS]


def _form_then_members(tables: tuple[object, ...], name: str) -> None:
    form, members = tables
    assert form.table == name and form.rows == 1 and form.level == "G4"  # type: ignore[attr-defined]
    assert {"身份证号": "cn_resident_id", "开户银行卡号": "cn_bank_card"}.items() <= _tagged(form).items()
    assert members.rows == 4  # type: ignore[attr-defined]
    assert {"姓名": "cn_person_name", "身份证号": "cn_resident_id"}.items() <= _tagged(members).items()


def test_an_application_form_then_its_members_table_per_sheet(tmp_path: Path) -> None:
    # R15f-6, x/dibao_apply.xlsx: the applicant block read as a table under `申请人姓名,<name>,性别,男`,
    # rows=3 3级, the applicant's ID number and bank card in no field
    path = _book(tmp_path / "dibao.xlsx", {"申请表1": _applicant(0)})  # type: ignore[dict-item]
    _form_then_members(_scan(path).tables, "dibao.xlsx:申请表1")


def test_an_application_form_then_its_members_table_in_a_csv(tmp_path: Path) -> None:
    # R15f-6, f/dibao_apply.csv: the same as a CSV
    path = _csv(tmp_path / "dibao.csv", [row + [""] * (4 - len(row)) for row in _applicant(1)])
    _form_then_members(_scan(path).tables, "dibao.csv")


def test_form_blocks_then_a_roster_are_a_form_and_a_table(tmp_path: Path) -> None:
    # R15f-14, f/forms_then_table.csv: 15 blocks then 汇总名单 and 30 people: rows=16 and fields named by
    # the people's ID numbers and row numbers; the roster's names never judged
    rows = [row for i in range(15) for row in (*(_strings(r) for r in _pairs(i)), [""] * 4)]
    rows += [["汇总名单", "", "", ""], ["序号", "姓名", "身份证号", "联系电话"]]
    rows += [[str(n + 1), PEOPLE[n % 20], NUMBERS[n], PHONES[n]] for n in range(30)]
    form, roster = _scan(_csv(tmp_path / "ftt.csv", rows)).tables
    assert form.rows == 15 and _tagged(form) == FORM
    assert roster.table == f"ftt.csv (line {len(rows) - 30})" and roster.rows == 30
    assert [f.field for f in roster.fields] == ["序号", "姓名", "身份证号", "联系电话"]
    assert {"姓名": "cn_person_name", "身份证号": "cn_resident_id", "联系电话": "cn_mobile"}.items() <= \
        _tagged(roster).items()


def _strings(row: list[str | None]) -> list[str]:
    return [cell or "" for cell in row]


def _cadre(i: int) -> Rows:
    """A 干部任免审批表: pairs with a 照片 cell, a 简历 cell of lines, a section heading, the family's table."""
    return [["干部任免审批表"],
            ["姓名", PEOPLE[i], "性别", "男", "出生年月\n（岁）", "1975.06\n（49岁）", "照片"],
            ["民族", "汉族", "籍贯", "浙江杭州", "出生地", "浙江杭州"],
            ["入党时间", "1998.07", "参加工作时间", "1996.08", "健康状况", "健康"],
            ["身份证号", NUMBERS[i], "现任职务", "某局副局长"],
            ["简历", "1996.08--2000.07 某乡干部\n2000.07--2010.01 某局科员\n2010.01-- 某局副局长"],
            ["家庭主要成员及重要社会关系"],
            ["称谓", "姓名", "年龄", "政治面貌", "工作单位及职务"],
            ["妻子", PEOPLE[i + 5], "47", "中共党员", "某小学教师"],
            ["儿子", PEOPLE[i + 10], "20", "共青团员", "某大学学生"]]


def test_a_cadre_appointment_form_per_sheet(tmp_path: Path) -> None:
    # R15f-1, x/renmian.xlsx: each sheet rows=8 一般数据（1级）, 0 tagged: the first row of pairs the header
    path = _book(tmp_path / "renmian.xlsx", {PEOPLE[i]: _cadre(i) for i in range(2)})
    inventory = _scan(path)
    assert inventory.level == "G4"  # 身份证号与姓名同表
    for i, (form, family) in enumerate(zip(inventory.tables[::2], inventory.tables[1::2], strict=True)):
        assert form.rows == 1 and form.level == "G4"
        assert {"姓名": "cn_person_name", "身份证号": "cn_resident_id"}.items() <= _tagged(form).items()
        assert family.rows == 2 and _tagged(family)["姓名"] == "cn_person_name"
        names = next(f for f in family.fields if f.field == "姓名")
        assert names.sampled == 2 and {e[0] for e in names.masked_examples} == {PEOPLE[i + 5][0], PEOPLE[i + 10][0]}


TYPES = [("姓名", "varchar(50)"), ("身份证号", "char(18)"), ("联系电话", "varchar(20)"), ("家庭住址", "varchar(200)"),
         ("银行卡号", "varchar(19)"), ("宗教信仰", "varchar(20)"), ("健康状况", "varchar(50)")]


@pytest.mark.parametrize("header", [
    ["字段名称", "字段类型"],  # R15f-34: read as a 登记表, one record, 4级 pending review
    ["字段", "说明"],  # headings that are not known column names
])
def test_a_data_dictionary_is_no_form(tmp_path: Path, header: list[str]) -> None:
    path = _csv(tmp_path / "dict.csv", [header, *([name, kind] for name, kind in TYPES)])
    (table,) = _scan(path).tables
    assert table.rows == len(TYPES) and table.level == "G1"
    assert [f.field for f in table.fields] == header


def test_rows_inside_a_form_that_are_no_pairs_are_reported(tmp_path: Path) -> None:
    # people listed below the first 40 lines of form blocks, without a header of their own, were read
    # as label/value pairs (1 = <name>, <ID> = <mobile>) without a word
    rows = [_strings(row) for i in range(14) for row in _pairs(i)]  # 42 lines: past the head's 40
    rows += [[str(n + 1), PEOPLE[n], NUMBERS[n], PHONES[n]] for n in range(14, 19)]
    inventory = _scan(_csv(tmp_path / "form_rows.csv", rows))
    (table,) = inventory.tables
    assert table.rows == 14 and _tagged(table) == FORM
    (skip,) = [s for s in inventory.skipped if not s.note]
    assert inventory.skipped_count == 1 and skip.location.line == 43 and "5 lines inside the form" in skip.reason


def test_a_label_with_a_digit_is_a_label(tmp_path: Path) -> None:
    # 联系电话2 (a second phone) is a label; a cell of digits (序号 15, an ID number) is none
    rows = [row for i in range(3) for row in ([*_strings(_pairs(i)[0]), "联系电话2", PHONES[20 + i]],
                                              *(_strings(r) + ["", ""] for r in _pairs(i)[1:]))]
    (table,) = _scan(_csv(tmp_path / "phone2.csv", rows)).tables
    assert table.rows == 3 and table.level == "G4"
    assert _tagged(table) == {**FORM, "联系电话2": "cn_mobile"}
