"""Uyghur, Kazakh and Tibetan names after a role or kin word in free text (column comments, 备注,
log lines; issue 15 review R15h-18). The name after a role word was looked for in its first four
characters only, so 申请人艾尼瓦尔江 and 户主阿卜杜热依木 were shown in clear; and a 次 after the role
word was read as 申请人次数's, so 妻子次仁卓玛 (次仁: Tsering, the commonest Tibetan name word) was
too. A run of name words up to eight characters long is a name there, and 次 opening one is no count."""

from __future__ import annotations

import pytest

from govsoc.classification.free_text import mask_free_text


@pytest.mark.parametrize(("text", "shown"), [
    ("申请人艾尼瓦尔江", "申请人艾**"),  # five characters: Enwer + -jan
    ("户主阿卜杜热依木，身份证号", "户主阿**，身份证号"),  # six: Abdu + Rehim, then a label
    ("老伴帕尔哈提江去世后", "老伴帕**去世后"),  # a kin word, five characters, a verb after
    ("妻子次仁卓玛离婚后", "妻子次**离婚后"),  # 次 opening a Tibetan name, not 人次
    ("申请人次仁多吉", "申请人次**"),  # the same after a heading word
    ("监护人次旦", "监护人次**"),  # a Tibetan name of one word
    ("申请人王小明", "申请人王**"),  # a Han name: as before
])
def test_a_long_or_ci_name_after_a_role_word_is_masked(text: str, shown: str) -> None:
    assert mask_free_text(text) == shown


@pytest.mark.parametrize("text", [
    "申请人次数",  # a count of applicants: 次数 is no name word
    "负责人员名单",  # 负责人员: staff, not 负责人 + a name
    "申请人们",  # a plural
    "申请人类型为个人",  # a heading word after the role word
])
def test_words_after_a_role_word_stay(text: str) -> None:
    assert mask_free_text(text) == text
