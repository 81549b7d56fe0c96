"""Weakly masked card numbers under card and account headings (issue 15, R15y-6;
classification.recognizers.masked): 19-digit cards keeping 5 at the end or hiding only 2 digits,
and 开户账号 (khzh) as a card's heading."""

from __future__ import annotations

import random

import pytest

from govsoc.classification.columns import ColumnClassifier, ColumnSample
from govsoc.classification.recognizers.masked import MaskedBankCardRecognizer

CLASSIFIER = ColumnClassifier()


def column(keep: int, stars: int, tail: int, first: str = "62", seed: int = 3) -> list[str]:
    rng = random.Random(seed)
    digits = lambda n: "".join(str(rng.randrange(10)) for _ in range(n))  # noqa: E731
    return [first + digits(keep - len(first)) + "*" * stars + digits(tail) for _ in range(300)]


@pytest.mark.parametrize("field, values, expected", [
    # 开户账号 in pinyin initials: a card's heading as 账号 and yhzh are (masked ID G2 before)
    ("khzh", column(10, 4, 4), ("tagged", "masked_cn_bank_card")),
    # a 19-digit card keeping the first 10 and the last 5 (none before: the tail was 2-4)
    ("卡号", column(10, 4, 5), ("tagged", "masked_cn_bank_card")),
    # a 19-digit card hiding 2 digits only: 17 of 19 shown is at least a masked card (none before)
    ("卡号", column(13, 2, 4), ("tagged", "masked_cn_bank_card")),
    # the ID number's weak form under a card heading stays the ID's (R15y-1)
    ("卡号", column(10, 4, 4, first="4403041979"), ("tagged", "masked_cn_resident_id")),
    # 2 stars with no card heading: no card (context only)
    ("备注", column(13, 2, 4), ("none", None)),
])
def test_weak_card_masks(field: str, values: list[str], expected: tuple[str, str | None]) -> None:
    d = CLASSIFIER.decide(ColumnSample(dataset="t", field=field, values=values))
    assert (d.status, d.recognizer) == expected, d.reason


def test_reason_says_how_many_are_kept_at_the_end() -> None:
    rec = MaskedBankCardRecognizer()
    assert "first 10 and last 5 kept" in rec.validate("6223087295****48683")  # "last 4" before
    assert "first 13 and last 4 kept" in rec.validate("6246036373518**0896")
