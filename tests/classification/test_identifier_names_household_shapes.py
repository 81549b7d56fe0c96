"""A person's name after a household or people category of 民政, 乡村振兴, 水利 and 农业农村 registers
(review R15n-17): the per-household file "<category><户主>" of 易地扶贫搬迁, 农村危房改造, 特困供养,
水库移民后期扶持, 长江退捕 and 计生特扶 was shown in clear (易地搬迁户王小明.csv, 残疾人家庭王小明, 失地农民王小明:
19 of 27 categories), as only categories listed one by one (低保户, 脱贫监测户) or a two-character word
and one character (危房户) led to a name. A word ending in 户, 家庭 or 之家 after two characters and
more, or in 妇女, 农民, 渔民, 牧民, 移民, leads to one now, as a role word does; the category alone, or
before the words of a register, names no one."""

from __future__ import annotations

import pytest

from govsoc.classification.columns import ColumnClassifier
from govsoc.classification.household_categories import ends_in_category
from govsoc.classification.shown_names import ShownNames


@pytest.fixture(scope="module")
def names() -> ShownNames:
    return ShownNames(ColumnClassifier())


@pytest.mark.parametrize(("name", "shown"), [
    ("易地搬迁户王小明.csv", "易地搬迁户王**.csv"),  # 易地扶贫搬迁 (发改, 乡村振兴)
    ("危房改造户李建国.csv", "危房改造户李**.csv"),  # 农村危房改造 (住建)
    ("特困供养户王小明.xlsx", "特困供养户王**.xlsx"),  # 特困人员供养 (民政)
    ("五保供养户王小明.csv", "五保供养户王**.csv"),  # the older 五保 name of the same
    ("搬迁户王小明.csv", "搬迁户王**.csv"),  # a 搬迁 household, a word and 户
    ("拆迁户李建国.csv", "拆迁户李**.csv"),  # 征收 (住建)
    ("移民户王小明.csv", "移民户王**.csv"),  # 水库移民后期扶持 (水利)
    ("残疾人家庭王小明.csv", "残疾人家庭王**.csv"),  # 残联's household
    ("计划生育家庭王小明.csv", "计划生育家庭王**.csv"),  # 计生特扶 (卫健)
    ("光荣之家李建国.csv", "光荣之家李**.csv"),  # 退役军人事务's 光荣牌 household
    ("退役军人之家李建国.csv", "退役军人之家李**.csv"),  # the same, longer
    ("留守妇女王小明.csv", "留守妇女王**.csv"),  # 妇联's 关爱 register
    ("失地农民王小明.csv", "失地农民王**.csv"),  # 被征地农民 养老保险 (人社)
    ("被征地农民王小明.csv", "被征地农民王**.csv"),  # the same, the statute's word
    ("退捕渔民王小明.csv", "退捕渔民王**.csv"),  # 长江十年禁渔 (农业农村)
    ("库区移民王小明.csv", "库区移民王**.csv"),  # 水库移民 (水利)
    ("易地搬迁户王小明档案.csv", "易地搬迁户王**档案.csv"),  # the name before what the file is
])
def test_a_name_after_a_household_category_is_masked(names: ShownNames, name: str, shown: str) -> None:
    assert names.place(name) == shown


@pytest.mark.parametrize("name", [
    "五保供养户.csv",  # the category alone: no one named
    "搬迁户.csv",
    "拆迁户花名册.csv",  # a register of the category
    "移民户汇总表.csv",
    "光荣之家名单.csv",
    "留守妇女统计表.csv",
    "失地农民养老保险.csv",  # what the category receives
    "退捕渔民安置情况.csv",
    "残疾人家庭信息采集.csv",
    "家庭成员.csv",  # 家庭 alone is no category (two characters before it at least)
    "户主信息.csv",  # 户 alone is none either
])
def test_a_household_category_alone_names_no_one(names: ShownNames, name: str) -> None:
    assert names.place(name) == name


@pytest.mark.parametrize(("before", "category"), [
    ("易地搬迁户", True),
    ("搬迁户", True),
    ("农户", False),  # one character before 户: 客户, 用户, 账户 as well
    ("光荣之家", True),
    ("之家", False),
    ("五好家庭", True),
    ("家庭", False),
    ("移民", True),
    ("失地农民", True),
])
def test_category_shapes(before: str, category: bool) -> None:
    assert ends_in_category(before) is category
