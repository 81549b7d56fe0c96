"""Personal names inside asset names, masked for display (stage: classification; PIPL art. 4 and 51,
GB/T 35273-2020 §3.1 and Annex A: a name that identifies a person is personal information wherever
it stands; shared/reference/classification.md §8 masking).

Host, system and agency names are the SOC's own identifiers, shown in reports as they are, but
people name machines after themselves and agencies write a contact into their name:

- **a Chinese possessive** (``张三的电脑``, ``李小明的 MacBook``, ``张三的测试系统``): the two to
  four Chinese characters before 的 that the person-name recognizer takes for a name;
- **a Chinese name as a part of the name** (``张伟-PC``, ``PC-李明``, ``市卫健委-王芳``): a run of
  two or three Chinese characters standing apart (anything but Chinese on both sides) that the
  recognizer takes for a name, in a host name anywhere, in a system or agency name only as a
  later part set off by a separator (SEPARATORS: ``市卫健委-王芳``; ``李庄镇`` and
  ``一网通办<门户>`` stay: a place comes first, a bracketed word is the system's own);
- **a name in pinyin beside a device word** (``zhangsan-pc``, ``DESKTOP-ZHANGWEI``,
  ``liming's-MacBook``, ``wangfang-laptop``): a word made of a surname's pinyin and one or two
  more syllables, next to or glued to one of DEVICE_WORDS. A word alone is left: pinyin place
  names (``shanghai-dc``, ``hebei-gov``) read as names too;
- what free text holds (an ID or phone number, ``联系人：王芳``, a password): classification.free_text.

The masked form is the name rule's (``张**``, ``z**``: govsoc.classification.masking), as for a
name anywhere else. Nothing here is a new recognizer: names are judged by cn_person_name, and the
pinyin readings of its surnames are govsoc.classification.pinyin_names's (pypinyin, heteronyms included).
"""

from __future__ import annotations

import re
from functools import cache
from typing import Final, Literal

from govsoc.classification.free_text import mask_free_text
from govsoc.classification.masking import mask
from govsoc.classification.pinyin_names import pinyin_word
from govsoc.classification.recognizer import Recognizer
from govsoc.classification.recognizers.person import PersonNameRecognizer

__all__ = ["AssetKind", "DEVICE_WORDS", "mask_asset_name"]

AssetKind = Literal["host", "system", "agency"]
#: Words that make a name beside them a device's owner (lower case).
DEVICE_WORDS: Final = frozenset({"pc", "laptop", "desktop", "notebook", "nb", "macbook", "mbp", "mba", "imac",
                                 "iphone", "ipad", "phone", "android", "ws", "workstation", "thinkpad", "surface",
                                 "computer", "mac"})
_HAN_RUN: Final = re.compile(r"[\u4e00-\u9fa5]+")
#: What sets a person's name off as a part of a system or agency name.
SEPARATORS: Final = frozenset("-_/| \t")
_WORD: Final = re.compile(r"[A-Za-z]+")
#: A possessive 's after a pinyin word (liming's MacBook).
_POSSESSIVE_S: Final = re.compile(r"['\u2019]s\b", re.IGNORECASE)


@cache
def _names() -> Recognizer:
    return PersonNameRecognizer()


def mask_asset_name(name: str, kind: AssetKind = "host") -> str:
    """``name`` (a host, system or agency name) with the personal names in it masked; see the
    module docstring."""
    if not name:
        return name
    shown = mask_free_text(name)
    shown = _mask_han(shown, kind)
    return _mask_pinyin(shown) if any(c.isascii() and c.isalpha() for c in shown) else shown


def _mask_han(text: str, kind: AssetKind) -> str:
    out, last = [], 0
    for i, run in enumerate(_HAN_RUN.finditer(text)):
        apart = kind == "host" or (i > 0 and text[run.start() - 1] in SEPARATORS)
        span = _possessor(text, run) or _standalone(text, run, apart)
        if span is not None:
            out += [text[last:span[0]], mask("name", text[span[0]:span[1]])]
            last = span[1]
    return "".join(out) + text[last:] if out else text


def _possessor(text: str, run: re.Match[str]) -> tuple[int, int] | None:
    """The name before 的 in ``run`` (张三的电脑: 张三), the shortest the recognizer takes from 3."""
    words = run.group()
    at = words.find("的")
    while at >= 2:
        for n in (3, 2, 4):
            if n <= at and _is_name(words[at - n:at]):
                return run.start() + at - n, run.start() + at
        at = words.find("的", at + 1)
    return None


def _standalone(text: str, run: re.Match[str], allowed: bool) -> tuple[int, int] | None:
    """``run`` itself when it stands apart, is two or three characters long and is a name."""
    if allowed and 2 <= len(run.group()) <= 3 and _is_name(run.group()):
        return run.span()
    return None


def _is_name(candidate: str) -> bool:
    return any(m.start == 0 and m.end == len(candidate) for m in _names().find(candidate, context=True))


def _mask_pinyin(text: str) -> str:
    words = list(_WORD.finditer(_POSSESSIVE_S.sub(lambda m: "  ", text)))
    spans = []
    for i, w in enumerate(words):
        word = w.group().lower()
        near = {x.group().lower() for x in words[max(i - 1, 0):i + 2] if x is not w}
        start, end = w.span()
        glued = next((d for d in DEVICE_WORDS if len(word) > len(d) + 3 and word.endswith(d)), None)
        if glued is not None:  # zhangsanpc
            word, end = word[:-len(glued)], end - len(glued)
        elif not near & DEVICE_WORDS:
            continue
        if word not in DEVICE_WORDS and pinyin_word().fullmatch(word):
            spans.append((start, end))
    for start, end in reversed(spans):
        text = text[:start] + mask("name", text[start:end]) + text[end:]
    return text
