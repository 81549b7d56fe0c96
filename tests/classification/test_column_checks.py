"""Column decisions of checksum recognizers (columns.py, :class:`_Checks`): the hits are counted per
distinct candidate, a number of the recognizer's form that could have passed its check (issuer
prefix and length, not an ID number's form, for cards; region and real date of birth for ID
numbers), placeholders and repeats left out, and a column is tagged when they are far above the
check's chance rate (binomial tail). R15b-1, R15b-2 and R15b-19 of the hostile review of R15-2."""

from __future__ import annotations

import math
import random
from datetime import date, timedelta

import pytest

from govsoc.classification.checksums import luhn_ok, resident_id_check_char
from govsoc.classification.columns import ColumnClassifier, ColumnSample, binomial_tail
from govsoc.classification.grading import grade_table, load_scheme

CLASSIFIER = ColumnClassifier()


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def _card(rng: random.Random) -> str:
    """A UnionPay debit card number: issuer prefix, 16 or 19 digits, Luhn digit completed."""
    body = rng.choice(("622202", "621700", "623668")) + _digits(rng, rng.choice((9, 12)))
    return next(body + d for d in "0123456789" if luhn_ok(body + d))


def _id_number(rng: random.Random) -> str:
    born = date(1950, 1, 1) + timedelta(days=rng.randint(0, 20000))
    body = rng.choice(("110105", "330106", "440305")) + born.strftime("%Y%m%d") + _digits(rng, 3)
    return body + resident_id_check_char(body)


def _timestamp(rng: random.Random) -> str:
    return str(rng.randint(1_690_000_000_000, 1_710_000_000_000))  # epoch milliseconds: 13 digits


def _case_number(rng: random.Random) -> str:
    """办件编号: 区划代码 + 受理日期 + 4-digit sequence (an ID number's form, MOD 11-2 right 1 in 11)."""
    return rng.choice(("330106", "110105")) + (date(2016, 1, 1) + timedelta(days=rng.randint(0, 3000))
                                               ).strftime("%Y%m%d") + _digits(rng, 4)


def decide(field: str, values: list[str]) -> tuple[str, str | None, tuple[str, ...]]:
    d = CLASSIFIER.decide(ColumnSample(dataset="t", field=field, values=values))
    return d.status, d.recognizer, tuple(r for r, _ in d.runners_up)


@pytest.mark.parametrize("share", [0.2, 0.3, 0.45])
def test_cards_beside_timestamps_in_a_payload_column_are_tagged(share: float) -> None:
    # R15b-1: every payload holds a 13-digit timestamp, which counted as a card-shaped value
    # against the cards (20-45 % of rows): 'none' before; a timestamp has no issuer's prefix
    rng = random.Random(int(share * 100))
    values = [f'{{"card":"{_card(rng)}","ts":{_timestamp(rng)}}}' if rng.random() < share
              else f'{{"ts":{_timestamp(rng)}}}' for _ in range(1000)]
    assert decide("报文", values)[:2] == ("tagged", "cn_bank_card")


@pytest.mark.parametrize("share", [0.25, 0.4])
def test_a_card_column_with_placeholder_zeros_is_tagged(share: float) -> None:
    # R15b-1: 银行卡号 with 0000000000000000000 for "none" in most rows: the placeholder is no
    # candidate (one digit repeated); before, it counted against the cards: suspected, 1级
    rng = random.Random(7)
    values = [_card(rng) if rng.random() < share else "0000000000000000000" for _ in range(1000)]
    assert decide("银行卡号", values)[:2] == ("tagged", "cn_bank_card")
    assert decide("c5", values)[:2] == ("tagged", "cn_bank_card")  # no name: 25-40 % of rows suffice


def test_a_card_beside_an_id_number_in_one_cell_is_not_hidden() -> None:
    # R15b-1: an 18-digit ID number is no card candidate (validate refuses the ID number's
    # form), so the cards in 30 % of the cells stand as a runner-up to the ID numbers
    rng = random.Random(11)
    values = [f"{_id_number(rng)} {_card(rng)}" if rng.random() < 0.3 else _id_number(rng) for _ in range(1000)]
    assert decide("备注", values) == ("tagged", "cn_resident_id", ("cn_bank_card",))


