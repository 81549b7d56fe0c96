"""A person's name after a household or case category that opens with an ordinary word (issue 15,
review R15k-12): c982c2a's rule that an ordinary word (危房, 计生, 公务) opens no name run on into
another also hid the name after the category from being read, and nothing else leads to it: 危房户李建国.csv,
计生户王小明.csv, 信访件王小明.csv were shown in clear. The category is shown, the name masked; a word
after the category is no name (公务用车登记.csv, c982c2a's case)."""

from __future__ import annotations

import pytest

from govsoc.classification.columns import ColumnClassifier
from govsoc.classification.shown_names import ShownNames


@pytest.fixture(scope="module")
def names() -> ShownNames:
    return ShownNames(ColumnClassifier())


@pytest.mark.parametrize(("name", "shown"), [
    ("危房户李建国.csv", "危房户李**.csv"),  # 危房改造's per-household file (住建)
    ("计生户王小明.csv", "计生户王**.csv"),  # 计生特扶 (卫健)
    ("文明户王小明.csv", "文明户王**.csv"),  # 文明办's 文明户 评选
    ("高龄户王小明.csv", "高龄户王**.csv"),  # 高龄补贴's household
    ("常住户王小明.csv", "常住户王**.csv"),  # a census household
    ("和谐户李建国.csv", "和谐户李**.csv"),  # another household title
    ("党员户李建国.csv", "党员户李**.csv"),  # a household a 党员 heads (党员 is a word too)
    ("信访件王小明.csv", "信访件王**.csv"),  # a petition case named after its petitioner
    ("公务车王小明.csv", "公务车王**.csv"),  # an official car named after its driver
    ("危房户李建国申请表.csv", "危房户李**申请表.csv"),  # the name before what the file is for
])
def test_a_name_after_a_category_is_masked(names: ShownNames, name: str, shown: str) -> None:
    assert names.place(name) == shown


@pytest.mark.parametrize("name", [
    "公务用车登记.csv",  # c982c2a: 公务用 + 车登记 is no name run into another
    "公务接待登记.csv",  # c982c2a's kept row
    "危房户改造统计.csv",  # a word after the category: 改造 is no name
    "计生户花名册.csv",  # a register of the category, no one named
    "高龄补贴发放.csv",  # a word, then a FOLLOWS word
    "信访件办理情况.csv",  # the cases' handling
    "居住地周边.csv",  # 居住 + 地 is no category before a name: 周边 is a word
])
def test_words_after_a_category_are_shown(names: ShownNames, name: str) -> None:
    assert names.place(name) == name
