"""People named inside the free-text cells of a 备注 column after role, kin and status words
(issue 15, review R15i-14): 经办人张建国核实, 吸毒人员赵建军已戒断 graded the table 一般数据（1级）, nothing
tagged. Such a column holds names of natural persons (PIPL art. 4); 吸毒人员 and 残疾人 say a PIPL
art. 28 category of them. Ordinary remarks (已核实, 户主常年外出, 张家港市户籍) name no one."""

from __future__ import annotations

import csv
import itertools
from pathlib import Path

import pytest

from govsoc.classification.cell_names import cell_names
from govsoc.classification.free_text import FreeTextMasker, mask_free_text
from govsoc.classification.grading import load_scheme
from govsoc.classification.inventory import build_inventory
from govsoc.classification.role_names import role_name_hits
from govsoc.classification.sources import open_source
from tests.classification.test_sources import ids

#: R15i-14's notes (R15i-data/freetext.py): names after role, kin and status words, Han, Uyghur,
#: Kazakh and Tibetan
NOTES = ["申请人买买提江·吐尔逊之子", "户主阿卜杜热依木患病", "联系人努尔别克", "妻子次仁卓玛无业", "经办人张建国核实",
         "特困人员李秀英入住敬老院", "老伴王桂兰已去世", "侄子刘伟代办", "由社区网格员陈丽上门核查", "村干部韩伟陪同",
         "儿媳古丽米拉务工", "监护人叶尔兰", "吸毒人员赵建军已戒断", "信访人林小红来访", "孙子艾力江上学",
         "丈夫哈力木拉提外出", "联系人热孜万古丽", "低保户周海涛因病", "残疾人孙志强二级", "孤儿罗欣怡由姑姑抚养"]
#: the same without a status word of PIPL art. 28 (吸毒人员, 残疾人)
PLAIN_NOTES = [n for n in NOTES if not n.startswith(("吸毒人员", "残疾人"))]
#: what a remark writes after a role or kin word when it names no one
TAILS = ["因病致贫", "已核实", "无业", "在外务工", "常年外出务工", "同意", "已去世", "由亲属抚养", "证已办理",
         "年审通过", "集中供养", "情绪稳定", "上门核查", "陪同入户", "电话未接通", "本人签字", "于今日办理", "长期患病",
         "丧失劳动能力", "二级", "家中无人", "家庭困难", "户口已迁出", "住院治疗", "签字确认", "无劳动能力", "现居外地",
         "年老体弱", "智力残疾", "肢体残疾", "和子女一起生活", "随子女生活", "就读小学", "已结婚", "丧偶", "领取养老金",
         "审核通过", "公示无异议", "联系不上", "在家务农", "生活不能自理", "危房改造", "高血压", "已戒断", "来电反映",
         "手机号变更", "高龄补贴", "计生户", "周末回家", "曾经申请", "向村委反映", "单独立户", "包户干部走访",
         "金额有误", "毛病多"]
ROLES = ["户主", "申请人", "妻子", "丈夫", "儿子", "老伴", "经办人", "监护人", "联系人", "特困人员", "低保户", "残疾人",
         "孤儿", "吸毒人员", "信访人", "网格员", "村干部", "儿媳", "孙子", "患者", "其父", "村民", "居民", "退役军人"]
#: remarks with no role word, places among them
ORDINARY = ["已核实", "同意", "无", "张家港市户籍", "王府井街道", "情况属实", "因病致贫", "王家村", "李庄镇", "高新区",
            "周一复查", "于2024年3月办理", "余额已清", "金额500元", "常住人口", "柯城区府山街道", "陈家桥社区"]


def _remarks(path: Path, notes: list[str], *, with_ids: bool = False) -> tuple[str | None, str, tuple[str, ...]]:
    """备注's recognizer, the table's level and the 备注 column's examples, of a CSV of ``notes``."""
    numbers = ids(len(notes))
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["序号", "户号", *(["户主身份证号"] if with_ids else []), "备注"])
        writer.writerows([i + 1, f"H{i:04d}", *([numbers[i]] if with_ids else []), note]
                         for i, note in enumerate(notes))
    source = open_source(str(path))
    inventory = build_inventory(source.tables(), source=source.name, scheme=load_scheme("gbt43697"), sample_size=1000)
    (table,) = inventory.tables
    (field,) = [f for f in table.fields if f.field == "备注"]
    return field.recognizer, table.level, tuple(field.masked_examples)


