"""Personal attributes (stage: classification; reference §5.7): Chinese person names and dates
of birth. Both count only with context (a name column, a 出生日期 column): surnames are common
characters (高度, 黄金, 周末) and every table has dates."""

from __future__ import annotations

from datetime import date

from govsoc.classification.cn_codes import COMPOUND_SURNAMES, NOT_NAMES, SINGLE_SURNAMES, TRADITIONAL_SURNAMES
from govsoc.classification.han import HAN
from govsoc.classification.minority_names import is_minority_name
from govsoc.classification.recognizer import NOT_AFTER, NOT_BEFORE, Pattern, Recognizer, register
from govsoc.classification.recognizers.identity import MINOR, under_fourteen

__all__ = ["PersonNameRecognizer", "BirthDateRecognizer", "HEADING_AFTER"]

#: a Han character, 生僻字 of Extension A and the supplementary planes too (王䶮, 马𬌗: R15n-11)
_HAN = HAN
#: Blanks that align names in a column: a space, an ideographic space, a no-break space.
_ALIGNING = " \u3000\u00a0"
#: Ends of a building's parts (3幢2单元1101室): no given name ends so. Not 栋: 国栋, 栋梁 are given names
#: in use (林国栋, 王栋: R15q-3); a building is 栋 after its number or side only (_numbered_building).
_ADDRESS_PARTS = ("单元", "幢", "室")
#: What numbers or places a building before 栋 (三栋, 十二栋, 东栋, 甲栋): no surname and given name.
_BUILDING_MARKS = frozenset("一二三四五六七八九十百零〇两甲乙丙丁东西南北中前后左右新老主副")


def _numbered_building(candidate: str) -> bool:
    """Whether ``candidate`` is a building by its number or side (三栋, 东栋), not a name ending in 栋."""
    return candidate.endswith("栋") and all(c in _BUILDING_MARKS for c in candidate[:-1])


#: Words that make a heading word part of a longer heading (与户主关系, 申请人类型, 监护人信息, 申请人房产),
#: not the start of a name after it: 关, 房, 单 are surnames (R15g-1).
HEADING_AFTER = ("关系", "类型", "类别", "信息", "情况", "意见", "证件", "地址", "电话", "单位", "签字", "签名", "房产")


def _after_heading(headings: tuple[str, ...]) -> str:
    """Two to four Chinese characters right after one of the Chinese ``headings`` (a look-behind
    each: Python's are of fixed width), none after them, not starting with a word of HEADING_AFTER."""
    behind = "|".join(f"(?<={h})" for h in sorted((h for h in headings if not h.isascii()), key=len, reverse=True))
    return f"(?:{behind})(?!{'|'.join(HEADING_AFTER)}){_HAN}{{2,4}}(?!{_HAN})"


