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
"""

from __future__ import annotations

from typing import Final

__all__ = ["SIGMAS", "fold"]

#: Code points whose Python full lowercase mapping is not Java's simple one, and final sigma.
_SIMPLE: Final[dict[int, str]] = {0x0130: "i", 0x03A3: "σ", 0x03C2: "σ"}
#: What a folded σ may be in a value that Elasticsearch's normalizer lower-cased (see above).
SIGMAS: Final[str] = "σς"


def fold(text: str) -> str:
    """``text`` lower-cased code point by code point, as Lucene's lowercase normalizer does."""
    if text.isascii():
        return text.lower()
    return text.translate(_SIMPLE).lower()