@pytest.mark.parametrize(("notes", "with_ids", "kind", "level"), [
    # R15i-14: names after role and kin words, 吸毒人员 and 残疾人 among them: a criminal record and a
    # disability (PIPL art. 28, 特定身份) of named people, 4级
    (NOTES * 3, False, "cn_person_name", "G4"),
    # names, no status word: 个人基本资料, 2级
    (PLAIN_NOTES * 3, False, "cn_person_name", "G2"),
    # beside the household's ID numbers: 身份证件号码与姓名同表, 4级
    (PLAIN_NOTES * 3, True, "cn_person_name", "G4"),
])
def test_names_after_role_words_in_remarks_are_names(tmp_path: Path, notes: list[str], with_ids: bool, kind: str,
                                                     level: str) -> None:
    recognizer, graded, examples = _remarks(tmp_path / "备注.csv", notes, with_ids=with_ids)
    assert (recognizer, graded) == (kind, level)
    assert examples and all(e.endswith("**") for e in examples)  # the names shown masked


def test_the_status_words_say_their_categories(tmp_path: Path) -> None:
    path = tmp_path / "备注.csv"
    _remarks(path, NOTES * 3)
    source = open_source(str(path))
    inventory = build_inventory(source.tables(), source=source.name, scheme=load_scheme("gbt43697"), sample_size=1000)
    (field,) = [f for f in inventory.tables[0].fields if f.field == "备注"]
    assert {"cn_criminal_record", "cn_disability"} <= set(field.kinds)  # 吸毒人员, 残疾人
    assert field.pipl_sensitive


@pytest.mark.parametrize("notes", [
    # role and kin words followed by what remarks write of a household, no name: 1,320 remarks
    [r + t for r, t in itertools.product(ROLES, TAILS)],
    # ordinary remarks and places (张家港市, 王府井, 王家村: surnames opening a place)
    ORDINARY * 4,
])
def test_ordinary_remarks_name_no_one(tmp_path: Path, notes: list[str]) -> None:
    assert _remarks(tmp_path / "备注.csv", notes)[:2] == (None, "G1")


def test_ordinary_remarks_give_no_name_at_all() -> None:
    # the false hits, not only the column's decision: none of the 1,320 role + tail remarks
    names = FreeTextMasker().names
    found = [(r + t, h) for r, t in itertools.product(ROLES, TAILS) for h in role_name_hits(r + t, names)]
    assert found == []


@pytest.mark.parametrize(("text", "shown"), [
    ("经办人张建国核实", "经办人张**核实"),  # a sign-off word after the name that no list held
    ("特困人员李秀英入住敬老院", "特困人员李**入住敬老院"),
    ("残疾人孙志强二级", "残疾人孙**二级"),  # a status word, the disability's grade after the name
    ("孤儿罗欣怡由姑姑抚养", "孤儿罗**由姑姑抚养"),
    ("户主阿卜杜热依木患病", "户主阿**患病"),  # Uyghur name words, then 患病
    ("妻子次仁卓玛无业", "妻子次**无业"),  # Tibetan
    ("儿媳古丽米拉务工", "儿媳古**务工"),  # Uyghur: Gulmira, 米拉 a name word (no part of her name shown)
    ("丈夫哈力木拉提外出", "丈夫哈**外出"),  # Halmurat, 哈力 + 木拉提
    ("户主常年外出务工", "户主常年外出务工"),  # 常年: a word, no name
    ("监护人和子女一起生活", "监护人和子女一起生活"),  # 和: a conjunction
    ("信访人来访", "信访人来访"),  # a word after the role, no name (is_person_name)
    ("初步诊断：肺结核", "初步诊断：肺结核"),  # a kind of diagnosis before 诊断, no name (a 出院诊断 column)
    ("李四确诊为肺结核", "李**确诊为肺结核"),  # kept: a name before a diagnosis verb
])
def test_a_name_opening_the_words_after_a_role_is_masked(text: str, shown: str) -> None:
    assert mask_free_text(text) == shown


def _lines(path: Path, lines: list[str]) -> tuple[tuple[str, ...], str]:
    """The kinds of the one column of a headerless list of ``lines`` and the table's level."""
    path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    source = open_source(str(path))
    inventory = build_inventory(source.tables(), source=source.name, scheme=load_scheme("gbt43697"), sample_size=1000)
    (table,) = inventory.tables
    (field,) = table.fields
    return field.kinds, table.level


LIST_NAMES = ["袁春", "张建雨", "钱红", "欧阳娜", "买买提江·吐尔逊", "李秀英", "王桂兰", "赵建军", "周海涛", "孙志强",
              "罗欣怡", "刘伟"]


