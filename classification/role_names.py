"""Person names free text writes without a ``key: value`` shape (stage: classification; PIPL art.
28 and 51, GB/T 35273-2020 §6.2 display masking and Annex A 个人基本资料; review R15e-20).

classification.free_text reads ``监护人：王五`` as a key and its value. Case notes, 备注 and
database column comments write the same without the colon, and in two more ways:

- **glued to a role word** (``监护人王五``, ``申请人王五（男）``, ``经办人张伟签字``): a heading of
  the person-name recognizer's list (PersonNameRecognizer.CONTEXT, R15d-6: 申请人, 负责人, 患者,
  户主 ...) with the name run on. The name is the Chinese run after it when the run ends there,
  or the part of it followed by a word a sentence puts after a name (_AFTER_NAME: 诊断, 签字,
  的 ...), else the name opening the run (经办人张建国核实, 残疾人孙志强二级: _name_opening, R15i-14);
  every one a name by identifier_names.is_person_name (信访人来访 is none), none where a remark's word
  follows the role (户主常年外出, 孤儿由亲属抚养: _REMARK_WORDS); a role word that is the start of a
  longer word (负责人员, 申请人数) is none;
- **beside a diagnosis** (``李四确诊为肺结核``): a name of its own (no Chinese character before it)
  followed by a diagnosis verb. With ``患者李四诊断为HIV阳性`` both say the same: health
  information of an identified person, sensitive (PIPL art. 28);
- **with a kin word or title** (``妻子李梅``, ``代领人王小明``, ``村民王五反映``, ``王五同志``, ``致王五先生``,
  ``王五的妻子``: R15f-32): kin words and roles (KIN_AND_ROLES) as the headings above, a name of its
  own (or after 致/关于) before 同志/先生/女士/老师 or 的 + a kin word; these only when
  identifier_names.is_person_name takes the run (no word: 高中老师, 全体同志, 村民来信);
- **as an example** (``姓名，如王小明``, ``例：王小明``, ``如：王小明、李四``, ``e.g. 王小明``): what a
  column comment gives after 如/例/例如/比如/示例/e.g.; every name of the list.

Every candidate is judged by the person-name recognizer with context (a known surname, not a
common word: cn_codes.NOT_NAMES), and masked by its rule.

A column heading names a person's role or kin (``is_role_heading``: 车主, 承租人, 嫌疑人, 代领人,
驾驶员, 死者, 父亲, 配偶, 子女, 学生, 住户, 老伴, 岳父 ...) when it ends in a role character (人, 者, 主, 员)
or is a kin or person word (identifier_names.ROLE_LEADS among them); under one, a column whose values
are nearly all names (``name_share``: a listed surname, no common, heading or place word) holds names
(R15f-15). 房号, 门牌号 and 单元 name
a place, no one: no role headings (R15f-25).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Sequence
from typing import Final

from govsoc.classification.cn_codes import ADDRESS_REGIONS, ADDRESS_UNITS, COMPOUND_SURNAMES
from govsoc.classification.common_words import is_common_word
from govsoc.classification.han import HAN
from govsoc.classification.identifier_names import ROLE_LEADS, is_person_name
from govsoc.classification.invisible import INVISIBLE
from govsoc.classification.label_ends import (
    AFTER_LABEL_NAME,
    ASIDE,
    BLANKS,
    LABEL_TIES,
    ends_label_name,
    join_at,
    name_span,
    past_blanks,
)
from govsoc.classification.minority_names import is_minority_name
from govsoc.classification.recognizer import Match, Recognizer
from govsoc.classification.recognizers.person import HEADING_AFTER, PersonNameRecognizer
from govsoc.classification.remark_words import REMARK_OPENERS, REMARK_PHRASES, SIGN_OFFS, opens_remark
from govsoc.classification.role_titles import ROLE_TITLES, WARDS
from govsoc.classification.titled_names import STAFF

__all__ = ["CASE_ROLES", "OFFICES", "SIGN_OFFS", "role_name_hits", "is_role_heading", "name_share"]

_HAN: Final = HAN
#: Kin words and roles that 情况说明 and case notes put before a name as the headings do (户主王五，
#: 妻子李梅，儿子王小明; 代领人王小明; 村民王五反映: R15f-32).
KIN_AND_ROLES: Final = tuple(dict.fromkeys((
    "妻子", "丈夫", "儿子", "女儿", "父亲", "母亲", "配偶", "爱人", "之子", "之女", "孙子", "孙女", "儿媳", "女婿",
    "哥哥", "姐姐", "弟弟", "妹妹", "代领人", "代办人", "担保人", "陪同人", "见证人", "证明人", "介绍人", "报案人",
    "嫌疑人", "被告人", "继承人", "赡养人", "抚养人", "签收人", "村民", "居民",
    # kin by birth order or marriage, with 其 (其父, 长子, 女婿), household roles (低保户, 五保户)
    # and a court's (被执行人): what file names put before a name too (R15g-21, R15g-5)
    *ROLE_LEADS)))
#: Role words (the Chinese headings of PersonNameRecognizer.CONTEXT, KIN_AND_ROLES, and the offices,
#: trades and staff words file names put before a name: 村长王建国签字确认, 会计刘敏经手, 护林员彭丽巡护,
#: R15n-18), longest first.
_ROLES: Final = sorted({*(w for w in PersonNameRecognizer.CONTEXT if not w.isascii()), *KIN_AND_ROLES,
                        *ROLE_TITLES, *STAFF},
                       key=len, reverse=True)
_ROLE_TUPLE: Final = tuple(_ROLES)
#: Conjunctions a remark joins two role words with (脱贫人口和监测对象).
_CONJUNCTIONS: Final = ("和", "与", "及", "或")
#: The offices, trades and staff words among them that hold no kin or case role word (村长, 会计, 护林员; not
#: 驻村干部, whose 村干部 was read as before), and no ward (role_titles.WARDS: 学生, 孕妇, 业主):
#: after one a name is read only before a word of _AFTER_NAME (a sign-off's act, a tie, a contact word) or
#: at the run's end, since a remark or a file name as often goes on with words (村长全力支持, 辅警杨梅讲话稿
#: is identifier_names' to read): R15n-18.
OFFICES: Final = frozenset(w for w in {*ROLE_TITLES, *STAFF}
                           if w not in WARDS and not any(r in w for r in (*KIN_AND_ROLES, *PersonNameRecognizer.CONTEXT)
                                                         if not r.isascii()))
#: Role words that are no office, a name after which counts as after a kin or case role (法人代表, 村民代表:
#: they end in an office word, 代表, but say whose the name is, R15q-10).
CASE_ROLES: Final = tuple(sorted((r for r in _ROLES if r not in OFFICES), key=len, reverse=True))
#: Characters that make a role word part of a longer one: 负责人员 (staff), 申请人数 (a count), 申请人们.
_LONGER_WORD: Final = "员数们群次"
#: Words that make a role word part of a heading (与户主关系, 申请人类型, 监护人信息), not a name.
_HEADING_AFTER: Final = HEADING_AFTER
#: Words a sentence puts right after a name (a diagnosis, a signature, a possessive, the sex).
_AFTER_NAME: Final = ("诊断", "确诊", "患有", "罹患", "感染", "签字", "签名", "签收", "同意", "本人", "的",
                      "男", "女", "先生", "女士", "同志", "老师", "于", "因", "系", "称", "已", "在", "和", "与", "及",
                      "等", "反映", "表示", "来访", "说",
                      # a sign-off label's (见证人马丽意见, not 马丽意 + 见: R15j-15)
                      "意见", *SIGN_OFFS,
                      # a contact or record word after the name (户主王芳住址, not 王芳住 + 址: R15n-1's file names)
                      "住址", "手机", "电话", "联系", "处方", "录音", "课表")
#: What ends a name after an office (OFFICES): a sign-off's act or a contact word, none of a sentence's
#: single characters (讲解员李娜解说词 is no 李娜解 + 说).
_AFTER_OFFICE_NAME: Final = ("签字", "签名", "签收", "意见", *SIGN_OFFS,
                              "住址", "手机", "电话", "联系", "处方", "录音", "课表")
#: And what 情况说明 write after the name of a kin or household word (妻子李梅离婚后, 儿子王小明随母亲
#: 生活, 由其女婿张建国代领, 被执行人王五名下, 低保户王小明家: R15g-21); only there, where the name
#: must be one by identifier_names.is_person_name too (经办人于今日办理 is no name).
_AFTER_KIN_NAME: Final = _AFTER_NAME + (
    "离婚", "结婚", "随", "代领", "代办", "名下", "家", "户", "生活", "去世", "病故", "死亡", "现", "住", "居住",
    "务工", "外出", "就读", "患", "身患", "一起", "共同", "现年", "出生", "是", "为", "将", "把", "被", "向", "到",
    "去", "来", "持", "领取", "不", "未", "也", "均", "共", "曾", "自", "从", "夫妇", "夫妻", "母子", "父子", "母女",
    "父女")
#: Words a remark (备注, 情况说明) puts right after a role or kin word that open with a surname
#: character, a preposition's (于, 由, 和, 向, 曾) or a family name's (常, 何, 周, 毛, 田, 包, 单, 计, 金, 高):
#: 户主常年外出, 经办人于今日办理, 孤儿由亲属抚养, 监护人和子女一起生活 name no one (R15i-14).
_REMARK_WORDS: Final = (
    "常年", "常住", "常驻", "何时", "于今日", "于当日", "于次日", "于近日", "于某日", "于本月", "于上月", "于本周",
    "由亲属", "由其", "由于", "由村", "由社区", "由民政", "和子女", "和家人", "和父母", "和老伴", "和妻子", "和丈夫",
    "与子女", "与家人", "与父母", "与老伴", "向村", "向社区", "向乡", "向镇", "向街道", "曾经", "曾在", "曾患", "曾因",
    "毛病", "周末", "周边", "田间", "包户", "包村", "单独", "计生", "金额", "高血压", "高龄", "高中", "高考", "石材")
#: Titles a sentence puts after a name (王五同志, 致王五先生, 王小明老师), and a name's kin (王五的妻子).
_TITLE: Final = r"(?:同志|先生|女士|老师|的(?:" + "|".join(KIN_AND_ROLES[:18]) + "))"
#: What may stand before a name with a title: no Chinese character, or 致/关于/的/给 (a letter's, a file's).
_NAME_THEN_TITLE: Final = re.compile(f"(?:(?<!{_HAN})|(?<=致)|(?<=给)|(?<=关于))(?=({_HAN}{{2,4}}?){_TITLE})")
#: Verbs of a diagnosis after a name of its own.
_DIAGNOSIS: Final = r"(?:被|经)?(?:诊断|确诊|患有|罹患|感染)"
#: Role words that end a heading of PersonNameRecognizer.CONTEXT_EXCEPT (名 of 用户名, if one is listed).
_EXCEPTION_ENDS: Final = frozenset(r for r in _ROLES if any(w.endswith(r) for w in PersonNameRecognizer.CONTEXT_EXCEPT))
#: Words after a role word that make it a heading's (与户主关系, 申请人类型) or open a remark (户主常年外出).
_NO_NAME_AFTER_ROLE: Final = (*_HEADING_AFTER, *_REMARK_WORDS)
#: A role word (group 1), after 其 or not (其女婿: 女婿, not 其女), then the run where a name is; or the role word as
#: a label (group 2: its colon or blanks, 家长：王芳签字, 学生  王芳和李明: RR15aj-4), read by _labelled_names.
#: The separator: one or two colons amid blanks, after a bracketed aside or not (家长（父亲）：王芳签字,
#: 家长：：王芳: RR15ao-4), or blanks.
_LABEL_SEPARATOR: Final = rf"[{BLANKS}]*(?:{ASIDE}[{BLANKS}]*)?(?:[：:][{BLANKS}]*){{1,2}}|[{BLANKS}]+"
_ROLE_THEN_NAME: Final = re.compile("其?(" + "|".join(_ROLES) + f")({_LABEL_SEPARATOR})?(?=({_HAN}{{2,8}}))")
#: What a name after a label needs after it, looked for before anything is read (学生：高风险 has none): the reading
#: of _labelled_names, loosely (a name of 2-4 Chinese characters, blanks or an aside or none, then a tie and a word,
#: 等, or a join).
_LABEL_VALUE: Final = re.compile(f"{_HAN}{{2,4}}?[{BLANKS}]*(?:{ASIDE}[{BLANKS}]*)?"
                                  f"(?:[{''.join(LABEL_TIES)}]?(?:{'|'.join(AFTER_LABEL_NAME)})|等|[和与及、])")
#: Words that are a remark's, whole: REMARK_OPENERS (全家, 时常) and the words opening REMARK_PHRASES (来自, 成为,
#: 任何, 查看: names open with them, 来自强, but they are no name of two characters after a label).
_LABEL_WORDS: Final = frozenset({*REMARK_OPENERS, *(p[:2] for p in REMARK_PHRASES)})
#: Words naming a kind of diagnosis before 诊断 (病案首页: 初步诊断, 修正诊断, 门诊诊断) that open with a
#: surname character: no name before a diagnosis verb (a 出院诊断 column of 初步诊断：肺结核, R15i-14).
_DIAGNOSIS_KINDS: Final = frozenset({"初步", "修正", "门诊", "临床", "病理", "最终", "术前", "术后", "出院", "入院",
                                     "补充", "确定", "主要", "其他", "鉴别", "初次", "再次", "明确", "医生"})
_NAME_THEN_DIAGNOSIS: Final = re.compile(f"(?<!{_HAN})({_HAN}{{2,4}}?)(?={_DIAGNOSIS})")
#: An example marker of a comment, then the list it gives (names separated by 、，,/ 和 及).
_EXAMPLE: Final = re.compile(rf"(?:(?<!{HAN})(?:例如|比如|譬如|示例|举例|如|例)|(?<![A-Za-z])(?:e\.g\.|eg\.|"
                             r"for example|such as))[ \t]*[:：,，]?[ \t]*")
_LIST_SEPARATOR: Final = re.compile(r"[ \t]*(?:[、，,/]|和|及)[ \t]*")


def role_name_hits(text: str, names: Recognizer) -> Iterator[Match]:
    """The names of ``text`` written in the ways of the module docstring, judged by ``names``
    (the person-name recognizer); they may overlap hits the caller has, which it drops."""
    judged: dict[str, Match | None] = {}  # a label's name, judged once a text (a log repeats its labels)
    for m in _ROLE_THEN_NAME.finditer(text):
        role = m.group(1)
        if m.group(2):  # a label (家长：王芳签字, RR15aj-4): what may follow a name there, looked for first
            if _LABEL_VALUE.match(text, m.end()) and not text.startswith(_NO_NAME_AFTER_ROLE, m.end()) \
                    and not _in_exception(text, m.start(1), role):
                yield from _labelled_names(text, m.end(), names, role, judged)
            continue
        longer = text[m.end():m.end() + 1] in _LONGER_WORD and not _minority_name_at(text, m.end())
        if longer or text.startswith(_NO_NAME_AFTER_ROLE, m.end()) \
                or _in_exception(text, m.start(1), role) or _joins_roles(text, m.end()):
            continue
        kin = role in KIN_AND_ROLES
        office = role in OFFICES
        hit = _name_at(text, m.end(), names, _AFTER_OFFICE_NAME if office else _AFTER_KIN_NAME if kin else _AFTER_NAME)
        if hit is None and not office:
            hit = _name_opening(text, m.end(), names)
        # after a role or kin word a word is as likely as a name (村民来信, 妻子的意见, 信访人来访): a name only,
        # and none a remark opens with (学生应该遵守校规, 学生来自全国各地: remark_words, R15ah-4)
        if hit is not None and (not is_person_name(text[hit.start:hit.end])
                                or opens_remark(text, hit.start, hit.end)):
            continue
        if hit is not None:
            yield dataclasses.replace(hit, reason=f"{hit.reason}: after the role word {role!r}")
    for m in _NAME_THEN_DIAGNOSIS.finditer(text):
        if m.group(1) in _DIAGNOSIS_KINDS:  # 初步诊断, 修正诊断: a kind of diagnosis, no one's name
            continue
        yield from _judged(text, m.start(1), m.end(1), names, "beside a diagnosis (PIPL art. 28)")
    for m in _NAME_THEN_TITLE.finditer(text):
        if is_person_name(m.group(1)):  # 高中老师, 全体同志: words
            yield from _judged(text, m.start(1), m.end(1), names, "before a title or kin word")
    for m in _EXAMPLE.finditer(text):
        yield from _examples(text, m.end(), names)


def _labelled_names(text: str, start: int, names: Recognizer, role: str,
                    judged: dict[str, Match | None]) -> Iterator[Match]:
    """The names of the value after the label ``role`` and its colon or blanks, which starts at ``start``
    (RR15aj-4; label_ends.name_span says where a name may end): a name before a word of AFTER_LABEL_NAME
    (家长：王建国已签字, 户主：王建国在外务工), before 等 ending the run or 等人 (学生：王芳等), or names joined by
    和/与/及/、 the last of which ends the run or stands before such a word (学生：王芳和李明). Nothing is read
    otherwise (学生：高一, 学生：公司原因: RR15aj-3, RR15am-2). ``judged``: each name read so far in the text,
    judged by ``names`` (None: no name)."""
    def takes(s: int, e: int) -> bool:
        return _label_name(text, (s, e), names, judged) is not None

    found: list[tuple[int, int]] = []
    at = start
    while (span := name_span(text, at, takes, joined=bool(found))) is not None:
        found.append(span)
        join = join_at(text, span[1])
        if join < 0 or _joins_roles(text, join):
            break
        at = past_blanks(text, join + 1)
    # a first name before a join only counts with a name after it (王芳和李明, not 高一和其他); one reached through a
    # join from a name counts whatever follows it (王芳和李明 和其他同学, 王芳、李明、张伟 及家属: RR15ar-1)
    if len(found) == 1 and join_at(text, found[0][1]) >= 0 and not ends_label_name(text, found[0][1], False):
        found.pop()
    for s, e in found:
        hit = judged[text[s:e]]
        if hit is not None:
            yield dataclasses.replace(hit, start=s, end=e,
                                      reason=f"{hit.reason}: after the role word {role!r} as a label")


def _label_name(text: str, span: tuple[int, int], names: Recognizer, judged: dict[str, Match | None]) -> Match | None:
    """The hit of ``names`` on ``text[start:end]`` (at 0) when it is a person's name by
    identifier_names.is_person_name, none of _LABEL_WORDS (全家, 来自) nor a common word (common_words: 高一, 白天),
    and no remark's opening (remark_words), else None."""
    start, end = span
    token = text[start:end]
    if token not in judged:
        # 高一, 白天, 周一, 时候 are words (common_words): 学生：高一和高二, 学生：白天上学 name no one
        named = is_person_name(token) and token not in _LABEL_WORDS and not is_common_word(token)
        judged[token] = next(_judged(token, 0, end - start, names, ""), None) if named else None
    return None if opens_remark(text, start, end) else judged[token]


