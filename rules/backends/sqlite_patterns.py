"""Sigma strings as the SQLite store's patterns and Python search patterns.

Part of the rules stage's SQL conversion (rules/backends/sqlite.py): a Sigma string's wildcards
``*`` and ``?`` (Sigma specification, "Wildcards"; escapes already resolved by pySigma) as the
store's :data:`~govsoc.store.sqlite_query.Pattern` or as an ``re`` search pattern, and a keyword
(a value without a field) as found anywhere in the text.
"""

from __future__ import annotations

import re

from sigma.types import SigmaString, SpecialChars

from govsoc.core.caseless import fold
from govsoc.core.errors import RuleError
from govsoc.store.sqlite_query import Pattern, Wildcard

__all__ = ["keyword_pattern", "keyword_regex", "pattern_of", "search_regex"]


def search_regex(value: SigmaString, *, caseless: bool) -> str:
    """A Sigma string (wildcards ``*``, ``?``, escapes already resolved by pySigma) as a Python
    search pattern: anchored at each end that has no ``*``, literals folded when ``caseless``."""
    parts = list(value.s)
    head = not (parts and parts[0] == SpecialChars.WILDCARD_MULTI)
    tail = not (parts and parts[-1] == SpecialChars.WILDCARD_MULTI)
    while parts and parts[0] == SpecialChars.WILDCARD_MULTI:
        parts.pop(0)
    while parts and parts[-1] == SpecialChars.WILDCARD_MULTI:
        parts.pop()
    body = []
    for part in parts:
        if part == SpecialChars.WILDCARD_MULTI:
            body.append(".*")
        elif part == SpecialChars.WILDCARD_SINGLE:
            body.append(".")
        elif isinstance(part, str):
            body.append(re.escape(fold(part) if caseless else part))
        else:
            raise RuleError(f"a placeholder is left in {value}: expand it in the pipeline")
    return ("\\A" if head else "") + "".join(body) + ("\\Z" if tail else "")


def pattern_of(value: SigmaString) -> Pattern:
    """A Sigma string as the store's pattern: literal text and wildcards."""
    out: list[str | Wildcard] = []
    for part in value.s:
        if part == SpecialChars.WILDCARD_MULTI:
            out.append(Wildcard.MANY)
        elif part == SpecialChars.WILDCARD_SINGLE:
            out.append(Wildcard.ONE)
        elif isinstance(part, str):
            out.append(part)
        else:
            raise RuleError(f"a placeholder is left in {value}: expand it in the pipeline")
    return out


def keyword_pattern(value: SigmaString) -> Pattern:
    """A keyword as a pattern: found anywhere in the text."""
    return [Wildcard.MANY, *pattern_of(value), Wildcard.MANY]


def keyword_regex(value: SigmaString) -> str:
    """A keyword as a search pattern: found anywhere in the text, as ``*value*`` would be."""
    return search_regex(value, caseless=True).removeprefix("\\A").removesuffix("\\Z")

