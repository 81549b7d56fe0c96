"""Free-text masking of the forms review R15e-20 found left in clear (classification.free_text,
classification.coordinate_forms, classification.role_names): coordinates with hemisphere letters,
in degrees-minutes-seconds and as JSON numbers; names glued to a role word, beside a diagnosis or
given as a column comment's example; QQ and WeChat ids after their labels."""

from __future__ import annotations

import pytest

from govsoc.classification.free_text import mask_free_text
from govsoc.classification.masking import mask


def _assert_masked(text: str, hidden: list[str], shown: list[str]) -> None:
    """Nothing of ``hidden`` is left in the masked ``text``, all of ``shown`` is there."""
    out = mask_free_text(text)
    wrong = [f"left in clear: {v}" for v in hidden if v in out] + [f"missing: {v}" for v in shown if v not in out]
    assert not wrong, (out, wrong)


@pytest.mark.parametrize(("text", "hidden", "shown"), [
    # hemisphere letter before the number, as GNSS receivers and many APIs print a fix
    ("E120.155070 N30.274085", ["155070", "274085"], ["E120.16", "N30.27"]),
    # and after it, the pair joined by a comma
    ("30.274085N,120.155070E", ["274085", "155070"], ["30.27N", "120.16E"]),
    # a single coordinate with its letter: the letter says what the number is
    ("fix N 30.274085", ["274085"], ["N 30.27"]),
    # Chinese hemisphere words run into decimals
    ("北纬30.274085 东经120.155070", ["274085", "155070"], ["北纬30.27", "东经120.16"]),
    # JSON members whose values are numbers (the commonest log form): lat/lon, latitude/longitude
    ('{"lat":30.274085,"lon":120.155070}', ["274085", "155070"], ['"lat":30.27', '"lon":120.16']),
    ('{"latitude": 30.274085, "longitude": 120.155070}', ["274085", "155070"], ["30.27", "120.16"]),
    # degrees, minutes, seconds (about 3 m): the seconds go, degrees and minutes (about 1.8 km) stay
    ("30°16'26.7\"N 120°9'18.3\"E", ["26.7", "18.3"], ["30°16'", "120°9'"]),
    ("北纬30°16′26.7″ 东经120°09′18.3″", ["26.7", "18.3"], ["北纬30°16′", "东经120°09′"]),
    # degrees and decimal minutes (NMEA style, 16.4450' is about 1 m)
    ("30°16.4450'N", ["4450"], ["30°16"]),
])
def test_coordinates_in_every_written_form_are_masked(text: str, hidden: list[str], shown: list[str]) -> None:
    _assert_masked(text, hidden, shown)


@pytest.mark.parametrize(("text", "hidden", "shown"), [
    # a role word (R15d-6's list of headings naming a person) with the name glued on
    ("监护人王五", ["王五"], [f"监护人{mask('name', '王五')}"]),
    ("申请人王五（男）", ["王五"], [f"申请人{mask('name', '王五')}（男）"]),
    ("负责人王小明", ["王小明"], [f"负责人{mask('name', '王小明')}"]),
    # the name followed by more words of the sentence
    ("经办人张伟签字确认", ["张伟"], [f"经办人{mask('name', '张伟')}签字确认"]),
    # a name beside a diagnosis: health information of an identified person (PIPL art. 28)
    ("患者李四诊断为HIV阳性", ["李四"], [f"患者{mask('name', '李四')}诊断为HIV阳性"]),
    ("李四确诊为肺结核", ["李四"], [f"{mask('name', '李四')}确诊为肺结核"]),
    # an account holder after its label (R15e-13), with a colon
    ("户名：王五", ["王五"], [mask("name", "王五")]),
    # a column comment's example of the name it holds
    ("姓名，如王小明", ["王小明"], [f"姓名，如{mask('name', '王小明')}"]),
    ("例：王小明", ["王小明"], [f"例：{mask('name', '王小明')}"]),
    ("如：王小明、李四", ["王小明", "李四"], [f"如：{mask('name', '王小明')}、{mask('name', '李四')}"]),
    ("申请人姓名，例如张伟", ["张伟"], [mask("name", "张伟")]),
    ("real name, e.g. 王小明", ["王小明"], [f"e.g. {mask('name', '王小明')}"]),
])
def test_names_without_a_key_value_shape_are_masked(text: str, hidden: list[str], shown: list[str]) -> None:
    _assert_masked(text, hidden, shown)


@pytest.mark.parametrize(("text", "hidden", "shown"), [
    # a QQ number after its ASCII label and a blank, and after QQ号 with a colon
    ("QQ 12345678", ["12345678"], ["QQ "]),
    ("QQ号：12345678", ["12345678"], ["QQ号："]),
    # a WeChat id is an account: masked by the account rule
    ("微信号 wangwu1990", ["wangwu1990"], [f"微信号 {mask('account', 'wangwu1990')}"]),
    ("微信：wangwu1990", ["wangwu1990"], [f"微信：{mask('account', 'wangwu1990')}"]),
    # a 个体工商户's credit code (GB 32100: 9 = 工商, 2 = sole trader) names a natural person,
    # glued to its label or after a colon; masked by the document rule
    ("统一社会信用代码92330106MA2GL0XX3B", ["330106MA2GL0XX"], ["统一社会信用代码92****3B"]),
    ("信用代码：92330106MA2GL0XX3B", ["330106MA2GL0XX"], ["信用代码：92****3B"]),
])
def test_contact_ids_after_their_labels_are_masked(text: str, hidden: list[str], shown: list[str]) -> None:
    _assert_masked(text, hidden, shown)


@pytest.mark.parametrize("text", [
    # ordinary sentences
    "负责人员已到场",  # 负责人员 is a word of its own (staff in charge), not 负责人 + a name
    "申请人数 120",  # the number of applicants
    "申请人于今日提交材料",  # 于 here is a preposition, not the surname
    "负责人已签字",
    "与户主关系：之子",  # 户主关系 (relation to the head of household) is a heading, 关 no surname here
    "经办人于今日办理",  # 于今日: a preposition and a day
    "申请人安全员",  # a job title ending in 员
    "状态，如正常、停用",  # a comment's examples that are no names
    "单位名称，如杭州市公安局",
    "如下：共3条",
    # version numbers, times, error codes, a short decimal after a letter
    "版本 V1.2.3",
    "时间 12:30:45",
    "E2024 错误码",
    "rule E1001 hit",
    "N2 E4",
    "W 3.5 kg",  # two decimals: no coordinate
    "耗时 1.2345 s",  # four decimals without a hemisphere or coordinate key
    '{"score": 30.274085, "ratio": 0.123456}',  # JSON numbers under keys that name no location
    "温度 36°5'",  # degrees and minutes without seconds: not precise
    "QQ群 共有 12 人",
    # an enterprise's credit code (91: 工商 + 企业) is public (企业信息公示暂行条例 art. 6)
    "统一社会信用代码91330106MA27XXXX0X",
])
def test_text_without_personal_data_stays(text: str) -> None:
    assert mask_free_text(text) == text
