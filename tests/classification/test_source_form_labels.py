"""Labels of 登记表 forms (issue 15 review R15h, helper F15aw): a field label beside a sign-off label in
one row (家庭住址：…, 工作单位：… - 工作单位 ends in 单位 and the row was dropped as a sign-off note), and
labels spaced out for alignment (姓  名, 姓　　名, 住    址) in a ``label value`` or ``label：value`` cell,
read as one letter each (姓 the label, 名 孙芳军 its value: the name and the ID number lost)."""

from __future__ import annotations

from pathlib import Path

import pytest

from govsoc.classification.grading import load_scheme
from govsoc.classification.inventory import build_inventory
from govsoc.classification.sources import open_source
from tests.classification.test_source_form_tables import NUMBERS, PEOPLE
from tests.classification.test_sources import PHONES

ADDRESS = "浙江省衢州市柯城区荷花路1号"
FIRST = [f"姓名：{PEOPLE[0]}", "性别：男", f"身份证号：{NUMBERS[0]}"]


def _form(path: Path, rows: list[list[str]]) -> dict[str, list[str]]:
    """The fields of the one table read from ``rows`` written as a CSV at ``path``, with their values."""
    path.write_text("".join(",".join(row) + "\n" for row in rows), encoding="utf-8")
    (table,) = open_source(str(path)).tables()
    assert any("a form (label cells" in s.reason for s in table.skipped)
    return {c.field: c.values for c in table.columns}


def _level(path: Path) -> str:
    inventory = build_inventory(open_source(str(path)).tables(), source=str(path), scheme=load_scheme("gbt43697"),
                                sample_size=1000)
    return max(t.level for t in inventory.tables)


@pytest.mark.parametrize("last", [
    ["家庭住址：" + ADDRESS, "工作单位：衢州市某局"],  # 工作单位 ends in 单位, a field's label, no sign-off's
    ["家庭住址：" + ADDRESS, "所在单位：衢州市某局"],  # 所在单位 the same
    ["户籍所在地：" + ADDRESS, "工作单位：衢州市某局"],  # 户籍所在地 and 工作单位: a row of fields only
    ["家庭住址：" + ADDRESS, "填表人：王五"],  # a sign-off label does not drop the field beside it
    ["家庭住址 " + ADDRESS, "工作单位 衢州市某局"],  # the same spaced (R15h-19's label value cells)
    ["家庭住址：" + ADDRESS, "出生日期：1980年1月1日"],  # 出生日期 ends in 日期, a field's label too
])
def test_a_field_beside_a_sign_off_word_is_read(tmp_path: Path, last: list[str]) -> None:
    fields = _form(tmp_path / "f.csv", [["个人信息登记表"], FIRST,
                                        [f"联系电话：{PHONES[0]}", "民族：汉族"], last])
    label = last[0].split("：")[0].split(" ")[0]
    assert fields[label] == [ADDRESS]  # was missing: the row dropped as a note


@pytest.mark.parametrize("sign_off", [
    ["填表人：王五", "填表日期：2024年1月31日"],  # a sign-off row stays a note
    ["审核人：李四", "填报单位：某乡人民政府"],  # 审核人, 填报单位: sign-offs
    ["负责人签字：赵六", "盖章：某乡人民政府"],  # 签字, 盖章
    ["填  表  人 王五", "审  核  人：李四"],  # a sign-off's label spaced out: 填表人, not 填表 and 人 王五
])
def test_a_sign_off_row_stays_a_note(tmp_path: Path, sign_off: list[str]) -> None:
    fields = _form(tmp_path / "f.csv", [["个人信息登记表"], FIRST,
                                        [f"家庭住址：{ADDRESS}", "民族：汉族"], sign_off])
    assert list(fields) == ["姓名", "性别", "身份证号", "家庭住址", "民族"]


def test_the_sign_off_beside_a_field_is_no_field(tmp_path: Path) -> None:
    # 填表人 beside 家庭住址: the address read, the filler's name no field of the person's record
    fields = _form(tmp_path / "f.csv", [["个人信息登记表"], FIRST,
                                        [f"家庭住址：{ADDRESS}", "填表人：王五"]])
    assert "填表人" not in fields and fields["家庭住址"] == [ADDRESS]


