"""Characters a reader does not see (stage: classification; shared/reference/classification.md §7),
decided by Unicode's properties, not a list (R15e-12): the format characters (general category
Cf: zero-width space, joiners, word joiner, BOM, soft hyphen, direction marks, tag characters)
and the rest of Default_Ignorable_Code_Point (Unicode DerivedCoreProperties.txt: variation
selectors, the combining grapheme joiner U+034F, the Hangul fillers U+115F, U+1160, U+3164,
U+FFA0, the Khmer inherent vowels U+17B4-U+17B5, the reserved ranges), the line and paragraph
separators (Zl, Zp) and the braille blank U+2800, which draws as nothing; less the format
characters Unicode draws (the prepended concatenation marks such as the Arabic number sign, the
interlinear annotation marks, the Egyptian hieroglyph format controls). An ID or phone number
written with one (pasted from a web page or a chat, or put there to slip past a filter) reads as
the number, and is judged as one (R15b-16): the text is scanned without them, and each hit placed
back on the text, its span reaching over them, so the mask covers them too.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import replace
from functools import cache
from typing import TYPE_CHECKING, Final

from govsoc.classification.recognizer import Match

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

__all__ = ["INVISIBLE", "visible", "placed", "holds_invisible", "holding_invisible", "code_points"]

#: Other_Default_Ignorable_Code_Point and Variation_Selector (PropList.txt, Unicode 15.1): with
#: Cf, the derivation of Default_Ignorable_Code_Point
_IGNORABLE_RANGES: Final = ((0x034F, 0x034F), (0x115F, 0x1160), (0x17B4, 0x17B5), (0x180B, 0x180F), (0x2065, 0x2065),
                            (0x3164, 0x3164), (0xFE00, 0xFE0F), (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8),
                            (0xE0000, 0xE0FFF))
#: drawn as blanks of no width or read as nothing between digits: the braille blank
_BLANKS: Final = (0x2800,)
#: Cf characters that are drawn (Default_Ignorable_Code_Point leaves them out): the prepended
#: concatenation marks (Arabic number sign ...), interlinear annotation, Egyptian format controls
_DRAWN_RANGES: Final = ((0x0600, 0x0605), (0x06DD, 0x06DD), (0x070F, 0x070F), (0x0890, 0x0891), (0x08E2, 0x08E2),
                        (0x110BD, 0x110BD), (0x110CD, 0x110CD), (0xFFF9, 0xFFFB), (0x13430, 0x1345F))
_SEPARATORS: Final = frozenset({"Cf", "Zl", "Zp"})
#: the planes whose categories are read at import (0.02 s; every plane, 0.14 s): planes 2-13
#: hold no Cf, Zl or Zp, and plane 14's (tags, variation selectors) are in _IGNORABLE_RANGES
_SCANNED: Final = 0x20000


def _invisible_points() -> list[int]:
    """Every invisible code point, in order (module docstring)."""
    drawn = {c for low, high in _DRAWN_RANGES for c in range(low, high + 1)}
    points = {c for c in range(0x80, _SCANNED) if unicodedata.category(chr(c)) in _SEPARATORS}
    points |= {c for low, high in _IGNORABLE_RANGES for c in range(low, high + 1)} | set(_BLANKS)
    return sorted(points - drawn)


def _invisible_class(points: list[int]) -> str:
    """A regular expression character class of ``points``."""
    runs: list[list[int]] = []
    for c in points:
        if runs and runs[-1][1] == c - 1:
            runs[-1][1] = c
        else:
            runs.append([c, c])
    return "[" + "".join(re.escape(chr(a)) + ("-" + re.escape(chr(b)) if b > a else "") for a, b in runs) + "]"


_POINTS: Final = _invisible_points()
INVISIBLE: Final = re.compile(_invisible_class(_POINTS))
#: Code points no invisible character is among (ASCII, the CJK unified ideographs): most of a
#: Chinese table's text, passed over by one numpy comparison in holds_invisible.
#: Joined values shorter than this are read by the regular expression, longer ones by numpy (R15ag-1:
#: numpy's call costs 6.7 us against the expression's 0.3 us for 2 values; even at ~150 values).
_SHORT: Final = 2048
_PLAIN_RANGES: Final = ((0x0000, 0x007F), (0x4E00, 0x9FFF))


def code_points(text: str) -> npt.NDArray[np.uint32]:
    """The code points of ``text`` as a numpy array (copied as UCS-4 by C code)."""
    import numpy as np

    points = np.array(text).reshape(1).view(np.uint32)
    if points.size != len(text):  # (numpy has kept the text otherwise than as code points)
        points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    return points


@cache
def _invisible_table() -> npt.NDArray[np.bool_]:
    """Code point -> whether it is invisible (INVISIBLE's class as a table of every code point)."""
    import numpy as np

    table = np.zeros(sys.maxunicode + 1, dtype=np.bool_)
    table[_POINTS] = True
    return table


def _invisible_at(text: str) -> npt.NDArray[np.intp]:
    """The offsets in ``text`` of its invisible characters, found by numpy over the code points:
    a long text (a column's values joined) is read some 10x faster than by the regular
    expression's class test of each character, which took 8-10 % of a scan of the benchmark's
    Chinese tables (F15r)."""
    import numpy as np

    points = code_points(text)
    (_, ascii_end), (cjk_start, cjk_end) = _PLAIN_RANGES
    # points below the block wrap round to large numbers: one comparison for both sides of it
    odd = np.flatnonzero((points > ascii_end) & ((points - np.uint32(cjk_start)) > np.uint32(cjk_end - cjk_start)))
    return odd[_invisible_table()[points[odd]]]


def holds_invisible(text: str) -> bool:
    """``INVISIBLE.search(text) is not None``, by numpy (:func:`_invisible_at`)."""
    return not text.isascii() and bool(_invisible_at(text).size)


def holding_invisible(values: Sequence[str]) -> list[int]:
    """The indexes of the values that hold an invisible character, in order: the values joined
    and read once by numpy (:func:`_invisible_at`), so that only those values are read again."""
    joined = "".join(values)
    if joined.isascii():
        return []
    if len(joined) < _SHORT:  # the regular expression per value: numpy's call costs ~6 us (R15ag-1)
        return [] if INVISIBLE.search(joined) is None else \
            [i for i, value in enumerate(values) if INVISIBLE.search(value) is not None]
    import numpy as np

    at = _invisible_at(joined)
    if not at.size:
        return []
    ends = np.fromiter(map(len, values), dtype=np.intp, count=len(values)).cumsum()
    # a value holds [its start, its end): the first value ending after an offset holds it
    return list(np.unique(np.searchsorted(ends, at, side="right")).tolist())


def visible(text: str) -> tuple[str, list[int]] | None:
    """(``text`` without its invisible characters, the index in ``text`` of each character kept),
    or None when it holds none (an ASCII text never does)."""
    if text.isascii():
        return None
    # INVISIBLE is one character class: each match is one character, found by C code (F15x: a
    # fullmatch per character was half the cost of a column whose every value holds one)
    gone = [m.start() for m in INVISIBLE.finditer(text)]
    if not gone:
        return None
    kept: list[int] = []
    at = 0
    for index in gone:
        kept += range(at, index)
        at = index + 1
    kept += range(at, len(text))
    return "".join(map(text.__getitem__, kept)), kept


def placed(hits: Iterable[Match], kept: Sequence[int]) -> list[Match]:
    """``hits`` in the text without invisible characters, placed on the text whose kept characters
    are at ``kept``: from their first character's place to just after their last."""
    return [replace(m, start=kept[m.start], end=kept[m.end - 1] + 1) for m in hits]
