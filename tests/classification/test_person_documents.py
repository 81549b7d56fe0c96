"""8 digits under a heading naming a person's identity document (证件号码, 证件号, zjhm, zjh) are
Taiwan permits unless the values say otherwise (F15h, after R15x-2): F15f's fix asked every such
column for evidence, and a register of Taiwan residents under a bare 证件号码 beside names became
none, table G2, where 8916a2a graded it cn_taiwan_permit, G4: a grade too low, the worse error.
Dates, dense runs (staff, sequence numbers) and numbered headings stay none; licence headings
(证照号码) keep needing evidence (test_document_evidence.py)."""

from __future__ import annotations

import random

import pytest

from govsoc.classification.columns import ColumnClassifier, ColumnSample
from govsoc.classification.document_evidence import DATE_SHARE, DENSE_MIN, said_by_column
from govsoc.classification.grading import grade_table, load_scheme

CLASSIFIER = ColumnClassifier()
NAMES = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊"]
PERMIT = frozenset({"cn_taiwan_permit"})


def _permits(seed: int, n: int = 300, digits: int = 8) -> list[str]:
    """Real-looking permit numbers: random over the whole 8-digit series, so neither dates nor a run."""
    rng = random.Random(seed)
    return [f"{rng.randrange(10 ** digits):0{digits}d}" for _ in range(n)]


def _table(name_heading: str, heading: str, values: list[str]) -> tuple[str | None, str]:
    columns = [ColumnSample(dataset="t.csv", table="t", field=name_heading,
                            values=[NAMES[i % len(NAMES)] for i in range(len(values))]),
               ColumnSample(dataset="t.csv", table="t", field=heading, values=values)]
    decided = CLASSIFIER.decide_all(columns)
    return decided[1].recognizer, grade_table("t.csv", decided, load_scheme("gbt43697")).level


@pytest.mark.parametrize("name_heading,heading,values", [
    ("姓名", "证件号码", _permits(1)),           # the register of Taiwan residents F15f graded G2
    ("xm", "zjhm", _permits(2)),                 # its pinyin initials
    ("xm", "zjh", _permits(3)),
    ("姓名", "证件号", _permits(4)),
    ("姓名", "证件号码", _permits(5, n=30)),     # a small register: too few for a run, no dates
    ("姓名", "证件号码", _permits(6, digits=10)),  # 8 digits + 2 renewal digits
    ("xm", "cert_no", _permits(7)),              # an API's field for a person's document
    ("姓名", "证件/证照号码", _permits(8)),      # naming both: read as the person's (a grade too low is worse)
])
def test_real_permits_under_a_persons_document_heading(name_heading: str, heading: str, values: list[str]) -> None:
    assert _table(name_heading, heading, values) == ("cn_taiwan_permit", "G4")


def _staff(seed: int, n: int) -> list[str]:
    """Staff numbers: a year, then four digits, as R15x-2's (2023xxxx)."""
    rng = random.Random(seed)
    return [f"2023{rng.randrange(10 ** 4):04d}" for _ in range(n)]


def _dates(rng: random.Random) -> str:
    return f"{rng.randrange(1950, 2025)}{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}"


@pytest.mark.parametrize("heading,values", [
    ("zjhm", _staff(9, 300)),                                       # R15x-2: staff numbers 2023xxxx
    ("zjhm", _staff(10, 25)),                                       # 25 of them: still a run
    ("证件号码", [str(20230001 + i) for i in range(300)]),                              # a sequence 20230001..20230300
    ("证件号码", [_dates(random.Random(11 + i)) for i in range(300)]),                   # R15x-2: yyyymmdd dates
    ("证件号码(工号)", _permits(12)),                                                   # the heading says numbered
    ("zjhm_bh", _permits(13)),
])
def test_dates_runs_and_numbered_headings_are_no_permits(heading: str, values: list[str]) -> None:
    assert _table("姓名", heading, values) == (None, "G2")


def test_business_numbers_under_a_licence_heading_stay_none() -> None:
    # R15x-2: a company register's 证照号码 (G3 on 8916a2a); F15f's rule kept for licences
    columns = [ColumnSample(dataset="t.csv", table="t", field="单位名称", values=["某某有限公司"] * 300),
               ColumnSample(dataset="t.csv", table="t", field="证照号码", values=_permits(14))]
    decided = CLASSIFIER.decide_all(columns)
    assert (decided[1].recognizer, grade_table("t.csv", decided, load_scheme("gbt43697")).level) == (None, "G1")


def _said(heading: str, values: list[str]) -> frozenset[str]:
    tokens = frozenset(t.lower() for t in heading.split("_"))
    return said_by_column(tokens, heading.lower(), values)


@pytest.mark.parametrize("numbers,said", [
    (["19000101", "21001231", "20240229"] * 10, frozenset()),  # the range's ends and a leap day: dates
    (["21010101", "20230229", "18991231"] * 10 + _permits(15, n=3), PERMIT),  # out of range, no 29 Feb 2023
    (["20230115"] * 8 + _permits(16, n=2), frozenset()),     # DATE_SHARE of them dates: a dated column
    (["20230115"] * 7 + _permits(17, n=3), PERMIT),          # 7 in 10: below the share, permits
])
def test_dates_by_share(numbers: list[str], said: frozenset[str]) -> None:
    assert DATE_SHARE == 0.8
    assert _said("证件号码", numbers) == said


@pytest.mark.parametrize("count,said", [
    (DENSE_MIN, frozenset()),   # 20 numbers in a row: a run
    (DENSE_MIN - 1, PERMIT),    # 19: a family's permits issued together may follow each other
])
def test_a_run_needs_dense_min_numbers(count: int, said: frozenset[str]) -> None:
    assert _said("zjhm", [str(31000000 + i) for i in range(count)]) == said


def test_permits_from_one_stretch_of_100000_are_no_run() -> None:
    # a register whose permits were all issued in one stretch still is one of permits (dense_sim.py)
    rng = random.Random(18)
    assert _said("zjhm", [str(50_000_000 + rng.randrange(100_000)) for _ in range(300)]) == PERMIT


def test_licence_heading_is_said_nothing() -> None:
    assert _said("证照号码", _permits(19)) == frozenset()
    assert _said("zzhm", _permits(19)) == frozenset()


@pytest.mark.parametrize("kinds", [
    ["台湾居民来往大陆通行证"] * 300,                                    # F15f: tagged cn_person_name (来**) G2
    ["台湾居民来往大陆通行证", "港澳居民来往内地通行证", "居民身份证"] * 100,
])
def test_a_document_type_column_holds_no_names(kinds: list[str]) -> None:
    decided = CLASSIFIER.decide(ColumnSample(dataset="t.csv", table="t", field="证件类型", values=kinds))
    assert decided.recognizer != "cn_person_name"


def test_a_name_with_the_surname_lai_after_a_role_word_is_still_one() -> None:
    decided = CLASSIFIER.decide(ColumnSample(dataset="t.csv", table="t", field="备注",
                                             values=["居民来晓东反映", "村民来小明来访"] * 150))
    assert decided.recognizer == "cn_person_name"