@register("cn_person_name")
class PersonNameRecognizer(Recognizer):
    """中文姓名: a known surname (single or compound) + one or two given-name characters, or a
    minority name written with a middle dot, or made of Tibetan, Uyghur, Kazakh or Mongolian name words
    (扎西次仁, 阿依古丽, 其其格: R15g-6); context only."""

    NEEDS_NON_ASCII = True

    entity = "姓名 person name"
    category = "个人基本资料"
    level = "G2"
    mask_rule = "name"
    FLAGS = 0
    #: the blanks of a two-character name spaced for alignment (王  芳, 李　明): the name is the two
    #: characters (R15j-12); only the spaced pattern's hits hold any
    STRIP = _ALIGNING
    TRIGGER = _HAN
    #: the headings of registers and forms whose column holds a person's name (户籍, 低保, 快递, 工商):
    #: the person the row is about or who acted for it (R15c-17)
    CONTEXT = ("xingming", "name", "real_name", "realname", "full_name", "姓名", "名字", "联系人", "法定代表人",
               "法人代表", "申请人", "负责人", "患者", "户主", "监护人", "经办人", "收件人", "寄件人", "代理人",
               "委托人", "受托人", "投保人", "被保险人", "受益人", "当事人", "举报人", "投诉人", "承办人",
               "填报人", "审核人", "联系人员", "持卡人", "开户人", "缴费人", "就诊人", "入住人",
               "收款人", "付款人", "汇款人", "领款人",
               # the account holder of bank, utility and subsidy (一卡通) tables: 户名, 开户名, 账户名称 (R15e-13)
               "户名")
    #: headings holding a word of CONTEXT that name no person: a login (用户名) and a shop (商户名称)
    CONTEXT_EXCEPT = ("用户名", "商户名", "门户名")
    PATTERNS = (
        Pattern("surname + given name", f"(?<!{_HAN}){_HAN}{{2,4}}(?!{_HAN})", 0.4, context_only=True),
        # a two-character name written as wide as a three-character one, blanks between (王  芳, 李　明),
        # as rosters typed in Word or WPS align them (R15j-12): validate() reads it without the blanks
        Pattern("surname + given name spaced for alignment",
                f"(?<![{_ALIGNING}]|{_HAN}){_HAN}[{_ALIGNING}]{{1,4}}{_HAN}(?![{_ALIGNING}]|{_HAN})", 0.4,
                context_only=True),
        Pattern("minority name", f"(?<!{_HAN}){_HAN}{{1,6}}[·•]{_HAN}{{1,8}}(?!{_HAN})", 0.4, context_only=True),
        # a Tibetan, Uyghur or Mongolian name without the dot (阿不都热合曼, 买买提艾力; R15g-6):
        # validate() takes it only when made of name words (govsoc.classification.minority_names)
        Pattern("minority name without the dot", f"(?<!{_HAN}){_HAN}{{5,8}}(?!{_HAN})", 0.4, context_only=True),
        # a heading written into the text with its value glued on, as 情况说明 and 备注 are written
        # (申请人黄伟芳，身份证号…, 联系人李四13812345678): the name is the run right after it (R15d-5)
        Pattern("surname + given name after its heading", _after_heading(CONTEXT), 0.4, context_only=True),
    )
    WEAK_CONTEXT = ("xm", "khm")  # khm: 开户名's initials (kh is also 卡号, 客户)

    def validate(self, candidate: str) -> str | None:
        """A surname from the list, not a common word; a name in traditional characters is read in
        its simplified form (黃偉芳: surname 黄, R15e-15)."""
        if "·" in candidate or "•" in candidate:
            return "minority name with a middle dot"
        candidate = candidate.translate(TRADITIONAL_SURNAMES)
        if candidate in NOT_NAMES or candidate in self.CONTEXT:
            return None  # 申请人 is a surname and two characters, and a heading: no value (R15c-17)
        if candidate.endswith(_ADDRESS_PARTS) or _numbered_building(candidate):
            return None  # 3幢2单元1101: 单 is a surname, 单元 an address part (R15f-25)
        if candidate[:2] in COMPOUND_SURNAMES and 3 <= len(candidate) <= 4:
            return f"compound surname {candidate[:2]}"
        if candidate[0] in SINGLE_SURNAMES and len(candidate) <= 3:
            return f"surname {candidate[0]}"
        if is_minority_name(candidate):
            return "Tibetan, Uyghur, Kazakh or Mongolian name words (no Han surname)"
        return None


@register("cn_birth_date")
class BirthDateRecognizer(Recognizer):
    """出生日期: a real past date (YYYY-MM-DD, YYYY/MM/DD, YYYYMMDD, YYYY年M月D日), or the year and
    month rosters write under 出生年月 (1990.01, 1990年1月, 199001, 1990-01: the 干部任免审批表's
    form, R15e-17); context only."""

    SHAPES = ("0000",)

    entity = "出生日期 date of birth"
    category = "个人基本资料"
    level = "G2"
    mask_rule = "date"
    FLAGS = 0
    STRIP = ""
    TRIGGER = r"(?:19|20)\d\d"
    PATTERNS = (
        # an RFC 3339 / ISO 8601 date-time is the date it holds (mongoexport's {"$date": ...}, JSON APIs)
        Pattern("date", NOT_BEFORE + r"(?:19|20)\d{2}(?:[-/.年]\d{1,2}[-/.月]\d{1,2}日?|\d{4})"
                r"(?:T\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?" + NOT_AFTER, 0.3,
                context_only=True),
        Pattern("year and month", NOT_BEFORE + r"(?:19|20)\d{2}(?:[-/.年]\d{1,2}(?:月|(?![-/.月]))|\d{2})"
                + NOT_AFTER, 0.3, context_only=True),
    )
    #: 出生 covers 出生年月, 出生年月日 (the 居民身份证's label), 出生时间 (R15e-17)
    CONTEXT = ("csrq", "csny", "chushengriqi", "birthday", "birth_date", "birthdate", "birth", "dob", "出生", "生日")

    def validate(self, candidate: str) -> str | None:
        """A real calendar date in the past, after 1900 (of a date-time, its date; of a year and
        month, their first day); a holder under 14 today is said so (MINOR), for column decisions
        to count: of a year and month, only when every day of it puts the holder under 14."""
        candidate = candidate.split("T")[0]
        parts = [int(p) for p in candidate.replace("年", "-").replace("月", "-").replace("日", "").replace("/", "-")
                 .replace(".", "-").split("-") if p] if not candidate.isdigit() else \
            [int(candidate[:4]), int(candidate[4:6]), int(candidate[6:8] or 1)]
        try:
            born = date(*parts, *(1,) * (3 - len(parts))) if len(parts) in (2, 3) else None
        except ValueError:
            return None
        if born is None or born > date.today():
            return None
        # a child under 14 by the date alone, as by an ID number's date (R15d-8: 学籍, 接种 rosters)
        return "real past date (column context)" + (MINOR if under_fourteen(born) else "")
