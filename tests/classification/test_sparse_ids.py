"""Validated numbers in a small share of a free-text column (R15e-2): a count of distinct numbers
passing their check against chance decides, never their share of the column. 84 ID numbers in
the 情况说明 of 1,000 rows are 84 people's, and a larger sample finds more of them, never fewer.
Random numbers of the same form (the check passing by chance, 1 in 11) stay nothing however many."""

from __future__ import annotations

import random

import pytest

from govsoc.classification.checksums import luhn_ok, resident_id_check_char
from govsoc.classification.columns import ColumnClassifier, ColumnSample
from govsoc.classification.grading import load_scheme
from govsoc.classification.inventory import build_inventory
from govsoc.classification.sources.base import TableSample

NAMES = ("黄伟芳", "张伟", "王秀英", "李娜", "刘洋", "陈静", "杨磊", "赵敏")


def _id_number(rng: random.Random, *, valid: bool = True) -> str:
    body = rng.choice(("110105", "330106", "440305")) + f"{rng.randint(1950, 2005)}{rng.randint(1, 12):02d}" \
        f"{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    check = resident_id_check_char(body)
    if not valid:  # the form of an ID number, its check character whatever comes (1 in 11 right)
        check = rng.choice("0123456789X")
    return body + check


def _card(rng: random.Random) -> str:
    body = "622848" + "".join(rng.choice("0123456789") for _ in range(12))
    return next(body + d for d in "0123456789" if luhn_ok(body + d))


def _notes(rows: int, every: int, number: str = "id", seed: int = 8, valid: bool = True) -> list[str]:
    """情况说明 of ``rows`` rows: '已核实', and in one row of ``every`` a person with a number."""
    rng = random.Random(seed)
    made = {"id": lambda: _id_number(rng, valid=valid), "card": lambda: _card(rng)}[number]
    label = {"id": "身份证", "card": "卡号"}[number]
    return [f"申请人{rng.choice(NAMES)}，{label}{made()}，已核实" if i % every == 0 else "已核实" for i in range(rows)]


@pytest.mark.parametrize(("every", "number", "recognizer"), [
    (12, "id", "cn_resident_id"),     # sparse8.csv of the finding: 84 of 1,000, under 10 %
    (50, "id", "cn_resident_id"),     # 20 people in 1,000 rows: 2 %
    (150, "id", "cn_resident_id"),    # 7 people: a count of 7 validated numbers is far beyond chance
    (30, "card", "cn_bank_card"),     # another checksum-backed kind: Luhn-valid cards with an issuer prefix
])
def test_a_few_validated_numbers_in_a_free_text_column_are_what_they_are(every: int, number: str,
                                                                        recognizer: str) -> None:
    values = _notes(1000, every, number)
    decision = ColumnClassifier().decide(ColumnSample(dataset="t", field="情况说明", values=values))
    assert (decision.status, decision.recognizer) == ("tagged", recognizer), decision.reason
    assert decision.hits == len(range(0, 1000, every)), decision.reason


def test_a_larger_sample_finds_the_sparse_numbers_a_small_one_misses() -> None:
    # late.csv of the finding: 200,000 rows, an ID number in the 备注 of the last 300
    values = ["无"] * 199_700 + _notes(300, 1)
    rng = random.Random(3)
    sample = rng.sample(values, 50_000)
    decision = ColumnClassifier(sample_size=100_000).decide(ColumnSample(dataset="t", field="备注", values=sample))
    assert sum("身份证" in v for v in sample) >= 5
    assert (decision.status, decision.recognizer) == ("tagged", "cn_resident_id"), decision.reason


@pytest.mark.parametrize("every", [1, 12])
def test_numbers_of_the_form_passing_the_check_by_chance_are_nothing(every: int) -> None:
    # 1 in 11 of random 18-digit numbers with a region and a date pass MOD 11-2: not people
    values = _notes(1000, every, valid=False)
    decision = ColumnClassifier().decide(ColumnSample(dataset="t", field="情况说明", values=values))
    assert decision.recognizer != "cn_resident_id", decision.reason


def test_a_table_with_sparse_id_numbers_beside_names_is_graded_for_them() -> None:
    values = _notes(1000, 12)
    columns = (ColumnSample(dataset="d", field="编号", values=[str(i) for i in range(1000)], rows=1000),
               ColumnSample(dataset="d", field="情况说明", values=values, rows=1000))
    inventory = build_inventory([TableSample(dataset="d", table="sparse8.csv", columns=columns, rows=1000)],
                                source="d", scheme=load_scheme("gbt43697"), sample_size=1000)
    table = inventory.tables[0]
    assert table.level in ("G3", "G4"), (table.level, table.basis)
