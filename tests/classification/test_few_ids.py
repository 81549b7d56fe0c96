"""A few valid ID numbers in a column of placeholders or prose are people's, whatever their share
(R15x-5: 297 无 + 3 resident ID numbers in 备注 were none G1, 0 hits: 3 of 3 distinct candidates
passing failed the 4-of-4 bar of a column with no name)."""

from __future__ import annotations

import random

import pytest

from govsoc.classification.columns import ColumnClassifier, ColumnSample
from govsoc.classification.grading import grade_table, load_scheme

CLASSIFIER = ColumnClassifier()
W = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _id(rng: random.Random) -> str:
    body = f"{rng.choice(('110105', '320102', '440304'))}19{rng.randrange(40, 99)}" \
           f"{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}{rng.randrange(1000):03d}"
    return body + "10X98765432"[sum(int(a) * w for a, w in zip(body, W, strict=True)) % 11]


@pytest.mark.parametrize("filler", [
    ["无"],                                   # placeholders (R15x-5)
    ["", "NULL", "/"],                         # other placeholders and blanks
    ["已核实", "情况属实，予以办理", "材料齐全"],  # prose without numbers
])
@pytest.mark.parametrize("ids", [3, 4])
def test_three_or_more_valid_ids_among_fillers_are_reported(filler: list[str], ids: int) -> None:
    rng = random.Random(ids)
    values = [filler[i % len(filler)] for i in range(300 - ids)] + [_id(rng) for _ in range(ids)]
    rng.shuffle(values)
    columns = [ColumnSample(dataset="t.csv", table="t", field="xm", values=["张伟", "王芳", "李娜"] * 100),
               ColumnSample(dataset="t.csv", table="t", field="备注", values=values)]
    decided = CLASSIFIER.decide_all(columns)
    assert (decided[1].status, decided[1].recognizer, decided[1].hits) == ("tagged", "cn_resident_id", ids)
    assert grade_table("t.csv", decided, load_scheme("gbt43697")).level == "G4"


def test_three_ids_with_a_wrong_check_stay_none() -> None:
    rng = random.Random(3)
    wrong = [(v[:-1] + ("0" if v[-1] != "0" else "1")) for v in (_id(rng) for _ in range(3))]
    decision = CLASSIFIER.decide(ColumnSample(dataset="t.csv", field="备注", values=["无"] * 297 + wrong))
    assert decision.status == "none"
