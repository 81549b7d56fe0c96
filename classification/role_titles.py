"""Words naming a person's role or office that a file, sheet or table name puts right before the
person's name (stage: classification; PIPL art. 51 display, issue 15 reviews R15j-25, R15k-2):
identifier_names reads a name after one whatever follows it (护林员彭丽巡护日志.csv, 村长王建国.csv).
Kin and household words (低保户, 户主, 长子) are identifier_names.ROLE_LEADS."""

from __future__ import annotations

from typing import Final

__all__ = ["ROLE_SHAPES", "ROLE_TITLES"]

#: Last characters and words of a role, whatever its office (入户调查人, 复核人, 协管员, 护林员, 驻村干部,
#: 村书记, 村委会主任, 专职委员, 低保对象): a name may follow one in a file name or a sign-off label
#: (入户调查人刘桂英.csv, 评议人黄晓东意见: R15j-25, R15j-15), as it follows a listed ROLE_LEADS word.
ROLE_SHAPES: Final = ("人", "员", "干部", "书记", "主任", "对象")
#: Offices and trades a file names before a person that no ROLE_SHAPES word ends (村长王建国.csv,
#: 会计刘敏记账凭证, 民警陈刚: R15k-2): heads of a unit (…长) and the trades of a village's, a school's,
#: a clinic's and a police station's people.
ROLE_TITLES: Final = (
    "村长", "组长", "队长", "所长", "站长", "科长", "校长", "厂长", "院长", "局长", "处长", "部长", "社长", "班长",
    "县长", "乡长", "镇长", "市长", "园长", "馆长", "行长", "店长", "庭长", "会长", "主席", "会计", "出纳", "司机",
    "教师", "老师", "医生", "护士", "律师", "村医", "社工", "民警", "辅警", "法官", "检察官", "警官")
