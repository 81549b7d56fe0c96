"""Values masked less than govsoc's own rule (more digits shown) are still masked personal data, never
"no personal data" (R15t-4): at least the masked kind's G2, as the properly masked forms are."""

from __future__ import annotations

import pytest

from govsoc.classification.columns import ColumnClassifier, ColumnSample
from govsoc.classification.scanner import Scanner

SCANNER = Scanner()


def _kinds(text: str) -> set[str]:
    return {m.recognizer for m in SCANNER.scan(text)}


@pytest.mark.parametrize("value,kind", [
    ("110105********0021", "masked_cn_resident_id"),  # govsoc's rule: found before too
    ("11010519491231****", "masked_cn_resident_id"),  # region and full date of birth shown
    ("1101051949****0021", "masked_cn_resident_id"),  # the date's month and day hidden, check kept
    ("11010519491231***X", "masked_cn_resident_id"),  # three digits hidden
    ("138****5678", "masked_cn_mobile"),              # govsoc's rule
    ("1381234****", "masked_cn_mobile"),              # the first seven shown
    ("+86 1381234****", "masked_cn_mobile"),
])
def test_weak_masks_are_masked_kinds(value: str, kind: str) -> None:
    assert kind in _kinds(value)


@pytest.mark.parametrize("value", [
    "1101051949123****",      # 17 characters: no ID number
    "99010519491231****",     # no province 99
    "1381234***",             # 10 characters: no mobile
    "1231234****",            # no mobile segment 12
])
def test_other_starred_numbers_are_not(value: str) -> None:
    assert not _kinds(value) & {"masked_cn_resident_id", "masked_cn_mobile"}


@pytest.mark.parametrize("values,kind", [
    ([f"11010519{y}1231****" for y in range(40, 99)], "masked_cn_resident_id"),
    ([f"1{s}{n:04d}****" for s in (38, 39, 58, 86) for n in range(0, 9000, 600)], "masked_cn_mobile"),
])
def test_a_column_of_weak_masks_is_masked_personal_data(values: list[str], kind: str) -> None:
    decision = ColumnClassifier(SCANNER).decide(ColumnSample(dataset="t.csv", field="col", values=values * 3))
    assert (decision.status, decision.recognizer) == ("tagged", kind)


@pytest.mark.parametrize("masked", ["1381234****", "138****5678"])
def test_clear_values_among_more_masked_ones_decide_the_column(masked: str) -> None:
    """A column holding clear mobile numbers beside more masked ones holds personal data in clear: the
    inventory says the clear kind, with its examples, not "masked" (R15x-1: 90 clear of 300 were
    dropped from the finding, tagged masked_cn_mobile on 210 hits)."""
    clear = [f"1{s}{n:08d}" for s in (38, 39, 58) for n in range(1_000_000, 31_000_000, 1_000_000)]
    values = clear + [masked] * 210
    decision = ColumnClassifier(SCANNER).decide(ColumnSample(dataset="t.csv", field="sjhm", values=values))
    assert (decision.status, decision.recognizer, decision.hits) == ("tagged", "cn_mobile", 90)
