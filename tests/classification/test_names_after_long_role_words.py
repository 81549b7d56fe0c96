"""Names after role words that hold another word (review R15q): 班主任 read as the name 班主 + 任王建 showed
a given-name character (班**任**国**), 任命书 ended no appointment (任命书王建国 in clear), and 法人代表, a
case role ending in the office word 代表, had its names counted only before a sign-off (a 4级 register 3级)."""

from __future__ import annotations

import pytest

from govsoc.classification.cell_names import cell_names
from govsoc.classification.free_text import FreeTextMasker
from govsoc.classification.identifier_names import mask_person_names


@pytest.mark.parametrize(("name", "shown"), [
    ("班主任王建国评语", "班主任王**评语"),
    ("班主任朱红梅学籍档案", "班主任朱**学籍档案"),
    ("班主任吕国庆工资条", "班主任吕**工资条"),
    ("任命书王建国", "任命书王**"),  # R15q-11
    ("聘任书李娜", "聘任书李**"),
    ("护林员彭丽巡护日志", "护林员彭**巡护日志"),  # guards: as before
    ("户主任建国低保申请", "户主任**低保申请"),
])
def test_a_name_after_a_role_word_holding_another_is_masked_whole(name: str, shown: str) -> None:
    assert mask_person_names(name) == shown


@pytest.mark.parametrize("note", [
    "法人代表王建国正在服刑",
    "法人代表张伟失联",
    "法人代表刘敏经营不善",
    "村民代表王建国反映情况",
])
def test_a_name_after_a_case_role_ending_in_an_office_word_is_counted(note: str) -> None:
    assert cell_names([note], FreeTextMasker().names).values == 1
