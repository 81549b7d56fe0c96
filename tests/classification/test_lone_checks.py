"""A few resident ID numbers in clear in a column (issue 15, R15y-5; classification.lone_checks): a
number that passes every check of an ID number is a person's, whatever the column's other values
are; the column vote rejects only hits that a population of ID-shaped numbers gives by chance."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from govsoc.classification.checksums import resident_id_check_char
from govsoc.classification.cn_codes import PROVINCE_CODES
from govsoc.classification.columns import ColumnClassifier, ColumnSample
from govsoc.classification.grading import grade_table, load_scheme
from govsoc.classification.lone_checks import ID_VALUE_CHANCE, binomial_tail, lone_beyond_chance
from govsoc.classification.recognizers.identity import BIRTH_YEAR_FLOOR, ResidentIdRecognizer

CLASSIFIER = ColumnClassifier()
PROSE = ["已核实", "情况属实，予以办理", "材料齐全", "电话联系未接通", "已退回补正"]
RESIDENT = ResidentIdRecognizer()
CHANCE = RESIDENT.CHANCE


def _id(region: str, born: str, seq: int) -> str:
    body = f"{region}{born}{seq:03d}"
    return body + resident_id_check_char(body)


IDS = [_id("110105", "19781204", 31), _id("320102", "19550317", 442), _id("440304", "19910629", 107),
       _id("510107", "19630811", 925)]
#: the fourth ID number with its check character mistyped (a clerk's typo)
TYPO = IDS[3][:-1] + ("0" if IDS[3][-1] != "0" else "1")
#: an 18-digit reference number of an ID number's shape (region, a real date, a sequence) whose check fails
REFERENCE = "110105202301150017"


def prose(n: int) -> list[str]:
    return [PROSE[i % len(PROSE)] for i in range(n)]


def shuffled(values: list[str]) -> list[str]:
    random.Random(7).shuffle(values)
    return values


def grouped(number: str, sep: str) -> str:
    return f"{number[:6]}{sep}{number[6:14]}{sep}{number[14:]}"


def test_the_rows_hold_what_they_say() -> None:
    assert all(RESIDENT.validate(i) for i in IDS)
    assert RESIDENT.validate(TYPO) is None and RESIDENT.unchecked(TYPO)
    assert RESIDENT.validate(REFERENCE) is None and RESIDENT.unchecked(REFERENCE)


@pytest.mark.parametrize("values", [
    # 3 valid ID numbers and a 4th with its check character mistyped, among prose: 3 of 4 pass,
    # by chance 1 in 360 (binomial tail at 1/11); before, not "all of" and over ALPHA: none, G2
    pytest.param(prose(296) + IDS[:3] + [TYPO], id="3_ids_and_a_typo"),
    # ... the same with an ID-shaped reference number (region + date + sequence) in place of the typo
    pytest.param(prose(296) + IDS[:3] + [REFERENCE], id="3_ids_and_an_id_shaped_reference"),
    # 3 ID numbers after 9,997 rows of prose: the sample (1,000 values) never reached them
    pytest.param(prose(9997) + IDS[:3], id="3_ids_at_the_end_of_10000"),
    # ... shuffled among them: ~0.3 of them in the first 1,000 on average
    pytest.param(shuffled(prose(9997) + IDS[:3]), id="3_ids_shuffled_in_10000"),
    # one person's ID number written on 3 rows: 1 distinct candidate, 1 of 1
    pytest.param(prose(297) + IDS[:1] * 3, id="one_id_three_times"),
    # ... written 3 ways: plain, 6-8-4 with spaces, with hyphens
    pytest.param(prose(297) + [IDS[0], grouped(IDS[0], " "), grouped(IDS[0], "-")], id="one_id_three_ways"),
    # 2 ID numbers among 298 无: 2 of 2 pass, by chance (1/11)^2 = 1 in 121 even for ID-shaped
    # numbers, 1 in 4.6e9 for random 18-digit ones (ID_VALUE_CHANCE ** 2)
    pytest.param(["无"] * 298 + IDS[:2], id="2_ids_among_298_none"),
])
def test_few_id_numbers_are_peoples(values: list[str]) -> None:
    names = ColumnSample(dataset="t.csv", table="t", field="xm", values=(["张伟", "王芳", "李娜"] * len(values))[:300])
    column = ColumnSample(dataset="t.csv", table="t", field="备注", values=values)
    decisions = CLASSIFIER.decide_all([names, column])
    assert (decisions[1].status, decisions[1].recognizer) == ("tagged", "cn_resident_id")
    assert decisions[1].hits >= 2 and all("*" in e for e in decisions[1].masked_examples)
    assert grade_table("t.csv", decisions, load_scheme("gbt43697")).level == "G4"


def test_whole_column_keeps_the_sample_s_kind_as_a_runner_up() -> None:
    # 10,000 mobiles, 3 ID numbers past the sample: the column holds both (grading.column_kinds)
    mobiles = [f"139{i:08d}" for i in range(10_000)]
    d = CLASSIFIER.decide(ColumnSample(dataset="t", field="备注", values=mobiles + IDS[:3]))
    assert d.recognizer == "cn_resident_id" and ("cn_mobile", 1.0) in d.runners_up


def test_value_chance_is_what_its_checks_leave() -> None:
    # recomputed from the checks: province codes among 2-digit prefixes, real dates of birth from
    # BIRTH_YEAR_FLOOR to today among 8-digit runs, and 1 of the 11 last characters of a body
    days = (date.today() - date(BIRTH_YEAR_FLOOR, 1, 1)).days + 1
    prefixes = sum(1 for p in range(100) if f"{p:02d}" in PROVINCE_CODES)
    body = "11010519781204003"
    checks = sum(1 for c in "0123456789X" if RESIDENT.validate(body + c))
    assert ID_VALUE_CHANCE == pytest.approx(prefixes / 100 * days / 1e8 * checks / 11)
    assert ID_VALUE_CHANCE < 1e-4


def test_random_18_digit_references_stay_none() -> None:
    # 10,000 random 18-digit references (the sample, then every value read whole for ID numbers):
    # by chance about 10,000 * ID_VALUE_CHANCE (0.15) of them pass every check; the column holds none
    rng = random.Random(18)
    refs = [f"{rng.randrange(10 ** 17, 10 ** 18)}" for _ in range(10_000)]
    passing = sum(1 for r in refs if RESIDENT.validate(r))
    expected = len(refs) * ID_VALUE_CHANCE
    assert binomial_tail(passing, len(refs), ID_VALUE_CHANCE) > 1e-4  # what chance gives
    d = CLASSIFIER.decide(ColumnSample(dataset="t", field="流水号", values=refs))
    assert d.status == "none", (passing, expected, d.reason)


@pytest.mark.parametrize("rows", [1000, 10_000])
def test_id_shaped_references_stay_none(rows: int) -> None:
    # 办件编号 of an ID number's shape (a region, a real date, a sequence, a random last character):
    # 1 in 11 pass the check by chance, so ~91 of 1,000 are "valid" and the column holds none of them
    rng = random.Random(rows)
    born = [date(1960, 1, 1) + timedelta(days=rng.randrange(20000)) for _ in range(rows)]
    refs = [f"{rng.choice(('110105', '320102'))}{b:%Y%m%d}{rng.randrange(1000):03d}{rng.choice('0123456789X')}"
            for b in born]
    passing = sum(1 for r in refs if RESIDENT.validate(r))
    assert passing > 0.05 * rows  # there are chance passes to reject
    d = CLASSIFIER.decide(ColumnSample(dataset="t", field="办件编号", values=refs))
    assert d.status == "none", (passing, d.reason)


@pytest.mark.parametrize("k", range(1, 16))
def test_chance_tags_few_id_shaped_numbers_at_most_as_often_as_one_passes(k: int) -> None:
    # over every outcome of k ID-shaped numbers that are not ID numbers (each passing 1 in 11), the
    # probability that lone_beyond_chance takes them: never over CHANCE, the chance of 1 of 1
    tagged = sum(binomial_tail(h, k, CHANCE) - binomial_tail(h + 1, k, CHANCE)
                 for h in range(k + 1) if lone_beyond_chance(h, k, CHANCE))
    assert tagged <= CHANCE * (1 + 1e-9)


def test_many_id_shaped_numbers_need_twice_chance() -> None:
    # 1,000 candidates: chance gives ~91 hits; 150 (a tail of ~1e-9) are still under twice that
    assert not lone_beyond_chance(150, 1000, CHANCE)
    assert lone_beyond_chance(200, 1000, CHANCE)
