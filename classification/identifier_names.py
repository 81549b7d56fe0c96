"""Person names inside the names of things: JSON keys, column headings, sheets, tables, files and
folders (stage: classification; reference §8, issue 15: masking "never reveals more than the rule
says").

Per-person exports name things after their person: a phone book dumped as ``{name: phone}``, a
workbook of one 登记表 per sheet named 孙芳军, folders 个人档案/张三丰/, files 王五.csv and
赵六家庭成员.csv, a SQLite table 王小明 (R15e-8, R15e-10, R15e-11). Such a name is data and is shown
as values are, by the ``name`` rule (张**). Headings are words, though, and many open with a
surname character: 修改人, 母亲, 车牌号, 花名册, 明细 (R15e-19): a token is a person's name only when
the name recognizer validates it (a listed surname, not a common word: cn_codes.NOT_NAMES) and it
is no field word (FIELD_WORDS, a recognizer's own context word, or a word ending in a character
given names do not end in: FIELD_ENDINGS). A place is no name either: a run ending in an
administrative unit (萧山区, 李庄镇, 王家村, 张家港: PLACE_ENDINGS, GB/T 2260 naming) or a known place
written without one (江北, 沈阳, 常熟: PLACES), nor is an ordinary word (原始, 封面, 司法: WORDS); the
inventory showed folders of 各乡镇 as 江**, 李** (R15f-23) and read a map keyed by villages as a map of
people (R15f-29). Inside a longer run a name is found at any position that a file name puts one
(R15f-9): at the run's start or after a year, a date, 关于, 第三组, 给予 (LEADS), a kin or role word
(低保户, 户主, 被执行人, 长子, 特困人员, 残疾人, 老伴, 侄子: ROLE_LEADS and the name recognizer's
headings, themselves no names), a place (龙游县王小明, 萧山王小明: UNIT_LEADS, PLACES; R15h-17; no name
opens at a unit: 柯城区低保 is a place and a word, R15g-25) or another name, and
before a word of a per-person document (家庭成员, 档案, 的, 身份证, 简历, 申请, 同志 ...: FOLLOWS), the
run's end, 户/家 ending it (张建国家, 第三组王小明户: RUN_ENDS) or another name (王小明李四; R15g-5);
after a role word (ROLE_LEADS, role_titles: 护林员, 村长, 会计) whatever follows it (护林员彭丽巡护日志,
村长王建国讲话: R15k-2), unless a word opens there (网格员周报, 当事人权利义务).
"""

from __future__ import annotations

import re
from functools import cache
from typing import Final

import govsoc.classification.recognizers  # noqa: F401  (the registry, filled)
from govsoc.classification.cn_codes import COMPOUND_SURNAMES
from govsoc.classification.gapped_names import masked, masked_across_gaps
from govsoc.classification.han import GAP, HAN
from govsoc.classification.household_categories import ends_in_category
from govsoc.classification.kin_given_names import KIN_AFTER, KIN_NAMED, ZI_GIVEN
from govsoc.classification.minority_names import is_minority_name
from govsoc.classification.name_words import (
    FEATURE_ENDINGS,
    FIELD_ENDINGS,
    FIELD_WORDS,
    FOLLOWS,
    ILLNESS,
    LANDMARKS,
    LEADS,
    PLACE_ENDINGS,
    PLACES,
    REGIONS,
    ROLE_LEADS,
    RUN_ENDS,
    TAILS,
    UNIT_LEADS,
    WORDS,
)
from govsoc.classification.recognizer import recognizers
from govsoc.classification.recognizers.person import PersonNameRecognizer
from govsoc.classification.remark_words import opens_remark
from govsoc.classification.role_titles import ROLE_SHAPES, ROLE_TITLES
from govsoc.classification.titled_names import (
    APPOINTMENT_DOCUMENTS,
    APPOINTS,
    FORMS,
    document_word_at,
    name_before_title,
)

__all__ = ["FIELD_WORDS", "FIELD_ENDINGS", "TAILS", "FOLLOWS", "LEADS", "ROLE_LEADS", "ROLE_SHAPES", "ROLE_TITLES",
           "UNIT_LEADS",
           "RUN_ENDS",
           "PLACES", "PLACE_ENDINGS", "WORDS",
           "is_field_word", "is_person_name", "is_place", "mask_person_names"]


