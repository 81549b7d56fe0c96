"""Ordinary words after a role word in a file name are no names (issue 15 review R15q-7).

A name is read after a role word whatever follows it (R15k-2), so a school's, a property's or a
hospital's file named after a role and a word opening with a surname character showed the word as a
name: 学生夏令营 -> 学生夏**营. jieba's dictionary says the word runs past the name read
(classification.dictionary_words); the names in the same places stay masked, also where the
dictionary holds a longer word opening with the name (高丽营, 马林工, 李杰任)."""

from __future__ import annotations

import pytest

from govsoc.classification.dictionary_words import runs_past
from govsoc.classification.identifier_names import mask_person_names

#: file names without a name: shown as written
WORDS = [
    "学生夏令营报名表.xlsx",  # R15q-7's own: summer camp, not 夏令 + 营
    "家长夏令营.xlsx",  # the camp at the run's end
    "班主任夏令营安全责任书.docx",  # a three-character role word before it
    "学生田径比赛成绩.xlsx",  # track and field (田径比赛), not 田径比
    "教师田径比赛.xlsx",  # the same after another role
    "护士白衣天使评选.docx",  # the angels in white (白衣天使), a nurses' award
    "医生白衣天使评选.docx",  # the same after a doctor
    "校医夏令营体检.xlsx",  # a school doctor's camp check-up
]

#: (file name, the name): names in the same places stay masked (shown as the surname and **; a
#: character after the name may be masked with it, the lesser error)
NAMES = [
    ("学生夏雨轩报名表.xlsx", "夏雨轩"),  # a pupil surnamed 夏
    ("护士白雪评选.docx", "白雪"),  # 白雪: a name the dictionary also holds
    ("学生高丽营报名表.xlsx", "高丽"),  # 高丽 (a name, 228) more frequent than the place 高丽营 (2)
    ("会计马林工资条.xlsx", "马林"),  # 马林工 is a dictionary word, but 工资 opens after 马林
    ("护士李杰任期审计.docx", "李杰"),  # 李杰任 is one too, but 任期 opens after 李杰
    ("工程师程伟验收.docx", "程伟"),  # a 程 after a trade
    ("学生田伟比赛成绩.xlsx", "田伟"),  # a 田 before the word of the test above
    ("学生夏天明夏令营报名表.xlsx", "夏天明"),  # a name, then the camp
]


@pytest.mark.parametrize("name", WORDS)
def test_words_after_roles_shown(name: str) -> None:
    assert mask_person_names(name) == name


@pytest.mark.parametrize(("file", "name"), NAMES)
def test_names_after_roles_masked(file: str, name: str) -> None:
    shown = mask_person_names(file)
    assert name[0] + "**" in shown and name[1:] not in shown


def test_runs_past_alone() -> None:
    # 夏令营 runs past 夏令 and nothing opens at 营报名表
    assert runs_past("学生夏令营报名表", 2, 4)
    # 马林工 runs past 马林, but 工资 opens where the name ends
    assert not runs_past("会计马林工资条", 2, 4)
    # 高丽营 runs past 高丽, but is rarer than 高丽 read as a word
    assert not runs_past("学生高丽营报名表", 2, 4)
