"""A person's name in a file name after a kin word, an aid category or a place (issue 15 review
R15h-17). 特困人员王小明.csv, 残疾人李建国档案.xlsx, 老伴张秀英.csv and 龙游县王小明低保申请.csv were
listed, saved and reported in clear: the words before a name that R15g-5 listed missed the people
民政 registers keep (特困人员, 残疾人, 退役军人, 孤儿 ...) and the kin of 《民法典》 (老伴, 侄子, 外甥,
继父, 养女 ...), and a county's name before a person's hid it. Kin and role words are no names
themselves (孙子王小明.csv was 孙**王**.csv)."""

from __future__ import annotations

from pathlib import Path

import pytest

from govsoc.classification.asset_names import mask_asset_name
from govsoc.classification.identifier_names import is_person_name, mask_person_names
from tests.classification.test_inventory_person_names import classified
from tests.classification.test_source_json import NUMBERS

#: (file name, the name in it, what is shown)
NAMED = [
    ("特困人员王小明.csv", "王小明", "特困人员王**.csv"),  # 社会救助暂行办法's 特困人员 (a 民政 category)
    ("残疾人李建国档案.xlsx", "李建国", "残疾人李**档案.xlsx"),  # 残联's register, a document word after
    ("退役军人赵刚.csv", "赵刚", "退役军人赵**.csv"),  # 退役军人事务's register
    ("孤儿周小红.csv", "周小红", "孤儿周**.csv"),  # a child in care
    ("精准扶贫户陈建华家庭.csv", "陈建华", "精准扶贫户陈**家庭.csv"),  # 乡村振兴's household, a tail after
    ("失独家庭刘桂英.csv", "刘桂英", "失独家庭刘**.csv"),  # a 计生 special family
    ("老伴张秀英.csv", "张秀英", "老伴张**.csv"),  # a spouse as people write it
    ("侄子王小明.csv", "王小明", "侄子王**.csv"),  # 民法典 第1128条: a sibling's child
    ("侄女李芳.csv", "李芳", "侄女李**.csv"),  # the same, a woman
    ("外甥李建国.csv", "李建国", "外甥李**.csv"),  # a sister's child
    ("孙子王小明.csv", "王小明", "孙子王**.csv"),  # 孙子 opens with the surname 孙: a kin word, no name
    ("孙女王芳.csv", "王芳", "孙女王**.csv"),  # likewise
    ("外孙女王芳.csv", "王芳", "外孙女王**.csv"),  # the longest kin word, not 外孙 + 女王芳
    ("儿媳刘梅.csv", "刘梅", "儿媳刘**.csv"),  # 民法典 第1129条: a widowed daughter-in-law
    ("继父张建国.csv", "张建国", "继父张**.csv"),  # 民法典 第1072条: a step-parent
    ("养女陈静.csv", "陈静", "养女陈**.csv"),  # 民法典 第1111条: an adopted child
    ("龙游县王小明低保申请.csv", "王小明", "龙游县王**低保申请.csv"),  # a county, then the name, then his case
    ("城关镇李四.csv", "李四", "城关镇李**.csv"),  # a township before the name
    ("王小明低保申请.csv", "王小明", "王**低保申请.csv"),  # 低保 after a name: his application
    ("李四救助审批表.csv", "李四", "李**救助审批表.csv"),  # 救助 after a name
    # R15i-2: 信访, 禁毒 and the rest of 社会救助 (13 of 31 such names in clear)
    ("吸毒人员赵建军.csv", "赵建军", "吸毒人员赵**.csv"),  # 禁毒法's register: sensitive (PIPL art. 28)
    ("上访户黄国平.csv", "黄国平", "上访户黄**.csv"),  # 信访 as people write it
    ("信访人林小红.csv", "林小红", "信访人林**.csv"),  # 信访条例's word
    ("事实无人抚养儿童李明明.csv", "李明明", "事实无人抚养儿童李**.csv"),  # a child in 民政's care
    ("临时救助胡海燕.csv", "胡海燕", "临时救助胡**.csv"),  # 社会救助暂行办法's 临时救助
    ("医疗救助王建国.csv", "王建国", "医疗救助王**.csv"),  # and its 医疗救助
    ("低收入人口何丽娟.csv", "何丽娟", "低收入人口何**.csv"),  # 低收入人口动态监测
    ("孤寡老人陈秀英.csv", "陈秀英", "孤寡老人陈**.csv"),  # an elder in care
    ("计生特扶户吴国平.csv", "吴国平", "计生特扶户吴**.csv"),  # 计生 特别扶助
    ("网格员冯丽.csv", "冯丽", "网格员冯**.csv"),  # a grid worker
    ("房东曹国强.csv", "曹国强", "房东曹**.csv"),  # 房 opens with the surname 房: a word, then the name
    # R15i-10: a 审批表's sign-off labels, kept as field names, hold who signs (in clear in the inventory)
    ("经办人李建国审核意见", "李建国", "经办人李**审核意见"),  # the clerk's review
    ("审核人王小明签字", "王小明", "审核人王**签字"),  # a signature line
    ("本人王小明承诺", "王小明", "本人王**承诺"),  # the applicant's pledge
]
#: words that must stay as they are: registers of these people, places, kin words alone
KEPT = [
    "残疾人名册.csv",  # a register, no one named
    "特困人员花名册.xlsx",  # the same
    "退役军人信息.csv",  # a heading word after the category
    "孙子女.csv",  # 民法典's 孙子女 is a kin word, not 孙 + a given name
    "龙游县低保名册.csv",  # a county with its unit, then words (R15g-25)
    "衢州市龙游县民政局.csv",  # a city, a county and an office
    "城乡低保名册.csv",  # words before 低保
    "边缘低保.csv",  # 边缘 opens with the surname 边 and is a word
    "残疾人关爱.csv",  # 关爱 (关 a surname) after a category: a word, not a name
    "留守儿童关怀.csv",  # likewise 关怀
    "残疾人管控.csv",  # 管 a surname
    "特困人员易地搬迁.csv",  # 易 a surname
    "本人承诺书.csv",  # a pledge form, no one named (R15i-10's words alone)
    "经办人签字.csv",  # a signature line's label
    "审核人意见.csv",  # the same
]


