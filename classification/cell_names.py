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
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Final

from govsoc.classification.identifier_names import is_person_name
from govsoc.classification.recognizer import Match, Recognizer
from govsoc.classification.role_names import OFFICES, SIGN_OFFS, role_name_hits

__all__ = ["AFTER_PERSON", "CellNames", "OBJECT_VERBS", "STATUS_KINDS", "TIES", "cell_names"]

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
_BEFORE: Final = re.compile(rf"(?<![\u4e00-\u9fa5·])([\u4e00-\u9fa5·]{{2,9}}){_SEPARATOR}{{0,2}}\Z")
_AFTER: Final = re.compile(rf"{_SEPARATOR}{{0,2}}([\u4e00-\u9fa5·]{{2,9}})(?![\u4e00-\u9fa5·])")
#: What ends the identifier's own label (身份证 + 号码, 证件号 + 码: 李丽秀，身份证号：330802…).
_LABEL_ENDS: Final = "(?:号码|号|码)?"
#: What a remark writes right after the person it names (R15k-6): case work's acts (经办人张建国核实,
#: 网格员陈丽走访, 村干部韩伟陪同), the named person's state or life event (李秀英入住敬老院, 王桂兰已去世,
#: 孙志强二级). Any other words after a name count as well (吸毒人员王桂兰正在社区戒毒, 患者李秀英确诊肺结核,
#: 老伴陈丽常年卧床: R15n-6), but for :data:`OBJECT_VERBS`.
AFTER_PERSON: Final = (
    "核实", "核查", "核验", "走访", "陪同", "上门", "入户", "随访", "签字", "签名", "签收", "确认", "办理",
    "代办", "代领", "申请", "来访", "来电", "反映", "帮扶", "联系", "监护", "赡养", "抚养", "照料", "入住",
    "卧床", "残疾", "患病", "患有", "身患", "无业", "务工", "务农", "外出", "在外", "去世", "病故", "死亡",
    "离婚", "结婚", "丧偶", "就读", "上学", "居住", "生活", "住院", "服刑", "戒毒", "一级", "二级", "三级",
    "四级", "夫妇", "之子", "之女", "本人")
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
#: Characters tying a name to what a remark says of the person (王桂兰已去世, 周海涛因病, 罗欣怡由姑姑抚养).
TIES: Final = ("已", "因", "由", "系", "的", "等", "与", "和", "及", "现", "在")
_HAN: Final = re.compile(r"[\u4e00-\u9fa5]")
#: What role_names says of a name it found after a role or kin word (not beside a diagnosis or a title).
_AFTER_ROLE: Final = "after the role word"
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
            if any(value[:hit.start].endswith(words) for hit in hits):
                found.sensitive[kind] = found.sensitive.get(kind, 0) + 1
    return found


def _said_of(value: str, hit: Match) -> bool:
    """Whether the name ``hit`` found after a role word in ``value`` (others are judged by role_names
    alone: before a diagnosis or a title) names a person: unless a verb of OBJECT_VERBS, ending the
    Chinese run (or making it a noun: 种植面积), follows the run's first two to four characters, which
    are its object (户主黄桃种植: 黄桃种 + 植, 户主马铃薯种植, 丈夫车祸身亡). A name before words of
    AFTER_PERSON or TIES, or ending the run (户主王五, 妻子次仁卓玛), always counts; so does one before
    any other words (吸毒人员王桂兰正在社区戒毒: R15n-6). The free-text masker, showing a remark, masks
    every such run all the same (role_names)."""
    end = hit.end
    if _AFTER_ROLE not in hit.reason or end >= len(value) or not _HAN.match(value[end]) \
            or value.startswith((*AFTER_PERSON, *TIES), end):
        return True
    if value[:hit.start].endswith(_OFFICES):  # an office's sign-off (R15n-18)
        return value.startswith(SIGN_OFFS, end)
    return not any(_object_verb_at(value, at) for at in range(hit.start + 2, hit.start + _OBJECT_LIMIT + 1))


def _object_verb_at(value: str, at: int) -> bool:
    """Whether a verb of OBJECT_VERBS starts at ``at`` in ``value`` and ends its Chinese run, or is
    followed by a word of _OBJECT_PHRASE_ENDS."""
    verb = next((v for v in OBJECT_VERBS if value.startswith(v, at)), None)
    if verb is None:
        return False
    after = at + len(verb)
    return after >= len(value) or not _HAN.match(value[after]) or value.startswith(_OBJECT_PHRASE_ENDS, after)


@cache
def _labelled(rec: Recognizer) -> re.Pattern[str]:
    """A name, then the label of ``rec``'s identifier (its Chinese context words: 身份证号, 手机,
    联系电话), ending a text, separators between (李丽秀，身份证号：, 李丽秀 电话: R15k-9)."""
    words = sorted((w for w in rec.CONTEXT if not w.isascii()), key=len, reverse=True)
    label = "(?:" + "|".join(map(re.escape, words or ["(?!)"])) + ")" + _LABEL_ENDS
    return re.compile(rf"(?<![\u4e00-\u9fa5·])([\u4e00-\u9fa5·]{{2,9}}?){_SEPARATOR}{{0,2}}{label}"
                      rf"{_SEPARATOR}{{0,2}}\Z")


def _beside(value: str, names: Recognizer, identifiers: Sequence[Recognizer]) -> list[Match]:
    """The name right before or after the first identifier found in ``value`` (a list line)."""
    for rec in identifiers:
        for anchor in rec.find(value):
            before = _labelled(rec).search(value, 0, anchor.start) or _BEFORE.search(value, 0, anchor.start)
            after = _AFTER.match(value, anchor.end)
            for m in (x for x in (before, after) if x is not None):
                if not is_person_name(m.group(1)) and "·" not in m.group(1):
                    continue  # a place or a word (张家港, 户籍): no one's name
                hit = next((h for h in names.find(m.group(1), context=True)
                            if (h.start, h.end) == (0, len(m.group(1)))), None)
                if hit is not None:
                    return [Match(recognizer=hit.recognizer, start=m.start(1), end=m.end(1), masked=hit.masked,
                                  score=hit.score, reason=f"{hit.reason}: beside {rec.entity}")]
    return []
