"""Where a person's name after a role label ends (stage: classification; PIPL art. 28 and 51, GB/T 35273-2020 §6.2
display masking; issue 15, RR15aj-4 and RR15ao-4). role_names finds the label (家长：, 学生  ) and judges the name;
this module says which run of characters after the label a name may be.

After a label the value is as often a field's as a name (学生：高一, 学生：公司原因: RR15aj-3, RR15am-2): a name
of two to four characters is read only before a word said of a person (签字, 在外务工, after a tie: 已签字),
before 等 ending the run or 等人, or joined by 和/与/及/、 to a second name. A remark may put blanks or a
bracketed aside between the name and that word (家长：王芳 签字, 家长：王芳（父亲）签字, 家长： 王芳 和 李明),
and a given name may end with a tie or join character (王晓均签字, 王志和签字): RR15ao-4, where all of these
were shown in clear.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final

from govsoc.classification.cn_codes import COMPOUND_SURNAMES
from govsoc.classification.remark_words import AFTER_PERSON, SIGN_OFFS

__all__ = ["AFTER_LABEL_NAME", "ASIDE", "BLANKS", "LABEL_TIES", "NAME_JOINS", "aside_before", "ends_label_name",
           "is_han", "join_at", "name_span", "past_blanks"]

#: The most characters an aside holds between its brackets (患者（男，45岁）：王芳住院).
_ASIDE_LONGEST: Final = 8
#: A bracketed aside (家长（父亲）：王芳签字, 家长：王芳（父亲）签字: RR15ao-4): after the role word before a
#: colon, or after the name before the word said of the person.
ASIDE: Final = rf"[（(][^（）()]{{1,{_ASIDE_LONGEST}}}[）)]"

#: What a remark writes right after a person's name, never the end of a name nor of an ordinary word read as one
#: (RR15aj-4): remark_words.AFTER_PERSON (R15k-6) and SIGN_OFFS (R15n-18) less the words that go on an
#: ordinary word too (在外: 白天在外, 学生：高一在外; 一级..四级: 阴性一级), with 同意 and 在外务工 / 在外打工 whole.
#: After a label's colon or blanks a name is read only before one of them (or a tie and one: 已签字, 未签字): the
#: value after a label is as often a field's (学生：高一, 家长：周一, 学生：公司原因 are no names: RR15aj-3, RR15am-2).
AFTER_LABEL_NAME: Final = tuple(sorted({*AFTER_PERSON, *SIGN_OFFS, "同意", "在外务工", "在外打工"}
                                        - {"在外", "一级", "二级", "三级", "四级"}, key=len, reverse=True))
#: Ties a remark puts between a name and such a word (王建国已签字, 王芳未签字, 王芳现住院).
LABEL_TIES: Final = ("已", "未", "现", "均", "也")
#: Of the ties and joins, those a given name ends with (王晓均签字, 王志和签字, 金冲及同意: RR15ao-4): jieba's
#: dict.txt lists 3-character person names (nr) ending in 均 (29: 顾维均, 屈大均, 严可均), 和 (80) and 及 (3: 金冲及);
#: those ending in 已 未 现 也 与 (4-24 each) are a name and the tie cut together (刘备未, 杨过现, 袁绍已). Before a
#: word said of a person such a character is read as the name's: a character over-masked rather than one shown.
NAME_ENDING_LINKS: Final = ("均", "和", "及")
#: Blanks a remark puts between a name and what follows it (家长：王芳 签字, 家长： 王芳 和 李明: RR15ao-4).
BLANKS: Final = " \t\u3000"

#: What joins two names after one label (学生：王芳和李明, 学生：王芳、李明签字).
NAME_JOINS: Final = ("和", "与", "及", "、")


def name_span(text: str, start: int, takes: Callable[[int, int], bool], *, joined: bool) -> tuple[int, int] | None:
    """The span of the name after a label at ``start`` (_label_name_length) when ``takes`` (its start and end) takes it
    for one, else None; with the tie or join after it when that is a character a given name ends with, a word said of
    a person or blanks and a join follow it and ``takes`` the longer run too (王晓均签字, 王志和签字, 王志和 和 李明:
    NAME_ENDING_LINKS; never a join right after it: 王芳和和平 is two names). The shorter run must be a name itself:
    查看均同意 names no one. ``joined``: a name joined to one before it, which
    may end the run."""
    n = _label_name_length(text, start, joined=joined)
    if not n or not takes(start, start + n):
        return None
    end = start + n
    if text.startswith(NAME_ENDING_LINKS, end) and (n < 3 or _compound(text, start)) \
            and _link_ends_name(text, end + 1, joined) and takes(start, end + 1):
        return start, end + 1
    return start, end


def _link_ends_name(text: str, at: int, joined: bool) -> bool:
    """Whether a name that takes in the tie or join before ``at`` may end there: blanks or an aside and a join follow
    (王志和 和 李明), a word said of a person, or, for a joined name, the run's end with no Chinese character past the
    blanks: in 学生：王芳、李明和 张伟签字 the 和 joins 张伟 (RR15ar-2: read as 李明和, it hid the join, 张伟 shown)."""
    if join_at(text, at) > at:
        return True
    ahead = past_blanks(text, at)
    return ends_label_name(text, at, joined and (ahead >= len(text) or not is_han(text[ahead])))


def _label_name_length(text: str, start: int, *, joined: bool) -> int:
    """The length (2-4, four only with a compound surname) of the Chinese characters at ``start`` that a word
    ending a name after a label follows (_ends_label_name) or a join, else 0; shortest first (王建国已签字: 王建国)."""
    for n in (2, 3, 4):
        end = start + n
        if end > len(text) or not is_han(text[end - 1]) or (n == 4 and not _compound(text, start)):
            return 0
        if join_at(text, end) >= 0 or ends_label_name(text, end, joined):
            return n
    return 0


def _compound(text: str, start: int) -> bool:
    """Whether a compound surname (欧阳, 司马) opens ``text`` at ``start``."""
    return text[start:start + 2] in COMPOUND_SURNAMES


def past_blanks(text: str, at: int) -> int:
    """Where the blanks starting at ``at`` in ``text`` end."""
    while at < len(text) and text[at] in BLANKS:
        at += 1
    return at


def join_at(text: str, end: int) -> int:
    """Where a join (和, 、) stands after the name ending at ``end``, past blanks and a bracketed aside, else -1
    (王芳（父亲）和李明, 王芳（父亲）、李明（母亲）签字: RR15ar-2, both names were shown in clear)."""
    at = _past_aside(text, end)
    return at if text.startswith(NAME_JOINS, at) else -1


def _past_aside(text: str, end: int) -> int:
    """Where what follows a name ending at ``end`` starts, past blanks and a bracketed aside (王芳（父亲）签字)."""
    at = past_blanks(text, end)
    if at < len(text) and text[at] in "（(":
        close = _ASIDE_PATTERN.match(text, at)
        if close is not None:
            at = past_blanks(text, close.end())
    return at


def aside_before(text: str, end: int) -> int:
    """Where a bracketed aside (ASIDE) ending at ``end`` in ``text`` starts, else ``end``: the one a label holds
    before its colon (患者（男）：王芳住院), read back by cell_names (RR15ar-6: it had its own copy of the rule)."""
    aside = _ASIDE_BEFORE.search(text, max(0, end - _ASIDE_LONGEST - 2), end)
    return aside.start() if aside is not None else end


def ends_label_name(text: str, end: int, joined: bool) -> bool:
    """Whether a name after a label may end at ``end``: a word of AFTER_LABEL_NAME there (past blanks and an aside,
    after a tie or not), 等 ending the run or 等人, or, for a name joined to the one before it, the run's end."""
    # one such word opening a character earlier takes that character from the name (信审核查: 审核, not 信审 + 核查)
    if text.startswith(AFTER_LABEL_NAME, end - 1):
        return False
    said = _past_aside(text, end)
    tied = said + 1 if text.startswith(LABEL_TIES, said) else said
    # 等 as the words said of a person, past the same blanks and aside (王芳 等人签字, 郝冲及 等人: RR15ar-2)
    if text.startswith(AFTER_LABEL_NAME, tied) or text.startswith("等人", said):
        return True
    after = said + 1 if text.startswith("等", said) else end if joined else -1
    return after >= 0 and (after >= len(text) or not is_han(text[after]))


def is_han(char: str) -> bool:
    """Whether ``char`` is a Chinese character of han.HAN_CLASS, the blocks registers write names in (王䶮, 马𬌗: a
    生僻字 of Extension A or E ended the name on U+4E00..U+9FA5); comparisons, not a regular expression per
    character."""
    return "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf" or "\U00020000" <= char <= "\U0003ffff"


_ASIDE_PATTERN: Final = re.compile(ASIDE)
_ASIDE_BEFORE: Final = re.compile(ASIDE + r"\Z")  # \Z at search's endpos: an aside ending there
