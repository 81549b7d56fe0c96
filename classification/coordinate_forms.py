"""Coordinates in the forms devices and APIs write them, found in free text (stage:
classification; precise location is sensitive personal information, GB/T 35273-2020 Annex B and
shared/reference/classification.md §4.3; review R15e-20).

The gps recognizer (recognizers/location.py) finds a bare decimal pair (``30.274085,120.155070``)
and a single decimal after a key naming it (``lat=``, ``经度``). A fix is as often written:

- with **hemisphere letters** (``E120.155070 N30.274085``, ``30.274085N,120.155070E``: NMEA and
  ISO 6709 readings; ``28.6801°N``, ``N 39.9042 E 116.4074``) or Chinese hemisphere words
  (``北纬30.274085``): the letter or word says what the number is, so one coordinate is enough;
- in **degrees, minutes and seconds** (``30°16'26.7"N``, ``北纬30°16′26.7″``) or degrees and
  decimal minutes (``30°16.4450'N``): the seconds (or the minutes' decimals) are what makes it
  precise, and go; degrees and whole minutes (about 1.8 km) stay, coarser than the gps rule's two
  decimals (about 1.1 km);
- as **JSON numbers** (``{"lat":30.274085,"lon":120.155070}``): a member whose name gives gps
  context (``lat``, ``longitude``: govsoc.classification.columns) and whose value is a number.

Decimals are masked by the gps rule (govsoc.classification.masking), four decimals or more only.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import Final

from govsoc.classification.coordinate_numbers import DECIMAL, HEMISPHERE, TO_LETTER, dms
from govsoc.classification.masking import mask
from govsoc.classification.recognizer import Match, Recognizer

__all__ = ["coordinate_hits"]

#: The largest value of a latitude and of a longitude, by the hemisphere that names it.
_LIMITS: Final = {"N": 90, "S": 90, "E": 180, "W": 180, "北纬": 90, "南纬": 90, "东经": 180, "西经": 180}
_HEMISPHERE: Final = HEMISPHERE
#: A decimal of four places or more with its hemisphere before or after it (blank allowed); a
#: letter's number running on into a word or a '-' is a version or part code (E2.9743-rc4: R15at-5);
#: a letter with '/' after it is an abbreviation (12.3456 N/A: RRR15bh-3).
_DECIMAL: Final = re.compile(
    r"(?:(?<![A-Za-z0-9.])(?P<h1>" + _HEMISPHERE + r")[ \t]?(?P<v1>" + DECIMAL + r")(?![0-9.A-Za-z_-])"
    r"|(?<![A-Za-z0-9.])(?P<v2>" + DECIMAL + r")" + TO_LETTER + r"(?P<h2>[NSEW])(?![A-Za-z0-9/]))")
#: Degrees, minutes and seconds (or decimal minutes): the part to hide is group ``fine``.
_DMS: Final = re.compile(r"(?<![0-9.])(?:" + _HEMISPHERE + r"[ \t]?)?" + dms(named=True))
#: A JSON member whose value is a number.
_NUMBER_MEMBER: Final = re.compile(r'"(?P<key>[^"\\]{1,48})"[ \t]*:[ \t]*(?P<value>-?\d{1,3}\.\d+)(?![0-9.])')
_REASON: Final = "经纬度 GPS coordinates: "


def coordinate_hits(text: str, *, context_of: Callable[[str], Iterable[str]], gps: Recognizer) -> Iterator[Match]:
    """The coordinates of ``text`` in the forms of the module docstring (the caller drops those
    overlapping hits it has): ``context_of`` gives a JSON member name's context kinds, ``gps``
    judges a member's number."""
    for m in _DMS.finditer(text):
        fine = "dec" if m.group("dec") else "sec"
        yield Match(recognizer="gps", start=m.start(fine), end=m.end(fine), masked="**", score=0.6,
                    reason=_REASON + "seconds (or decimal minutes) of a degrees-minutes form")
    for m in _DECIMAL.finditer(text):
        hemisphere, value = (m.group("h1"), "v1") if m.group("h1") else (m.group("h2"), "v2")
        if float(m.group(value)) <= _LIMITS[hemisphere]:
            yield Match(recognizer="gps", start=m.start(value), end=m.end(value), masked=mask("gps", m.group(value)),
                        score=0.6, reason=_REASON + f"a decimal coordinate with its hemisphere {hemisphere}")
    for m in _NUMBER_MEMBER.finditer(text):
        if "gps" in set(context_of(m.group("key"))):
            start = m.start("value")
            for hit in gps.find(m.group("value"), context=True):
                yield Match(recognizer=hit.recognizer, start=start + hit.start, end=start + hit.end,
                            masked=hit.masked, score=hit.score, reason=f"{hit.reason} (under {m.group('key')!r})")
