"""Sigma values as the Elasticsearch store's Lucene queries must see them.

Part of the rules stage's Lucene conversion (rules/backends/lucene.py): which values are
patterns, addresses (the ip type) or other spellings of a number; a caseless ``*fixed*`` as the
phrase of the store's character runs (govsoc.store.elasticsearch_query); a string on the raw
record cut at its JSON escapes (RFC 8259 section 7); a folded string with letters the store's
normalizer may leave otherwise as a regexp (govsoc.core.caseless.APART).
"""

from __future__ import annotations

import copy
import ipaddress
import re
from typing import Any

from sigma.conditions import ConditionFieldEqualsValueExpression
from sigma.types import SigmaString, SpecialChars

from govsoc.core.caseless import APART, SIGMAS
from govsoc.core.ecs import NUMERIC_TYPES, field_type
from govsoc.store.elasticsearch_query import contains_field, grams_phrase

__all__ = ["contains_phrase", "is_address", "is_pattern", "number_spelling", "sigma_regexp", "string_length",
           "unescaped_parts"]


def is_pattern(cond: Any) -> bool:
    """Whether a condition is a field's string value with wildcards (an automaton on the node)."""
    return (isinstance(cond, ConditionFieldEqualsValueExpression) and isinstance(cond.value, SigmaString)
            and cond.value.contains_special())


def is_address(value: SigmaString) -> bool:
    """Whether a plain value is an address as Elasticsearch's ip type parses it (no zone index)."""
    text = str(value.to_plain())
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return "%" not in text


def number_spelling(cond: ConditionFieldEqualsValueExpression, value: SigmaString) -> bool:
    """Whether a plain value on a numeric field is other text than the number's own ('any', '+10',
    '1e1', ' 10'): compared as text (its .caseless), as the SQLite store compares it, where the
    numeric field would parse it as a number or refuse it (HTTP 400, R12c F4)."""
    kind = field_type(str(cond.field))
    if kind not in NUMERIC_TYPES or value.contains_special():
        return False
    text = str(value.to_plain())
    if not text.isascii():
        return True
    try:
        return str(int(text)) != text
    except ValueError:
        pass
    try:  # a long's text is an integer's ('10.0' is other text, which the long field takes as 10)
        return kind == "long" or repr(float(text)) != text
    except ValueError:
        return True


def contains_phrase(field: str, value: SigmaString) -> str | None:
    """A caseless ``*fixed*`` on a field the store indexes as runs of characters
    (store/elasticsearch_query.py, contains_field) as the phrase of those runs, which matches
    exactly where the fixed string occurs; None for any other pattern or a short string."""
    grams = contains_field(field)
    parts = value.s
    fixed = [p for p in parts[1:-1] if isinstance(p, str)]
    if grams is None or len(parts) < 3 or parts[0] != SpecialChars.WILDCARD_MULTI \
            or parts[-1] != SpecialChars.WILDCARD_MULTI or len(fixed) != len(parts) - 2 \
            or any(SIGMAS[0] in p for p in fixed):  # a folded σ: ς on the store's side (sigma_regexp)
        return None
    phrase = grams_phrase("".join(fixed))
    return None if phrase is None else f"{grams}:{phrase}"


#: What may follow a JSON escape's backslash (RFC 8259 section 7), as the start of a text.
_ESCAPE_TAIL = re.compile(r'u[0-9a-f]{4}|["\\/bfnrt]')


#: What may be left of an escape at the start of a text that begins inside one.
_ESCAPE_END = re.compile(r"u?[0-9a-f]{1,4}|[\"/bfnrtu]")


def unescaped_parts(value: SigmaString) -> SigmaString:
    """A string on the raw record as parts that lie in its search text, where a JSON record's
    escapes are decoded (govsoc.core.json_text): each literal part cut at its backslashes, and
    each piece without what may belong to an escape (at its start: the end of one begun before
    it; after a backslash: the escape's rest), the cuts written as ``*``. A superset: the rule's
    exact check reads the raw record as written."""
    out = copy.copy(value)
    out.s = []
    for part in value.s:
        if not isinstance(part, str):
            out.s.append(part)
            continue
        for n, piece in enumerate(part.split("\\")):
            cut = (_ESCAPE_TAIL if n else _ESCAPE_END).match(piece)
            out.s.extend([SpecialChars.WILDCARD_MULTI, piece[cut.end():] if cut else piece])
        out.s.append(SpecialChars.WILDCARD_MULTI)
    out.s = [p for p in out.s if p != ""]
    return out


def sigma_regexp(value: SigmaString) -> str | None:
    """A folded Sigma string that holds σ or another letter the store's normalizer may leave
    otherwise (govsoc.core.caseless.APART: ς for σ; on a node whose Java knows an older Unicode,
    a capital whose lower case came later, F12l), as the query_string regexp (slashes included)
    that matches it where each such letter may be any of those; None when it holds none (then
    pySigma's own conversion). Lucene's regexps match the whole term, as Sigma's equality does;
    every character that is not a letter or digit is escaped."""
    if not any(isinstance(p, str) and any(c in APART for c in p) for p in value.s):
        return None
    out = []
    for part in value.s:
        if part == SpecialChars.WILDCARD_MULTI:
            out.append(".*")
        elif part == SpecialChars.WILDCARD_SINGLE:
            out.append(".")
        else:
            out.extend(f"[{c}{APART[c]}]" if c in APART else c if c.isalnum() else "\\" + c for c in str(part))
    return "/" + "".join(out) + "/"


def string_length(parts: Any) -> int:
    """How many characters the parts of a Sigma string stand for (a wildcard ``?`` one, a
    ``*`` at least none)."""
    return sum(len(p) if isinstance(p, str) else (0 if p == SpecialChars.WILDCARD_MULTI else 1) for p in parts)