#: A run of Han characters (生僻字 of Extension A and later too: 王䶮, 马𬌗), gaps inside it (王　芳; R15n-11)
_HAN_RUN: Final = re.compile(f"{HAN}+(?:{GAP.pattern}{HAN}+)*")
_HAN_WORD: Final = re.compile(f"{HAN}+")
_ROLE_WORDS: Final = frozenset((*ROLE_LEADS, *ROLE_TITLES))
_NAMES: Final = PersonNameRecognizer()


@cache
def _context_words() -> frozenset[str]:
    """The Chinese context words of every recognizer (申请人, 联系电话, 出生 ...): headings."""
    kinds = (recognizers.get(i) for i in recognizers.ids())
    return frozenset(w for rec in kinds for w in (*rec.CONTEXT, *rec.WEAK_CONTEXT) if not w.isascii() and len(w) > 1)


def is_field_word(token: str) -> bool:
    """Whether ``token`` (Chinese characters) reads as a heading or file word, never a name."""
    words = _context_words()
    # token[-1:]: a JSON key may be "" (R15f-2), which is no word. Opening or ending with a context
    # word (each of 2 characters or more) is asked of the token's own heads and tails, a set lookup
    # each: asking it of every word took 51 million calls on 1,000 remarks of 340 characters, where
    # every role word tries names of 2..8 characters (R15k-19: 30 s against 2.6 s before cell_names).
    return (token in FIELD_WORDS or token in words or token[-1:] in FIELD_ENDINGS
            or any(token[:n] in words or token[-n:] in words for n in range(2, len(token) + 1)))


def is_place(token: str) -> bool:
    """Whether ``token`` (Chinese characters) names a place: a known one, or a run ending in an
    administrative unit."""
    return token in PLACES or (len(token) > 1 and token.endswith(PLACE_ENDINGS)) or _is_landmark(token)


def _is_landmark(token: str) -> bool:
    """Whether ``token`` names a place that is no administrative unit, or one written without it
    that reads as a minority name (LANDMARKS, REGIONS)."""
    return token in REGIONS or token in LANDMARKS


def is_person_name(token: str) -> bool:
    """Whether ``token`` is a person's name (2-4 Chinese characters with a listed surname, or 2-8
    of Tibetan, Uyghur, Kazakh or Mongolian name words: 扎西次仁, 阿不都热合曼; not a common or field word,
    not a place, not a kin or role word: 孙子, 孙女 and 边缘 open with a surname; nor one opening with
    a role word: 房东曹 of 房东曹国强, R15i-2)."""
    return ((2 <= len(token) <= 4 or is_minority_name(token)) and _HAN_WORD.fullmatch(token) is not None
            and not is_field_word(token) and token not in _ROLE_WORDS
            and token[:2] not in _ROLE_WORDS and token[:3] not in _ROLE_WORDS
            and token not in WORDS and not is_place(token) and not _opens_as_words(token)
            and _NAMES.validate(token) is not None)


#: FOLLOWS words of two characters and more: a surname character before one is no name (金申请).
_LONG_FOLLOWS: Final = tuple(w for w in FOLLOWS if len(w) > 1)
#: FOLLOWS words that are given names in use: 劳动, an era name of the 1950s and 60s (as 建国, 抗美),
#: common among the elderly that 低保, 特困 and 养老 registers are about (低保户王劳动.csv: R15k-15).
_GIVEN_NAMES: Final = frozenset({"劳动"})


def _opens_as_words(token: str) -> bool:
    """Whether ``token`` (three characters and more) reads as words, not as a name: it opens with a
    file word (安置点, 干部黄 of 驻村干部黄晓东, 包联户), or its given name is a word that follows
    a name (金申请, 金发放 of 临时救助金发放, 母赡养 of 岳父母赡养: R15j-8) and no given name in use
    (_GIVEN_NAMES: 王劳动)."""
    if token in _LONG_FOLLOWS:  # 任免 of 驻村干部任免, 考核 of 护林员考核: a word after a role word
        return True
    if len(token) < 3 or is_minority_name(token):
        return False
    given = token[2:] if token[:2] in COMPOUND_SURNAMES else token[1:]
    return token[:2] in FIELD_WORDS or (given.startswith(_LONG_FOLLOWS) and given not in _GIVEN_NAMES)


