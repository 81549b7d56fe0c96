"""One JSON line parsed, or refused by line (stage: classification; RFC 8259, JSON Lines).

json.loads fails in three ways besides json.JSONDecodeError, each of which ended a whole run or
dropped a whole file when only JSONDecodeError was caught: a value nested deeper than the
interpreter's recursion limit (RecursionError, "maximum recursion depth exceeded while decoding
a JSON array"), and an integer of more than 4,300 digits (ValueError, Python's limit on int
conversion since 3.11, CVE-2020-10735). RFC 8259 §9 lets a parser set limits on nesting depth
and on the range of numbers. :func:`load_line` reads an integer as its digits' text (classification
reads values as text anyway: no digit is lost and no limit applies) and refuses a line nested
deeper than MAX_DEPTH levels with :class:`LineRefused`, which the reader reports at its line and
counts, as it does a line that is not JSON; the flatten that follows is then bounded too.

RFC 8259 §4: an object's names SHOULD be unique, and json.loads keeps the last value of a repeated
one. A phone book keyed by name (two 王芳) or a hand-joined export repeats them: the earlier values
were never read (R15f-19: 60 entries over 6 names read as 6 rows). Objects are parsed by
:func:`object_pairs` (every reader's object_pairs_hook): one that repeats a name is a
:class:`Repeated`, holding the later pairs beside the first ones, and :func:`members` gives them all.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any, Final

from govsoc.core.errors import ParseError

__all__ = ["load_line", "LineRefused", "MAX_DEPTH", "too_deep", "Repeated", "object_pairs", "members",
           "mapped", "BULK_ACTION"]

#: Deepest nesting of arrays and objects a line may have (a record's dotted paths stay readable,
#: and flatten's recursion stays far under the interpreter's limit of 1,000 frames).
MAX_DEPTH: Final = 100


#: An Elasticsearch _bulk action line ({"index": {"_index": …, "_id": …}} before each document, as
#: the _bulk API and elasticdump write them): metadata, not a record (R15f-36: 60 documents were rows=120).
BULK_ACTION: Final = re.compile(r'\s*\{\s*"(?:index|create|update|delete)"\s*:\s*\{[^{}\[\]]*\}\s*\}\s*\Z')


class Repeated(dict[str, Any]):
    """A JSON object that repeats a name: the first value of each name, and ``more``, the pairs
    of the names repeated after it, in their order."""

    more: list[tuple[str, Any]]


def object_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A parsed object (json's object_pairs_hook): a dict, or a Repeated when a name repeats."""
    value = dict(pairs)
    if len(value) == len(pairs):
        return value
    repeated = Repeated()
    repeated.more = []
    for name, item in pairs:
        if name in repeated:
            repeated.more.append((name, item))
        else:
            repeated[name] = item
    return repeated


def members(value: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """Every (name, value) of a parsed object, a repeated name's later values included."""
    yield from value.items()
    if isinstance(value, Repeated):
        yield from value.more


def mapped(value: dict[str, Any], fn: Callable[[str, Any], Any]) -> dict[str, Any]:
    """``value`` with ``fn(name, item)`` for each item, a Repeated's later pairs kept as such."""
    return object_pairs([(name, fn(name, item)) for name, item in members(value)])


class LineRefused(ParseError):
    """A JSON line that is not classified, and why (its nesting); reported at its line."""


def load_line(line: str) -> Any:
    """``line`` parsed (integers as their digits' text); json.JSONDecodeError when it is not JSON,
    LineRefused when it is nested deeper than MAX_DEPTH."""
    # a line of fewer opening brackets than the limit cannot be nested deeper: most lines stop here
    if line.count("[") + line.count("{") > MAX_DEPTH:
        try:
            value = json.loads(line, parse_int=str, object_pairs_hook=object_pairs)
        except RecursionError:
            raise LineRefused(f"nested too deep to parse (over {MAX_DEPTH} levels): not classified") from None
        depth = _depth(value)
        if depth > MAX_DEPTH:
            raise LineRefused(f"nested {depth:,} levels deep (over {MAX_DEPTH}): not classified")
        return value
    return json.loads(line, parse_int=str, object_pairs_hook=object_pairs)


def too_deep(value: Any) -> str | None:
    """Why ``value`` (a parsed item) is not classified when it nests deeper than MAX_DEPTH, else None."""
    depth = _depth(value)
    return f"nested {depth:,} levels deep (over {MAX_DEPTH}): not classified" if depth > MAX_DEPTH else None


def _depth(value: Any) -> int:
    """How deeply arrays and objects nest in ``value`` (a scalar: 0), without recursion."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        inner = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if inner is None:
            continue
        deepest = max(deepest, level)
        stack.extend((v, level + 1) for v in inner if isinstance(v, (dict, list)))
    return deepest
