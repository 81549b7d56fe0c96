"""Caseless comparison: the one case folding both stores apply (Sigma matches strings
case-insensitively unless ``|cased`` says otherwise; Sigma specification, "Modifiers").

Elasticsearch folds with its ``lowercase`` normalizer, which is Lucene's LowerCaseFilter: each
code point through Java's ``Character.toLowerCase`` (simple, context-free mappings). The SQLite
store and the rule backends fold with :func:`fold`, which gives the same result, so a value and a
pattern compare alike on both stores. Python's ``str.lower`` differs from that in two places:
it maps U+0130 (İ) to two code points ("i̇") and lowers a word-final Σ to ς. Both are mapped
first to what Java gives. Letters without case (CJK, digits) are unchanged.

One letter has two lower cases: Σ is σ, and ς at the end of a word. Unicode's case folding
(CaseFolding.txt: 03A3 C 03C3, 03C2 C 03C3) makes the three one letter, as PCRE's and Python's
caseless regular expressions do, so "ΟΔΟΣ" and "οδος" are one word in two cases. :func:`fold`
writes σ for ς too; Elasticsearch's normalizer keeps ς, so the Lucene backend searches a folded
σ as either (:data:`SIGMAS`).

Which letters have a lower case depends on the Unicode version a lower-casing knows (F12l):
Python 3.11 knows Unicode 14, Java 25 (Elasticsearch 9's JDK) 16, Java 17 (under which an
Elasticsearch 8.19 node may run) 13. :func:`fold` also lowers what Unicode 15 and 16 added
(Ꟍ is ɤ, as Java 25 has it), so the SQLite store and an Elasticsearch 9 node fold every code point
alike (tests/core/test_caseless.py asks the node for each); a capital whose lower case came
after Unicode 13 an older node's normalizer leaves as it is, so the Lucene backend searches its
folded letter as either (:data:`UNLOWERED`), as it does σ.
"""

from __future__ import annotations

from typing import Final

__all__ = ["APART", "SIGMAS", "UNLOWERED", "fold"]

#: Lower cases Unicode 15 and 16 gave (UnicodeData.txt 16.0: 1C89, A7CB, A7CC, A7DA, A7DC and
#: Garay 10D50-10D65), which Java 25 applies and Python 3.11 does not know.
_NEWER: Final[dict[int, int]] = {0x1C89: 0x1C8A, 0xA7CB: 0x0264, 0xA7CC: 0xA7CD, 0xA7DA: 0xA7DB, 0xA7DC: 0x019B,
                                 **{point: point + 0x20 for point in range(0x10D50, 0x10D66)}}
#: Code points whose Python full lowercase mapping is not Java's simple one, final sigma, and
#: the lower cases of Unicode 15 and 16.
_SIMPLE: Final[dict[int, str]] = {0x0130: "i", 0x03A3: "σ", 0x03C2: "σ", **{k: chr(v) for k, v in _NEWER.items()}}
#: What a folded σ may be in a value that Elasticsearch's normalizer lower-cased (see above).
SIGMAS: Final[str] = "σς"
#: Capitals whose lower case came after Unicode 13 (Java 17 leaves them as they are): those of
#: Unicode 14 (UnicodeData.txt 14.0: 2C2F, A7C0, A7D0, A7D6, A7D8, Vithkuqi 10570-10595) and
#: :data:`_NEWER`'s.
_SINCE_14: Final[tuple[int, ...]] = (0x2C2F, 0xA7C0, 0xA7D0, 0xA7D6, 0xA7D8, *range(0x10570, 0x1057B),
                                     *range(0x1057C, 0x1058B), *range(0x1058C, 0x10593), 0x10594, 0x10595, *_NEWER)


def fold(text: str) -> str:
    """``text`` lower-cased code point by code point, as Lucene's lowercase normalizer does."""
    if text.isascii():
        return text.lower()
    return text.translate(_SIMPLE).lower()


#: A folded letter -> the capitals an older node's normalizer may have left in its place (see the
#: module docstring): the Lucene backend searches the letter as any of them.
UNLOWERED: Final[dict[str, str]] = {fold(chr(point)): chr(point) for point in _SINCE_14}
#: What a folded letter may be on a ``.caseless`` field besides itself: ς for σ, and :data:`UNLOWERED`.
APART: Final[dict[str, str]] = {SIGMAS[0]: SIGMAS[1], **UNLOWERED}
