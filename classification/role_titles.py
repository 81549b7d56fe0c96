"""Words naming a person's role or office that a file, sheet or table name puts right before the
person's name (stage: classification; PIPL art. 51 display, issue 15 reviews R15j-25, R15k-2):
identifier_names reads a name after one whatever follows it (护林员彭丽巡护日志.csv, 村长王建国.csv).
Kin and household words (低保户, 户主, 长子) are identifier_names.ROLE_LEADS."""

from __future__ import annotations

from typing import Final

__all__ = ["ROLE_SHAPES", "ROLE_TITLES", "WARDS"]

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
    "教师", "老师", "医生", "护士", "律师", "村医", "社工", "民警", "辅警", "法官", "检察官", "警官",
    # heads of boards, crews and wards; the statutory chiefs of 河长制, 林长制 and 网格化管理 (河长, 林长, 网格长,
    # 楼栋长); a family's and a home's people (家长, 业主, 租客); a hospital's patients (孕妇, 产妇, 患儿:
    # PIPL art. 28) and a school's pupils (学生, art. 31): R15n-2, 63 words whose names were shown. Not 保安:
    # 确保安全生产 would read as 确保安 + 全生产
    "董事长", "秘书长", "理事长", "护士长", "家长", "团长", "船长", "机长", "列车长", "连长", "总经理", "经理",
    "栋长", "楼栋长", "楼长", "户长", "街长", "路长", "田长", "河长", "林长", "网格长", "班主任", "支书", "政委",
    "电工", "厨师", "教练", "老板", "店主", "保姆", "护工", "医师", "教授", "工程师", "代表", "村民代表",
    "片警", "交警", "校医", "村监委", "记者", "编辑", "主播", "环卫工", "厨工", "帮厨", "木工", "瓦工", "钢筋工",
    "水电工", "临时工", "合同工", "护林工", "司炉工", "督导", "督学", "主管", "股东", "业主", "租客", "房客", "住户",
    "门卫", "助理", "车主", "公益岗", "学生", "患儿", "产妇", "孕妇", "伤者", "逝者", "访客", "船主")
#: The people among ROLE_TITLES that a register or a remark is about, none an officer acting on a case: a
#: family's and a home's (家长, 业主, 租客), a hospital's (孕妇, 产妇, 患儿) and a school's (学生). A remark names
#: one after the word as it names a kin or case role's person (孕妇王芳产检, 学生李明成绩优秀, 业主任伟反映漏水:
#: R15q-5, R15q-2), whatever it says of the person next; 村长, 会计 and 护林员 stay offices.
WARDS: Final = frozenset({"家长", "业主", "租客", "房客", "住户", "车主", "船主", "学生", "患儿", "产妇", "孕妇",
                          "伤者", "逝者", "访客"})
