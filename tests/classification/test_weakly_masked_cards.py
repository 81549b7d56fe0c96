"""Cards masked less than govsoc's rule (6222021234****5678: 18 characters, as an ID number has)
under a card's heading are masked cards, not masked ID numbers (R15x-3: masked_cn_resident_id G2
before); and a sensitive heading over nothing but placeholders is judged as over blanks (R15x-4)."""

from __future__ import annotations

import random

import pytest

from govsoc.classification.columns import ColumnClassifier, ColumnSample
from govsoc.classification.grading import grade_table, load_scheme

CLASSIFIER = ColumnClassifier()


@pytest.mark.parametrize("heading,make", [
    ("卡号", lambda r: f"622202{r.randrange(10 ** 4):04d}****{r.randrange(10 ** 4):04d}"),     # 18 characters
    ("银行卡号", lambda r: f"4392{r.randrange(10 ** 6):06d}****{r.randrange(10 ** 4):04d}"),   # Visa, 18
    ("yhkh", lambda r: f"5187{r.randrange(10 ** 8):08d}*****{r.randrange(100):02d}"),         # Mastercard, 19
])
def test_a_weakly_masked_card_under_a_card_heading_is_a_masked_card(heading: str, make: object) -> None:
    rng = random.Random(3)
    values = [make(rng) for _ in range(300)]  # type: ignore[operator]
    decision = CLASSIFIER.decide(ColumnSample(dataset="t.csv", field=heading, values=values))
    assert (decision.status, decision.recognizer, decision.hits) == ("tagged", "masked_cn_bank_card", 300)


def test_the_same_shape_under_an_id_heading_stays_a_masked_id() -> None:
    rng = random.Random(4)
    values = [f"11010519{rng.randrange(40, 99)}{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}****"
              for _ in range(300)]
    decision = CLASSIFIER.decide(ColumnSample(dataset="t.csv", field="身份证号", values=values))
    assert decision.recognizer == "masked_cn_resident_id"


@pytest.mark.parametrize("heading,filler", [("身份证号", "无"), ("sfzh", "NULL"), ("手机号", "/")])
def test_a_heading_over_placeholders_only_is_judged_as_over_blanks(heading: str, filler: str) -> None:
    # R15x-4, kept by decision: a sample of 无 is not the table (rows not sampled, columns filled
    # later: R15-13), so the heading alone keeps the column suspected for review, as a blank one is
    names = ColumnSample(dataset="t.csv", table="t", field="姓名", values=["张伟", "王芳"] * 150)
    level = {}
    for kind, values in (("placeholders", [filler] * 300), ("blank", [])):
        decided = CLASSIFIER.decide_all([names, ColumnSample(dataset="t.csv", table="t", field=heading, values=values)])
        assert (decided[1].status, decided[1].hits) == ("suspected", 0)
        level[kind] = grade_table("t.csv", decided, load_scheme("gbt43697")).level
    assert level["placeholders"] == level["blank"]
