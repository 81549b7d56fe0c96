"""The household and people categories a file name puts before its person (stage: classification;
PIPL art. 4, GB/T 43697-2024 Annex: a per-household file is named "<category><户主>"; review R15n-17).

民政 and 乡村振兴 registers keep one file a household, named after its category and its head:
易地搬迁户王小明.xlsx (易地扶贫搬迁), 危房改造户李建国 (农村危房改造), 特困供养户, 五保供养户, 移民户 and
库区移民 (水库移民后期扶持), 拆迁户, 残疾人家庭, 计划生育家庭 (计生特扶), 光荣之家 (退役军人 悬挂光荣牌),
留守妇女, 失地农民 and 被征地农民, 退捕渔民 (长江十年禁渔). ROLE_LEADS lists such words one by one
(低保户, 脱贫户, 困难家庭); these are shapes: a word ending in 户, 家庭 or 之家 (the household), or in
妇女, 农民, 渔民, 牧民, 移民 (its people). A name after one is read as after a role word, whatever
follows it (identifier_names._name_after_role: words open no name there, 农户收入, 家庭成员).

Only file, sheet, table and folder names read them (identifier_names); a remark's words are
judged by role_names, which these do not widen (R15o-1: name-free remarks read as names).
"""

from __future__ import annotations

from typing import Final

__all__ = ["HOUSEHOLD_ENDS", "PEOPLE_ENDS", "ends_in_category"]

#: What ends a household's category (易地搬迁户, 残疾人家庭, 光荣之家), a word of two characters and
#: more before it: 户 alone, 家庭 alone and 之家 alone are no category (户主, 家庭成员).
HOUSEHOLD_ENDS: Final = ("户", "家庭", "之家")
#: What ends a category of people (留守妇女, 失地农民, 退捕渔民, 库区移民), a word of its own (移民王小明).
PEOPLE_ENDS: Final = ("妇女", "农民", "渔民", "牧民", "移民")


def ends_in_category(before: str) -> bool:
    """Whether ``before`` (a file name's run up to a position) ends in a household's or people's
    category: 易地搬迁户, 搬迁户, 计划生育家庭, 退役军人之家 (two characters and more before the end),
    失地农民, 移民."""
    return before.endswith(PEOPLE_ENDS) or any(
        before.endswith(end) and len(before) >= len(end) + 2 for end in HOUSEHOLD_ENDS)
