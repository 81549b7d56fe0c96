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
given names do not end in: FIELD_ENDINGS). A name followed by a word of a per-person file
(家庭成员, 档案, 的 ...: TAILS) is one too.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Final

import govsoc.classification.recognizers  # noqa: F401  (the registry, filled)
from govsoc.classification.masking import mask
from govsoc.classification.recognizer import recognizers
from govsoc.classification.recognizers.person import PersonNameRecognizer

__all__ = ["FIELD_WORDS", "FIELD_ENDINGS", "TAILS", "is_field_word", "is_person_name", "mask_person_names"]

#: Headings and file words that open with a surname character and are no one's name: kin and
#: roles a roster has a column for (R15e-19), and the words of registers' file and sheet names.
FIELD_WORDS: Final = frozenset({
    "母亲", "父亲", "配偶", "子女", "儿子", "女儿", "妻子", "丈夫", "祖父", "祖母", "外公", "外婆", "兄弟", "姐妹",
    "花名册", "明细", "党员", "党费", "党建", "宗教", "民族", "籍贯", "车牌", "房屋", "房产", "卫生", "应急",
    "安置", "计生", "国土", "农户", "农业", "贫困户", "低保", "汇总", "统计", "名单", "清单", "台账", "常住",
    "户籍", "人口", "成员", "居民", "职工", "干部", "学生", "教师", "学籍", "邮箱", "备注", "简历", "政审",
    "关系", "国籍", "原因", "原籍", "文化", "党派", "宗教信仰", "华侨",
})
#: Last characters of headings (修改人, 操作员, 申请者, 车牌号, 房号, 学历, 类别 ...) that end no given
#: name in common use: a token ending in one is a word, not a name.
FIELD_ENDINGS: Final = frozenset("人员者号码牌址型类别期额数率况注称部局委办所处院校表册单库录簿档案料历证态龄")
#: Words that follow a person's name in a per-person file, folder or sheet name (赵六家庭成员.csv,
#: 张三丰档案, 王五的材料): the name before them is masked.
TAILS: Final = ("家庭成员", "家庭", "家属", "一家", "档案", "材料", "资料", "信息", "个人", "户籍", "的")

_HAN_RUN: Final = re.compile(r"[\u4e00-\u9fa5]+")
_NAMES: Final = PersonNameRecognizer()


@cache
def _context_words() -> frozenset[str]:
    """The Chinese context words of every recognizer (申请人, 联系电话, 出生 ...): headings."""
    kinds = (recognizers.get(i) for i in recognizers.ids())
    return frozenset(w for rec in kinds for w in (*rec.CONTEXT, *rec.WEAK_CONTEXT) if not w.isascii() and len(w) > 1)


def is_field_word(token: str) -> bool:
    """Whether ``token`` (Chinese characters) reads as a heading or file word, never a name."""
    words = _context_words()
    # token[-1:]: a JSON key may be "" (R15f-2), which is no word
    return (token in FIELD_WORDS or token in words or token[-1:] in FIELD_ENDINGS
            or any(token.startswith(w) or token.endswith(w) for w in words))


def is_person_name(token: str) -> bool:
    """Whether ``token`` is a person's name (2-4 Chinese characters with a listed surname, not a
    common or field word)."""
    return (2 <= len(token) <= 4 and _HAN_RUN.fullmatch(token) is not None and not is_field_word(token)
            and _NAMES.validate(token) is not None)


def _masked_run(run: str) -> str:
    if is_person_name(run):
        return mask("name", run)
    # the name is what comes before the first tail word (王五的材料: 王五, not 王五的)
    cut = min((run.find(tail) for tail in TAILS if run.find(tail) > 0), default=0)
    return mask("name", run[:cut]) + run[cut:] if cut and is_person_name(run[:cut]) else run


def mask_person_names(text: str) -> str:
    """``text`` (a key, heading, sheet, table, file or folder name, or a path) with each run of
    Chinese characters that is a person's name (or one before a TAILS word) masked by the name rule."""
    return _HAN_RUN.sub(lambda m: _masked_run(m.group()), text) if not text.isascii() else text