@cache
def _leads() -> tuple[str, ...]:
    """LEADS, ROLE_LEADS, UNIT_LEADS, PLACES (萧山王小明.csv: a place written without its unit shields
    no name either, R15h-17) and the name recognizer's Chinese headings: what a name may follow."""
    return (*LEADS, *APPOINTS, *FORMS, *ROLE_LEADS, *UNIT_LEADS, *sorted(PLACES), *FEATURE_ENDINGS, *sorted(REGIONS),
            *(w for w in PersonNameRecognizer.CONTEXT if not w.isascii()))


def _name_at(run: str, start: int, depth: int = 0, *, role: bool = False) -> int:
    """The length of the person's name at ``start`` of ``run`` (0 for none): the shortest that a
    FOLLOWS word, the run's end or a RUN_ENDS character ending the run follows (王五的材料: 王五,
    not 王五的), else the longest that another name follows (王小明李四). None opens at a unit
    inside the run: the unit ends the place before it (柯城区低保, 万州区低保: 区 is a surname, and
    柯城 + 区低保 was read as two names, R15g-25)."""
    if start and run.startswith(UNIT_LEADS, start) or _opens_with_lead(run, start) or _region_at(run, start):
        return 0
    names = [n for n in range(2, 9) if start + n <= len(run) and is_person_name(run[start:start + n])]
    kin = 0 if names else _kin_named_at(run, start, depth)
    names = names or [kin] * bool(kin)
    for length in names:
        rest = run[start + length:]
        # an illness word after a person's name (王建国病休, 赵丽疫苗接种记录: RR15aj-1) ends it as a FOLLOWS word does
        if not rest or rest.startswith(FOLLOWS) or rest in RUN_ENDS or rest[0] in ILLNESS:
            return length
    if length := name_before_title(run, start, names):  # 李明局长讲话, 任命王建国为 (R15n-10)
        return length
    if role and (length := _name_after_role(run, start) or kin):
        return length
    # names run together: the longest first (王小明李四: 王小明, not 王小 + 明李四), none opening
    # with a word (公务用 + 车登记 of 公务用车登记, R15i-17)
    if _opens_with_word(run, start):
        return 0
    return next((n for n in reversed(names) if depth < 3 and _name_at(run, start + n, depth + 1)), 0)


def _kin_named_at(run: str, start: int, depth: int) -> int:
    """3 where a child named 孙子X stands at ``start`` (孙 a surname, 子X the given name), else 0: X is
    no word after the kin word (孙子女, 孙子们, 孙子的作业: _ROLE_WORDS, KIN_AFTER, FOLLOWS), the three
    are a name but for the kin word (is_person_name's other tests), and no name follows the kin word
    (孙子王小明 is 孙子 + 王小明, R15h-17)."""
    token = run[start:start + 3]
    if not token.startswith(KIN_NAMED) or len(token) < 3 or token in _ROLE_WORDS or token[2] in KIN_AFTER \
            or run.startswith(FOLLOWS, start + 2) or token[2] not in ZI_GIVEN and start + 3 < len(run):
        return 0
    named = not is_field_word(token) and token not in WORDS and not is_place(token) \
        and not _opens_as_words(token) and _NAMES.validate(token) is not None
    return 3 if named and not _name_at(run, start + 2, depth + 1) else 0


#: LEADS of two characters and more (关于, 给予, 授予): they open no name (关于李** read 关**, R15i-16).
_LONG_LEADS: Final = (*(w for w in LEADS if len(w) > 1), *APPOINTS)
#: WORDS of two characters, the start of a run that is no name run on into another (公务用车登记).
_TWO_CHARACTER_WORDS: Final = frozenset(w for w in WORDS if len(w) == 2)


def _opens_with_lead(run: str, start: int) -> bool:
    """Whether a LEADS word of two characters and more opens ``run`` at ``start`` (关于李建国同志)."""
    return run.startswith(_LONG_LEADS, start)


def _opens_with_word(run: str, start: int) -> bool:
    """Whether an ordinary word (WORDS: 公务, 高龄, 原始) opens ``run`` at ``start``: a name read there
    would run into a word, not into another name (公务用车登记 is no 公务用 + 车登记, R15i-17)."""
    return run[start:start + 2] in _TWO_CHARACTER_WORDS


def _region_at(run: str, start: int) -> bool:
    """Whether a region that reads as names run together opens at ``start`` (巴音郭楞: REGIONS)."""
    return any(run.startswith(region, start) for region in REGIONS)


