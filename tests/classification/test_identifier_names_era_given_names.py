"""Given names that are also words a file name puts after a name (issue 15, review R15k-15): 461dfb6
read no name whose given name opens with a FOLLOWS word (金发放 of 临时救助金发放, 母赡养 of 岳父母赡养),
which left 劳动 - an era given name (as 建国, 抗美), common among the elderly of 低保 and 养老 registers -
in clear: 低保户王劳动.csv, 王劳动申请表.csv, 张劳动档案.csv. 461dfb6's words stay shown."""

from __future__ import annotations

import pytest

from govsoc.classification.columns import ColumnClassifier
from govsoc.classification.shown_names import ShownNames


@pytest.fixture(scope="module")
def names() -> ShownNames:
    return ShownNames(ColumnClassifier())


@pytest.mark.parametrize(("name", "shown"), [
    ("低保户王劳动.csv", "低保户王**.csv"),  # after a household role, at the run's end
    ("户主李劳动.csv", "户主李**.csv"),  # after 户主 (on 86d4d88 the free-text reading of 户主 masked it already)
    ("王劳动申请表.csv", "王**申请表.csv"),  # opening the run, before 申请
    ("张劳动档案.csv", "张**档案.csv"),  # before 档案 (TAILS)
    ("王小明劳动合同.csv", "王**劳动合同.csv"),  # 劳动 after a name is still the contract's word
])
def test_an_era_given_name_is_masked(names: ShownNames, name: str, shown: str) -> None:
    assert names.place(name) == shown


@pytest.mark.parametrize("name", [
    "临时救助金发放.csv",  # 461dfb6: 金 + 发放 is the benefit's payment
    "岳父母赡养.csv",  # 461dfb6: 母 + 赡养
    "驻村干部任免.csv",  # a FOLLOWS word alone after a role is no name
    "农民工劳动合同.csv",  # 劳动 after a role word, no surname before it
])
def test_follows_words_after_a_role_are_shown(names: ShownNames, name: str) -> None:
    assert names.place(name) == name
