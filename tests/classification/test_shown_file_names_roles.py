"""Role words in file names, as the listing, the inventory and the saved result's name show them
(issue 15 reviews R15j-8, R15j-25): the words after a role word that are no name are shown as they
are (临时救助金发放.csv was 临时救助金**.csv, adcb20a), and a name after a role word is masked, the
role word kept whole (驻村干部黄晓东.csv was 驻村干****.csv)."""

from __future__ import annotations

import pytest

from govsoc.classification.columns import ColumnClassifier
from govsoc.classification.shown_names import ShownNames

#: file names of 民政 and 网格 registers with no one's name in them (R15j-8)
KEPT = [
    "临时救助金发放.csv",  # 救助金 is the benefit: 金 + 发放 is no name
    "临时救助金申请.csv",  # the same with 申请, which was shown as the 发放 list's twin
    "医疗救助金申请.csv",  # the same after 医疗救助
    "临时救助金审批.csv",  # 审批 follows names in file names: no given name
    "孤寡老人安置点.csv",  # 安置点 opens with the file word 安置
    "网格员包联户.csv",  # 包联户: the households a grid worker answers for
    "上访户包保责任.csv",  # 包保责任: a petition case's duty
    "岳父母赡养.csv",  # 赡养 (support of the in-laws) after 母, no given name
]
#: (file name, as shown): adcb20a's names after a role word stay masked, the role kept whole
MASKED = [
    ("吸毒人员赵建军.csv", "吸毒人员赵**.csv"),  # adcb20a's own case
    ("房东曹国强.csv", "房东曹**.csv"),  # adcb20a: a name never opens with a role word
    ("网格员张建国.csv", "网格员张**.csv"),  # a grid worker named
    ("驻村干部黄晓东.csv", "驻村干部黄**.csv"),  # was 驻村干****: 干部黄 read as a name after 村
    ("包村干部高志明.csv", "包村干部高**.csv"),  # the same with 包村
]


@pytest.fixture(scope="module")
def names() -> ShownNames:
    return ShownNames(ColumnClassifier())


@pytest.mark.parametrize("path", KEPT)
def test_words_after_a_role_word_are_shown(names: ShownNames, path: str) -> None:
    assert names.place(f"/data/{path}") == f"/data/{path}"


@pytest.mark.parametrize(("path", "shown"), MASKED)
def test_a_name_after_a_role_word_is_masked(names: ShownNames, path: str, shown: str) -> None:
    assert names.place(f"/data/{path}") == f"/data/{shown}"
