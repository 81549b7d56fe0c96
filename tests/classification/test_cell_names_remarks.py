"""A 走访 register's remarks name drug users, patients and disabled people after their status word,
then say anything of them (review R15n-6): 吸毒人员王桂兰正在社区戒毒, 患者李秀英确诊肺结核, 残疾人张建国智力残疾.
The column holds their names and their PIPL art. 28 categories (违法犯罪记录, 健康, 残疾), 4级 under
GB/T 43697-2024, whatever verb a remark puts after the name; only a verb taking the run before it as
its object (户主黄桃种植, 丈夫车祸身亡: R15k-6) says the run is no one's name."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from govsoc.classification.cell_names import cell_names
from govsoc.classification.free_text import FreeTextMasker
from govsoc.classification.grading import load_scheme
from govsoc.classification.inventory import build_inventory
from govsoc.classification.sources import open_source

NAMES = ["王桂兰", "李秀英", "张建国", "刘志强", "陈丽", "杨敏", "赵建军", "周海涛", "孙志强", "吴静", "徐伟", "黄国平"]
ROLES = ["户主", "申请人", "老伴", "妻子", "儿子", "低保户", "特困人员", "残疾人", "患者", "经办人", "村干部", "网格员"]
#: R15n-6's 走访 register: a status or role word, a name, then words no list of what follows a person holds
VISITS = ["吸毒人员{n}正在社区戒毒", "患者{n}确诊肺结核", "残疾人{n}智力残疾", "户主{n}于2023年去世", "老伴{n}常年卧床"]


def _visits(path: Path, notes: list[str]) -> tuple[tuple[str, ...], str]:
    """备注's kinds and the table's level, of a 序号,走访日期,备注 register of ``notes``."""
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["序号", "走访日期", "备注"])
        writer.writerows([i + 1, "2024-03-01", note] for i, note in enumerate(notes))
    source = open_source(str(path))
    inventory = build_inventory(source.tables(), source=source.name, scheme=load_scheme("gbt43697"), sample_size=1000)
    (table,) = inventory.tables
    (field,) = [f for f in table.fields if f.field == "备注"]
    return tuple(field.kinds), table.level


def test_a_visit_register_of_drug_users_patients_and_disabled_people_is_graded_for_them(tmp_path: Path) -> None:
    notes = [VISITS[i % 5].format(n=NAMES[i % 12]) for i in range(60)]
    kinds, level = _visits(tmp_path / "走访记录.csv", notes)
    assert level == "G4"  # was 1级, nothing tagged
    assert {"cn_person_name", "cn_criminal_record", "cn_health", "cn_disability"} <= set(kinds)


@pytest.mark.parametrize("form", [
    "吸毒人员{n}定期尿检",  # status words, then what a follow-up register writes
    "吸毒人员{n}于2022年强制隔离戒毒",
    "残疾人{n}视力二级残疾",
    "残疾人{n}享受两项补贴",
    "精神障碍患者{n}病情稳定",
    "患者{n}规律服药",
])
def test_a_status_word_names_the_person_whatever_follows(tmp_path: Path, form: str) -> None:
    kinds, level = _visits(tmp_path / "随访.csv", [form.format(n=NAMES[i % 12]) for i in range(24)])
    assert level == "G4" and "cn_person_name" in kinds
    assert set(kinds) & {"cn_criminal_record", "cn_health", "cn_disability"}


@pytest.mark.parametrize("tail", [
    # what a 低保 or 特困 remark writes of the person after a role word (R15n-6's after.py)
    "为低保对象", "属特困供养", "向村委会申请救助", "年老体弱", "丧失劳动能力", "患糖尿病", "今年78岁", "家住王家村",
    "无儿无女", "未婚", "拒绝签字", "享受低保", "户口迁出", "于2023年去世",
    # the person as the subject of a verb taking an object after it
    "种植茶叶三亩", "承包鱼塘",
])
def test_a_name_after_a_role_word_counts_before_any_remark(tail: str) -> None:
    notes = [f"{r}{n}{tail}" for r, n in zip(ROLES, NAMES, strict=True)]
    assert cell_names(notes, FreeTextMasker().names).values == len(notes)


@pytest.mark.parametrize("note", [
    "户主马铃薯种植",  # an object of three characters
    "户主高山蔬菜种植",  # and of four
    "户主黄桃种植面积5亩",  # the verb making a noun phrase (种植面积)
    "户主牛羊养殖大户",
    "户主田地被征",
    "申请人欠款未还",
])
def test_the_object_of_a_household_s_verb_is_no_name(note: str) -> None:
    assert cell_names([note], FreeTextMasker().names).values == 0
