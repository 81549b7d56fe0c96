"""People named inside the free-text cells of a column (stage: classification; PIPL art. 4 and 28,
GB/T 43697-2024 Annex, GB/T 35273-2020 Annex A/B; review R15i-14).

A 备注 or 情况说明 column of a 低保 or 信访 register writes who a row is about after a role, kin
or status word (经办人张建国核实, 妻子次仁卓玛无业, 吸毒人员赵建军已戒断): its values are no names as a
whole, and no heading gives the name recognizer context, so the column read as holding nothing
(一般数据（1级）). Such a column holds the names of natural persons all the same: :func:`cell_names`
counts the values naming someone so (classification.role_names.role_name_hits, the free-text
masker's own reading), and the column holds names when, as for a keyword in the value
(申请人黄伟芳), half its sampled values do (columns.CONTEXT_RATIO).

A name right beside a person's identifier in one cell is that person's (R15i-11): a list of
"name ID-number" lines pasted from Word (袁春 330802200404151139, 张建雨　13812345678), one cell a
line, no header to give names context. :func:`cell_names` counts the values holding a Chinese name
(two to four characters, or minority name words) next to a valid resident ID or mobile number with
nothing but a blank, a separator, brackets or the number's own label between (袁春（330802…）, 袁春，
身份证号：330802…: R15k-9), judged by the name recognizer with that context.

A status word names a PIPL art. 28 category of the person named after it (:data:`STATUS_KINDS`):
a disability (残疾人, 特定身份, TC260 guide 2024), a drug or criminal record (吸毒人员, 刑满释放人员:
GB/T 35273-2020 Annex B 违法犯罪记录, filed under 特定身份 as classification.recognizers.sensitive
does), a patient's illness (患者, 精神障碍患者: 医疗健康). A column naming such people holds that
category as well, graded with it (就高从严).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Final

from govsoc.classification.han import HAN, HAN_CLASS
from govsoc.classification.identifier_names import is_person_name
from govsoc.classification.label_ends import BLANKS, aside_before
from govsoc.classification.masking import mask
from govsoc.classification.recognizer import Match, Recognizer
from govsoc.classification.remark_words import AFTER_PERSON, REMARK_OPENERS, TIES
from govsoc.classification.role_names import CASE_ROLES, OFFICES, SIGN_OFFS, role_name_hits

__all__ = ["AFTER_PERSON", "CellNames", "OBJECT_VERBS", "REMARK_OPENERS", "STATUS_KINDS", "TIES",
           "cell_names"]

#: Sensitive recognizer id -> the status words naming a person of its category (PIPL art. 28).
STATUS_KINDS: Final = {
    "cn_disability": ("残疾人", "重度残疾人", "残疾儿童", "伤残军人"),
    "cn_criminal_record": ("吸毒人员", "戒毒人员", "涉毒人员", "刑满释放人员", "社区矫正对象", "服刑人员",
                           "安置帮教对象", "罪犯", "嫌疑人", "被告人"),
    "cn_health": ("患者", "病人", "精神障碍患者"),
}
#: What a list line puts between a name and its identifier: a blank, a separator, or brackets
#: (李丽秀（330802…）, the commonest way a Word or WeChat list writes it: R15k-9).
_SEPARATOR: Final = r"[ \t\u3000,，:：;；、_/\-（）()【】\[\]]"
#: A Chinese run ending a text (before an identifier), or opening it (after one), a blank or a
#: separator between: where a list line puts its person's name.
_BEFORE: Final = re.compile(rf"(?<![{HAN_CLASS}·])([{HAN_CLASS}·]{{2,9}}){_SEPARATOR}{{0,2}}\Z")
_AFTER: Final = re.compile(rf"{_SEPARATOR}{{0,2}}([{HAN_CLASS}·]{{2,9}})(?![{HAN_CLASS}·])")
#: The longest text _BEFORE matches: a run of nine and two separators (R15p-4).
_BEFORE_REACH: Final = 9 + 2
#: What ends the identifier's own label (身份证 + 号码, 证件号 + 码: 李丽秀，身份证号：330802…).
_LABEL_ENDS: Final = "(?:号码|号|码)?"
#: What a 人员名单 pasted from a Word 公示 writes between the fields of a line (no colon: a field's own
#: "label：value" keeps it; no - or /: a date's), quotes and bars besides.
_LIST_SPLIT: Final = re.compile(r"[ \t\u3000,，;；、_（）()【】\[\]|｜《》“”\"'‘’]+")
#: What opens a list line before its name: a number (1. or 一、) or a label (姓名：, 户主：).
_LIST_OPENS: Final = re.compile(r"\s*(?:(?:\d{1,4}|[一二三四五六七八九十]{1,3})[.、．)）]\s*)?"
                                rf"(?:{HAN}{{1,6}}[：:]\s*)?")
#: The name opening a list line's first field, with a courtesy or the identifier's label glued on
#: (袁春同志, 袁春的身份证号).
_LIST_NAME: Final = re.compile(rf"([{HAN_CLASS}·]{{2,9}}?)(?:同志|先生|女士|的[{HAN_CLASS}A-Za-z]{{1,8}}[：:]?)?")
#: Words a roster line writes for its person without a label (R15p-9): the ethnicity without 族 (汉, 回, 藏), the
#: political status, the schooling and the marriage (GB/T 4762, GB/T 4658, GB/T 2261.2 names).
_ROSTER_WORDS: Final = tuple("""
    汉 回 满 藏 苗 壮 彝 侗 瑶 傣 黎 畲 羌 佤 土家 蒙古 维吾尔 哈萨克 朝鲜
    中共党员 中共预备党员 预备党员 党员 共青团员 团员 群众
    文盲 半文盲 小学 初中 高中 中专 中职 职高 技校 大专 专科 本科 大学 研究生 硕士 博士
    未婚 已婚 初婚 再婚 复婚 离婚 离异 丧偶
