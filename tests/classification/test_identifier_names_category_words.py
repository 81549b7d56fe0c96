"""A household or case category (identifier_names._category_at) is an ordinary word and one character
only when that character opens no word of its own (issue 15 review R15n-5).

4668b89 took any ordinary word and the character after it for a category whenever a name could be read
after them, and a name at a run's end needs nothing after it: 信访情况统计.csv -> 信访情况**.csv (信访 + 情,
then 况统 read as a name), 党员名单汇总 -> 党员名单** - 1,918 of 13,240 ordinary file names. A name after
a true category stays masked (test_identifier_names_household_categories.py)."""

from __future__ import annotations

import pytest

from govsoc.classification.columns import ColumnClassifier
from govsoc.classification.shown_names import ShownNames


@pytest.fixture(scope="module")
def names() -> ShownNames:
    return ShownNames(ColumnClassifier())


@pytest.mark.parametrize("name", [
    "信访情况统计.csv",  # 信访 + 情况统计: 情 opens 情况, no 信访情
    "付款情况汇总.csv",  # 付款 + 情况汇总
    "施工情况报告.csv",  # 施工 + 情况报告
    "门诊情况通报.csv",  # 门诊 + 情况通报
    "宣传情况说明.csv",  # 宣传 + 情况说明
    "党员名单汇总.csv",  # 党员 + 名单汇总: 名 opens 名单, no 党员名
])
def test_a_character_opening_the_next_word_ends_no_category(names: ShownNames, name: str) -> None:
    assert names.place(name) == name


@pytest.mark.parametrize(("name", "shown"), [
    ("信访件王小明情况汇总.csv", "信访件王**情况汇总.csv"),  # a true category, then the name before 情况
    ("危房户李建国情况说明.csv", "危房户李**情况说明.csv"),  # 危房户: 户 opens no word with 李
])
def test_a_name_after_a_true_category_stays_masked(names: ShownNames, name: str, shown: str) -> None:
    assert names.place(name) == shown
