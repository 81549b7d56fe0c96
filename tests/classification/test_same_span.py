"""scanner.SAME_SPAN (F15w): a card or USCC match on the exact span of a valid resident ID hit is
refused before it is judged when the ID hit goes first in _resolve's order, and the hits stay
those of ``scan``. The premise (the ID pattern hits wherever a claimed pattern matches one of its
texts at the same start) is checked on the patterns themselves."""

from __future__ import annotations

import importlib
from collections import Counter
from typing import Any

import pytest

from govsoc.classification.checksums import resident_id_check_char
from govsoc.classification.recognizer import NOT_AFTER, NOT_BEFORE, Recognizer, recognizers
from govsoc.classification.scanner import Scanner

COMMON = ("cn_resident_id", "cn_mobile", "cn_bank_card", "email", "ipv4", "cn_uscc")
_PARSER: Any = importlib.import_module("re._parser")


def _ids(count: int) -> list[str]:
    """Distinct valid 18-digit ID numbers whose check character is a digit (an X would end no
    card or USCC match: the claim would not be tried)."""
    out: list[str] = []
    day = 0
    while len(out) < count:
        body = f"110101{1970 + day // 336}{day // 28 % 12 + 1:02d}{day % 28 + 1:02d}{day % 1000:03d}"
        day += 1
        check = resident_id_check_char(body)
        if check != "X":
            out.append(body + check)
    return out


def _judged(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Recognizer id -> candidates its _judge was asked (a spy on the joined scan's judging)."""
    asked: Counter[str] = Counter()
    judge = Recognizer._judge

    def spy(self: Recognizer, pattern: Any, keys: list[Any], *rest: Any) -> Any:
        asked[self.id] += len(keys)
        return judge(self, pattern, keys, *rest)

    monkeypatch.setattr(Recognizer, "_judge", spy)
    return asked


def test_an_id_numbers_span_is_not_judged_again_as_a_card_or_uscc(monkeypatch: pytest.MonkeyPatch) -> None:
    # 300 ID numbers, each also a card (13-19 digits) and a USCC (18 characters) candidate: before
    # F15w each was judged three times (registry bench: 6,001 card and 6,672 USCC candidates)
    asked = _judged(monkeypatch)
    values = _ids(300)
    found = dict(Scanner(COMMON).scan_many(values))
    assert [hits[0].recognizer for hits in found.values()] == ["cn_resident_id"] * 300
    assert (asked["cn_resident_id"], asked["cn_bank_card"], asked["cn_uscc"]) == (300, 0, 0)


def test_a_card_in_context_outranks_the_id_and_is_judged(monkeypatch: pytest.MonkeyPatch) -> None:
    # in a column named for cards, a card hit would go first: no claim, every candidate judged
    asked = _judged(monkeypatch)
    list(Scanner(COMMON).scan_many(_ids(100), frozenset({"cn_bank_card"})))
    assert asked["cn_bank_card"] == 100


_MIXED = [*_ids(40), *(f"身份证 {v}；" for v in _ids(20)), *(f"a {v} b" for v in _ids(20)),
          "6222021234567890123", "91350100M000100Y43", "订单号：110101199003071234", "110101199003071235",
          "6222 0212 3456 7890", "13812345678", "x@example.com", "10.1.2.3"]


@pytest.mark.parametrize("context", [
    frozenset(),  # the ID goes first (priority 20 over 10; a tie with the USCC goes to the ID, found first)
    frozenset({"cn_bank_card"}),  # the card goes first: no claim on its matches
    frozenset({"cn_uscc"}),  # the USCC goes first: no claim on its matches
    frozenset({"cn_resident_id", "cn_uscc"}),  # both in context: a tie again, the ID found first
])
def test_scan_many_keeps_scans_hits_with_claims(context: frozenset[str]) -> None:
    scanner = Scanner(COMMON)
    values = _MIXED * 2
    expected = {i: hits for i, v in enumerate(values) if (hits := scanner.scan(v, context))}
    assert dict(Scanner(COMMON).scan_many(values, context)) == expected


def test_the_claimers_first_pattern_hits_wherever_a_claimed_one_matches_its_text() -> None:
    # the claimer's first pattern: the plain bounds around a body of one width with no assertion,
    # so it matches a text at a place whenever the text is bounded there as the claimed match is
    from govsoc.classification.scanner import SAME_SPAN

    assert SAME_SPAN
    for claimed, claimer in SAME_SPAN.items():
        first = recognizers.get(claimer).PATTERNS[0].regex
        assert first.startswith(NOT_BEFORE) and first.endswith(NOT_AFTER), claimer
        tree = _PARSER.parse(first[len(NOT_BEFORE):-len(NOT_AFTER)])
        low, high = tree.getwidth()
        assert low == high, claimer
        assert not any(op.name in ("ASSERT", "ASSERT_NOT", "AT") for op, _ in tree.data), claimer
        for pattern in recognizers.get(claimed).PATTERNS:  # each opens and closes with the same bounds
            assert pattern.regex.startswith(NOT_BEFORE) and pattern.regex.endswith(NOT_AFTER), pattern.name
