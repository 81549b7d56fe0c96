"""Passports and HK/Macau/Taiwan permits under a heading naming any document (证件号码, zjhm, 证照号码) or
under the pinyin initials of their own names (gatxzh, twtxz, hxzh) are found, and beside a name column
grade the table as identity documents with names do (R15t-3)."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest

from govsoc.classification.columns import ColumnClassifier, ColumnSample
from govsoc.classification.grading import grade_table, load_scheme

CLASSIFIER = ColumnClassifier()


def _e8(rng: random.Random) -> str:  # PRC e-passport
    return f"E{rng.randrange(10 ** 8):08d}"


def _hm8(rng: random.Random) -> str:  # 港澳居民来往内地通行证
    return f"{rng.choice('HM')}{rng.randrange(10 ** 8):08d}"


def _c8(rng: random.Random) -> str:  # 往来港澳通行证
    return f"C{rng.randrange(10 ** 8):08d}"


def _t8(rng: random.Random) -> str:  # 往来台湾通行证
    return f"T{rng.randrange(10 ** 8):08d}"


CASES = [
    ("证件号码", _e8, "cn_passport"),                   # a register of foreigners: any document
    ("证件号码", _hm8, "cn_hk_macau_permit"),
    ("证件号", _c8, "cn_mainland_travel_permit"),
    ("证照号码", _t8, "cn_mainland_travel_permit"),
    ("zjhm", _e8, "cn_passport"),                       # 证件号码's initials
    ("zjhm", _hm8, "cn_hk_macau_permit"),
    ("hz", _e8, "cn_passport"),                         # 护照 (weak: also 户主)
    ("gatxzh", _c8, "cn_mainland_travel_permit"),       # 港澳通行证号
    ("wlgatxz", _c8, "cn_mainland_travel_permit"),      # 往来港澳通行证
    ("txzhm", _c8, "cn_mainland_travel_permit"),        # 通行证号码
    ("twtxz", _t8, "cn_mainland_travel_permit"),        # 台湾通行证
    ("hxzh", _hm8, "cn_hk_macau_permit"),               # 回乡证号
    ("gajmlwndtxz", _hm8, "cn_hk_macau_permit"),        # 港澳居民来往内地通行证
]


@pytest.mark.parametrize("heading,make,recognizer", CASES)
def test_documents_under_their_headings_are_tagged(heading: str, make: Callable[[random.Random], str],
                                                   recognizer: str) -> None:
    rng = random.Random(28)
    values = [make(rng) for _ in range(200)]
    decision = CLASSIFIER.decide(ColumnSample(dataset="t.csv", field=heading, values=values))
    assert (decision.status, decision.recognizer) == ("tagged", recognizer)


@pytest.mark.parametrize("heading,make,recognizer", CASES[:4])
def test_a_register_of_names_and_documents_is_g4(heading: str, make: Callable[[random.Random], str],
                                                 recognizer: str) -> None:
    rng = random.Random(29)
    names = [rng.choice(("陈家明", "黄志强", "林美玲", "何嘉欣", "李文杰")) for _ in range(200)]
    columns = [ColumnSample(dataset="t.csv", field="xm", values=names, table="t"),
               ColumnSample(dataset="t.csv", field=heading, values=[make(rng) for _ in range(200)], table="t")]
    decided = CLASSIFIER.decide_all(columns)
    assert decided[1].recognizer == recognizer
    assert grade_table("t.csv", decided, load_scheme("gbt43697")).level == "G4"


@pytest.mark.parametrize("heading,values,expected", [
    ("证件号码", ["11010519491231002X", "440305199001011234"], "cn_resident_id"),  # ID numbers stay ID numbers
    ("zjhm", ["12345", "A1", "X123"], None),                                    # no document's shape
])
def test_other_numbers_under_a_document_heading_are_not_documents(heading: str, values: list[str],
                                                                  expected: str | None) -> None:
    decision = CLASSIFIER.decide(ColumnSample(dataset="t.csv", field=heading, values=values * 50))
    assert decision.recognizer == expected


@pytest.mark.parametrize("heading", ["证件号码", "zjhm", "证件号"])
@pytest.mark.parametrize("kinds", [3, 4])  # none of the kinds reaches half the column alone
def test_a_register_mixing_documents_is_tagged_whole(heading: str, kinds: int) -> None:
    rng = random.Random(30)
    makers = [_e8, _hm8, _c8, _t8][:kinds]
    values = [rng.choice(makers)(rng) for _ in range(300)]
    decision = CLASSIFIER.decide(ColumnSample(dataset="t.csv", field=heading, values=values))
    assert decision.status == "tagged"
    assert decision.recognizer in {"cn_passport", "cn_hk_macau_permit", "cn_mainland_travel_permit"}
    assert decision.hits == 300
