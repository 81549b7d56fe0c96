"""Numbers whose checks stand alone (stage: classification; a part of columns.py's decisions;
issue 15, R15y-5; GB 11643-1999 for the resident ID number).

A checksum recognizer's hits are weighed against chance among its candidates (columns._Checks):
a check character passes by chance in :attr:`Recognizer.CHANCE` of the numbers of its form. For
most kinds that form says little (any 16 digits after 62 are a card candidate), so a column needs
many hits. A resident ID number's form says much more: a province code, a real date of birth
between 1900 and today and a MOD 11-2 check character. A random 18-digit value meets all three
about 1 time in 68,000 (:data:`ID_VALUE_CHANCE`), so one that does is a person's number, whatever
the column's other values are. The column vote is there to reject the chance passes of a
*population* of ID-shaped numbers that are not ID numbers (办件编号 = 区划代码 + date + sequence:
1 in 11 of them pass): when the column shows such numbers failing their check, the hits must
still be more than they give.

So a recognizer whose :attr:`VALUE_CHANCE` (the chance of a random value of its length passing
every check) is under :data:`LONE_CHANCE` counts a single hit (:func:`min_hits`), and its hits are
beyond chance (:func:`lone_beyond_chance`) when there are at least CHANCE_TIMES the chance rate of
its distinct candidates and chance alone gives as many at most as often as one candidate passing
alone does (the tail at most CHANCE): 1 of 1, 2 of 2 to 5, 3 of 4 to 10 ... but never 91 of 1,000
办件编号. On a column of k ID-shaped numbers that are not ID numbers this tags at most 1 in 11 of
them (k = 1), over-grading, the lesser error; before it, 3 valid ID numbers beside 1 mistyped one
(3 of 4: by chance 1 in 360) or the same ID number three times were a column holding nothing.

:func:`whole_column` reads every value of a column for ID numbers, not just the sample: the
sample is 1,000 values, and 3 ID numbers among 10,000 rows of prose are 3 people's (R15y-5). A
compiled regular expression (17 digits and a digit or X, grouped 6-8-4 or not) picks the values
that could hold one; only those are recognized.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Final, Protocol

from govsoc.classification.recognizers.identity import MINOR, ResidentIdRecognizer, birth_date, under_fourteen

if TYPE_CHECKING:
    from govsoc.classification.recognizer import Recognizer

__all__ = ["binomial_tail", "min_hits", "counts_alone", "lone_beyond_chance", "ID_VALUE_CHANCE", "LONE_CHANCE",
           "IdEvidence", "whole_column", "whole_column_changes",
           "minors_by_birth_date"]

#: A recognizer whose random value passes every check less often than this counts a single hit.
LONE_CHANCE: Final = 1e-4
#: A column's hits must be at least this many times the chance rate of its candidates (columns.CHANCE_TIMES).
CHANCE_TIMES: Final = 2


#: How often a random 18-character value (17 digits, then a digit or X) passes every check of a
#: resident ID number: a province code (35 of 100 two-digit prefixes), a real date of birth from
#: 1900 to today (about 46,000 of 10^8 eight-digit runs) and the MOD 11-2 check character (1 in 11):
#: 0.35 * 4.6e-4 / 11, about 1.5e-5 (1 in 68,000). Tests recompute it by drawing such values.
ID_VALUE_CHANCE: Final = ResidentIdRecognizer.VALUE_CHANCE


def binomial_tail(k: int, n: int, p: float) -> float:
    """P(X >= k) for X ~ Binomial(n, p): how often chance alone gives ``k`` or more hits among
    ``n`` candidates that each pass with probability ``p``. Summed in log space from ``k`` up,
    stopping where the terms no longer add to the sum (they fall from the mode on)."""
    if k <= 0:
        return 1.0
    if k > n:
        return 0.0
    if p <= 0.0 or p >= 1.0:
        return 0.0 if p <= 0.0 else 1.0
    logs = (math.lgamma(n + 1), math.log(p), math.log1p(-p))
    total = 0.0
    for i in range(k, n + 1):
        term = math.exp(logs[0] - math.lgamma(i + 1) - math.lgamma(n - i + 1) + i * logs[1] + (n - i) * logs[2])
        total += term
        if i > n * p and term <= total * 1e-15:
            break
    return min(1.0, total)


def counts_alone(rec: Recognizer) -> bool:
    """Whether one number ``rec`` validates is evidence enough (its VALUE_CHANCE under LONE_CHANCE)."""
    return float(getattr(rec, "VALUE_CHANCE", 1.0)) < LONE_CHANCE


def min_hits(rec: Recognizer, n: int, all_of: int) -> int:
    """Values a checksum recognizer must hit among ``n`` before its checks are weighed: one for a
    kind whose checks stand alone, else ``all_of`` (or all of them, if fewer)."""
    return 1 if counts_alone(rec) else min(all_of, n)


def lone_beyond_chance(hits: int, candidates: int, chance: float) -> bool:
    """Whether ``hits`` of ``candidates`` distinct numbers of a kind whose checks stand alone are
    beyond chance: at least CHANCE_TIMES the chance rate, and as many no more often by chance
    than one candidate passing alone (the binomial tail at most ``chance``)."""
    if hits <= 0 or hits < CHANCE_TIMES * chance * candidates:
        return False
    # a relative margin: the tail of 1 of 1 is chance itself, computed in floating point
    return binomial_tail(hits, candidates, chance) <= chance * (1 + 1e-9)


#: What an 18-character ID number needs somewhere in a value: 17 digits (any script's: fullwidth
#: ones are folded later) in 6-8-3 groups, a space or hyphen between groups or not, then a digit or X.
_ID_SHAPE: Final = re.compile(r"\d{6}[ -]?\d{8}[ -]?\d{3}[\dXx]")


class IdEvidence:
    """The resident ID numbers of every value of a column (:func:`whole_column`): its distinct
    candidates, how many pass, the values holding one, those of holders under 14 and examples."""

    __slots__ = ("candidates", "hits", "values", "minors", "examples")

    def __init__(self) -> None:
        self.candidates = 0
        self.hits = 0
        self.values = 0
        self.minors = 0
        self.examples: list[str] = []

    def beyond_chance(self, rec: Recognizer) -> bool:
        """Whether the hits are beyond chance (:func:`lone_beyond_chance`)."""
        return lone_beyond_chance(self.hits, self.candidates, rec.CHANCE)


def whole_column(rec: Recognizer, values: Sequence[str], *, examples: int = 3) -> IdEvidence:
    """``rec``'s (cn_resident_id) evidence over every one of ``values``: those the shape's regular
    expression picks are read for candidates, each distinct one validated once."""
    evidence = IdEvidence()
    held: list[list[str]] = []
    seen: dict[str, str | None] = {}
    for value in values:
        if len(value) == 18 and value.isascii() and value[:17].isdigit():
            # the whole value one number (most such columns): the pattern asks nothing unchecked() does not
            number = value.upper()
            found = [number] if rec.unchecked(number) and number.count(number[0]) != 18 else []
        elif _ID_SHAPE.search(value) is None:
            continue
        else:  # 000…0: a blank filled in
            found = [c for c in rec.candidates(value) if c.count(c[0]) != len(c)]
        if found:
            held.append(found)
            seen.update(dict.fromkeys(found))
    numbers = list(seen)
    for number, why in zip(numbers, rec.validate_many(numbers), strict=True):
        seen[number] = why
    evidence.candidates = len(numbers)
    evidence.hits = sum(1 for why in seen.values() if why is not None)
    for found in held:
        valid = [c for c in found if seen[c] is not None]
        if not valid:
            continue
        evidence.values += 1
        evidence.minors += any(MINOR in (seen[c] or "") for c in valid)
        if len(evidence.examples) < examples:
            evidence.examples.append(rec.mask(valid[0]))
    return evidence


def minors_by_birth_date(rec: Recognizer, values: Sequence[str]) -> int:
    """How many of ``values`` hold a number of ``rec``'s form (cn_resident_id: GB 11643-1999) whose
    shape says its holder is under 14 today, whatever its check character says: a province's region
    code and a real date of birth (``rec.unchecked``), that date under 14 years ago. A column of them
    whose checks fail is suspected, not tagged; until someone reviews it, what it is suspected of
    counts (GB/T 43697-2024 就高从严): a children's roster with mistyped check characters is still a
    children's roster (PIPL art. 28, RRR15bs-2)."""
    minors = 0
    for value in values:
        if _ID_SHAPE.search(value) is None:
            continue
        born = [birth_date(c[6:14]) for c in rec.candidates(value) if len(c) == 18 and rec.unchecked(c)]
        minors += any(b is not None and under_fourteen(b) for b in born)
    return minors


