"""A name after a common role word that no list held (issue 15 review R15n-2).

家长王芳.csv, 河长王建国巡河日志.csv, 孕妇沈梅.csv, 学生白平.csv: 63 roles (heads of boards and wards, the
chiefs of 河长制/林长制/网格化管理, a home's and a hospital's people, pupils) were in no list, and the name
after them was shown whole. A role word that another role word's character completes (交警 + 官) opens
no name there (交警官王建国 -> 交警官**国 would show 国). Ordinary words holding one stay shown."""

from __future__ import annotations

import pytest

from govsoc.classification.identifier_names import mask_person_names

#: (file name, as shown): the name after the role masked
MASKED = [
    ("家长王芳.csv", "家长王**.csv"),  # a pupil's parent
    ("河长王建国巡河日志.csv", "河长王**巡河日志.csv"),  # a river chief (河长制) and his patrol log
    ("网格长李秀英", "网格长李**"),  # a grid chief
    ("护士长王芳排班.csv", "护士长王**排班.csv"),  # a head nurse's roster
    ("董事长王建国", "董事长王**"),  # a board's chairman
    ("孕妇沈梅.csv", "孕妇沈**.csv"),  # a pregnant woman: health data (PIPL art. 28)
    ("学生白平.csv", "学生白**.csv"),  # a pupil: a minor's data (PIPL art. 31)
    ("业主王建国.csv", "业主王**.csv"),  # a home owner
    ("交警官王建国", "交警官王**"),  # 交警 + 官: 警官 is the role, 王建国 the name
]
#: ordinary file names holding a role word: no name, shown as they are
KEPT = [
    "确保安全生产",  # 保安 is no role inside 确保安全 (so 保安 stays off the list)
    "学生公寓管理",  # 公寓 is no name
    "家长会",  # a parents' meeting
    "集团长期发展规划",  # 团长 inside 集团长期
    "司机长途运输",  # 机长 inside 司机长途
    "学生宿舍",  # a dormitory
]


@pytest.mark.parametrize(("name", "shown"), MASKED)
def test_name_after_role_word_masked(name: str, shown: str) -> None:
    assert mask_person_names(name) == shown


@pytest.mark.parametrize("name", KEPT)
def test_ordinary_words_with_role_kept(name: str) -> None:
    assert mask_person_names(name) == name