""".split())
#: A field a list line writes between its person's name and the identifier (R15n-4): the sex, the
#: ethnicity (汉族, 蒙古族), the age, the birth date (1950年1月出生, 1950-01-01), or any "label：value"
#: (住址：某村); none a name of its own. Matched against one field at a time (no backtracking over a line).
_LIST_FIELD: Final = re.compile(rf"男|女|男性|女性|{HAN}{{1,4}}族|\d{{1,3}}(?:周?岁)?|"
                                + "|".join(sorted(_ROSTER_WORDS, key=len, reverse=True)) + "|"
                                r"(?:出生(?:日期|年月)?[：:]?)?\d{4}(?:年|[.\-/])\d{1,2}月?(?:[.\-/]?\d{1,2}日?)?(?:出生|生)?|"
                                rf"{HAN}{{1,8}}[：:].{{1,30}}")
#: The identifier's label ending a list line, a field of its own: any word closed by a colon or 为
#: (证号：, 联系方式：, tel：, 身份证号码为: R15n-4).
_LIST_LABEL: Final = re.compile(rf"[{HAN_CLASS}A-Za-z]{{1,8}}(?:[：:]|为|是)")
#: Verbs whose object or cause a remark writes before them, right after a role word (R15k-6): what a
#: household head grows, raises or does (户主黄桃种植, 户主牛羊养殖, 户主林地承包, 户主石屋改造) and what
#: befell a person or their money (丈夫车祸身亡, 申请人余款未结). Ending the remark (or before a word
#: making the phrase a noun: 种植面积, 养殖大户), the surname-like run before one is that object, no name.
OBJECT_VERBS: Final = (
    "种植", "栽种", "栽培", "种养", "育苗", "养殖", "饲养", "喂养", "放养", "圈养", "采摘", "承包", "流转",
    "出租", "租赁", "转租", "出售", "销售", "收购", "加工", "经营", "改造", "修缮", "翻建", "新建", "重建",
    "维修", "加固", "倒塌", "报废", "被盗", "被征", "身亡", "未结", "未还", "未付", "结清")
#: Longest object before one of OBJECT_VERBS (马铃薯, 高山蔬菜); its shortest is two characters.
_OBJECT_LIMIT: Final = 4
#: Words after one of OBJECT_VERBS making the phrase a noun (黄桃种植面积, 牛羊养殖大户, 危房改造项目).
_OBJECT_PHRASE_ENDS: Final = ("面积", "规模", "基地", "大户", "户", "项目", "收入", "产业", "补贴", "技术", "合作社",
                              "专业", "示范", "产量", "效益", "情况")
#: Offices, trades and staff words (role_names.OFFICES), longest first: a remark names the person after one only
#: before AFTER_PERSON, TIES or SIGN_OFFS words or ending the run, since such a word opens as many
#: name-free remarks (村长高度重视, 学生安全教育) as the kin and case roles do (R15o-1).
_OFFICES: Final = tuple(sorted(OFFICES, key=len, reverse=True))
_REMARK_OPENERS: Final = frozenset(REMARK_OPENERS)
_HAN: Final = re.compile(HAN)
#: What role_names says of a name it found after a role or kin word (not beside a diagnosis or a title).
_AFTER_ROLE: Final = "after the role word"
#: What role_names says of a name it found after a role word set off as a label (家长：王芳签字).
_AS_LABEL: Final = "as a label"
#: A label's blanks and colons (role_names._LABEL_SEPARATOR).
_COLONS: Final = "：:"
#: Masked examples kept.
_EXAMPLES: Final = 3


@dataclass(slots=True)
class CellNames:
    """What :func:`cell_names` counts over a column's values."""

    #: values naming a person after a role, kin or status word
    values: int = 0
    #: masked names, the first few
    examples: list[str] = field(default_factory=list)
    #: sensitive recognizer id -> values naming a person after one of its status words
    sensitive: dict[str, int] = field(default_factory=dict)

    def holds_names(self, sampled: int, share: float) -> bool:
        """Whether the column holds names: ``share`` of the ``sampled`` values name someone."""
        return sampled > 0 and self.values >= share * sampled


