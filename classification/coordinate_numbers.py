"""How a coordinate's number and hemisphere are written (stage: classification; precise location is
sensitive personal information, GB/T 35273-2020 Annex B, shared/reference/classification.md §4.3).

One definition for the two places that look for coordinates: the gps and gps_dms recognizers
(recognizers/location.py), which tag a value, and coordinate_forms.py, which finds and masks the
same forms in free text. A hemisphere is a letter (NMEA, ISO 6709: N S E W) or a Chinese word
(北纬 南纬 东经 西经); a number a decimal of four places or more (about 11 m), or degrees, minutes and
seconds, or degrees and decimal minutes (``30°16'26.7"N``, ``北纬30度16分26.7秒``, ``30°16.4450'N``).
"""

from __future__ import annotations

from typing import Final

__all__ = ["DECIMAL", "HEMISPHERE", "HEMISPHERE_WORD", "TO_LETTER", "dms"]

#: A decimal coordinate of four places or more.
DECIMAL: Final = r"\d{1,3}\.\d{4,}"
#: What may stand between a number and the hemisphere letter after it: a blank, a degree sign
#: (28.6801°N, 28.6801° N: RRR15ax-6).
TO_LETTER: Final = r"[ \t]?°?[ \t]?"
#: A hemisphere written as a Chinese word.
HEMISPHERE_WORD: Final = r"(?:北纬|南纬|东经|西经)"
#: A hemisphere, letter or word.
HEMISPHERE: Final = r"(?:[NSEW]|北纬|南纬|东经|西经)"


def dms(*, named: bool = False) -> str:
    """Degrees, minutes and seconds (or degrees and decimal minutes); ``named``: the minutes'
    decimals as group ``dec`` and the seconds as group ``sec`` (the precise part a mask hides)."""
    fraction, seconds = r"\.\d{2,}", r"\d{1,2}(?:\.\d+)?"
    if named:
        fraction, seconds = f"(?P<dec>{fraction})", f"(?P<sec>{seconds})"
    return (r"\d{1,3}[ \t]?[°度][ \t]?\d{1,2}(?:" + fraction + r"[ \t]?['′分]"
            r"|[ \t]?['′分][ \t]?" + seconds + r"[ \t]?(?:\"|″|''|′′|秒))")