@pytest.mark.parametrize(("lines", "kinds", "level"), [
    # R15i-11: "name ID-number" lines pasted from Word, one cell each: a name and its ID number, 4级
    ([f"{n} {i}" for n, i in zip(LIST_NAMES, ids(12), strict=True)], ("cn_resident_id", "cn_person_name"), "G4"),
    # the same with a full-width blank (a Word table's cell) and the number first
    ([f"{i}　{n}" for n, i in zip(LIST_NAMES, ids(12), strict=True)], ("cn_resident_id", "cn_person_name"), "G4"),
    # ID numbers alone: no name, 3级 as before
    (ids(12), ("cn_resident_id",), "G3"),
    # a word or a place beside the number names no one (户籍, 张家港: is_person_name)
    ([f"{w} {i}" for w, i in zip(["户籍", "张家港", "已核实", "身份证"] * 3, ids(12), strict=True)],
     ("cn_resident_id",), "G3"),
    # R15k-9: the number in brackets after the name, the commonest Word or WeChat list (was 3级)
    ([f"{n}（{i}）" for n, i in zip(LIST_NAMES, ids(12), strict=True)], ("cn_resident_id", "cn_person_name"), "G4"),
    # the same with ASCII brackets
    ([f"{n}({i})" for n, i in zip(LIST_NAMES, ids(12), strict=True)], ("cn_resident_id", "cn_person_name"), "G4"),
    # R15k-9: the number's label between, after a comma (was 3级: 身份证号 taken for the name)
    ([f"{n}，身份证号：{i}" for n, i in zip(LIST_NAMES, ids(12), strict=True)],
     ("cn_resident_id", "cn_person_name"), "G4"),
    # the label glued to the name, no separator (证件号码 is the recognizer's 证件号 + 码)
    ([f"{n}证件号码{i}" for n, i in zip(LIST_NAMES, ids(12), strict=True)], ("cn_resident_id", "cn_person_name"), "G4"),
    # a word, not a name, before the label: no name, 3级 as before
    ([f"{w}，身份证号：{i}" for w, i in zip(["户籍", "张家港", "已核实", "本人"] * 3, ids(12), strict=True)],
     ("cn_resident_id",), "G3"),
    # a word in brackets: no name either
    ([f"{w}（{i}）" for w, i in zip(["户籍", "张家港", "已核实", "本人"] * 3, ids(12), strict=True)],
     ("cn_resident_id",), "G3"),
])
def test_a_name_beside_an_id_number_in_one_cell_is_a_name(tmp_path: Path, lines: list[str], kinds: tuple[str, ...],
                                                          level: str) -> None:
    assert _lines(tmp_path / "list.csv", lines) == (kinds, level)


#: R15k-6: what a household head grows, raises or does, and a remark's events, after a role or kin
#: word: a surname character opens each run (黄, 杨, 牛, 林, 车, 余 ...), and none names anyone
CROPS = ["户主黄桃种植", "户主杨梅种植", "户主毛竹种植", "户主牛羊养殖", "户主马铃薯种植", "户主林地承包",
         "户主孔雀养殖", "户主石屋改造", "户主汪洋养殖", "户主龙虾养殖", "户主花生种植", "户主甘蔗种植", "丈夫车祸身亡",
         "申请人余款未结"]


@pytest.mark.parametrize(("notes", "with_ids", "level"), [
    # a 产业 register's 备注 of crops and livestock, no name anywhere: 一般数据, 1级 (was 2级)
    (CROPS * 5, False, "G1"),
    # the same beside the heads' ID numbers: the ID numbers' 3级, no name beside them (was 4级)
    (CROPS * 5, True, "G3"),
])
def test_what_a_household_head_grows_names_no_one(tmp_path: Path, notes: list[str], with_ids: bool,
                                                  level: str) -> None:
    assert _remarks(tmp_path / "备注.csv", notes, with_ids=with_ids)[:2] == (None, level)


def test_no_crop_remark_is_counted_as_naming_someone() -> None:
    # the count itself, not only the column's decision under the half share (cell_names)
    assert cell_names(CROPS, FreeTextMasker().names).values == 0


@pytest.mark.parametrize("note", [
    "村干部韩伟陪同",  # a name of two characters before case work's word (韩伟陪 + 同 read first)
    "网格员陈静走访",
    "由社区网格员陈丽上门核查",
    "经办人张建国核实",  # three characters, then the act
    "老伴王桂兰已去世",  # a tie (已) after the name
    "联系人努尔别克",  # the name ends the run
])
def test_a_name_before_what_a_remark_says_of_a_person_is_counted(note: str) -> None:
    assert cell_names([note], FreeTextMasker().names).values == 1
