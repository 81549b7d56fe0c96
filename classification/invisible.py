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
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Final

from govsoc.classification.recognizer import Match

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

__all__ = ["INVISIBLE", "visible", "placed", "code_points"]

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


def code_points(text: str) -> npt.NDArray[np.uint32]:
    """The code points of ``text`` as a numpy array (copied as UCS-4 by C code)."""
    import numpy as np

    points = np.array(text).reshape(1).view(np.uint32)
    if points.size != len(text):  # (numpy has kept the text otherwise than as code points)
        points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    return points


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