@pytest.mark.parametrize(("path", "name", "shown"), NAMED)
def test_a_name_after_a_kin_word_aid_category_or_place_is_masked(path: str, name: str, shown: str) -> None:
    assert mask_person_names(f"/data/{path}") == f"/data/{shown}"


@pytest.mark.parametrize("path", KEPT)
def test_the_words_alone_are_kept(path: str) -> None:
    assert mask_person_names(f"/data/{path}") == f"/data/{path}"


@pytest.mark.parametrize("word", ["孙子", "孙女", "边缘", "侄子", "老伴"])
def test_kin_and_role_words_are_no_names(word: str) -> None:
    # 孙, 边 are surnames: a 与户主关系 column of 孙子/孙女 holds relations, not names
    assert not is_person_name(word)


@pytest.mark.parametrize(("text", "shown"), [
    ("其老伴张秀英去世后", "其老伴张**去世后"),  # a 情况说明's sentence: the kin word before the name
    ("特困人员王小明现居住", "特困人员王**现居住"),  # an aid category before the name
])
def test_free_text_after_such_a_word_is_masked(text: str, shown: str) -> None:
    assert mask_asset_name(text, "system") == shown


def test_the_listing_inventory_and_saved_result_mask_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "p"
    folder.mkdir()
    for path, _name, _shown in NAMED[:7] + NAMED[16:17]:
        (folder / path.replace(".xlsx", ".csv")).write_text(
            "姓名,身份证号\n" + "".join(f"黄伟芳,{NUMBERS[i]}\n" for i in range(10)), encoding="utf-8")
    out, texts = classified(folder, tmp_path, monkeypatch, capsys)
    for text in texts:
        assert not [n for _p, n, _s in NAMED[:7] if n in text]
    assert "特困人员王**.csv  rows=10" in out and "龙游县王**低保申请.csv  rows=10" in out
