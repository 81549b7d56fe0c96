"""A name BEFORE its title in a file name (issue 15 review R15n-10).

Officials' files put the name first (李明局长讲话, 周海涛主任讲话稿): the name was read only before a
FOLLOWS word or at the run's end, so these were shown whole; 王建国村长讲话稿 was read as 王建 + 国村 and
showed 国 (王**国**讲话稿). An appointment names its person between the verb and 为. What is no name
before a title stays shown, and the appointment notices that were masked stay masked (R15o-5)."""

from __future__ import annotations

import pytest

from govsoc.classification.identifier_names import mask_person_names

#: (file name, as shown): the name before its title masked, the title and the rest shown
MASKED = [
    ("李明局长讲话.csv", "李**局长讲话.csv"),  # a director's speech: name, title, document
    ("周海涛主任讲话稿", "周**主任讲话稿"),  # a three-character name before 主任 (a ROLE_SHAPES word)
    ("孙志强校长致辞", "孙**校长致辞"),  # a headmaster's address
    ("刘敏会计记账凭证", "刘**会计记账凭证"),  # a trade after the name
    ("王芳医生门诊排班", "王**医生门诊排班"),  # a doctor's clinic roster
    ("王建国村长讲话稿", "王**村长讲话稿"),  # was 王**国**讲话稿: 国 shown
    ("张建华书记讲话", "张**书记讲话"),  # was 张**华**讲话
    ("李明副局长讲话", "李**副局长讲话"),  # a deputy: 副 is the title's, not the name's
    ("彭丽护林员巡护日志", "彭**护林员巡护日志"),  # a role word of three characters ending in 员
    ("关于任命王建国为村委会主任的通知", "关于任命王**为村委会主任的通知"),  # an appointment: verb, name, 为
    ("关于任命王建国同志的通知", "关于任命王**同志的通知"),  # R15o-5: stays masked (was 关于任**王**)
    ("关于任免王建国同志职务的通知", "关于任免王**同志职务的通知"),  # a removal notice, was in clear
]
#: ordinary file names with a title: no name, shown as they are
KEPT = [
    "常务副县长讲话",  # 常务 reads as 常 + 务, a title's qualifier
    "纪检委员述职",  # 纪检 the same
    "分管局长讲话",  # no surname opens 分管
    "村长任命文件",  # a role word, then an appointment's file
]


@pytest.mark.parametrize(("name", "shown"), MASKED)
def test_name_before_title_masked(name: str, shown: str) -> None:
    assert mask_person_names(name) == shown


@pytest.mark.parametrize("name", KEPT)
def test_title_without_name_kept(name: str) -> None:
    assert mask_person_names(name) == name
