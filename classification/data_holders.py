"""Names a text writes before 的 and a label of their data (``李洋的手机号是…``, ``张伟的邮箱``: RRR15bp-8), stage:
classification. Read by role_names (reports, classify) and ingest_masking (a window of a key of no characters).
A run of 2-4 Chinese characters with no Chinese character before it (or 致/给/关于) is a name here only when
identifier_names.is_person_name takes it and jieba lists it as no word, no place and no organisation: 原来的手机号,
华山的邮箱, 万达的地址 are left (RRR15bv-2). A log repeats its runs, so the check is cached, and the windows
ingest reads are counted against its key limit and end at their value (holder_windows: RRR15bv-1).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import Final

from govsoc.classification.common_words import is_common_word, is_place_or_body
from govsoc.classification.han import HAN
from govsoc.classification.identifier_names import is_person_name

__all__ = ["LETTER_OPENERS", "data_holders", "holder_windows"]

#: Labels of a person's contact and identity data that text writes after a name and 的 (李洋的手机号是…,
#: 王芳的身份证号：…, 张伟的邮箱: RRR15bp-8); 的 + one of them needs what may stand before a titled name.
_DATA_LABELS: Final = ("手机", "移动电话", "联系电话", "联系方式", "电话", "身份证", "证件号", "家庭住址", "住址",
                       "地址", "银行卡", "银行账号", "邮箱", "电子邮箱", "护照")
#: Searched from its literal 的 (a pattern opening with a look-behind is tried at every character: 10x the key search).
_DE_LABEL: Final = re.compile(f"的(?:{'|'.join(_DATA_LABELS)})")
_HAN_CHAR: Final = re.compile(HAN)
#: What a letter or a file puts before a name (致李娜的地址).
LETTER_OPENERS: Final = ("致", "给", "关于")


def data_holders(text: str) -> Iterator[tuple[int, int]]:
    """Where a name stands before 的 + a label of its data (李洋的手机号是…: _DATA_LABELS): 2-4 Chinese
    characters after no Chinese character, or after 致/给/关于, that _holder_name takes (also what ingest_masking
    reads as a key)."""
    if "的" not in text:
        return
    for m in _DE_LABEL.finditer(text):
        end = start = m.start()
        while start > 0 and end - start < 6 and _HAN_CHAR.match(text, start - 1):
            start -= 1
        if start > 0 and _HAN_CHAR.match(text, start - 1):
            continue  # 7 and more: no name's own run
        for opener in ("", *LETTER_OPENERS):  # 致李娜的地址: 致李娜, then 李娜
            if text.startswith(opener, start) and 2 <= end - start - len(opener) <= 4 \
                    and _holder_name(text[start + len(opener):end]):
                yield start + len(opener), end


#: Places and companies jieba tags as person names (nr) that text writes before 的 + a label: 王府井 (a Beijing
#: street), 方正 (a county of Harbin, and Founder) (RRR15bv-2).
_NAMED_PLACES: Final = frozenset({"王府井", "方正"})


@functools.lru_cache(maxsize=4096)
def _holder_name(run: str) -> bool:
    """Whether ``run`` before 的 + a label is a name: is_person_name takes it, and jieba lists it as no word
    (原来的手机号, 任何的身份证, 商家的电话), no place or organisation (华山, 江南, 万达: RRR15bv-2) nor _NAMED_PLACES.
    Cached: a log repeats the same few runs thousands of times (RRR15bv-1)."""
    return is_person_name(run) and not is_common_word(run) and not is_place_or_body(run) and run not in _NAMED_PLACES


def holder_windows(text: str, room: int, value_end: re.Pattern[str], most: int) -> tuple[list[tuple[int, int]], bool]:
    """At most ``room`` windows (start, end) of the names of data_holders in ``text``, and whether more were left:
    each from the name to its value's end (``value_end``, at most ``most`` characters on), never past the next
    name; a name inside the window before it opens none (RRR15bv-1: 160 windows of 256 characters a 1 KB line)."""
    out: list[tuple[int, int]] = []
    holders = data_holders(text)
    after = next(holders, None)
    end = 0
    while after is not None:
        at, after = after[0], next(holders, None)
        if at < end:
            continue
        if len(out) == room:
            return out, True
        stop = value_end.search(text, at, at + most)
        end = min(stop.start() if stop else len(text), at + most, after[0] if after else len(text))
        out.append((at, end))
    return out, False