def _joins_roles(text: str, at: int) -> bool:
    """Whether a conjunction at ``at`` joins the role word before it to another (脱贫人口和监测对象, 户主与家属,
    学生及家长): 和 is a surname, and 和监测 was read as a name (R15ah-4)."""
    return text.startswith(_CONJUNCTIONS, at) and text.startswith(_ROLE_TUPLE, at + 1)


def _examples(text: str, start: int, names: Recognizer) -> Iterator[Match]:
    """The names of the list starting at ``start`` (a comment's examples), up to the first item
    that is none."""
    while (hit := _name_at(text, start, names)) is not None:
        yield dataclasses.replace(hit, reason=f"{hit.reason}: an example a comment gives")
        sep = _LIST_SEPARATOR.match(text, hit.end)
        if sep is None:
            return
        start = sep.end()


def _name_at(text: str, start: int, names: Recognizer, after: tuple[str, ...] = _AFTER_NAME) -> Match | None:
    """The name starting at ``start``: the whole Chinese run there (two to four characters, up to
    eight of Uyghur, Kazakh, Tibetan or Mongolian name words: 申请人艾尼瓦尔江, R15h-18), or its first
    characters when a word of ``after`` follows them; longest first."""
    end = start
    while end < len(text) and end - start < 9 and re.match(_HAN, text[end]):
        end += 1
    for n in range(min(end - start, 8), 1, -1):
        if text[start + n - 1] == "员" or (n > 4 and not is_minority_name(text[start:start + n])):
            continue  # a job title (安全员, 管理员), not a name; no Han name is longer than four
        if start + n == end or text.startswith(after, start + n):
            for hit in _judged(text, start, start + n, names, ""):
                return hit
    return None


