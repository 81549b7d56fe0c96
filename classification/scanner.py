"""Run many recognizers over many values, fast (stage: classification).

The naive way tries every pattern of every recognizer on every value. The scanner first asks
one combined expression, the union of the recognizers' TRIGGERs (a short expression every hit
must contain: six digits in a row for an ID number, an ``@`` for an e-mail), whether a value
can hold anything at all; most values of a table or a log fail that one C-level search. Values
that pass run only the recognizers whose trigger they contain. Context-only recognizers take
part only for the columns (or keywords) that give them context.

Overlapping hits of different recognizers keep one: the one with context, then the higher
``priority`` (stricter validation: an ID number's date and region beat a card's Luhn), then the
higher score.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache

from govsoc.classification.recognizer import Match, Recognizer, recognizers

__all__ = ["Scanner", "scan_naive", "PRIORITY"]

#: Recognizer id -> precedence among overlapping hits (default 0).
PRIORITY: dict[str, int] = {
    "cn_disability_certificate": 30, "cn_resident_id": 20, "cn_foreign_permanent_resident_id": 20, "cn_uscc": 20,
    "iccid": 15, "vin": 12, "cn_bank_card": 10, "cn_mobile": 8, "cn_landline": 5, "cn_real_estate_unit": 15,
}


def _load() -> None:
    import govsoc.classification.recognizers  # noqa: F401  (registers the built-ins)


class Scanner:
    """A set of recognizer instances with a prefilter. ``ids`` None means every registered one."""

    def __init__(self, ids: Iterable[str] | None = None) -> None:
        _load()
        chosen = list(ids) if ids is not None else recognizers.ids()
        self.recognizers: dict[str, Recognizer] = {i: recognizers.get(i)() for i in chosen}
        self._inline: dict[str, tuple[str, ...]] = {
            i: tuple(w for w in r.CONTEXT if not w.isascii() and len(w) >= 2)
            for i, r in self.recognizers.items() if r.needs_context or any(p.context_only for p in r.PATTERNS)}
        self._plan = lru_cache(maxsize=256)(self._make_plan)

    def _make_plan(self, context: frozenset[str]) -> tuple[re.Pattern[str] | None,
                                                            tuple[tuple[re.Pattern[str], tuple[Recognizer, ...]], ...]]:
        groups: dict[str, list[Recognizer]] = {}
        for ident, rec in self.recognizers.items():
            if rec.needs_context and ident not in context:
                continue
            groups.setdefault(rec.TRIGGER, []).append(rec)
        if not groups:
            return None, ()
        union = re.compile("|".join(f"(?:{t})" for t in groups))
        return union, tuple((re.compile(t), tuple(rs)) for t, rs in groups.items())

    def scan(self, value: str, context: frozenset[str] = frozenset()) -> list[Match]:
        """Every hit in ``value``; ``context`` holds the ids that the column or field names."""
        if self._inline and not value.isascii():
            context = context | self._inline_context(value)
        union, groups = self._plan(context)
        if union is None or union.search(value) is None:
            return []
        found: list[Match] = []
        for trigger, recs in groups:
            if len(groups) > 1 and trigger.search(value) is None:
                continue
            for rec in recs:
                found.extend(rec.find(value, context=rec.id in context))
        return _resolve(found, context) if len(found) > 1 else found

    def scan_many(self, values: Sequence[str],
                  context: frozenset[str] = frozenset()) -> Iterator[tuple[int, list[Match]]]:
        """(index, hits) for every value of ``values`` with at least one hit."""
        scan = self.scan
        union, _ = self._plan(context)
        if union is None and not self._inline:
            return
        search = union.search if union is not None else None
        for index, value in enumerate(values):
            if search is not None and search(value) is None and (not self._inline or value.isascii()):
                continue
            hits = scan(value, context)
            if hits:
                yield index, hits

    def _inline_context(self, value: str) -> frozenset[str]:
        return frozenset(i for i, words in self._inline.items() if any(w in value for w in words))


def _resolve(found: list[Match], context: frozenset[str]) -> list[Match]:
    ranked = sorted(found, key=lambda m: (m.recognizer in context, PRIORITY.get(m.recognizer, 0), m.score,
                                          m.end - m.start), reverse=True)
    kept: list[Match] = []
    for m in ranked:
        if all(m.end <= k.start or k.end <= m.start for k in kept):
            kept.append(m)
    return sorted(kept, key=lambda m: m.start)


def scan_naive(scanner: Scanner, values: Iterable[str], context: frozenset[str] = frozenset()) -> int:
    """The baseline the benchmark compares with: every pattern of every recognizer on every value
    (no prefilter); returns the number of hits."""
    count = 0
    recs = list(scanner.recognizers.values())
    for value in values:
        found: list[Match] = []
        for rec in recs:
            found.extend(rec.find(value, context=rec.id in context))
        count += len(_resolve(found, context)) if len(found) > 1 else len(found)
    return count