def cell_names(values: Sequence[str], names: Recognizer, identifiers: Sequence[Recognizer] = ()) -> CellNames:
    """The names written after role, kin and status words in ``values``, or beside a hit of one of
    ``identifiers`` (the person-name recognizer ``names`` judging them), and the sensitive
    categories their status words say."""
    found = CellNames()
    for value in values:
        if value.isascii():
            continue
        hits = [h for h in role_name_hits(value, names) if _said_of(value, h)] or _beside(value, names, identifiers)
        if not hits:
            continue
        found.values += 1
        for hit in hits:
            if len(found.examples) < _EXAMPLES:
                found.examples.append(hit.masked)
        for kind, words in STATUS_KINDS.items():
            # endswith's end argument, not a slice: a slice copies the value once a hit (RR15ao-5)
            if any(value.endswith(words, 0, _word_end_before(value, hit)) for hit in hits):
                found.sensitive[kind] = found.sensitive.get(kind, 0) + 1
    return found


def _word_end_before(value: str, hit: Match) -> int:
    """Where the word before the name ``hit`` ends in ``value``: at the name, or, after a role label, before the
    label's blanks and colon (患者：王芳住院 names a patient as 患者王芳住院 does: RR15ao-3, PIPL art. 28)."""
    at = hit.start
    if not hit.reason.endswith(_AS_LABEL):
        return at
    # role_names._LABEL_SEPARATOR: blanks, or one or two colons amid blanks after an aside or not (患者（男）：王芳)
    at = _before_blanks(value, at)
    colons = 0
    while at > 0 and value[at - 1] in _COLONS and colons < 2:
        at, colons = _before_blanks(value, at - 1), colons + 1
    return _before_blanks(value, aside_before(value, at)) if colons else at


def _before_blanks(value: str, at: int) -> int:
    """Where the blanks ending at ``at`` in ``value`` start."""
    while at > 0 and value[at - 1] in BLANKS:
        at -= 1
    return at


