"""İ and ı for the SQLite store's Python fallback of ``|re``: letters of their own, as in PCRE.

Stage: store (govsoc.store.sqlite_regexp runs what RE2 refuses in Python's ``re``). The Sigma
specification gives ``|re`` PCRE's flavour; PCRE's caseless matching is Unicode simple case
folding (CaseFolding.txt, status C and S), in which İ (U+0130) and ı (U+0131) fold to nothing
else: only their Turkic mappings (status T, PCRE2_EXTRA_TURKISH_CASING, off by default) make
them i. Python's ``re`` under IGNORECASE takes both for i (its lower case of İ is i, and it
pairs i with ı): ``(?i)admin`` found "admİn" and "admın", ``(?i)İ`` found "i" (F12l). RE2 agrees
with PCRE.

:func:`apart_pattern` writes a pattern with İ and ı replaced by two noncharacters that no
letter folds to (:data:`STAND_INS`: literals, class members, and a class range that holds
either gets its stand-in too), and :func:`apart_value` a value the same way: the pattern then
matches the value where PCRE's does, and answers as before for every value without İ or ı.
A value that holds a stand-in itself (U+FDD0, U+FDD1, noncharacters that no text should
carry) is read as holding İ or ı.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["STAND_INS", "apart_pattern", "apart_value"]

#: İ and ı -> the noncharacters that stand for them in a pattern and a value.
STAND_INS: Final[dict[str, str]] = {"\u0130": "\ufdd0", "\u0131": "\ufdd1"}
_TABLE: Final[dict[int, str]] = {ord(k): v for k, v in STAND_INS.items()}
#: One class member: an escape (\\xHH, \\uHHHH, \\UHHHHHHHH or any other) or a character.
_MEMBER: Final[re.Pattern[str]] = re.compile(r"\\x[0-9a-fA-F]{2}|\\u[0-9a-fA-F]{4}|\\U[0-9a-fA-F]{8}|\\.|.", re.S)


def apart_value(text: str) -> str:
    """``text`` with İ and ı as their stand-ins (the same text when it holds neither)."""
    if text.isascii():
        return text
    return text.translate(_TABLE)


def apart_pattern(pattern: str) -> str:
    """``pattern`` (Python's syntax) with İ and ı as their stand-ins: as literals, as class
    members, and beside every class range that holds either (``[Ā-ſ]`` takes İ)."""
    if pattern.isascii():
        return pattern
    out: list[str] = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            out.append(pattern[i:i + 2].translate(_TABLE))
            i += 2
        elif char == "[":
            token, i = _class(pattern, i)
            out.append(token)
        else:
            out.append(char.translate(_TABLE))
            i += 1
    return "".join(out)


def _class(pattern: str, i: int) -> tuple[str, int]:
    """The class at ``i`` written with the stand-ins, and the index after it: İ and ı as members
    become theirs, and a range that holds either is split around it, its stand-in beside (under
    IGNORECASE, re would take i for the İ inside ``[Ā-ſ]``)."""
    start = i
    first = i = i + 1 + pattern.startswith("^", i + 1)
    members: list[str] = []
    while i < len(pattern) and (pattern[i] != "]" or i == first):
        member = _MEMBER.match(pattern, i)
        assert member is not None  # it matches any character
        members.append(member[0])
        i = member.end()
    if i >= len(pattern):
        return pattern[start:], len(pattern)  # unterminated: re names the error
    out: list[str] = []
    k = 0
    while k < len(members):
        low, high = _point(members[k]), _point(members[k + 2]) if k + 2 < len(members) else None
        if k + 2 < len(members) and members[k + 1] == "-" and low is not None and high is not None:
            out.append(_range(low, high))
            k += 3
        else:
            out.append(members[k].translate(_TABLE))
            k += 1
    return pattern[start:first] + "".join(out) + "]", i + 1


def _range(low: int, high: int) -> str:
    """The range ``low``-``high`` without İ and ı, with the stand-in of each it held."""
    held = [letter for letter in STAND_INS if low <= ord(letter) <= high]
    if not held:
        return f"{_written(low)}-{_written(high)}"
    pieces = [(low, 0x12F), (0x132, high)]
    return "".join(f"{_written(a)}-{_written(b)}" for a, b in pieces if a <= b) + "".join(STAND_INS[h] for h in held)


def _written(point: int) -> str:
    """A code point as a class member (an escape: it may be ``]``, ``-`` or ``\\``)."""
    return f"\\U{point:08x}"


def _point(member: str) -> int | None:
    """The code point a class member stands for, None for a class escape (\\d, \\w ...)."""
    if len(member) == 1:
        return ord(member)
    if member[1] in "xuU":
        return int(member[2:], 16)
    return None if member[1].isalpha() else ord(member[1])
