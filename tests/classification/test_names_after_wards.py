"""Names after a ward word, a surname that completes a title, and given names ending in 栋 (issue 15
reviews R15q-2, R15q-3, R15q-5).

业主任丽.csv read as 业主任 (主任, a title) + 丽, and 林国栋.csv as a building (栋), so both file names were
shown in clear; 孕妇王芳产检, 学生李明成绩优秀 in a 备注 column named no one, since a name after 孕妇, 学生 or
家长 counted only before a sign-off's act, as after an office. Such words name the person the remark is about
(role_titles.WARDS): the name after one counts as after a kin word's."""

from __future__ import annotations

import pytest

from govsoc.classification.cell_names import cell_names
from govsoc.classification.free_text import FreeTextMasker, mask_free_text
from govsoc.classification.identifier_names import mask_person_names
from govsoc.classification.recognizers.person import PersonNameRecognizer

#: (file name, as shown): the name in each must be masked
FILE_NAMES = [
    ("业主任丽.csv", "业主任**.csv"),  # 任 a surname after 业主, not 主任 (no name would follow 主任)
    ("车主任伟.csv", "车主任**.csv"),  # the same after 车主
    ("业主任伟反映漏水.csv", "业主任**映漏水.csv"),  # words after the name: masked to the name's end
    ("林国栋.csv", "林**.csv"),  # 栋 ends a given name (国栋), not only a building
    ("李建栋申请表.csv", "李**申请表.csv"),  # before a document word
]
#: remarks naming the person after a ward word, and the name in each
REMARKS = [
    ("孕妇王芳产检", "王芳"),  # a pregnant woman's check-up (health data, PIPL art. 28)
    ("学生李明就读", "李明"),  # a pupil's school
    ("学生李明成绩优秀", "李明"),  # what is said of a pupil
    ("家长张伟反映问题", "张伟"),  # a parent's complaint
    ("孕妇王芳已住院", "王芳"),  # a tie, then the person's state
    ("业主任伟反映漏水", "任伟"),  # the owner named 任 (R15q-2)
    ("经办人王栋核实", "王栋"),  # a given name of 栋 after a case role
    # a role word, then a name whose surname and given name read as a function word (R15ah-1, HIGH, of
    # dca97f01: 来自, 成为, 管理, 任何, 查看, 时候 made REMARK_OPENERS, these counted no one: a column of such
    # remarks graded 1级, 2级 on 21297ae)
    ("户主来自强反映漏水", "来自强"),
    ("母亲成为英已去世", "成为英"),
    ("户主成为民", "成为民"),
    ("户主管理华", "管理华"),
    ("低保户任何平", "任何平"),
    ("户主查看明", "查看明"),
    ("妻子时候芳", "时候芳"),
]
#: remarks after a ward word naming no one
NAME_FREE = [
    "学生安全教育",  # safety education (R15o-1)
    "学生那些论坛",  # function words after the ward word
    "业主都是时间合作",
    "家长应该类型其他",
]
#: building numbers before 栋 (a building, no name)
BUILDINGS = ["三栋", "十二栋", "东栋"]


@pytest.mark.parametrize(("name", "shown"), FILE_NAMES)
def test_file_name_masked(name: str, shown: str) -> None:
    assert mask_person_names(name) == shown


@pytest.mark.parametrize(("remark", "name"), REMARKS)
def test_remark_counted_and_masked(remark: str, name: str) -> None:
    found = cell_names([remark], FreeTextMasker().names)
    assert found.values == 1
    assert name not in mask_free_text(remark)


@pytest.mark.parametrize("remark", NAME_FREE)
def test_name_free_remark_not_counted(remark: str) -> None:
    assert cell_names([remark], FreeTextMasker().names).values == 0


@pytest.mark.parametrize("building", BUILDINGS)
def test_building_is_no_name(building: str) -> None:
    assert PersonNameRecognizer().validate(building) is None


def test_given_name_ending_in_dong_is_a_name() -> None:
    assert PersonNameRecognizer().validate("林国栋") is not None