class _Decision(Protocol):
    """What :func:`whole_column_changes` reads of a column's decision (columns.ColumnDecision, which
    imports this module: a type of its own here keeps mypy from seeing that class under two names)."""

    @property
    def status(self) -> str: ...
    @property
    def recognizer(self) -> str | None: ...
    @property
    def runners_up(self) -> tuple[tuple[str, float], ...]: ...
    @property
    def hit_ratio(self) -> float: ...
    @property
    def name_match(self) -> str: ...
    @property
    def minors(self) -> int: ...
    @property
    def reason(self) -> str: ...


def whole_column_changes(decision: _Decision, rec: Recognizer, values: Sequence[str],
                         sampled: int) -> dict[str, Any]:
    """The changes (for dataclasses.replace) that make ``decision`` (of a column of more ``values``
    than the ``sampled`` it judged) tagged with ``rec`` (cn_resident_id) when every value read for
    its numbers shows them beyond chance; a kind it was tagged with stays as a runner-up. Empty:
    unchanged (it holds ``rec`` already, or the numbers are within chance)."""
    tagged = decision.status == "tagged"
    if tagged and (decision.recognizer == rec.id or any(r == rec.id for r, _ in decision.runners_up)):
        return {}
    evidence = whole_column(rec, values)
    if not evidence.beyond_chance(rec):
        return {}
    ratio = evidence.values / len(values)
    reason = (f"{evidence.values} of all {len(values)} values hold a validated {rec.entity}, read whole for it (a"
              f" prefilter over every value, not only the {sampled} sampled); {evidence.hits} of the"
              f" {evidence.candidates} distinct numbers of its form pass its check (by chance 1 in"
              f" {round(1 / rec.CHANCE)})")
    runners = ((str(decision.recognizer), decision.hit_ratio), *decision.runners_up) if tagged else ()
    return dict(status="tagged", recognizer=rec.id, entity=rec.entity, sampled=len(values),
                confidence=round(0.7 + 0.3 * min(1.0, ratio / 0.9), 3), hits=evidence.values,
                hit_ratio=round(ratio, 4), masked_examples=tuple(evidence.examples), runners_up=runners,
                name_match=decision.name_match if decision.recognizer == rec.id else "none",
                minors=max(decision.minors, evidence.minors),
                reason=reason + (f"; the sample alone: {decision.reason}" if tagged else ""))
