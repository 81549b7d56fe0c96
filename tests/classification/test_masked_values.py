"""Columns already masked (issue 15 review R15d-25): 110105********1234, 138****5678, 6228 ****
**** 0018, 张* are tagged as masked, their own kinds, one level below the raw kind (GB/T 37964
de-identification lowers, PIPL art. 73 keeps them personal information), never 'none'; their
examples show no more than the raw kind's rule; star-holding values that are no personal data
stay 'none'."""

from __future__ import annotations

import pytest

from govsoc.classification.columns import ColumnClassifier, ColumnSample
from govsoc.classification.grading import grade_column, load_scheme, rank
from govsoc.classification.recognizer import recognizers
from tests.classification.test_sources import ids

CLASSIFIER = ColumnClassifier()
IDS = ids(60)
MOBILES = [f"1{3 + i % 6}{i % 10}{i:08d}" for i in range(60)]


def decide(field: str, values: list[str]) -> tuple[str, str | None, tuple[str, ...]]:
    d = CLASSIFIER.decide(ColumnSample(dataset="t", field=field, values=values))
    return d.status, d.recognizer, tuple(d.masked_examples)


@pytest.mark.parametrize("field, values, recognizer", [
    # R15d-25's repro: govsoc's own id_card and mobile rules
    ("身份证号", [i[:6] + "********" + i[-4:] for i in IDS], "masked_cn_resident_id"),
    ("手机号", [m[:3] + "****" + m[-4:] for m in MOBILES], "masked_cn_mobile"),
    # no name to go by: the values alone
    ("col1", [i[:3] + "***********" + i[-4:] for i in IDS], "masked_cn_resident_id"),
    ("col2", [f"6228 **** **** {i:04d}" for i in range(60)], "masked_cn_bank_card"),
    # a name column of 张* forms (names need their column's name, as raw names do)
    ("姓名", ["张*", "李**", "王*明", "欧阳*", "赵*"] * 12, "masked_cn_person_name"),
])
def test_a_masked_column_is_tagged_masked(field: str, values: list[str], recognizer: str) -> None:
    status, found, _ = decide(field, values)
    assert (status, found) == ("tagged", recognizer)


@pytest.mark.parametrize("masked, raw", [
    ("masked_cn_resident_id", "cn_resident_id"), ("masked_cn_mobile", "cn_mobile"),
    ("masked_cn_bank_card", "cn_bank_card"), ("masked_cn_person_name", "cn_person_name"),
])
def test_masked_is_the_raw_category_one_level_lower(masked: str, raw: str) -> None:
    low, high = (recognizers.get(i) for i in (masked, raw))
    assert (low.category, low.pi_class) == (high.category, "general")
    assert rank(low.level) == rank(high.level) - 1 >= 1


@pytest.mark.parametrize("scheme", ["gbt43697", "zhejiang"])
def test_a_masked_id_column_grades_below_a_raw_one_and_is_graded(scheme: str) -> None:
    graded = load_scheme(scheme)
    raw, masked = (grade_column(CLASSIFIER.decide(ColumnSample(dataset="t", field="身份证号", values=v)), graded)
                   for v in (IDS, [i[:6] + "********" + i[-4:] for i in IDS]))
    assert raw is not None and masked is not None  # None is "no personal data", R15d-25's 'none'
    assert rank(masked.level) < rank(raw.level) and masked.pi_class == "general"


@pytest.mark.parametrize("field, values, shown", [
    # a looser mask in the data is shown by the raw kind's rule: first 4 of a card, not 6
    ("卡号", [f"622848******{i:04d}" for i in range(60)], "6228 **** **** 0000"),
    # a name's last character is not shown (张*明 -> 张**)
    ("姓名", ["张*明"] * 60, "张**"),
    # an ID with its first 3 kept shows 3, the stars fixed (never their count)
    ("sfzh", [i[:3] + "***********" + i[-4:] for i in IDS], IDS[0][:3] + "********" + IDS[0][-4:]),
])
def test_masked_examples_show_no_more_than_the_raw_rule(field: str, values: list[str], shown: str) -> None:
    assert decide(field, values)[2][0] == shown


@pytest.mark.parametrize("field, values", [
    ("密码", ["******"] * 60),                                        # passwords shown as stars
    ("评分", ["5****", "4****", "3***"] * 20),                        # star ratings
    ("出生日期", [f"19{60 + i % 40}-**-**" for i in range(60)]),       # a date masked to its year
    ("备注", [f"产品A{i:02d}****" for i in range(60)]),                # product codes
    ("xm", [f"项目{i}*" for i in range(60)]),                          # xm = 项目, a weak name word
    ("order_no", [f"2024{i:04d}********{i:04d}" for i in range(60)]),  # 20 characters: no ID
])
def test_stars_that_are_no_personal_data_stay_none(field: str, values: list[str]) -> None:
    assert decide(field, values)[:2] == ("none", None)
