"""Decisions per column or field (stage: classification; shared/reference/classification.md §7).

A column is judged on a sample of its non-null values (up to 1,000, as AWS SDPS and Huawei DBSS
do) together with its name, its comment and its table's name as context (Google DLP's
``windowBefore = 1`` hotword on the header, Macie's column-name keywords). Per recognizer:

==========================  =========================================================
kind of recognizer          tagged when
==========================  =========================================================
check character backed      hit ratio >= 0.10 and >= 5 hits (or all, if fewer values);
                            >= 0.02 when the name says so; and, either way, at least half
                            of the values that have the shape pass the check
shape only                  hit ratio >= 0.30; >= 0.10 when the name says so
context only (names, ...)   the name says so and hit ratio >= 0.50
==========================  =========================================================

A check character passes by chance in a share of the values that have a recognizer's shape
(Luhn 1 in 10 of random digit runs, GB 11643 MOD 11-2 1 in 11 of 办件编号 = 区划代码 + date +
sequence, GB 32100 1 in 31): a column of random 16-19-digit order numbers has ~10 % Luhn hits.
So the hits are also compared with the values that have the shape (:data:`CHECKED_SHARE`, five
times Luhn's chance rate): what clears that bar was written with the check, not found by it.
A column whose name says so but whose hits fall under that bar is ``suspected``, for review.

A name that says so with no value evidence (empty, hashed or encrypted columns) gives a
``suspected`` decision for review. Ambiguous abbreviations (xm 姓名/项目, dz 地址/电子,
kh 卡号/客户, dh 电话/单号) are weak: they enable context-only recognizers but never tag alone.
Among candidates the one with a passing check character wins, then the name match, then the
higher ratio; the others stay as runners-up. Each decision carries a confidence and a reason a
person can check.

A field name can be data (a JSON object keyed by phone numbers, the first row of a CSV file without
a header): names are shown masked like values, in the decision, its reason and everything built on
it. Every recognizer that needs no context masks what it finds in the name; and when the name does
not name the column's kind but holds one of the column's own values (张伟 heading a column of
names), the column's recognizer masks it as well.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Final, Literal

from govsoc.classification.recognizer import Recognizer, masked_text
from govsoc.classification.recognizers.identity import MINOR
from govsoc.classification.scanner import Scanner

__all__ = ["ColumnSample", "ColumnDecision", "ColumnClassifier", "name_tokens", "SAMPLE_SIZE"]

SAMPLE_SIZE: Final = 1000
#: Path separators of a field name (JSON paths): each segment is scanned alone.
_SEGMENTS: Final = re.compile(r"(\.|\[\])")
STRONG_RATIO: Final = 0.10
STRONG_RATIO_NAMED: Final = 0.02
#: Share of the values with a checksum recognizer's shape that must pass its check: well above
#: the check's chance rate (Luhn 0.10, MOD 11-2 0.09, MOD 31 0.03), below real data's (~1.0).
CHECKED_SHARE: Final = 0.5
SHAPE_RATIO: Final = 0.30
SHAPE_RATIO_NAMED: Final = 0.10
CONTEXT_RATIO: Final = 0.50
MIN_HITS: Final = 5
EXAMPLES: Final = 3

#: Tokens that make a column named "..._name" not a person's name (accounts, products, files).
_NOT_PERSON: Final = frozenset({"user", "username", "login", "account", "product", "file", "host", "company", "org",
                                "dept", "department", "project", "item", "goods", "table", "column", "app", "domain",
                                "display", "nick", "nickname", "city", "province", "district", "street", "bank",
                                "shop", "store", "brand", "model", "device", "server", "service", "task", "job"})
#: Last tokens that make an address-, phone- or card-named column something else (ids, counts, flags).
_NOT_VALUES: Final = frozenset({"id", "type", "count", "flag", "status", "len", "length"})
Status = Literal["tagged", "suspected", "none"]


def name_tokens(*names: str) -> tuple[frozenset[str], str]:
    """Lower-case tokens of column/table names (split on '_', '-', '.', spaces, camelCase and
    digits) and the joined text (for Chinese words and multi-word keys like ``id_card``)."""
    tokens: set[str] = set()
    parts: list[str] = []
    for name in names:
        spaced = re.sub(r"([a-z])([A-Z])", r"\1_\2", name)
        for token in re.split(r"[^0-9A-Za-z\u4e00-\u9fff]+|(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])", spaced):
            if token:
                tokens.add(token.lower())
                parts.append(token.lower())
    return frozenset(tokens), "_".join(parts)


@dataclass(frozen=True, slots=True, kw_only=True)
class ColumnSample:
    """What a source hands over for one column or field: where it is and sampled values."""

    dataset: str
    field: str
    values: Sequence[str]
    comment: str = ""
    table: str = ""
    rows: int | None = None
    nulls: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class ColumnDecision:
    """The decision for one column: the recognizer it holds (or none), confidence, reason, counts
    and masked examples; ``runners_up`` keeps the other candidates with their ratios."""

    dataset: str
    field: str
    comment: str
    status: Status
    recognizer: str | None
    entity: str
    confidence: float
    reason: str
    sampled: int
    hits: int
    hit_ratio: float
    name_match: Literal["strong", "weak", "none"]
    masked_examples: tuple[str, ...] = ()
    runners_up: tuple[tuple[str, float], ...] = ()
    rows: int | None = None
    #: sampled values whose hit says its holder is under 14 (ID numbers: date of birth)
    minors: int = 0


@dataclass(slots=True)
class _Candidate:
    rec: Recognizer
    hits: int
    name: Literal["strong", "weak", "none"]
    examples: list[str]


class ColumnClassifier:
    """Decides columns with one :class:`Scanner` (all recognizers by default)."""

    def __init__(self, scanner: Scanner | None = None) -> None:
        self.scanner = scanner or Scanner()

    def name_context(self, *names: str) -> dict[str, Literal["strong", "weak"]]:
        """Recognizer id -> how strongly the names (column, comment, table) point at it."""
        tokens, joined = name_tokens(*names)
        found: dict[str, Literal["strong", "weak"]] = {}
        for ident, rec in self.scanner.recognizers.items():
            if _says(rec.CONTEXT, tokens, joined):
                found[ident] = "strong"
            elif _says(rec.WEAK_CONTEXT, tokens, joined):
                found[ident] = "weak"
        if "cn_person_name" in found and tokens & _NOT_PERSON:
            del found["cn_person_name"]
        parts = joined.split("_")
        if len(parts) > 1 and parts[-1] in _NOT_VALUES and not _says(("id_card", "id_no"), tokens, joined):
            found = {}  # address_id, phone_type, card_count: about the thing, not the thing
        return found

    def name_against(self, *names: str) -> frozenset[str]:
        """Recognizer ids whose NOT_CONTEXT the names (column, comment) hold: a column named
        ``version`` or ``固件版本`` holds versions, whatever share of them is an IPv4 address."""
        tokens, joined = name_tokens(*names)
        return frozenset(i for i, rec in self.scanner.recognizers.items()
                         if rec.NOT_CONTEXT and _says(rec.NOT_CONTEXT, tokens, joined))

    def shown_name(self, name: str, recognizer: str | None = None) -> str:
        """``name`` as it may be printed: what any recognizer finds in it without context masked,
        and, with ``recognizer`` (the column's kind, which the name does not name), what that one
        finds in it with context (a person's name heading a column of names). Dotted paths are
        scanned segment by segment (``by_phone.13800138000.name``: a '.' before digits is no decimal)."""
        parts = _SEGMENTS.split(name)
        shown = [self._shown_part(part, recognizer) if i % 2 == 0 and part else part for i, part in enumerate(parts)]
        return "".join(shown)

    def _shown_part(self, part: str, recognizer: str | None) -> str:
        recs = self.scanner.recognizers
        # a keyword gives context to what surrounds it, and never is the value (申请人, 联系人)
        hits = [m for m in self.scanner.scan(part) if part[m.start:m.end] not in recs[m.recognizer].CONTEXT]
        if recognizer is not None:
            extra = [m for m in self.scanner.recognizers[recognizer].find(part, context=True)
                     if all(m.end <= h.start or h.end <= m.start for h in hits)]
            hits = [*hits, *extra]
        return masked_text(part, hits) if hits else part

    def decide(self, sample: ColumnSample) -> ColumnDecision:
        """The decision for one column (its field name shown masked, see the module docstring).
        A name that names nothing but is itself a value of a context-only kind (张伟 heading a
        column of names: a file without a header row) gives that kind its context."""
        decision = self._decide(sample, {})
        if decision.status != "tagged" and not self.name_context(sample.field, sample.comment):
            kinds = [i for i, r in self.scanner.recognizers.items()
                     if r.needs_context and not sample.field.isascii() and any(r.find(sample.field, context=True))]
            retry = self._decide(sample, dict.fromkeys(kinds, "weak")) if kinds else decision
            if retry.status == "tagged" and retry.recognizer in kinds:
                heading_is_value = f"the heading '{sample.field}' is one of them (no header row?)"
                decision = replace(retry, reason=retry.reason.replace(f"the name '{sample.field}' may say so",
                                                                      heading_is_value))
        strong = decision.status == "tagged" and decision.name_match == "strong"
        shown = self.shown_name(sample.field, None if strong else decision.recognizer)
        if shown == sample.field:
            return decision
        return replace(decision, field=shown, reason=decision.reason.replace(f"'{sample.field}'", f"'{shown}'"))

    def _decide(self, sample: ColumnSample, heading: dict[str, Literal["strong", "weak"]]) -> ColumnDecision:
        values = [v for v in sample.values if v][:SAMPLE_SIZE]
        named = {**self.name_context(sample.field, sample.comment), **heading}
        counts: Counter[str] = Counter()
        minors: Counter[str] = Counter()
        examples: dict[str, list[str]] = {}
        for _, hits in self.scanner.scan_many(values, frozenset(named)):
            for ident in {m.recognizer for m in hits if MINOR in m.reason}:
                minors[ident] += 1
            for ident in {m.recognizer for m in hits}:
                counts[ident] += 1
                shown = examples.setdefault(ident, [])
                if len(shown) < EXAMPLES:
                    shown.append(next(m.masked for m in hits if m.recognizer == ident))
        n = len(values)
        against = self.name_against(sample.field, sample.comment)
        passing = [_Candidate(self.scanner.recognizers[i], c, named.get(i, "none"), examples[i])
                   for i, c in counts.items()
                   if i not in against and _passes(self.scanner.recognizers[i], c, n, named.get(i, "none"))]
        by_chance = _by_chance(passing, values, named)
        passing = [c for c in passing if c.rec.id not in by_chance]
        if passing:
            passing.sort(key=lambda c: (c.rec.checksum, c.name == "strong", c.hits), reverse=True)
            best = passing[0]
            runners = tuple((c.rec.id, round(c.hits / n, 3)) for c in passing[1:])
            return replace(self._tagged(sample, best, n, runners), minors=minors[best.rec.id])
        strong = [i for i, how in named.items() if how == "strong"]
        chance = [i for i in strong if i in by_chance]
        if strong and (n == 0 or _opaque(values) or chance):
            rec = self.scanner.recognizers[(chance or strong)[0]]
            why = "values are hashed or encoded (pseudonymised?)"
            if n == 0:
                why = "no values sampled"
            elif chance:
                passed, shaped = by_chance[rec.id]
                why = (f"only {passed} of the {shaped} sampled values with its shape pass its check"
                       f" (under {CHECKED_SHARE:.0%}: a check passes by chance in some)")
            return ColumnDecision(dataset=sample.dataset, field=sample.field, comment=sample.comment,
                                  status="suspected", recognizer=rec.id, entity=rec.entity, confidence=0.3,
                                  sampled=n, hits=0, hit_ratio=0.0, name_match="strong", rows=sample.rows,
                                  reason=f"name '{sample.field}' names {rec.entity}, {why}: review")
        best_ratio = max((c for i, c in counts.items() if i not in against), default=0) / n if n else 0.0
        return ColumnDecision(dataset=sample.dataset, field=sample.field, comment=sample.comment, status="none",
                              recognizer=None, entity="", confidence=round(1.0 - best_ratio, 3), sampled=n, hits=0,
                              hit_ratio=0.0, name_match="none", rows=sample.rows,
                              reason=f"no recognizer reached its threshold on {n} sampled values"
                              + "".join(f"; {i} set aside: the name '{sample.field}' says the values are"
                                        " something else" for i in sorted(against) if counts[i]))

    def _tagged(self, sample: ColumnSample, best: _Candidate, n: int,
                runners: tuple[tuple[str, float], ...]) -> ColumnDecision:
        rec, ratio = best.rec, best.hits / n
        if rec.checksum:
            confidence = 0.7 + 0.3 * min(1.0, ratio / 0.9)
            kind = "validated (check character)"
        elif rec.needs_context:
            confidence = 0.4 + 0.5 * ratio
            kind = "matching, with the column name as context,"
        else:
            confidence = 0.5 + 0.4 * ratio
            kind = "matching"
        if best.name == "strong":
            confidence += 0.1
        said = {"strong": f"; the name '{sample.field}' says so", "weak": f"; the name '{sample.field}' may say so",
                "none": ""}[best.name]
        reason = f"{best.hits} of {n} sampled values ({ratio:.1%}) are {kind} {rec.entity}{said}"
        return ColumnDecision(dataset=sample.dataset, field=sample.field, comment=sample.comment, status="tagged",
                              recognizer=rec.id, entity=rec.entity, confidence=round(min(1.0, confidence), 3),
                              reason=reason, sampled=n, hits=best.hits, hit_ratio=round(ratio, 4),
                              name_match=best.name, masked_examples=tuple(best.examples), runners_up=runners,
                              rows=sample.rows)

    def decide_all(self, samples: Iterable[ColumnSample]) -> list[ColumnDecision]:
        """Decisions for many columns, in order."""
        return [self.decide(s) for s in samples]


def _says(words: Sequence[str], tokens: frozenset[str], joined: str) -> bool:
    for word in words:
        if not word.isascii():
            if word in joined:
                return True
        elif "_" in word:
            if word in joined:
                return True
        elif word in tokens:
            return True
    return False


def _passes(rec: Recognizer, hits: int, n: int, name: str) -> bool:
    if n == 0 or hits == 0:
        return False
    ratio = hits / n
    if rec.needs_context:
        return name != "none" and ratio >= CONTEXT_RATIO
    if rec.checksum:
        if name == "strong":
            return ratio >= STRONG_RATIO_NAMED
        return ratio >= STRONG_RATIO and hits >= min(MIN_HITS, n)
    return ratio >= (SHAPE_RATIO_NAMED if name == "strong" else SHAPE_RATIO)


def _by_chance(passing: list[_Candidate], values: Sequence[str],
               named: Mapping[str, str]) -> dict[str, tuple[int, int]]:
    """Checksum recognizer id -> (hits, values with its shape) for the candidates whose hits are
    under CHECKED_SHARE of the values that have its shape: a check passing by chance in a column
    of look-alike numbers (R15-2), not values written with the check."""
    found: dict[str, tuple[int, int]] = {}
    for candidate in passing:
        rec = candidate.rec
        if rec.checksum:
            shaped = sum(1 for v in values if rec.shaped(v, context=rec.id in named))
            if candidate.hits < CHECKED_SHARE * shaped:
                found[rec.id] = (candidate.hits, shaped)
    return found


def _opaque(values: Sequence[str]) -> bool:
    """Most values look like hashes or Base64 (32/40/64 hex, or long Base64)."""
    opaque = sum(1 for v in values if re.fullmatch(r"[0-9a-fA-F]{32}|[0-9a-fA-F]{40}|[0-9a-fA-F]{64}|"
                                                   r"[A-Za-z0-9+/]{16,}={0,2}", v))
    return opaque >= 0.8 * len(values)
