"""Overlapping hits: which one a value keeps (stage: classification; issue 15).

Overlapping hits of different recognizers keep one: the one with context, then the higher
``priority`` (stricter validation: an ID number's date and region beat a card's Luhn), then the
higher score. :func:`resolve` keeps them so; :func:`by_value` groups a chunk's (value index, hit)
pairs per value with their overlaps resolved (the scanner's joined path, scanner.py);
:func:`outranks` says whether a claimer's hit goes before every hit of a claimed recognizer
(scanner.SAME_SPAN). Moved out of scanner.py unchanged (F15bc: STYLE's ~400 lines a module).
"""

from __future__ import annotations

from collections import Counter
from itertools import compress, groupby, repeat
from operator import add, itemgetter, not_
from typing import Final

from govsoc.classification.recognizer import MANY_SPANS, Match, Occupied, Recognizer

__all__ = ["PRIORITY", "resolve", "by_value", "outranks"]

_INDEX: Final = itemgetter(0)
_HITS: Final = itemgetter(1)

#: Recognizer id -> precedence among overlapping hits (default 0).
PRIORITY: dict[str, int] = {
    "cn_disability_certificate": 30, "cn_resident_id": 20, "cn_foreign_permanent_resident_id": 20, "cn_uscc": 20,
    "iccid": 15, "vin": 12, "cn_bank_card": 10, "cn_mobile": 8, "cn_landline": 5, "cn_real_estate_unit": 15,
    # a Gansu ID masked 6 + 8 + 4 (620102********1234) is also a masked card's shape: an ID, as unmasked
    "masked_cn_resident_id": 20, "masked_cn_bank_card": 10,
}


def resolve(found: list[Match], context: frozenset[str]) -> list[Match]:
    """One of each set of overlapping hits, by rank (module docstring), in order of start. Many
    hits (a long value) are tested against the kept ones' positions (recognizer.Occupied), not
    against each kept hit: O(hits) instead of O(hits²) (R15-11)."""
    ranked = sorted(found, key=lambda m: (m.recognizer in context, PRIORITY.get(m.recognizer, 0), m.score,
                                          m.end - m.start), reverse=True)
    kept: list[Match] = []
    if len(found) < MANY_SPANS:
        for m in ranked:
            if all(m.end <= k.start or k.end <= m.start for k in kept):
                kept.append(m)
    else:
        occupied = Occupied()
        for m in ranked:
            if occupied.free(m.start, m.end):
                occupied.take(m.start, m.end)
                kept.append(m)
    return sorted(kept, key=lambda m: m.start)


def by_value(pairs: list[tuple[int, Match]], context: frozenset[str], first: int) -> list[tuple[int, list[Match]]]:
    """(value index plus ``first``, its hits) in index order from (value index, hit) pairs given
    recognizer by recognizer (a value's hits in that order, as ``scan`` finds them), overlaps
    resolved. Most values hold one hit: their lists are made and paired by C code, and only the
    values with several (a log line with two addresses) are grouped in Python."""
    pairs.sort(key=_INDEX)  # stable: a value's hits stay in recognizer order
    indexes = list(map(_INDEX, pairs))
    at = list(map(add, indexes, repeat(first))) if first else indexes
    if len(set(indexes)) == len(indexes):  # a set costs half a count: most chunks have one hit a value
        return list(zip(at, map(list, zip(map(_HITS, pairs))), strict=True))
    counts = Counter(indexes)
    one = list(map((1).__eq__, map(counts.__getitem__, indexes)))
    out = list(zip(compress(at, one), map(list, zip(compress(map(_HITS, pairs), one))), strict=True))
    for index, group in groupby(compress(pairs, map(not_, one)), _INDEX):
        kept = list(map(_HITS, group))
        out.append((first + index, resolve(kept, context)))
    out.sort(key=_INDEX)
    return out


def outranks(claimer: tuple[Recognizer, bool], claimed: tuple[Recognizer, bool]) -> bool:
    """Whether a hit of the claimer's first pattern goes before (in _resolve's order: context,
    PRIORITY, score; the spans are the same) every hit the claimed recognizer could give, each with
    its context flag. A tie goes to the hit found first (_resolve's sort is stable), and the
    claimer's is: it runs before the claimed recognizer in the plan's order (or claims nothing),
    and a value's hits are kept in that order (an ID and a USCC both rank 20, 1.0)."""
    rec, has_context = claimer
    other, other_context = claimed
    first = (has_context, PRIORITY.get(rec.id, 0), rec.pattern_scores(has_context)[0])
    theirs = (other_context, PRIORITY.get(other.id, 0))
    return all(first >= (*theirs, score) for score in other.pattern_scores(other_context))