def _said_of(value: str, hit: Match) -> bool:
    """Whether the name ``hit`` found after a role word in ``value`` (others are judged by role_names
    alone: before a diagnosis or a title) names a person. Never when it or its first two characters
    are one of :data:`REMARK_OPENERS` (户主符合条件: 符合条, 户主满意: R15o-1: role_names drops only those that
    open no name at all, and the phrases: remark_words.opens_remark), nor when a verb of
    OBJECT_VERBS ending the run follows its first two to four characters, which are that verb's object
    (户主黄桃种植, 丈夫车祸身亡). After an office, a trade or a staff word (村长, 会计, 护林员) only before
    a sign-off's act (SIGN_OFFS: 签字, 经手), AFTER_PERSON or TIES words, or ending the run (R15n-18).
    Otherwise always: ending the run (户主王五, 妻子次仁卓玛), before words said of a person
    (吸毒人员王桂兰正在社区戒毒), before any other words (患者李秀英血压偏高: R15n-6)
    and before one closing character (户主王建国家, 低保户李秀英户: R15p-1): a grade too low is the worse
    error. The free-text masker, showing a remark, masks every such run all the same."""
    start, end = hit.start, hit.end
    if _AFTER_ROLE not in hit.reason:
        return True
    if value[start:end] in _REMARK_OPENERS or value[start:start + 2] in _REMARK_OPENERS:
        return False
    if end >= len(value) or not _HAN.match(value[end]):
        return True
    # an office's sign-off (R15n-18)
    if value.endswith(_OFFICES, 0, start) and not value.endswith(CASE_ROLES, 0, start):
        return value.startswith((*SIGN_OFFS, *AFTER_PERSON, *TIES), end)
    return not any(_object_verb_at(value, at) for at in range(start + 2, start + _OBJECT_LIMIT + 1))


def _object_verb_at(value: str, at: int) -> bool:
    """Whether a verb of OBJECT_VERBS starts at ``at`` in ``value`` and ends its Chinese run, or is
    followed by a word of _OBJECT_PHRASE_ENDS."""
    verb = next((v for v in OBJECT_VERBS if value.startswith(v, at)), None)
    if verb is None:
        return False
    after = at + len(verb)
    return after >= len(value) or not _HAN.match(value[after]) or value.startswith(_OBJECT_PHRASE_ENDS, after)


@cache
def _labelled(rec: Recognizer) -> tuple[re.Pattern[str], int]:
    """A name, then the label of ``rec``'s identifier (its Chinese context words: 身份证号, 手机,
    联系电话), ending a text, separators between (李丽秀，身份证号：, 李丽秀 电话: R15k-9); and the
    longest text it matches (the run, two separators, the longest label and its ending, two more)."""
    words = sorted((w for w in rec.CONTEXT if not w.isascii()), key=len, reverse=True)
    label = "(?:" + "|".join(map(re.escape, words or ["(?!)"])) + ")" + _LABEL_ENDS
    pattern = re.compile(rf"(?<![{HAN_CLASS}·])([{HAN_CLASS}·]{{2,9}}?){_SEPARATOR}{{0,2}}{label}"
                         rf"{_SEPARATOR}{{0,2}}\Z")
    return pattern, 9 + 2 + max(map(len, words), default=0) + 2 + 2


def _ending_at(pattern: re.Pattern[str], reach: int, value: str, end: int) -> re.Match[str] | None:
    """``pattern`` (ending in ``\\Z``, at most ``reach`` characters long) matched ending at ``end``
    in ``value``: searched over its last ``reach`` characters only, the lookbehind still seeing the
    one before, so that each identifier of a long cell costs the same (R15p-4)."""
    return pattern.search(value, max(0, end - reach), end)


def _beside(value: str, names: Recognizer, identifiers: Sequence[Recognizer]) -> list[Match]:
    """The name right before or after the first identifier found in ``value`` (a list line), or
    opening the line with list fields between (:func:`_listed`)."""
    fields = _Fields(value)
    for rec in identifiers:
        labelled, reach = _labelled(rec)
        for anchor in rec.find(value):
            # the run before, the label between (李丽秀，身份证号：), the run after, and last the name
            # opening a list line with its sex, ethnicity or birth date between (袁春，女，身份证号：)
            found = (_ending_at(labelled, reach, value, anchor.start),
                     _ending_at(_BEFORE, _BEFORE_REACH, value, anchor.start), _AFTER.match(value, anchor.end))
            spans = [*((m.start(1), m.end(1)) for m in found if m is not None), *fields.listed(anchor.start)]
            for start, end in spans:
                token = value[start:end]
                if not is_person_name(token) and "·" not in token:
                    continue  # a place or a word (张家港, 户籍): no one's name
                hit = next((h for h in names.find(token, context=True) if (h.start, h.end) == (0, len(token))), None) \
                    or _dotted(token, names)
                if hit is not None:
                    return [Match(recognizer=hit.recognizer, start=start, end=end, masked=hit.masked,
                                  score=hit.score, reason=f"{hit.reason}: beside {rec.entity}")]
    return []