def _name_opening(text: str, start: int, names: Recognizer) -> Match | None:
    """The name opening the Chinese run at ``start`` (right after a role word) when no listed word
    follows it (经办人张建国核实, 残疾人孙志强二级, 孤儿罗欣怡由姑姑抚养): a name of minority name words,
    longest first, else a surname and a given name of two characters, then of one. The name must be
    one by identifier_names.is_person_name (no common, place or field word: 户主常年外出)."""
    run = re.match(f"{_HAN}{{2,9}}", text[start:])
    if run is None:
        return None
    word = run.group()
    minority = [n for n in range(min(len(word) - 1, 8), 2, -1) if is_minority_name(word[:n])]
    han = [n for n in (4, 3, 2) if n < len(word) and all(is_person_name(word[:k]) for k in range(2, n + 1))
           and (n < 4 or word[:2] in COMPOUND_SURNAMES)]
    for n in (*minority, *han):
        if is_person_name(word[:n]):
            for hit in _judged(text, start, start + n, names, ""):
                return hit
    return None


def _judged(text: str, start: int, end: int, names: Recognizer, why: str) -> Iterator[Match]:
    for hit in names.find(text[start:end], context=True):
        if hit.start == 0 and hit.end == end - start:
            reason = f"{hit.reason}: {why}" if why else hit.reason
            yield dataclasses.replace(hit, start=start, end=end, reason=reason)


