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
    # a card whose 7th-10th digits read as a birth year 19xx/20xx after a region has an ID number's
    # weak shape (R15y-1: a 医保卡号 of 4403041979****6116 is the holder's ID): not a card hit
    id_shaped = sum(len(v) == 18 and v[0] in "12345678" and v[6:8] in ("19", "20") and v[10:14] == "****"
                    for v in values)
    assert (decision.status, decision.recognizer, decision.hits) == ("tagged", "masked_cn_bank_card", 300 - id_shaped)
    assert id_shaped < 15


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


@pytest.mark.parametrize("heading", ["医保卡号", "就诊卡号", "医保号"])
@pytest.mark.parametrize("region", ["440304", "320102", "510107", "110105"])
def test_a_weakly_masked_id_under_a_medical_card_heading_stays_the_holders_id(heading: str, region: str) -> None:
    # R15y-1: 4403041979****6116 (a region, a birth year, 4 stars, 4 kept) under 医保卡号 is the holder's
    # ID number (table G4); fdade16's weakly masked card took every region opening 3-6 (table G3)
    rng = random.Random(9)
    values = [f"{region}{rng.randrange(1950, 2005)}****{rng.randrange(10 ** 4):04d}" for _ in range(300)]
    samples = [ColumnSample(dataset="t.csv", table="t", field="xm", values=["张伟", "王芳", "李娜"] * 100),
               ColumnSample(dataset="t.csv", table="t", field=heading, values=values)]
    decisions = CLASSIFIER.decide_all(samples)
    assert decisions[1].recognizer == "cn_medical_insurance_number"
    assert grade_table("t.csv", decisions, load_scheme("gbt43697")).level == "G4"