class _Fields:
    """The fields of a list line after its opening (:data:`_LIST_OPENS`), split at _LIST_SPLIT's runs
    once for every identifier of the cell and only as far as the first that is none of _LIST_FIELD:
    a cell of 5,000 ID numbers cost 5,000 splits of all that came before (28.6 s: R15p-4)."""

    __slots__ = ("value", "_opening", "_starts", "_ends", "_stop")

    def __init__(self, value: str) -> None:
        self.value = value
        self._opening: int | None = None
        #: the separator runs' starts and ends, up to the one after the first field that is no list field
        self._starts: list[int] = []
        self._ends: list[int] = []
        #: where that run starts: an identifier after it has other words between (len(value) + 1: none)
        self._stop = -1

    def listed(self, end: int) -> list[tuple[int, int]]:
        """The span of the name opening the line whose identifier starts at ``end``, when every field
        between is one of _LIST_FIELD and the last may be the identifier's label (袁春，女，汉族，
        身份证号：…: R15n-4); none else. What ``_LIST_SPLIT.split`` of the text before ``end`` gives."""
        value = self.value
        if self._opening is None:
            opening = _LIST_OPENS.match(value)
            self._opening = opening.end() if opening else 0
        if end < self._opening:  # inside the opening, which is then read up to the identifier
            opening = _LIST_OPENS.match(value, 0, end)
            return _split_listed(value, opening.end() if opening else 0, end)
        at = self._opening
        if self._stop < 0:
            self._split(at)
        if end > self._stop:
            return []
        runs = bisect_left(self._starts, end)  # the separator runs before the identifier
        first = _LIST_NAME.fullmatch(value, at, self._starts[0] if runs else end)
        if first is None:
            return []
        # the fields between are whole (checked by _split); the last ends at the identifier
        last = min(self._ends[runs - 1], end) if runs else end
        if last < end and not (_LIST_FIELD.fullmatch(value, last, end) or _LIST_LABEL.fullmatch(value, last, end)):
            return []
        return [(first.start(1), first.end(1))]

    def _split(self, at: int) -> None:
        """The separator runs from ``at`` up to the first closing a field (after the first) that is
        none of _LIST_FIELD."""
        value = self.value
        self._stop = len(value) + 1
        for run in _LIST_SPLIT.finditer(value, at):
            if self._starts and not _LIST_FIELD.fullmatch(value, self._ends[-1], run.start()):
                self._stop = run.start()
                self._starts.append(run.start())
                return
            self._starts.append(run.start())
            self._ends.append(run.end())


def _dotted(token: str, names: Recognizer) -> Match | None:
    """The minority name written with a middle dot (次仁·卓玛) that ``names`` validates whole, though its
    patterns find its parts apart (次仁, 卓玛: R15p-9); None for any other token."""
    if "·" not in token or names.validate(token) is None:
        return None
    return Match(recognizer=names.id, start=0, end=len(token), masked=mask(names.mask_rule, token), score=0.75,
                 reason="minority name with a middle dot")


def _split_listed(value: str, at: int, end: int) -> list[tuple[int, int]]:
    """:meth:`_Fields.listed` for the text from ``at`` to ``end`` alone, split whole (an identifier
    inside a line's opening: the few characters of a number and a label)."""
    fields = _LIST_SPLIT.split(value[at:end])
    first = _LIST_NAME.fullmatch(fields[0])
    if first is None:
        return []
    *middle, last = fields[1:] or [""]
    if not all(_LIST_FIELD.fullmatch(f) for f in middle) \
            or last and not (_LIST_FIELD.fullmatch(last) or _LIST_LABEL.fullmatch(last)):
        return []
    return [(at + first.start(1), at + first.end(1))]