def _minority_name_at(text: str, start: int) -> bool:
    """A name of name words opens at ``start``: 次仁 after 妻子 is a name (妻子次仁卓玛), not the 次 of
    申请人次数 (R15h-18)."""
    return any(is_minority_name(text[start:start + n]) for n in range(2, 9))


def _in_exception(text: str, start: int, role: str) -> bool:
    """The role word is the end of a heading naming no person (用户名, 商户名: CONTEXT_EXCEPT)."""
    if role not in _EXCEPTION_ENDS:  # most role words end none: asked at every label of a log (RR15am-3)
        return False
    end = start + len(role)
    return any(text[max(0, end - len(w)):end] == w for w in PersonNameRecognizer.CONTEXT_EXCEPT if w.endswith(role))


#: Last characters of a heading naming the person a row is about or who acted for it (车主, 承租人,
#: 嫌疑人, 代领人, 死者, 驾驶员), and the kin and person words of registers (R15f-15).
_ROLE_ENDINGS: Final = "人者主员"
_PERSON_WORDS: Final = frozenset({
    "父亲", "母亲", "配偶", "子女", "儿子", "女儿", "妻子", "丈夫", "祖父", "祖母", "外公", "外婆", "兄弟", "姐妹",
    "家长", "学生", "员工", "职工", "教师", "老师", "医生", "护士", "乘客", "旅客", "住户", "租户", "农户", "客户",
    "股东", "司机", "患者", "病人", "老人", "儿童", "村民", "居民", "党员", "干部", "户主", "本人", "亲属", "家属",
    "联系人", "紧急联系人", "被告", "原告", "犯人", "罪犯", "学员", "会员", "职员", "病患", "孕妇", "新生儿",
})
#: Headings of an address part (房号, 门牌号, 单元): no person's role, whatever their surname-like first character.
_PLACE_HEADINGS: Final = ("号", "单元", "幢", "栋", "室", "楼", "地址", "住址", "村", "组")
#: Last words of a place value (王家村, 李庄, 张家湾, 县财政局 is a heading word already): no one's name.
_PLACE_ENDINGS: Final = (*ADDRESS_REGIONS, *ADDRESS_UNITS, "庄", "屯", "寨", "湾", "坝", "堡", "集")
#: Share of values a role heading's column must hold as names to be tagged as names.
NAME_SHARE: Final = 0.9


def is_role_heading(field: str) -> bool:
    """Whether the column heading ``field`` names a person's role or kin (see the module docstring)."""
    text = "".join(_HAN_RUNS.findall(INVISIBLE.sub("", field)))
    if not text or text.endswith(_PLACE_HEADINGS):
        return False
    # the kin words of 民法典 (老伴, 岳父, 外孙子女, 继母) files put before a name head its column too (R15h)
    return text in _PERSON_WORDS or text in ROLE_LEADS or text[-1] in _ROLE_ENDINGS


def name_share(values: Sequence[str]) -> tuple[int, int]:
    """How many of the non-empty ``values`` are a person's name as a whole (is_person_name, no
    place word at its end), and how many there are."""
    seen = [v.strip() for v in values if v.strip()]
    return sum(1 for v in seen if is_person_name(v) and not v.endswith(_PLACE_ENDINGS)), len(seen)


_HAN_RUNS: Final = re.compile(f"{HAN}+")