def _after_role_shape(before: str) -> bool:
    """Whether ``before`` (the run up to a position) ends in a word shaped as a role (ROLE_SHAPES),
    of two characters and more."""
    return len(before) >= 2 and before.endswith(ROLE_SHAPES)


@cache
def _role_words() -> tuple[str, ...]:
    """ROLE_LEADS, ROLE_TITLES and the name recognizer's Chinese headings (申请人, 户主, 监护人 ...)."""
    return (*ROLE_LEADS, *ROLE_TITLES, *(w for w in PersonNameRecognizer.CONTEXT if not w.isascii() and len(w) > 1))


def _role_word_at(run: str, start: int) -> int:
    """The length of a listed role word of three characters and more opening at ``start`` of ``run``
    (班主任, 护林员, 网格员), else 0: no name opens inside it."""
    return next((len(w) for w in _long_role_words().get(run[start:start + 1], ()) if run.startswith(w, start)), 0)


@cache
def _long_role_words() -> dict[str, tuple[str, ...]]:
    """The role words of three characters and more by their first character, the longest first: a position
    tries the few that open with its character, not all (a run of 业主任 paid 180 startswith a position)."""
    words = sorted({w for w in _role_words() if len(w) >= 3}, key=len, reverse=True)
    return {first: tuple(w for w in words if w[0] == first) for first in {w[0] for w in words}}


def _after_role(before: str) -> bool:
    """Whether ``before`` ends in a role or kin word, listed or shaped as one (R15k-2), or in a
    household's or people's category (易地搬迁户, 残疾人家庭, 失地农民: ends_in_category, R15n-17)."""
    return _after_role_shape(before) or before.endswith(_role_words()) or ends_in_category(before) \
        or before.endswith(APPOINTMENT_DOCUMENTS)


#: Words that are names too (高峰, 杨梅): a name at a run's end or before a FOLLOWS word (户主高峰.csv),
#: a word before words no list holds (人员高峰时段, 监督员杨梅采摘, 户主杨梅种植: R15k-1, R15k-6).
_NAMES_AS_WORDS: Final = frozenset({"高峰", "杨梅"})


def _opens_with_file_word(run: str, start: int) -> bool:
    """Whether a file, heading or ordinary word opens ``run`` at ``start`` (花名册, 满意度, 权利), not a
    name and a heading word after it (范杰 + 手机号, 秦玲 + 住址, 刘敏 + 联系方式: R15n-1)."""
    if any(_name_then_word(run[start:start + n], run[start + n:]) for n in (2, 3)):
        return False
    return any(is_field_word(w) or w in WORDS for w in (run[start:start + n] for n in range(2, 5)))


#: Words of a person's own record that open with no surname's word (医生曹婷处方, 村长潘欣怡录音,
#: 护士潘芳任期审计, 教师马磊课表: R15n-1): a name before one is read whatever its last character.
RECORD_HEADS: Final = ("处方", "录音", "录像", "课表", "教案", "推荐", "任期", "手机", "住址", "电话", "联系", "通讯",
                       "家庭", "档案")


def _word_at(rest: str) -> bool:
    """Whether a heading or record word opens ``rest`` (手机号, 住址, 联系方式, 处方 ...)."""
    return rest.startswith(RECORD_HEADS) or rest[:2] in _context_words() or rest[:2] in FIELD_WORDS


def _name_then_word(name: str, rest: str) -> bool:
    """Whether ``name`` is a person's name and a heading or record word opens ``rest`` after it
    (范杰 + 手机号 of 护林员范杰手机号, 秦玲 + 住址, 潘欣怡 + 录音): is_field_word reads a token's tail
    or last character (范杰手机, 潘欣怡录), which says nothing of the name before it."""
    return _word_at(rest) and is_person_name(name)


