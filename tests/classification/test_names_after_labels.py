"""Names after a role word and a label's colon or a blank, and a second name joined to the first (issue 15
review R15ah-6, LOW).

Free text showed 家长：王芳, 学生：王芳 家长：王建国 and 学生 王芳 in clear (the file-name reader masked them), and
学生王芳和李明 as 学生王**和李明: the role reader read a name only glued to its role word, and one name. After a
colon or a blank it now reads the whole Chinese run (no opening of a longer run: 村民 文章这样 names no one), and
after a name, a run joined by 和/与/及/、 that is a name as a whole."""

from __future__ import annotations

import pytest

from govsoc.classification.cell_names import cell_names
from govsoc.classification.free_text import mask_free_text
from govsoc.classification.recognizers.person import PersonNameRecognizer

#: (text, as shown, values counted)
ROWS = [
    ("家长：王芳", "家长：王**", 1),  # a label, its colon, the name
    ("学生：王芳 家长：王建国", "学生：王** 家长：王**", 1),  # two labels on one line
    ("学生 王芳", "学生 王**", 1),  # a blank between
    ("学生王芳和李明", "学生王**和李**", 1),  # the second name joined by 和
    ("家长王芳、李明签字", "家长王**、李**签字", 1),  # by 、, before a sign-off (一 run: 李明签字 is no name whole)
    # not names: a word after a blank, a kin word joined by 和, a run that is no name as a whole
    ("村民 文章这样", "村民 文章这样", 0),
    ("户主王芳和子女一起生活", "户主王**和子女一起生活", 1),
    ("学生王芳和文章说明", "学生王**和文章说明", 1),
]
_NAMES = PersonNameRecognizer()


@pytest.mark.parametrize(("text", "shown", "counted"), ROWS)
def test_names_after_a_label_or_joined_are_masked_and_counted(text: str, shown: str, counted: int) -> None:
    assert mask_free_text(text) == shown
    assert cell_names([text], _NAMES).values == counted
