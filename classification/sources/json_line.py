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
"""

from __future__ import annotations

import json
from typing import Any, Final

from govsoc.core.errors import ParseError

__all__ = ["load_line", "LineRefused", "MAX_DEPTH", "too_deep"]

#: Deepest nesting of arrays and objects a line may have (a record's dotted paths stay readable,
#: and flatten's recursion stays far under the interpreter's limit of 1,000 frames).
MAX_DEPTH: Final = 100


class LineRefused(ParseError):
    """A JSON line that is not classified, and why (its nesting); reported at its line."""


def load_line(line: str) -> Any:
    """``line`` parsed (integers as their digits' text); json.JSONDecodeError when it is not JSON,
    LineRefused when it is nested deeper than MAX_DEPTH."""
    # a line of fewer opening brackets than the limit cannot be nested deeper: most lines stop here
    if line.count("[") + line.count("{") > MAX_DEPTH:
        try:
            value = json.loads(line, parse_int=str)
        except RecursionError:
            raise LineRefused(f"nested too deep to parse (over {MAX_DEPTH} levels): not classified") from None
        depth = _depth(value)
        if depth > MAX_DEPTH:
            raise LineRefused(f"nested {depth:,} levels deep (over {MAX_DEPTH}): not classified")
        return value
    return json.loads(line, parse_int=str)


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