def _name_after_role(run: str, start: int) -> int:
    """The length of the name opening ``run`` at ``start`` right after a role word, whatever follows
    it (护林员彭丽巡护日志, 村长王建国讲话: R15k-2): a person's file names what it is after the name, in
    words no list holds. Minority name words longest first, else a surname and a given name of two
    characters, then of one, each shorter part a name too (彭丽巡: 彭丽 and 彭丽巡); none opening
    with a word (网格员周报), nor a word that is a name too (_NAMES_AS_WORDS) before words."""
    if _opens_with_word(run, start) or run.startswith(FOLLOWS, start) or _opens_with_file_word(run, start) \
            or (run.startswith(_LONG_FOLLOWS, start + 1) and run[start + 1:start + 3] not in _GIVEN_NAMES) \
            or run[start:start + 2] in _NAMES_AS_WORDS:  # 周 + 考核 (讲解员周考核): no given name
        return 0
    minority = [n for n in range(8, 2, -1) if start + n <= len(run) and is_minority_name(run[start:start + n])]
    han = [n for n in (4, 3, 2) if start + n <= len(run) and (n < 4 or run[start:start + 2] in COMPOUND_SURNAMES)
           and all(is_person_name(run[start:start + k]) for k in range(2, n + 1))]
    found = [n for n in (*minority, *han) if is_person_name(run[start:start + n])]
    # the name a heading word follows (范杰 + 手机号, not 范杰手 + 机号: R15n-1), else the longest
    return next((n for n in found if _word_at(run[start + n:])), found[0] if found else 0)


def _category_at(run: str, start: int) -> int:
    """The length of a category at ``start`` that a name follows (0 for none): an ordinary word and
    one character (危房户, 计生户, 文明户, 信访件, 公务车) before a name (危房户李建国.csv). The word opens
    no name (_opens_with_word, 公务用车登记), but the name after the category is one (R15k-12)."""
    if not _opens_with_word(run, start) or start + 3 >= len(run):
        return 0
    return 3 if _name_at(run, start + 3) else 0


def _name_spans(run: str) -> list[tuple[int, int]]:
    """The (start, end) of each person's name in ``run`` (Han characters, no gap)."""
    spans: list[tuple[int, int]] = []
    start, after_name = 0, False
    while start < len(run):
        completes, read = _completes_role(run, start) if start > 0 and _after_role(run[:start]) else (True, None)
        role = not completes
        lead = start == 0 or after_name or role or run[:start].endswith(_leads())
        # 班主任王建国: no name 班主 + 任王建 (R15q-1); 鉴定表范例: no name 范例 (R15ah-4)
        word = _role_word_at(run, start) if lead else 0
        step = document_word_at(run, start) if lead and not word else 0
        if word or step:
            start, after_name = start + word + step, bool(step)
            continue
        # a remark's opening after a role word (学生应该遵守校规, 学生任何时候: remark_words, R15ah-4) is no name
        remark = role and opens_remark(run, start, start + 2)
        length = ((_name_at(run, start, role=role) if read is None else read) if lead and not remark else 0)
        category = _category_at(run, start) if lead and not length else 0
        if length:
            spans.append((start, start + length))
        start, after_name = start + (length or category or 1), bool(length or category)
    return spans


def _completes_role(run: str, start: int) -> tuple[bool, int | None]:
    """Whether the character at ``start`` completes a longer role word (交警 + 官 = 警官: 交警官王建国, R15n-2)
    that a name follows, so no name opens at it. When none follows the longer word and one opens at
    ``start``, the character is that name's surname (业主 + 任丽, not 业主任 + 丽; 车主任伟: R15q-2). With it,
    the length of the name read at ``start`` after the role word where it was read (None where not), so that
    _name_spans reads it once: reading it twice made a run of 业主任 2-3 times slower (R15ah-5)."""
    if not _after_role(run[:start + 1]):
        return False, None
    if _name_at(run, start + 1, role=True):
        return True, None
    length = _name_at(run, start, role=True)
    return (False, length) if length else (True, None)


def _opens_name(run: str, start: int) -> bool:
    """Whether a name may open at ``start`` of ``run`` by what stands before it, no name counted."""
    return start == 0 or _after_role(run[:start]) or run[:start].endswith(_leads())


def _name_opening(run: str) -> int:
    """The length of the name opening ``run`` (0 for none), as at the start of _name_spans: none where a role
    word opens it (班主任)."""
    return 0 if _role_word_at(run, 0) else _name_at(run, 0)


def _masked_run(run: str) -> str:
    if GAP.search(run):  # 护林员彭 丽巡护日志: a padded name (R15n-11)
        return masked_across_gaps(run, _name_spans, _opens_name, _name_opening)
    return masked(run, _name_spans(run))


def mask_person_names(text: str) -> str:
    """``text`` (a key, heading, sheet, table, file or folder name, or a path) with each run of
    Chinese characters that is a person's name (or one before a TAILS word) masked by the name rule."""
    return _HAN_RUN.sub(lambda m: _masked_run(m.group()), text) if not text.isascii() else text
