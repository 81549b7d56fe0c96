"""Run many recognizers over many values, fast (stage: classification).

The naive way tries every pattern of every recognizer on every value. The scanner first maps a
value to its character classes with one ``str.translate`` (digits -> ``0``, letters -> ``a``,
space and ``-`` -> ``s``; ``.``, ``@`` and ``:`` kept; other ASCII -> ``x``) and asks whether
the class string holds one of the recognizers' SHAPES (seventeen ``0`` in a row for an ID
number, an ``@`` for an e-mail address): substring tests, C speed, no regular expression. Most
values of a table or a log fail them all. scan_many gates a whole chunk at once
(govsoc.classification.batch): the values are joined, folded, mapped to classes and split in C,
and each value's class string is looked up in a table of candidate recognizers, so a value no
shape falls in costs no Python work of its own; a candidate runs a recognizer's find only when
one expression of its patterns matches. A recognizer none of whose patterns can match the
separator (batch.joinable: all the built-in shaped ones) runs once per chunk over its candidate
values joined (Recognizer.find_joined), so Python works per regex match, not per value; the
candidate values are joined once for all of them, grouped by which recognizers they are a
candidate of, and each recognizer searches its groups' spans of that text. A chunk that
repeats values (a log its messages, a column its statuses and codes) is scanned once per
distinct value, and each value's hits given to the values equal to it.
tests/classification/test_batch.py holds it to the findings of every pattern on every value.
Recognizers whose hits cannot be said as shapes use their TRIGGER expression; those whose hits
hold Chinese characters (plates, addresses, names) run only on values that are not ASCII.
Values that pass run only the recognizers whose shape or trigger they contain. Context-only
recognizers take part only for the columns (or keywords in the value) that give them context.

Overlapping hits of different recognizers keep one (govsoc.classification.overlaps).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache, reduce
from itertools import chain, compress, repeat
from operator import itemgetter, not_, or_
from typing import Final

from govsoc.classification.batch import (
    SEP,
    Candidate,
    ChunkText,
    ShapeGate,
    chunk_text,
    class_of,
    offset_array,
    shown_chunk,
    signatures,
    starts,
)
from govsoc.classification.invisible import INVISIBLE, placed, visible
from govsoc.classification.overlaps import PRIORITY
from govsoc.classification.overlaps import by_value as _by_value
from govsoc.classification.overlaps import outranks as _outranks
from govsoc.classification.overlaps import resolve as _resolve
from govsoc.classification.recognizer import (
    HitKey,
    Match,
    Recognizer,
    judged_while,
    normalize,
    recognizers,
)
from govsoc.classification.repeats import CHUNK, Found, Repeats

__all__ = ["Scanner", "scan_naive", "PRIORITY", "CLASSES", "SAME_SPAN"]

#: Claimed recognizer id -> the recognizer whose first pattern's hits claim its matches' spans (F15w).
#: An ID number is also a candidate of the card (13-19 digits) and USCC (18 characters) patterns,
#: three matches a number: 6,001 card and 6,672 USCC matches of the registry bench's 100,000
#: values lay on a valid ID hit's span, none of them a valid card or USCC. The ID pattern is a
#: fixed-width body between the same bounds the claimed patterns open and close with (NOT_BEFORE,
#: NOT_AFTER; tests/classification/test_same_span.py checks it), so where a claimed pattern
#: matches a text the ID pattern hit elsewhere at the same start in its value, the ID pattern hits
#: there too, with the same Match (a function of that key, HitCache); where that hit outranks
#: the claimed recognizer's (_resolve's order, ``_outranks``), the claimed hit is one _resolve
#: drops, so its match is refused before it is judged.
SAME_SPAN: Final = {"cn_bank_card": "cn_resident_id", "cn_uscc": "cn_resident_id"}
_CLAIMERS: Final = frozenset(SAME_SPAN.values())

#: ASCII character -> class character; other characters are kept as they are.
CLASSES: Final = str.maketrans({chr(i): class_of(chr(i)) for i in range(128)})


def _load() -> None:
    import govsoc.classification.recognizers  # noqa: F401  (registers the built-ins)


def _minimal(shapes: Iterable[str]) -> tuple[str, ...]:
    """The shapes that no shorter shape is a substring of (testing those is enough to gate)."""
    ordered = sorted(set(shapes), key=len)
    kept: list[str] = []
    for shape in ordered:
        if not any(k in shape for k in kept):
            kept.append(shape)
    return tuple(kept)


@dataclass(frozen=True, slots=True)
class _Plan:
    gate: tuple[str, ...]
    shaped: tuple[tuple[Recognizer, tuple[str, ...]], ...]
    trigger_gate: re.Pattern[str] | None
    triggered: tuple[tuple[Recognizer, re.Pattern[str]], ...]
    chinese_gate: re.Pattern[str] | None
    chinese: tuple[tuple[Recognizer, re.Pattern[str]], ...]
    shape_gate: ShapeGate


def _union(triggers: Iterable[str]) -> re.Pattern[str] | None:
    found = list(dict.fromkeys(triggers))
    return re.compile("|".join(f"(?:{t})" for t in found)) if found else None


class Scanner:
    """A set of recognizer instances with a prefilter. ``ids`` None means every registered one."""

    def __init__(self, ids: Iterable[str] | None = None) -> None:
        _load()
        chosen = list(ids) if ids is not None else recognizers.ids()
        self.recognizers: dict[str, Recognizer] = {i: recognizers.get(i)() for i in chosen}
        self._inline: dict[str, tuple[str, ...]] = {
            i: tuple(w for w in r.CONTEXT if not w.isascii() and len(w) >= 2)
            for i, r in self.recognizers.items() if r.needs_context or any(p.context_only for p in r.PATTERNS)}
        words = sorted({w for ws in self._inline.values() for w in ws}, key=len, reverse=True)
        self._inline_words = re.compile("|".join(map(re.escape, words))) if words else None
        self._plan = lru_cache(maxsize=256)(self._make_plan)
        #: The masking rules the recognizers mask with: a change of one in force empties Repeats' table.
        self._mask_rules = tuple(r.mask_rule for r in self.recognizers.values())
        #: Values on which scan_many has run a recognizer's find() (or scan()), over every call:
        #: the work its prefilter did not spare (a value repeated in a chunk counts once).
        self.examined = 0

    def _make_plan(self, context: frozenset[str]) -> _Plan:
        active = [r for i, r in self.recognizers.items() if not r.needs_context or i in context]
        shaped = tuple((r, r.SHAPES) for r in active if r.SHAPES is not None and not r.NEEDS_NON_ASCII)
        triggered = tuple((r, re.compile(r.TRIGGER)) for r in active if r.SHAPES is None and not r.NEEDS_NON_ASCII)
        chinese = tuple((r, re.compile(r.TRIGGER)) for r in active if r.NEEDS_NON_ASCII)
        gate = _minimal(s for _, shapes in shaped for s in shapes)
        return _Plan(gate=gate, shaped=shaped,
                     trigger_gate=_union(r.TRIGGER for r, _ in triggered), triggered=triggered,
                     chinese_gate=_union(r.TRIGGER for r, _ in chinese), chinese=chinese,
                     shape_gate=ShapeGate(shaped, gate, context))

    def _candidates(self, text: str, ascii_text: bool, plan: _Plan) -> list[Recognizer]:
        classes = text.translate(CLASSES)
        found: list[Recognizer] = []
        for gate in plan.gate:
            if gate in classes:
                found = [r for r, shapes in plan.shaped if any(s in classes for s in shapes)]
                break
        if plan.trigger_gate is not None and plan.trigger_gate.search(text):
            found += [r for r, t in plan.triggered if t.search(text)]
        if not ascii_text and plan.chinese_gate is not None and plan.chinese_gate.search(text):
            found += [r for r, t in plan.chinese if t.search(text)]
        return found

    def scan(self, value: str, context: frozenset[str] = frozenset()) -> list[Match]:
        """Every hit in ``value``; ``context`` holds the ids that the column or field names. A value
        is read as a reader sees it: without zero-width and other invisible characters (invisible.py)."""
        ascii_text = value.isascii()
        if not ascii_text and INVISIBLE.search(value) is not None:  # rare: one C-level search
            shown, kept = visible(value) or (value, [])
            return placed(self.scan(shown, context), kept)
        if self._inline and not ascii_text:
            context = context | self._inline_context(value)
        plan = self._plan(context)
        candidates = self._candidates(value if ascii_text else normalize(value), ascii_text, plan)
        if not candidates:
            return []
        found: list[Match] = []
        for rec in candidates:
            found.extend(rec.find(value, context=rec.id in context))
        return _resolve(found, context) if len(found) > 1 else found

    def scan_many(self, values: Sequence[str],
                  context: frozenset[str] = frozenset()) -> Iterator[tuple[int, list[Match]]]:
        """(index, hits) for every value of ``values`` with at least one hit: the same hits as
        ``scan`` of each value.

        When every active recognizer has SHAPES, the values are gated in chunks by C code
        (govsoc.classification.batch): joined, folded, mapped to class strings, and each class
        string looked up in the plan's table of recognizers by shape; only values with a
        candidate run their candidates one by one. A chunk's (index, hits) are listed at once
        and handed out by C code (``chain``): no Python frame runs per value with a hit. Values
        holding invisible characters are scanned by ``scan`` itself, one by one (invisible.py):
        a chunk finds them among the values it folds (batch.chunk_text), with no pass of its own."""
        plan = self._plan(context)
        if plan.trigger_gate is not None or len(values) < 64:
            return self._scan_each(values, context, plan)
        # what the call's chunks repeat: within a chunk, and across chunks while it pays (repeats.py)
        return chain.from_iterable(map(self._chunk, repeat(values), range(0, len(values), CHUNK), repeat(context),
                                       repeat(plan), repeat(Repeats())))

    def _chunk(self, values: Sequence[str], first: int, context: frozenset[str],
               plan: _Plan, repeats: Repeats) -> Found:
        """(index in ``values``, hits) of the chunk of ``values`` that begins at ``first``; a
        value met before in the call may get the hits it got then (``repeats``)."""
        stamp = judged_while(self._mask_rules)

        def scan(part: Sequence[str], at: int) -> Found:
            return self._scan_chunk(part, context, plan, at)

        return repeats.chunk(values, first, stamp, scan)

    def _scan_chunk(self, chunk: Sequence[str], context: frozenset[str], plan: _Plan,
                    first: int = 0) -> list[tuple[int, list[Match]]]:
        """(index plus ``first``, hits) of a chunk's values with hits. The joined recognizers run
        once over the chunk (_run_joined) and their hits are handed out by C code (_by_value);
        only the values ``scan`` must read alone (_alone) or that have a candidate not joined are
        done one by one (_one_by_one)."""
        joined = chunk_text(chunk, fold_hidden=False)
        if joined is None:  # a value holds the separator: no joining
            return [(first + index, hits) for index, hits in self._scan_each(chunk, context, plan)]
        if joined.hidden:
            return self._scan_shown(chunk, joined, context, plan, first)
        return self._scan_joined(chunk, joined, context, plan, first)

    def _scan_joined(self, chunk: Sequence[str], joined: ChunkText, context: frozenset[str], plan: _Plan,
                     first: int) -> list[tuple[int, list[Match]]]:
        """_scan_chunk of a chunk joined (``joined``: chunk_text's, no value hidden)."""
        gate = plan.shape_gate
        classes = signatures(joined.text)
        alone = self._alone(chunk, joined.blob, joined.text, plan)
        all_joined = len(gate.joined) == len(gate.shaped)
        # each value's candidates, for those not run over the joined text (none, mostly)
        per_value = [] if all_joined else list(map(gate.__getitem__, classes))
        # recognizers that can run over the joined text do, once: Python works per regex match,
        # not per value; their hits are kept for the values they are a candidate of
        pairs: list[tuple[int, Match]] = []
        ran: set[int] = set()
        if gate.joined:
            masks = list(map(gate.masks.__getitem__, classes))
            kinds = sorted(set(masks).difference((0,)))
            if kinds:
                folded = chunk if joined.folded is None else joined.folded
                pairs = self._run_joined(folded, masks, kinds, gate, context, ran)
        ran.difference_update(alone)
        rest: list[int] = [] if all_joined else [
            i for i in compress(range(len(chunk)), per_value) if not gate.joined.issuperset(per_value[i])]
        self.examined += len(ran.difference(rest))
        if not alone and not rest:
            return _by_value(pairs, context, first)
        # only the values done one by one leave the C path; the others' hits are handed out as above
        one_by_one = alone.union(rest)
        slow = list(map(one_by_one.__contains__, map(_INDEX, pairs)))
        out = _by_value(list(compress(pairs, map(not_, slow))), context, first)
        out += self._one_by_one(chunk, sorted(one_by_one), alone, list(compress(pairs, slow)), per_value, gate,
                                ran, context, first)
        out.sort(key=_INDEX)  # two sorted runs: one merge
        return out

    def _one_by_one(self, chunk: Sequence[str], indexes: list[int], alone: set[int], pairs: list[tuple[int, Match]],
                    per_value: Sequence[tuple[Candidate, ...]], gate: ShapeGate, ran: set[int], context: frozenset[str],
                    first: int) -> list[tuple[int, list[Match]]]:
        """(index plus ``first``, hits) of the chunk's values at ``indexes`` with hits: those in
        ``alone`` by ``scan`` (Chinese-text recognizers or inline context), the others by their
        candidates, the joined ones' hits taken from ``pairs`` (their joined hits)."""
        early: dict[int, list[Match]] = {}
        for index, hit in pairs:
            if index not in alone:
                early.setdefault(index, []).append(hit)
        out: list[tuple[int, list[Match]]] = []
        scan = self.scan
        for index in indexes:
            if index in alone:
                self.examined += 1
                hits = scan(chunk[index], context)
            else:
                value = chunk[index]
                folded_value = value if value.isascii() else normalize(value)
                found: list[Match] = []
                examined = index in ran
                earlier = early.get(index, ())
                for rec, probe, has_context, base_find in per_value[index]:
                    if (rec, probe, has_context, base_find) in gate.joined:
                        found.extend(m for m in earlier if m.recognizer == rec.id)
                    elif probe.search(folded_value) is not None:  # else find() finds nothing
                        examined = True
                        found.extend(rec.find_folded(folded_value, context=has_context) if base_find
                                     else rec.find(value, context=has_context))
                self.examined += examined
                hits = _resolve(found, context) if len(found) > 1 else found
            if hits:
                out.append((first + index, hits))
        return out

    def _scan_shown(self, chunk: Sequence[str], joined: ChunkText, context: frozenset[str], plan: _Plan,
                    first: int) -> list[tuple[int, list[Match]]]:
        """_scan_chunk of a chunk whose hidden values (holding an invisible character) are read as
        ``scan`` reads them: without those characters (batch.shown_chunk), their hits placed back
        on the value (invisible.placed). The other values keep the joined path (RR15al-1)."""
        shown, shown_joined, kept = shown_chunk(chunk, joined)
        out = self._scan_joined(shown, shown_joined, context, plan, first)
        at = list(map(_INDEX, out))
        for index, where in kept.items():
            spot = bisect_left(at, first + index)
            if spot < len(at) and at[spot] == first + index:
                out[spot] = (first + index, placed(out[spot][1], where))
        return out

    @staticmethod
    def _run_joined(folded: Sequence[str], masks: list[int], kinds: list[int], gate: ShapeGate,
                    context: frozenset[str], ran: set[int]) -> list[tuple[int, Match]]:
        """Run every joined recognizer over the chunk's candidate values (``folded``: the
        chunk's values folded): the values some recognizer is a candidate of (in a table, most
        are not) joined once, grouped by their mask (which recognizers they are a candidate
        of), and each recognizer searching only the groups it is a candidate of
        (:meth:`Recognizer.find_joined`'s ``within``). One join and one offset table per chunk
        instead of one per recognizer. Returns (value index, hit) of every recognizer in turn
        (the recognizers give the chunk's indexes themselves: ``labels``); ``ran`` gets the
        indexes of the values a pattern matched in."""
        # stable sort: value order within a group, so a value's hits come as before
        live = sorted(compress(range(len(masks)), masks), key=masks.__getitem__)
        live_masks = list(map(masks.__getitem__, live))
        values = list(map(folded.__getitem__, live))
        offsets = offset_array(values)  # an array: find_joined places its matches with numpy
        joined = SEP.join(values)
        # each group's span of the joined text: its first value's start to its last value's end
        spans = []
        for kind in kinds:
            last = bisect_right(live_masks, kind) - 1
            spans.append((kind, int(offsets[bisect_left(live_masks, kind)]), int(offsets[last]) + len(values[last])))
        present = reduce(or_, kinds, 0)
        found: list[tuple[int, Match]] = []
        claims: dict[str, tuple[Recognizer, bool, dict[HitKey, None]]] = {}  # claimer id -> its first hits' keys
        for (candidate, _), (base, bits) in zip(gate.shaped, gate.slots, strict=True):
            if not present >> base & ((1 << len(bits)) - 1) or candidate not in gate.joined:
                continue
            within = [_within(spans, bit) for bit in range(base, base + len(bits))]
            if len(bits) == 1:  # one bit for all its patterns
                within *= len(candidate[0]._searching)
            rec = candidate[0]
            claim: dict[HitKey, None] | None = None
            if rec.id in _CLAIMERS:
                claim = {}
                claims[rec.id] = (rec, candidate[2], claim)
            claimer = claims.get(SAME_SPAN.get(rec.id, ""))
            claimed = claimer[2] if claimer is not None and _outranks(claimer[:2], (rec, candidate[2])) else None
            pairs, matched = rec.find_joined(joined, offsets, context=candidate[2], within=within, labels=live,
                                             claim=claim, claimed=claimed)
            ran |= matched
            found.extend(pairs)
        return found

    def _alone(self, chunk: Sequence[str], blob: str, text: str, plan: _Plan) -> set[int]:
        """Values that ``scan`` must look at alone: values that are not ASCII and that a
        recognizer of Chinese text is triggered by (their folded text, as in ``scan``) or that
        hold an inline context word (their own text, as in ``scan``)."""
        gate = plan.chinese_gate
        if blob.isascii() or (gate is None and self._inline_words is None):
            return set()
        alone: set[int] = set()
        offsets = starts(chunk)
        if gate is not None:
            alone.update(i for i, (at, v) in enumerate(zip(offsets, chunk, strict=True))
                         if not v.isascii() and gate.search(text[at:at + len(v)]) is not None)
        if self._inline_words is not None:
            alone.update(bisect_right(offsets, m.start()) - 1 for m in self._inline_words.finditer(blob))
        return alone

    def _scan_each(self, values: Sequence[str], context: frozenset[str],
                   plan: _Plan) -> Iterator[tuple[int, list[Match]]]:
        gate, trigger = plan.gate, plan.trigger_gate
        scan = self.scan
        for index, value in enumerate(values):
            if value.isascii():
                # the common case, inline: one translate and a few substring tests
                classes = value.translate(CLASSES)
                for shape in gate:
                    if shape in classes:
                        break
                else:
                    if trigger is None or trigger.search(value) is None:
                        continue
            self.examined += 1
            hits = scan(value, context)
            if hits:
                yield index, hits

    def _inline_context(self, value: str) -> frozenset[str]:
        return frozenset(i for i, words in self._inline.items() if any(w in value for w in words))

    def inline_context(self, value: str) -> frozenset[str]:
        """The ids that a context word written in ``value`` gives context to (护照号: cn_passport),
        as :meth:`scan` reads them, without invisible characters (护\u200b照号 is 护照号); none in ASCII text."""
        if not self._inline or value.isascii():
            return frozenset()
        if INVISIBLE.search(value) is not None:  # rare: one C-level search, as scan does
            value = (visible(value) or (value, []))[0]
        return self._inline_context(value)


_INDEX: Final = itemgetter(0)


def _within(spans: list[tuple[int, int, int]], bit: int) -> list[tuple[int, int]]:
    """The spans of the groups whose mask has ``bit``, neighbours merged (one search)."""
    within: list[tuple[int, int]] = []
    for kind, start, end in spans:
        if kind >> bit & 1:
            if within and within[-1][1] + 1 == start:
                within[-1] = (within[-1][0], end)
            else:
                within.append((start, end))
    return within


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
