"""Names written with a 生僻字 of CJK Extensions A-I after a role label, a role word or a diagnosis (issue 15, F15aj;
han.py: registers hold those people, GB 18030-2022 requires Extensions A-F).

role_names, label_ends, cell_names and free_text read a name's characters in U+4E00-U+9FA5 only, so 学生：王䶮签字 (䶮
U+4DAE, Extension A) and 家长：马𬌗签字 (𬌗 U+2C317, Extension E) were shown in clear and counted 0 on 7317bc21, while
the person-name recognizer (han.HAN) takes 王䶮 whole."""

from __future__ import annotations

import pytest

from govsoc.classification.cell_names import cell_names
from govsoc.classification.free_text import mask_free_text
from govsoc.classification.label_ends import is_han
from govsoc.classification.recognizers.person import PersonNameRecognizer

_NAMES = PersonNameRecognizer()

#: (text, as shown): each shown in clear and counted 0 on 7317bc21
RARE = [
    ("学生：王䶮签字", "学生：王**签字"),  # 䶮 U+4DAE, Extension A, after a label
    ("家长：马𬌗签字", "家长：马**签字"),  # 𬌗 U+2C317, Extension E (plane 2)
    ("学生：王䶮和李明", "学生：王**和李**"),  # the first of two joined names
    ("家长：王芳和马𬌗", "家长：王**和马**"),  # the second, ending the run
    ("户主：王䶮在外务工", "户主：王**在外务工"),  # before a life event
    ("王䶮确诊为肺结核", "王**确诊为肺结核"),  # beside a diagnosis (role_names._NAME_THEN_DIAGNOSIS)
    ("妻子马𬌗", "妻子马**"),  # after a kin word, the run's end (role_names._name_at)
]


@pytest.mark.parametrize(("text", "shown"), RARE)
def test_a_name_with_a_rare_character_is_masked_and_counted(text: str, shown: str) -> None:
    assert mask_free_text(text) == shown
    assert cell_names([text], _NAMES).values == 1


@pytest.mark.parametrize(("char", "han"), [
    ("王", True),  # the Unified Ideographs block
    ("\u9fa6", True),  # past Unicode 1.1's U+9FA5, added in 4.1 (the old bound's first miss)
    ("\u9fff", True),  # the block's last
    ("\u3400", True),  # Extension A's first
    ("䶮", True),  # U+4DAE
    ("\u4dbf", True),  # Extension A's last
    ("𬌗", True),  # U+2C317, Extension E
    ("\U00020000", True),  # Extension B's first
    ("\U0003134a", True),  # Extension G
    ("\u4dc0", False),  # a Yijing hexagram between Extension A and the block
    ("\u33ff", False),  # a CJK compatibility square before Extension A
    ("\ua000", False),  # Yi, after the block
    ("\U0001ffff", False),  # before plane 2
    ("\U00040000", False),  # past plane 3
    ("，", False),
    ("a", False),
])
def test_is_han_covers_the_blocks_of_han_han_class(char: str, han: bool) -> None:
    assert is_han(char) is han


#: (text, as shown): free_text's own readers (a profile line, a numbered list line, 的 before an ID label), whose
#: name runs stopped at U+9FA5 on 7317bc21 (R15ba-5: no row pinned cell_names' list name or free_text's profile)
RARE_FREE_TEXT = [
    ("王䶮，男，汉族，1990年出生", "王**，男，汉族，1990年出生"),
    ("1. 王䶮 110101199001011234", "1. 王** 110101********1234"),
    ("王䶮的身份证号：110101199001011234", "王**的身份证号：110101********1234"),
]


@pytest.mark.parametrize(("text", "shown"), RARE_FREE_TEXT)
def test_a_rare_character_name_in_free_text_shapes_is_masked(text: str, shown: str) -> None:
    assert mask_free_text(text) == shown
