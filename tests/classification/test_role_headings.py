"""Columns of names headed by the person's role or kin (issue 15 review R15f-15): 车主, 承租人,
嫌疑人, 代领人, 父亲, 配偶 ... were no names, and a 车辆/租房 register of names beside ID numbers was
3级 (身份证件号码与姓名同表 is 4级, schemes/gbt43697.yaml); a column of names under any heading is
at least suspected. 房号, 门牌号 and 单元 name a building's part: their values (3幢2单元1101) are
no names, 单 a surname though (R15f-25)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from govsoc.classification.columns import ColumnClassifier, ColumnSample
from govsoc.classification.grading import load_scheme
from govsoc.classification.inventory import build_inventory
from govsoc.classification.role_names import is_role_heading
from govsoc.classification.sources import open_source
from tests.classification.test_sources import PHONES, ids

#: full names of listed surnames, 2 and 3 characters, one compound
PEOPLE = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄强", "周杰", "吴刚", "徐丽", "孙涛", "胡军",
          "朱琳", "高峰", "林娟", "何勇", "郭敏", "马超", "罗平", "梁晓东", "宋佳琪", "郑海涛", "欧阳娜"]
COLUMN = [PEOPLE[i % len(PEOPLE)] for i in range(60)]


def _decide(field: str, values: list[str]) -> tuple[str, str | None, str]:
    decision = ColumnClassifier().decide(ColumnSample(dataset="d", field=field, values=values))
    return decision.status, decision.recognizer, decision.field


@pytest.mark.parametrize("heading", [
    "车主",  # 机动车登记: the owner
    "承租人",  # 房屋租赁登记: the tenant
    "嫌疑人",  # 案件: the suspect
    "代领人",  # 低保/补贴发放表: who collected it
    "业主",  # 物业: the owner of the flat
    "驾驶人", "驾驶员",  # 交通事故, 车辆
    "死者",  # 殡葬, 死亡登记
    "被执行人", "股东", "乘客", "旅客", "住户", "员工", "学生", "教师", "医生", "护士", "操作员", "创建人",
    "父亲", "配偶", "子女", "家长",  # the 家庭成员 columns of 户籍, 低保, 学籍 tables
])
def test_a_role_or_kin_heading_over_names_holds_names(heading: str) -> None:
    assert _decide(heading, COLUMN) == ("tagged", "cn_person_name", heading)  # the heading shown, no name


@pytest.mark.parametrize("heading", ["车主", "父亲"])
def test_a_role_heading_over_few_names_holds_none(heading: str) -> None:
    # under a role heading, values must be names (90 %): a third are, the others 单位 (a car's owner may be one)
    units = ["县交通运输局", "市公交集团有限公司", "县财政局", "县教育局"]
    values = [units[i % 4] if i % 3 else PEOPLE[i % len(PEOPLE)] for i in range(60)]
    assert _decide(heading, values)[0] == "none"


@pytest.mark.parametrize("heading", ["column_3", "备注", "列3"])
def test_a_column_of_names_under_any_heading_is_suspected(heading: str) -> None:
    assert _decide(heading, COLUMN)[:2] == ("suspected", "cn_person_name")


@pytest.mark.parametrize(("heading", "values"), [
    ("单位名称", ["县财政局", "县教育局", "县卫健委", "县民政局", "县公安局", "县审计局"]),
    ("部门", ["办公室", "财务科", "人事科", "综合科", "信息中心", "党政办"]),
    ("村名", ["王家村", "李庄", "张家湾", "刘村", "陈家庄", "赵家屯"]),  # places named after a family
    ("房号", [f"{i % 9 + 1}幢{i % 4 + 1}单元{1101 + i}" for i in range(6)]),  # R15f-25
    ("门牌号", [f"{i % 9 + 1}栋{i % 4 + 1}单元{1101 + i}室" for i in range(6)]),
    ("单元", [f"{i % 6 + 1}单元" for i in range(6)]),
])
def test_places_and_units_hold_no_names(heading: str, values: list[str]) -> None:
    status, _, shown = _decide(heading, [values[i % len(values)] for i in range(60)])
    assert (status, shown) == ("none", heading)  # 单元 was shown as 单**


@pytest.mark.parametrize(("heading", "role"), [
    ("车主", True), ("承租人", True), ("父亲", True), ("学生", True),
    ("房号", False), ("门牌号", False), ("单元", False), ("单位名称", False), ("村名", False), ("人数", False),
])
def test_role_headings(heading: str, role: bool) -> None:
    assert is_role_heading(heading) is role


@pytest.mark.parametrize(("header", "owner"), [
    (["车主", "身份证号码", "车牌号码", "联系电话"], "车主"),  # R15f-15's b/cars.csv
    (["房屋地址", "承租人", "证件号码", "联系电话"], "承租人"),  # b/tenant.csv
])
def test_a_register_of_owners_or_tenants_beside_id_numbers_is_level_4(tmp_path: Path, header: list[str],
                                                                      owner: str) -> None:
    path, numbers = tmp_path / "register.csv", ids(60)
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        for i in range(60):
            row = {owner: COLUMN[i], header[0 if owner != header[0] else 1]: "", "联系电话": PHONES[i % 40]}
            writer.writerow([row.get(h) or (numbers[i] if "证" in h else f"浙A{10000 + i}" if "车牌" in h
                                            else "浙江省杭州市西湖区文三路100号") for h in header])
    source = open_source(str(path))
    inventory = build_inventory(source.tables(), source=source.name, scheme=load_scheme("gbt43697"), sample_size=1000)
    (table,) = inventory.tables
    assert {f.field: f.recognizer for f in table.fields}[owner] == "cn_person_name"
    assert table.level == "G4"  # was G3: the names not seen beside the ID numbers


@pytest.mark.parametrize("heading", [
    "老伴",  # 高龄补贴, 低保 registers: the spouse as old people call one (R15h: no name, 3级)
    "爱人", "岳父", "婆婆", "女婿", "孙子",  # kin of 民法典 第1045条 as people write them
    "外孙子女", "继母", "养父", "姥姥",  # 近亲属 of 第1045条, 继父母 and 养父母 (第1072, 1111条)
    "配偶", "户主", "父亲", "母亲", "子女",  # tagged before: kept
])
def test_a_kin_heading_beside_an_id_column_is_4(tmp_path: Path, heading: str) -> None:
    path = tmp_path / "kin.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([[heading, "身份证号码"], *zip(COLUMN[:20], ids(20), strict=True)])
    (table,) = open_source(str(path)).tables()
    assert _decide(heading, COLUMN) == ("tagged", "cn_person_name", heading)  # was none: 老伴 no role word
    inventory = build_inventory([table], source=str(path), scheme=load_scheme("gbt43697"), sample_size=1000)
    assert [t.level for t in inventory.tables] == ["G4"]  # a name beside an ID number
