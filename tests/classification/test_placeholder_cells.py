"""Cells saying nothing is there (无, /, 暂无, NULL) count as blank cells in a column's hit ratio (R15t-1)."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest

from govsoc.classification.columns import ColumnClassifier, ColumnSample
from govsoc.classification.placeholders import is_placeholder

ROWS = 1000
SHARE = 0.15


def _mobile(rng: random.Random) -> str:
    return f"联系人手机1{rng.choice((39, 38, 58, 86))}{rng.randrange(10 ** 8):08d}"


def _landline(rng: random.Random) -> str:
    return f"联系电话010-{rng.randrange(2 * 10 ** 7, 9 * 10 ** 7)}"


def _email(rng: random.Random) -> str:
    return f"邮箱 u{rng.randrange(10 ** 6)}@163.com"


def _address(rng: random.Random) -> str:
    return f"现住址：浙江省杭州市西湖区文三路{rng.randint(1, 500)}号{rng.randint(1, 30)}幢{rng.randint(101, 2505)}室"


def _plate(rng: random.Random) -> str:
    return f"车辆浙A{rng.randrange(10 ** 5):05d}"


def _remarks(make: Callable[[random.Random], str], filler: str, seed: int = 15) -> tuple[list[str], int]:
    """A 备注 column: SHARE of its cells hold a contact's detail, the others ``filler``."""
    rng = random.Random(seed)
    values = [make(rng) if rng.random() < SHARE else filler for _ in range(ROWS)]
    return values, sum(v != filler for v in values)


@pytest.mark.parametrize("make,recognizer", [
    (_mobile, "cn_mobile"),        # allocated mobile numbers after 联系人手机
    (_landline, "cn_landline"),    # Beijing 8-digit numbers after 联系电话
    (_email, "email"),
    (_address, "cn_address"),      # province, city, district, road, number, building, room
    (_plate, "cn_licence_plate"),  # ordinary plates of Zhejiang
])
@pytest.mark.parametrize("filler", ["无", "/", "暂无", "-", "NULL", "N/A", "空", "（无）", " 无 ", "null"])
def test_remarks_with_placeholders_are_judged_as_with_blanks(make: Callable[[random.Random], str],
                                                              recognizer: str, filler: str) -> None:
    values, real = _remarks(make, filler)
    decision = ColumnClassifier().decide(ColumnSample(dataset="t.csv", field="备注", values=values))
    assert (decision.status, decision.recognizer) == ("tagged", recognizer)
    # every value holding a detail is counted, among the values that hold something
    assert decision.sampled == real
    assert decision.hits >= 0.8 * real
    assert f"{ROWS - real} cells saying nothing is there" in decision.reason


def test_blank_and_placeholder_columns_decide_alike() -> None:
    blank, _ = _remarks(_mobile, "")
    filled, _ = _remarks(_mobile, "暂无")
    classifier = ColumnClassifier()
    a = classifier.decide(ColumnSample(dataset="t.csv", field="备注", values=blank))
    b = classifier.decide(ColumnSample(dataset="t.csv", field="备注", values=filled))
    assert (a.status, a.recognizer, a.hits, a.sampled) == (b.status, b.recognizer, b.hits, b.sampled)


def test_remarks_of_words_and_placeholders_stay_none() -> None:
    """Leaving placeholders out finds no kind where the other cells hold none either."""
    rng = random.Random(3)
    values = [rng.choice(("已核实", "材料齐全", "待复查")) if rng.random() < SHARE else "无" for _ in range(ROWS)]
    decision = ColumnClassifier().decide(ColumnSample(dataset="t.csv", field="备注", values=values))
    assert decision.status == "none"


@pytest.mark.parametrize("value,expected", [
    ("无", True), ("暂无", True), ("/", True), ("／", True), ("-", True), ("--", True), ("——", True),
    ("NULL", True), ("null", True), ("None", True), ("N/A", True), ("#N/A", True), ("NA", True),
    ("空", True), ("（无）", True), ("【暂无】", True), ("不详", True), ("无。", True),
    ("", False),              # a blank cell is left out already, by the sources
    ("无锡市新吴区", False),  # a place starting with 无
    ("有", False),            # a flag's other answer
    ("无业", False),          # an occupation
    ("NA12345678", False),    # a document number starting with NA
    ("13800138000", False),
    ("0", False),             # a number: a count or an age of 0 is a value
])
def test_is_placeholder(value: str, expected: bool) -> None:
    assert is_placeholder(value) is expected
