"""Caseless comparison: the one case folding both stores apply (Sigma matches strings
case-insensitively unless ``|cased`` says otherwise; Sigma specification, "Modifiers").

Elasticsearch folds with its ``lowercase`` normalizer, which is Lucene's LowerCaseFilter: each
code point through Java's ``Character.toLowerCase`` (simple, context-free mappings). The SQLite
store and the rule backends fold with :func:`fold`, which gives the same result, so a value and a
pattern compare alike on both stores. Python's ``str.lower`` differs from that in two places:
it maps U+0130 (İ) to two code points ("i̇") and lowers a word-final Σ to ς. Both are mapped
first to what Java gives. Letters without case (CJK, digits) are unchanged.
"""

from __future__ import annotations

from typing import Final

__all__ = ["fold"]

#: Code points whose Python full lowercase mapping is not Java's simple one.
_SIMPLE: Final[dict[int, str]] = {0x0130: "i", 0x03A3: "σ"}


def fold(text: str) -> str:
    """``text`` lower-cased code point by code point, as Lucene's lowercase normalizer does."""
    if text.isascii():
        return text.lower()
    return text.translate(_SIMPLE).lower()
