"""R15e-17: dates of birth as rosters write them (出生年月 1990.01, 1990年1月, 199001, 1990-01;
出生年月日, 出生时间) and an age column: a date of birth (GB/T 35273 Annex A 个人基本资料), and under
14 a minor's (PIPL art. 28 ¶1)."""

from __future__ import annotations

from datetime import date

import pytest

from govsoc.classification.columns import ColumnClassifier, ColumnSample
from govsoc.classification.grading import grade_table, load_scheme

_YOUNG = date.today().year - 6  # six-year-olds, whatever today's date
_ADULT = (1975, 1988, 1990)


def _decide(field: str, values: list[str]):  # type: ignore[no-untyped-def]
    return ColumnClassifier().decide(ColumnSample(dataset="t", field=field, values=values))


@pytest.mark.parametrize("shape", ["{y}.{m:02d}", "{y}年{m}月", "{y}{m:02d}", "{y}-{m:02d}", "{y}/{m}"])
@pytest.mark.parametrize("field", ["出生年月", "出生日期", "csny", "birth"])
def test_a_year_and_month_under_a_birth_name_is_a_date_of_birth(shape: str, field: str) -> None:
    values = [shape.format(y=y, m=m) for y in _ADULT for m in range(1, 13)]
    found = _decide(field, values)
    assert (found.status, found.recognizer, found.minors) == ("tagged", "cn_birth_date", 0), found
    assert all(e.endswith("-**-**") for e in found.masked_examples), found  # the year kept, no more


@pytest.mark.parametrize("shape", ["{y}.{m:02d}", "{y}年{m}月", "{y}{m:02d}", "{y}-{m:02d}"])
def test_pupils_year_and_month_of_birth_are_minors(shape: str) -> None:
    found = _decide("出生年月", [shape.format(y=_YOUNG - i % 5, m=1 + i % 12) for i in range(40)])
    assert (found.recognizer, found.minors) == ("cn_birth_date", 40), found


def test_a_month_puts_its_holder_under_14_only_when_every_day_of_it_does() -> None:
    today = date.today()
    # born in this month 14 years ago: on its 1st the holder may be 14 already (not counted);
    # born the month after: under 14 on every day of it
    month = date(today.year - 14, today.month, 1)
    after = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    assert _decide("出生年月", [f"{month:%Y-%m}"] * 10).minors == 0
    assert _decide("出生年月", [f"{after:%Y-%m}"] * 10).minors == 10


@pytest.mark.parametrize("field", ["出生年月日", "出生时间", "出生", "birth", "出生年月"])
def test_full_dates_under_the_other_birth_names_are_dates_of_birth(field: str) -> None:
    found = _decide(field, [f"{y}-{m:02d}-1{m % 9}" for y in _ADULT for m in range(1, 13)])
    assert (found.status, found.recognizer) == ("tagged", "cn_birth_date"), found


@pytest.mark.parametrize("values", [["2031-05"] * 20, ["1990-13"] * 20, ["1890.01"] * 20])
def test_impossible_months_are_not_dates_of_birth(values: list[str]) -> None:
    assert _decide("出生年月", values).recognizer != "cn_birth_date"


def test_a_year_and_month_under_another_name_is_not_a_date_of_birth() -> None:
    # 入职年月, 统计月份: every table has months
    assert _decide("入职年月", ["1990.01", "1988.11"] * 20).status == "none"
    assert _decide("tjyf", ["199001", "198811"] * 20).status == "none"


@pytest.mark.parametrize("field", ["年龄", "age", "年龄（周岁）"])
def test_an_age_column_under_14_is_minors_data(field: str) -> None:
    found = _decide(field, [str(3 + i % 11) for i in range(40)])
    assert (found.status, found.recognizer, found.minors) == ("tagged", "cn_age", 40), found
    table = grade_table("t", [found], load_scheme("gbt43697"))
    assert table.level == "G4", table


def test_adults_ages_are_personal_data_not_minors() -> None:
    found = _decide("年龄", [str(18 + i % 60) for i in range(40)] + ["35岁"])
    assert (found.status, found.recognizer, found.minors) == ("tagged", "cn_age", 0), found


def test_numbers_that_are_no_age_are_not_ages() -> None:
    assert _decide("年龄", ["150", "999", "-3", "12.5"] * 10).recognizer != "cn_age"
    assert _decide("数量", [str(3 + i % 11) for i in range(40)]).status == "none"  # a count, not an age


def test_free_text_masks_a_year_and_month_of_birth_to_the_year() -> None:
    from govsoc.classification.free_text import mask_free_text

    assert mask_free_text("出生年月：1990.01，籍贯浙江") == "出生年月：1990-**-**，籍贯浙江"


@pytest.mark.parametrize("field", ["max_age", "cache_age", "password_age", "cert_age_days"])
def test_the_age_of_a_thing_is_no_persons_age(field: str) -> None:
    assert _decide(field, [str(3 + i % 11) for i in range(40)]).recognizer != "cn_age"