@pytest.mark.parametrize("count", [7, 10])
@pytest.mark.parametrize("seed", range(5))
def test_cells_listing_look_alike_numbers_are_not_tagged(count: int, seed: int) -> None:
    # R15b-2: a cell of k random numbers held a passing check 1-(9/10)^k of the time (k=7: 52 %,
    # over the 50 % per-value bar): 关联订单 tagged 银行卡号, 关联办件 居民身份证号. Per candidate,
    # the hits are the check's chance rate.
    rng = random.Random(seed)
    orders = [",".join("9" + _digits(rng, 18) for _ in range(count)) for _ in range(1000)]
    cases = [",".join(_case_number(rng) for _ in range(count)) for _ in range(1000)]
    assert decide("关联订单", orders)[:2] == ("none", None)
    assert decide("关联办件", cases)[:2] == ("none", None)


def _spreadsheet(number: str, exact_float: bool) -> str:
    """``number`` as a spreadsheet stored it (a double: 15 significant digits): shown with zeros
    after the 15th, or as the exact integer value of the double (how a reader may turn it back)."""
    shown = number[:15] + "0" * (len(number) - 15)  # a trailing X made the cell text: Excel keeps 15 digits
    return str(int(float(shown))) if exact_float else shown


@pytest.mark.parametrize("exact_float", [False, True])
def test_spreadsheet_numbers_under_a_strong_name_are_tagged_and_graded(exact_float: bool) -> None:
    # R15b-19: ID numbers and cards typed into Excel as numbers keep 15 significant digits; the
    # check character is lost, so the checks pass by chance only: suspected before, and the
    # table fell from 4级 (an ID number beside a name) to 2级
    rng = random.Random(19)
    ids = [_spreadsheet(_id_number(rng), exact_float) for _ in range(60)]
    cards = [_spreadsheet(_card(rng), exact_float) for _ in range(60)]
    names = ["王芳", "李娜", "张伟"] * 20
    decisions = [CLASSIFIER.decide(ColumnSample(dataset="名单", field=field, values=values))
                 for field, values in (("姓名", names), ("身份证号", ids), ("银行卡号", cards))]
    assert [(d.status, d.recognizer) for d in decisions] == [
        ("tagged", "cn_person_name"), ("tagged", "cn_resident_id"), ("tagged", "cn_bank_card")]
    assert "significant digits" in decisions[1].reason
    scheme = load_scheme("gbt43697")
    assert grade_table("名单", decisions[:2], scheme).level == "G4"  # 身份证号 + 姓名, without the card
    # the same numbers under a name that says nothing: no evidence of the kind, not tagged
    assert decide("c2", ids)[:2] == ("none", None)


def test_a_named_column_of_random_numbers_with_trailing_zeros_is_still_only_suspected() -> None:
    # the lost-check reading needs most candidates to be spreadsheet numbers: random 16-digit
    # serials end in 0 one time in 10
    rng = random.Random(5)
    values = ["62" + _digits(rng, 14) for _ in range(500)]
    assert decide("银行卡号", values)[:2] == ("suspected", "cn_bank_card")


@pytest.mark.parametrize("field, count, expected", [
    ("c1", 4, "tagged"),        # 4 of 4 distinct Luhn candidates: chance gives that 1 in 10,000
    ("c1", 3, "none"),          # 3 of 3: 1 in 1,000, too often for a column with no name
    ("银行卡号", 2, "tagged"),  # a name that says so: 2 of 2, 1 in 100
    ("银行卡号", 1, "tagged"),  # one card, every candidate passing, under a name that says so
])
def test_few_distinct_cards_meet_the_bar_exactly_at_its_edge(field: str, count: int, expected: str) -> None:
    rng = random.Random(count)
    assert decide(field, [_card(rng) for _ in range(count)])[0] == expected


@pytest.mark.parametrize("k, n, p", [
    (0, 10, 0.1),     # nothing asked: certain
    (1, 1, 0.1),      # one candidate passing: its chance rate
    (3, 3, 0.1),      # all of three: p^3
    (12, 100, 0.1),   # just above the mean
    (200, 1000, 0.1),  # far above: about 1e-20
    (5, 4, 0.1),      # more hits than candidates: impossible
])
def test_binomial_tail_is_the_exact_sum(k: int, n: int, p: float) -> None:
    exact = sum(math.comb(n, i) * p ** i * (1 - p) ** (n - i) for i in range(k, n + 1))
    assert binomial_tail(k, n, p) == pytest.approx(exact, rel=1e-9, abs=1e-300)