@pytest.mark.parametrize("blank, sep", [
    ("  ", " "),  # two ASCII spaces between the letters, a space before the value
    ("\u3000\u3000", "\u3000"),  # full-width spaces, as 姓　　名 is typed to line up with 身份证号
    ("  ", "："),  # 姓  名：孙芳军, a Word form's colon after a spaced label
    ("\u3000\u3000", "："),  # 姓　　名：孙芳军
    (" ", "\t"),  # one space between the letters, a tab before the value
])
def test_a_spaced_label_in_a_cell_is_its_word(tmp_path: Path, blank: str, sep: str) -> None:
    rows = [["个人信息登记表"],
            [f"姓{blank}名{sep}{PEOPLE[0]}", f"性{blank}别{sep}男", f"身份证号{sep}{NUMBERS[0]}"],
            [f"联系电话{sep}{PHONES[0]}", f"民{blank}族{sep}汉族"],
            [f"住{blank * 2}址{sep}{ADDRESS}", f"出{blank}生{blank}日{blank}期{sep}1980年1月1日"]]
    fields = _form(tmp_path / "f.csv", rows)
    # was 姓 / 住 fields holding 名 孙芳军, or no form at all (the ID number lost)
    assert fields["姓名"] == [PEOPLE[0]] and fields["身份证号"] == [NUMBERS[0]] and fields["住址"] == [ADDRESS]
    assert fields["性别"] == ["男"] and fields["民族"] == ["汉族"] and fields["出生日期"] == ["1980年1月1日"]
    assert _level(tmp_path / "f.csv") == "G4"  # a name beside an ID number


@pytest.mark.parametrize("cell, field, value", [
    ("姓  名 张 三", "姓名", "张 三"),  # a spaced value stays the value: 姓名张 is no label
    ("身 份 证 号 码 {id}", "身份证号码", "{id}"),  # the longest label (身份证号 is one too)
    ("姓名 张 三", "姓名", "张 三"),  # a label unspaced, its value spaced
])
def test_spaced_letters_join_only_into_a_known_label(tmp_path: Path, cell: str, field: str, value: str) -> None:
    rows = [["个人信息登记表"], [cell.format(id=NUMBERS[1]), "性别 男", f"联系电话 {PHONES[0]}"],
            [f"身份证号 {NUMBERS[0]}", f"家庭住址 {ADDRESS}"]]
    fields = _form(tmp_path / "f.csv", rows)
    assert fields[field] == [value.format(id=NUMBERS[1])]


@pytest.mark.parametrize("header", [
    ["姓  名", "身份证号码", "联系电话"],  # ASCII spaces in a heading
    ["姓　　名", "身份证号码", "联系电话"],  # full-width spaces
])
def test_a_spaced_heading_names_its_column(tmp_path: Path, header: list[str]) -> None:
    path = tmp_path / "t.csv"
    path.write_text("".join(",".join(r) + "\n" for r in [header, *([PEOPLE[i], NUMBERS[i], PHONES[i]]
                                                                   for i in range(4))]), encoding="utf-8")
    assert _level(path) == "G4"


@pytest.mark.parametrize(("cells", "label"), [
    (["填  表  人", "王小明", "审  核  人", "李建国"], "填表人"),  # R15j-7: was 填表：人, a colon in no cell
    (["填\u3000\u3000表\u3000\u3000人", "王小明", "审\u3000核\u3000人", "李建国"], "审核人"),  # full-width blanks
    (["民  族", "汉族", "婚  姻  状  况", "已婚"], "民族"),  # a field's spaced label alone in its cell
])
def test_a_spaced_label_alone_in_its_cell_is_its_word(tmp_path: Path, cells: list[str], label: str) -> None:
    path = tmp_path / "f.csv"
    path.write_text("".join(",".join(row) + "\n" for row in [
        ["临时救助申请审批表", "", "", ""], ["姓名", PEOPLE[0], "性别", "男"],
        ["身份证号码", NUMBERS[0], "联系电话", PHONES[0]], cells]), encoding="utf-8")
    (table,) = open_source(str(path)).tables()
    fields = [c.field for c in table.columns]
    assert label in fields and not [f for f in fields if "：" in f]
