"""Words naming a person's role or office that a file, sheet or table name puts right before the
person's name (stage: classification; PIPL art. 51 display, issue 15 reviews R15j-25, R15k-2):
identifier_names reads a name after one whatever follows it (护林员彭丽巡护日志.csv, 村长王建国.csv).
Kin and household words (低保户, 户主, 长子) are identifier_names.ROLE_LEADS."""

from __future__ import annotations

from typing import Final

__all__ = ["ROLE_SHAPES", "ROLE_TITLES", "TITLE_HOSTS", "title_within_word"]

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
#: Words that end in a title's first character and hold it, so that the title opens no word there:
#: 全县 of 全县长江流域, 城市 of 城市长江大桥, 公司 of 公司机房 (R15n-12). A unit after 全, 各, 本, 该,
#: 每, 邻 (全县, 各村, 本市); the towns, firms, schools and courts a title's first character ends (城市,
#: 公司, 学校, 法院); the people and the law of 民警 and 法官 (居民, 人民; 执法, 司法). No word that
#: a title ends into a role of its own is one (小组长, 班组长, 车队长, 乡镇长, 县市长 are heads).
TITLE_HOSTS: Final = frozenset({
    *(d + u for d in "全各本该每邻" for u in "县市乡镇村组队所站科校厂院局处部社班园馆行店庭会"),
    "城市", "都市", "超市", "集市", "夜市", "股市", "城乡", "城镇", "农村", "乡村", "山村", "渔村",
    "公司", "上司", "学校", "党校", "医院", "法院", "学院", "剧院",
    "影院", "商店", "书店", "酒店", "银行", "家庭", "法庭", "社会", "工会", "协会", "学会", "大会", "机会", "民主",
    "业主", "支出", "外出", "演出", "输出", "提出", "宗教", "助教", "家教", "养老", "敬老", "中医", "西医", "兽医",
    "救护", "监护", "看护", "维护", "保护", "纪律", "规律", "居民", "农民", "公民", "市民", "网民", "人民", "司法",
    "执法", "违法", "方法", "办法", "立法", "宪法", "安检", "质检", "年检", "报警", "交警"})


def title_within_word(before: str) -> bool:
    """Whether ``before`` (a run up to a position) ends in a ROLE_TITLE that a word before it holds
    (全县长 of 全县长江, 公司机 of 公司机房: TITLE_HOSTS): a title is one only where a word opens."""
    return any(before.endswith(t) and before[-len(t) - 1:-len(t) + 1] in TITLE_HOSTS for t in ROLE_TITLES)
