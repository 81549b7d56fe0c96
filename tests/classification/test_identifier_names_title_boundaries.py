"""A title (role_titles.ROLE_TITLES) is one only where a word opens (issue 15 review R15n-12).

11ceece read a name after 县长, 市长 and 司机 wherever the run so far ended in one, inside the words
全县, 各县, 城市 too: 全县长江流域禁捕工作 -> 全县长江**禁捕工作, 城市长江大桥 -> 城市长江**桥. The
names after a title that opens a word stay masked."""

from __future__ import annotations

import pytest

from govsoc.classification.identifier_names import mask_person_names

#: ordinary file names holding a title across a word boundary: shown as they are
KEPT = [
    "全县长江流域禁捕工作.csv",  # 全县 + 长江: the Yangtze fishing ban, no 县长
    "沿江各县长江防汛.csv",  # 各县 + 长江 防汛
    "城市长江大桥.csv",  # 城市 + 长江大桥, no 市长
]
#: a name after a title that opens a word: masked
MASKED = [
    ("县长王建国讲话.csv", "县长王**讲话.csv"),  # a county head at the run's start
    ("龙游县县长王芳.csv", "龙游县县长王**.csv"),  # after the county's own name
    ("城市市长江涛讲话.csv", "城市市长江**讲话.csv"),  # 城市 then 市长: the title opens after the word
    ("公司司机张强出车记录.csv", "公司司机张**出车记录.csv"),  # 公司 then 司机
    ("小组长张霞记账凭证.csv", "小组长张**记账凭证.csv"),  # 小组长: a word that ends in a title's head
    ("班组长李红卫培训记录.csv", "班组长李**培训记录.csv"),  # 班组长, the same
    ("乡镇长王建国讲话.csv", "乡镇长王**讲话.csv"),  # the heads of townships
]


@pytest.mark.parametrize("path", KEPT)
def test_a_title_inside_a_word_leads_no_name(path: str) -> None:
    assert mask_person_names(f"/data/{path}") == f"/data/{path}"


@pytest.mark.parametrize(("path", "shown"), MASKED)
def test_a_name_after_a_title_opening_a_word_is_masked(path: str, shown: str) -> None:
    assert mask_person_names(f"/data/{path}") == f"/data/{shown}"
