"""Person names inside file, folder, sheet and key names, found at any position of a run, beside
place names and ordinary words that open with a surname character (issue 15 review R15f-23,
R15f-29, R15f-9). The name rule masked 萧山区 (萧**), 李庄镇, 江北, 原始 (原**), folders an auditor
could not map back (and R15f-11 merged), and read a JSON map keyed by village names as a map of
people; while a name beside any word but a listed tail (2024年王小明个人档案.csv, 张三申请表.xlsx) stayed
in clear."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from govsoc.classification.identifier_names import is_person_name, mask_person_names
from tests.classification.test_source_json import _scan

#: places that open with a surname character: with an administrative suffix, and without one
#: (GB/T 2260 names as folders of 各乡镇/各区县 are written)
PLACES = ["萧山区", "余杭区", "海淀区", "金华市", "郑州市", "周口市", "黄山市", "李庄镇", "王家村", "张家村", "石桥镇",
          "高新区", "马家湾", "刘家庄", "徐家汇", "张家港", "马鞍山", "石家庄", "常熟", "沈阳", "江宁", "秦淮", "吴江",
          "江北", "萧山", "余杭", "海淀", "郑州", "周口", "黄山", "金华", "城关镇", "李家村", "陈家屯", "江门"]
#: ordinary words that open with a surname character, as file and sheet names hold them
WORDS = ["原始", "封面", "司法", "严重", "陆地", "钱款", "黄页", "蓝图", "高中", "全体", "常用", "初稿", "修订", "公示",
         "宣传", "武装", "危房", "冷链", "银行", "查询", "商务", "门禁", "施工", "支出", "信访", "智慧", "幸福", "居家"]
#: per-person file names, the name beside a year, 关于, a document word (R15f-9)
NAMED = [("2024年王小明个人档案.csv", "王小明"), ("王小明身份证复印件.csv", "王小明"), ("张三申请表.xlsx", "张三"),
         ("关于王小明同志的考察材料.csv", "王小明"), ("王小明简历.csv", "王小明"), ("王小明工资条.xlsx", "王小明"),
         ("黄伟芳户口本.pdf", "黄伟芳"), ("李娜体检报告.csv", "李娜"), ("2023年度张伟述职报告.docx", "张伟"),
         ("王芳的材料.csv", "王芳"), ("赵六家庭成员.csv", "赵六"), ("第三组李四登记表.xlsx", "李四"),
         ("刘德华病历.csv", "刘德华"), ("陈秀英社保缴费明细.csv", "陈秀英"), ("关于张磊杰的处分决定.csv", "张磊杰"),
         ("孙芳军劳动合同.xlsx", "孙芳军"), ("周杰结婚证.jpg", "周杰"), ("胡刚勇银行流水.csv", "胡刚勇"),
         ("朱丽艳照片.png", "朱丽艳"), ("杨明先生来访记录.csv", "杨明"), ("马娜女士投诉.csv", "马娜"),
         ("2024年3月徐杰请假条.xlsx", "徐杰")]


@pytest.mark.parametrize("place", PLACES)
def test_a_place_in_a_path_is_shown_as_it_is(place: str) -> None:
    for path in (f"/data/各乡镇/{place}/低保名册.xlsx", f"/data/{place}.csv", f"低保.xlsx:{place}",
                 f"/data/2024年{place}个人档案.csv"):
        assert mask_person_names(path) == path
    assert not is_person_name(place)


@pytest.mark.parametrize("word", WORDS)
def test_a_word_in_a_path_is_shown_as_it_is(word: str) -> None:
    for path in (f"/data/{word}/名册.xlsx", f"/data/{word}.csv", f"台账.xlsx:{word}", f"/data/2024年{word}材料.csv"):
        assert mask_person_names(path) == path
    assert not is_person_name(word)


@pytest.mark.parametrize(("path", "name"), NAMED)
def test_a_name_at_any_position_of_a_file_name_is_masked(path: str, name: str) -> None:
    shown = mask_person_names(f"/data/档案/{path}")
    assert name not in shown and f"{name[0]}**" in shown
    assert shown.replace(f"{name[0]}**", name, 1) == f"/data/档案/{path}"  # the name alone, the words kept


@pytest.mark.parametrize("name", ["王芳", "张伟", "黄伟芳", "李娜", "欧阳娜娜", "孙芳军"])
def test_a_name_alone_is_masked(name: str) -> None:
    assert mask_person_names(f"/data/{name}/{name}.csv") == f"/data/{name[0]}**/{name[0]}**.csv"
    assert is_person_name(name)


def test_a_map_keyed_by_village_names_is_no_map_of_people(tmp_path: Path) -> None:
    # R15f-29: population per village was "a map keyed by people's names", 姓名 tagged: 王** 李**
    villages = ["王家村", "李家村", "张家庄", "刘家湾", "陈家屯", "城关镇", "石桥镇", "马家沟", "赵庄村", "周家坝"]
    (tmp_path / "by_village.json").write_text(json.dumps({v: 100 + i for i, v in enumerate(villages)},
                                                         ensure_ascii=False), encoding="utf-8")
    inventory = _scan(tmp_path / "by_village.json")
    assert not [f for t in inventory.tables for f in t.fields if f.recognizer == "cn_person_name"]
