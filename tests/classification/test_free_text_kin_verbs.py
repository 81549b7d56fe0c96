"""Names after kin and role words in free text, with a verb after them (issue 15 review R15g-21).
mask_free_text (column comments, field and table names, reasons) left 其父王大明, 长子王小明,
由其女婿张建国代领, 被执行人王五名下, 低保户王小明家 and a whole divorce sentence in clear: the kin
list lacked 长子/长女/其父/其母 and the roles 被执行人/低保户, 其女婿 was read as 其女 + 婿张建国, and
a name after a kin word counted only before a punctuation mark or a few words (妻子李梅 was masked,
妻子李梅离婚 was not)."""

from __future__ import annotations

import pytest

from govsoc.classification.free_text import mask_free_text

CASES = [
    # a divorce: the name after 妻子 before 离婚, the son's before 随
    ("户主与妻子李梅离婚后，儿子王小明随母亲生活", "户主与妻子李**离婚后，儿子王**随母亲生活"),
    ("其父王大明，其母李秀英", "其父王**，其母李**"),  # kin with 其
    ("户主王五，配偶李梅，长子王小明", "户主王**，配偶李**，长子王**"),  # kin by birth order
    ("由其女婿张建国代领", "由其女婿张**代领"),  # 其女婿 is 其 + 女婿, not 其女 + 婿…
    ("被执行人王五名下", "被执行人王**名下"),  # a court's role, then 名下
    ("低保户王小明家", "低保户王**家"),  # a household role, then 家
    ("长女王芳在外务工", "长女王**在外务工"),  # a name of two characters before a verb
    ("儿子王家豪在外务工", "儿子王**在外务工"),  # 家 inside the name: the longest name first
]
#: kin and role words before words, and headings: nothing to mask
KEPT = ["低保户花名册", "与户主关系", "五保户名册", "儿子结婚后分户", "妻子患病", "长子长女均在外务工",
        "低保户家庭成员", "被执行人名下财产", "居民户口簿"]


@pytest.mark.parametrize(("text", "shown"), CASES)
def test_a_name_after_a_kin_or_role_word_is_masked(text: str, shown: str) -> None:
    assert mask_free_text(text) == shown


@pytest.mark.parametrize("text", KEPT)
def test_words_after_kin_and_role_words_are_kept(text: str) -> None:
    assert mask_free_text(text) == text
