"""Names that free text writes after kin words and roles, and before titles (issue 15 review
R15f-32): 情况说明, 备注 and report text (户主王五，妻子李梅，儿子王小明; 代领人王小明; 王五同志;
致王五先生) kept every name but the one after a listed heading, and a 个体工商户's credit code
after 营业执照号 or 注册号, QQ numbers after 扣扣 and WeChat ids after vx/V信 in clear."""

from __future__ import annotations

import pytest

from govsoc.classification.free_text import mask_free_text
from govsoc.classification.tagging import ClassificationTagger

TAGGER = ClassificationTagger(mask_sources=["*/masked/*"])


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


#: A masked source's app log (R15bp's gen_applog.py, shape 10) and a report quoting it.
_LABELLED_NAME_LINES = [
    ("李洋的手机号是15912344126", "李**的手机号是159****4126"),  # RRR15bp-8: stored in clear before
    ("赵磊的电话：13800138000", "赵**的电话：138****8000"),
    ("欧阳娜娜的身份证号11010519491231002X", "欧**的身份证号110105********002X"),  # compound surname, masked to its 1st
    ("王小明的住址不详", "王**的住址不详"),  # the label alone names the name's holder: no number needed
    ("告知：张伟的邮箱已变更", "告知：张**的邮箱已变更"),
    ("致李娜的地址", "致李**的地址"),
]
#: Ordinary words before 的 + a label (pronouns, places, organisations, days, roles, verbs a form writes),
#: among them words that open with a surname character (公, 常, 原, 任, 那) and place names (张家口: 张).
_WORDS_BEFORE_A_LABEL = [
    "公司的电话", "我们的手机", "中国的地址", "单位的邮箱", "今天的电话", "客户的手机号", "张家口的地址",
    "石家庄的地址", "黄山的住址", "常州的电话", "原来的手机号", "原有的地址", "任何的身份证", "那个的邮箱",
    "商家的电话",
    "常用的邮箱", "绑定的手机号", "预留的手机号", "注册的邮箱", "登记的住址", "本人的身份证", "对方的银行卡",
    "家人的电话", "学校的地址", "医院的电话", "银行的电话", "房东的电话", "老师的电话", "用户的手机号", "管理员的邮箱",
    # places and companies (a street, a mountain, Founder, Wanda) whose first character is a surname (RRR15bv-2)
    "王府井的电话", "华山的邮箱", "方正的手机", "高山的电话", "江南的地址", "万达的地址",
]


@pytest.mark.parametrize(("text", "shown"), _LABELLED_NAME_LINES)
def test_a_name_before_de_and_a_label_of_personal_data_is_masked(text: str, shown: str) -> None:
    """A 2-4 character run with a listed surname directly before 的 + 手机/电话/身份证/住址/地址/银行卡/邮箱
    is the name of the person whose data the label names (RRR15bp-8), in a report and before storage."""
    assert mask_free_text(text) == shown
    assert TAGGER.enrich({"message": text}, "file:///srv/masked/app.log")["message"] == shown


def test_the_app_log_line_of_rrr15bp_8_is_stored_masked() -> None:
    """R15bp's line: the name, the mobile and the card, none in clear in a masked source."""
    text = "李洋的手机号是15912344126，银行卡6222021234567890128"
    shown = "李**的手机号是159****4126，银行卡6222 **** **** 0128"
    out = TAGGER.enrich({"message": text, "event.original": text}, "file:///srv/masked/app.log")
    assert (out["message"], out["event.original"]) == (shown, shown)


@pytest.mark.parametrize("word", _WORDS_BEFORE_A_LABEL)
def test_words_before_de_and_a_label_are_left_as_they_are(word: str) -> None:
    for text in (word, f"{word}是13800138000"):  # the number beside it is masked, the word is not
        assert mask_free_text(text).startswith(word)
        assert TAGGER.enrich({"message": text}, "file:///srv/masked/app.log").get("message", text).startswith(word)
