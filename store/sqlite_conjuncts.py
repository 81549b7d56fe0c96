"""The top-level conjuncts of a SQL condition, as text (for combined rule scans).

Rules of one log source share that source's condition (and often more). When several rules are
evaluated in one scan (govsoc.store.sqlite_batch), the conjuncts every one of them has are
tested once per row, before any rule's own part: a row that fails them costs nothing more.
``a AND b AND c`` is true exactly when each of ``a``, ``b`` and ``c`` is, so splitting a
condition into its top-level conjuncts, removing repeats and testing the common ones first
changes no answer (in a WHERE clause, where false and NULL both reject a row).

The splitter reads the SQL the query surface writes: string literals in single quotes, quoted
identifiers in double quotes, parentheses, the keyword ``AND`` in upper case. A condition it
cannot read with certainty (an unbalanced parenthesis or quote, ``BETWEEN ... AND``, a
``CASE`` that is not a parenthesised group of its own) is kept whole, as one conjunct. A group
``(CASE ... END)`` (the query surface's "one value or several", govsoc.store.sqlite_query
each_value_sql) is one conjunct: its inner ANDs are not the condition's.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import Final

__all__ = ["MAX_SPLIT", "calls_python", "conjuncts", "remember", "spans"]

MAX_SPLIT: Final[int] = 20_000
#: Conditions whose conjuncts are remembered (:func:`remember`) at most: a pass's rules.
REMEMBERED: Final[int] = 4096

#: SQL functions that call into Python (the query surface's and the layout's), and REGEXP.
_PYTHON = re.compile(r"\bgovsoc_\w+\s*\(|\bREGEXP\b")
_UNSPLITTABLE = re.compile(r"\bBETWEEN\b", re.IGNORECASE)
_CASE = re.compile(r"\bCASE\b", re.IGNORECASE)


def calls_python(sql: str) -> bool:
    """Whether evaluating ``sql`` may call a Python function (costly per row)."""
    # The words first: most conjuncts hold neither, and the pattern tries each position of a
    # kilobyte-long conjunct (a pass asks this of 1,200 conjuncts).
    return ("govsoc_" in sql or "REGEXP" in sql) and _PYTHON.search(sql) is not None


#: Conjuncts an earlier pass worked out, taken back from its kept conversions (:func:`remember`).
_remembered: dict[str, tuple[str, ...]] = {}


def spans(sql: str) -> list[list[int]]:
    """Where each of :func:`conjuncts` of ``sql`` stands in it: [start, end] character offsets,
    the form kept with a rule's conversion (the parts' own text would double its size)."""
    found: list[list[int]] = []
    at = 0
    for part in conjuncts(sql):  # in the order they stand, each a piece of ``sql``
        start = sql.find(part, at)
        if start < 0:  # (cannot be: kept nothing, and the next pass splits it again)
            return []
        found.append([start, start + len(part)])
        at = start + len(part)
    return found


def remember(sql: str, kept: Sequence[Sequence[int]]) -> bool:
    """Take the conjuncts of ``sql`` that an earlier pass worked out with this very code, as
    :func:`spans` (kept with the rule's conversion, whose digest covers this module:
    govsoc.rules.conversions), so that :func:`conjuncts` need not read ``sql`` again. Splitting
    costs about half a millisecond a rule (its native query is some 4 KB of SQL), 40-50 ms of
    CPU for 100 rules: a third of an incremental pass over 10,000 events, run by a fresh process
    each time (the daemon starts one per pass). Spans that cannot be ``sql``'s (not pairs of
    integers, empty, outside it) are not taken: False, and the split is worked out again."""
    try:
        parts = tuple(sql[start:end] for start, end in kept
                      if type(start) is int and type(end) is int and 0 <= start < end <= len(sql))
    except (TypeError, ValueError):  # not pairs
        return False
    if not parts or len(parts) != len(kept):
        return False
    if len(_remembered) >= REMEMBERED:
        _remembered.clear()
    _remembered[sql] = parts
    return True


def conjuncts(sql: str) -> tuple[str, ...]:
    """The conjuncts of ``sql`` at its top level (nested ANDs flattened, repeats dropped); a
    condition longer than :data:`MAX_SPLIT` characters is kept whole (reading it costs more than
    sharing its parts saves). Those :func:`remember` was given are not worked out again."""
    kept = _remembered.get(sql)
    return kept if kept is not None else _split_top(sql)


@functools.lru_cache(maxsize=4096)
def _split_top(sql: str) -> tuple[str, ...]:
    text = sql.strip()
    if len(text) > MAX_SPLIT or _UNSPLITTABLE.search(text):
        return (text,)
    structure = _structure(text)
    if structure is None:
        return (text,)
    closing, ands = structure
    for case in _CASE.finditer(text):  # (also inside literals: keeping a condition whole is safe)
        at = case.start()
        end = closing.get(at - 1) if at > 0 and text[at - 1] == "(" else None
        if end is None or not text.endswith(" END", 0, end):
            return (text,)
    out: list[str] = []
    _split(text, 0, len(text), 0, closing, ands, out)
    return tuple(dict.fromkeys(out))


def _split(text: str, start: int, end: int, depth: int, closing: dict[int, int], ands: list[tuple[int, int]],
           out: list[str]) -> None:
    while True:  # drop blanks and parentheses that enclose the whole range
        while start < end and text[start] == " ":
            start += 1
        while end > start and text[end - 1] == " ":
            end -= 1
        if start < end and text[start] == "(" and closing.get(start) == end - 1:
            if text.startswith("CASE ", start + 1):  # a (CASE ... END) group is one conjunct
                break
            start, end, depth = start + 1, end - 1, depth + 1
            continue
        break
    if start >= end:
        return
    cuts = [at for at, level in ands if start <= at < end and level == depth]
    if not cuts:
        out.append(text[start:end])
        return
    for left, right in zip([start, *(c + len(" AND ") for c in cuts)], [*cuts, end], strict=True):
        _split(text, left, right, depth, closing, ands, out)


#: What the splitter looks at: whole quoted literals (skipped), parentheses, the keyword AND, and
#: a quote that opens no complete literal (the text is then not read at all).
_TOKEN = re.compile(r"'[^']*(?:''[^']*)*'|\"(?:[^\"]|\"\")*\"|[()]| AND |['\"]")


def _structure(text: str) -> tuple[dict[int, int], list[tuple[int, int]]] | None:
    """Where each opening parenthesis closes, and each top-level-or-nested AND with its depth;
    None when quotes or parentheses do not balance."""
    closing: dict[int, int] = {}
    opened: list[int] = []
    ands: list[tuple[int, int]] = []
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token == "(":
            opened.append(match.start())
        elif token == ")":
            if not opened:
                return None
            closing[opened.pop()] = match.start()
        elif token == " AND ":
            ands.append((match.start(), len(opened)))
        elif len(token) == 1:  # a lone quote
            return None
    return (closing, ands) if not opened else None
