"""Values in the forms exports give them (R15d-5, -7, -8): floats' renderings of numbers (pandas,
Excel), ISO 8601 date-times (mongoexport, JSON APIs), street addresses without their divisions."""

from __future__ import annotations

import random

import pytest

from govsoc.classification.checksums import resident_id_check_char
from govsoc.classification.columns import ColumnClassifier, ColumnSample
from govsoc.classification.spreadsheet_values import as_written

CLASSIFIER = ColumnClassifier()
RNG = random.Random(15)
MOBILES = [f"1{RNG.choice('3589')}{RNG.randint(0, 9)}{RNG.randint(0, 99999999):08d}" for _ in range(40)]


def _ids() -> list[str]:
    out: list[str] = []
    for i in range(400):
        body = f"1101051990{(i % 12) + 1:02d}{(i % 28) + 1:02d}{i % 1000:03d}"
        if resident_id_check_char(body) != "X":
            out.append(body + resident_id_check_char(body))
    return out[:40]


IDS = _ids()


def decide(field: str, values: list[str]) -> tuple[str, str | None, str]:
    d = CLASSIFIER.decide(ColumnSample(dataset="t", field=field, values=values))
    return d.status, d.recognizer, d.reason


@pytest.mark.parametrize("field, values, expected", [
    # R15d-5: pandas writes an int column holding a NaN as floats: 13812345678.0
    ("联系电话", [m + ".0" for m in MOBILES], ("tagged", "cn_mobile")),
    ("sjh", [m + ".0" for m in MOBILES], ("tagged", "cn_mobile")),
    # Excel's 15 significant digits in scientific form: the check characters lost, as for XLSX
    ("身份证号", [f"{float(i):.14E}" for i in IDS], ("tagged", "cn_resident_id")),
    # R15d-7: RFC 3339 date-times under a birth-date name (mongoexport {"$date": ...})
    ("csrq", [f"19{60 + i % 40}-0{1 + i % 9}-1{i % 10}T00:00:00Z" for i in range(40)], ("tagged", "cn_birth_date")),
    ("出生日期", [f"19{60 + i % 40}-0{1 + i % 9}-1{i % 10}T08:30:00.000+08:00" for i in range(40)],
     ("tagged", "cn_birth_date")),
    # R15d-8: the street part in 详细地址 / xxdz, its 省/市/区 kept in columns of their own
    ("详细地址", [f"文三路{i + 1}号{i % 9 + 1}幢{i + 101}室" for i in range(40)], ("tagged", "cn_address")),
    ("xxdz", [f"中山{'路街巷'[i % 3]}{i + 1}号" for i in range(40)], ("tagged", "cn_address")),
])
def test_a_named_column_in_an_exports_form_is_tagged(field: str, values: list[str],
                                                     expected: tuple[str, str]) -> None:
    assert decide(field, values)[:2] == expected


def test_six_significant_digits_in_scientific_form_are_suspected_saying_why() -> None:
    # 1.10105E+17: what Excel writes to CSV for an ID column it turned into a number
    status, recognizer, reason = decide("身份证号", [f"{float(i):.5E}" for i in IDS])
    assert (status, recognizer) == ("suspected", "cn_resident_id") and "scientific form" in reason


@pytest.mark.parametrize("field, values", [
    ("amount", [f"{1000000 + i}.0" for i in range(40)]),                  # whole amounts: no mobile shape
    ("备注", [f"{float(i):.5E}" for i in IDS]),                            # no name: nothing to suspect
    ("created_at", [f"2023-0{1 + i % 9}-1{i % 10}T00:00:00Z" for i in range(40)]),  # a date-time, no birth name
    ("备注", [f"文三路{i + 1}号" for i in range(40)]),                       # a street, no address name
])
def test_the_same_forms_without_a_naming_column_are_nothing(field: str, values: list[str]) -> None:
    assert decide(field, values)[0] == "none"


def test_as_written_gives_whole_numbers_their_digits_only() -> None:
    assert as_written(["13812345678.0", "12.0", "1.10105E+17", "abc", "1E+3"]) == (
        ["13812345678", "12.0", "110105000000000000", "abc", "1E+3"], 1)
