"""Names that free text writes after kin words and roles, and before titles (issue 15 review
R15f-32): 情况说明, 备注 and report text (户主王五，妻子李梅，儿子王小明; 代领人王小明; 王五同志;
致王五先生) kept every name but the one after a listed heading, and a 个体工商户's credit code
after 营业执照号 or 注册号, QQ numbers after 扣扣 and WeChat ids after vx/V信 in clear."""

from __future__ import annotations

import pytest

from govsoc.classification.free_text import mask_free_text


@pytest.mark.parametrize(("text", "shown"), [
    ("户主王五，妻子李梅，儿子王小明", "户主王**，妻子李**，儿子王**"),  # kin words before names
    ("王五的妻子李梅", "王**的妻子李**"),  # a name before 的 + a kin word, and after the kin word
    ("代领人王小明", "代领人王**"),  # a role ending in 人 that is no column heading
    ("村民王五反映", "村民王**反映"),
    ("王五同志", "王**同志"),  # a name before a title
    ("致王五先生", "致王**先生"),  # a letter's address
    ("关于王小明同志的考察材料", "关于王**同志的考察材料"),
    ("王小明老师", "王**老师"),
    ("母亲张秀英，父亲王建国", "母亲张**，父亲王**"),
])
def test_a_name_beside_a_kin_word_or_title_is_masked(text: str, shown: str) -> None:
    assert mask_free_text(text) == shown


@pytest.mark.parametrize("text", [
    "妻子的意见", "母亲节", "儿子女儿", "村民委员会", "同志们", "先生们好", "居民身份证", "配偶姓名", "父亲职业",
    "村民小组", "居民户口簿", "村民来信", "弟弟妹妹", "关于高中老师的通知", "致全体同志", "各位女士",
])
def test_kin_words_and_titles_beside_words_are_left_as_they_are(text: str) -> None:
    assert mask_free_text(text) == text


@pytest.mark.parametrize(("text", "shown"), [
    ("营业执照号92330106MA2H2KJ63B", "营业执照号92****3B"),  # a sole trader's (个体工商户) code names a person
    ("注册号：92330106MA2H2KJ63B", "注册号：92****3B"),
    ("营业执照号91330106MA2H2KJ63B", "营业执照号91330106MA2H2KJ63B"),  # a company's (91): public
])
def test_a_sole_traders_code_after_its_licence_label_is_masked(text: str, shown: str) -> None:
    assert mask_free_text(text) == shown


@pytest.mark.parametrize(("text", "shown"), [
    ("扣扣12345678", "扣扣12****78"),  # QQ by its spoken name
    ("企鹅号：12345678", "企鹅号：12****78"),
    ("vx: wangwu1990", "vx: w***"),  # a WeChat id after the names text gives WeChat
    ("V信 wangwu1990", "V信 w***"),
    ("微信号wangwu1990", "微信号w***"),
    ("wx wangwu_1990", "wx w***"),
    ("wxWidgets 3.2", "wxWidgets 3.2"),  # no label: a library's name
    ("vx支付宝", "vx支付宝"),
    ("微信支付", "微信支付"),
])
def test_qq_and_wechat_ids_by_their_other_names_are_masked(text: str, shown: str) -> None:
    assert mask_free_text(text) == shown
