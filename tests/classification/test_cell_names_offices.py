"""Names in cells after an office, a trade or a staff word (issue 15 review R15n-18).

村长王建国签字确认, 会计刘敏经手, 护林员彭丽巡护: the offices that file names put before a name (role_titles,
titled_names) were no role words in cells, so a 审批意见 column of sign-offs named no one and the free-text
masker showed them whole. After such a word a name counts before a sign-off's act (经手, 出车, 巡护, 签字 ...),
a tie or at the remark's end; a name-free remark after one names no one."""

from __future__ import annotations

import pytest

from govsoc.classification.cell_names import cell_names
from govsoc.classification.free_text import FreeTextMasker, mask_free_text

#: (sign-off, as the masker shows it): one person named after an office
SIGN_OFFS = [
    ("村长王建国签字确认", "村长王**签字确认"),  # a village head signs
    ("会计刘敏经手", "会计刘**经手"),  # was read 刘敏经 + 手 once a name: 经手 ends the name
    ("司机张强出车", "司机张**出车"),  # a driver's trip
    ("民警陈刚处置", "民警陈**处置"),  # a police officer's handling
    ("校长孙志强同意", "校长孙**同意"),  # a headmaster's consent
    ("医生黄国平诊断", "医生黄**诊断"),  # a doctor's diagnosis
    ("老师李秀英家访", "老师李**家访"),  # a teacher's home visit
    ("护林员彭丽巡护", "护林员彭**巡护"),  # a ranger's patrol: a staff word
    ("主席王芳签字", "主席王**签字"),  # a chairwoman signs
    ("村医赵建军随访", "村医赵**随访"),  # a village doctor's follow-up
]
#: remarks after an office naming no one: not counted
NAME_FREE = [
    "村长全力支持",  # 全力 is no name
    "会计年度结算",  # a year-end settlement
    "医生建议复查",  # a doctor's advice
    "学生安全教育",  # safety education
]


@pytest.mark.parametrize(("remark", "shown"), SIGN_OFFS)
def test_sign_off_after_office_counted_and_masked(remark: str, shown: str) -> None:
    found = cell_names([remark], FreeTextMasker().names)
    assert (found.values, mask_free_text(remark)) == (1, shown)


@pytest.mark.parametrize("remark", NAME_FREE)
def test_name_free_remark_after_office_not_counted(remark: str) -> None:
    assert cell_names([remark], FreeTextMasker().names).values == 0
