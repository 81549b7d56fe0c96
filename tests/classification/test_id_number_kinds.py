"""A value that validates as a resident ID number carries the resident-ID grade whatever its
column is called (R15d-29; 就高从严, GB/T 43697-2024): the 社会保障号码 is the 公民身份号码 (Social
Insurance Law art. 58), so under --scheme zhejiang, whose override makes ID numbers L4, a 社会保障号码
column of ID numbers is L4 as a 驾驶证号 column of the same numbers is."""

from __future__ import annotations

import pytest

from govsoc.classification.checksums import resident_id_check_char
from govsoc.classification.columns import ColumnClassifier, ColumnSample
from govsoc.classification.grading import column_kinds, grade_column, load_scheme

CLASSIFIER = ColumnClassifier()


def ids(n: int = 60) -> list[str]:
    bodies = [f"3301061975{(i % 12) + 1:02d}{(i % 28) + 1:02d}{i % 1000:03d}" for i in range(n)]
    return [b + resident_id_check_char(b) for b in bodies]


def _level(field: str, values: list[str], scheme: str) -> str:
    grade = grade_column(CLASSIFIER.decide(ColumnSample(dataset="t", field=field, values=values)), load_scheme(scheme))
    assert grade is not None
    return grade.level


@pytest.mark.parametrize("field", [
    "社会保障号码",   # cn_social_security_number: the ID number by law
    "shbzhm",        # its pinyin initials
    "医保卡号",       # cn_medical_insurance_number (G4 by itself): the ID number as well
    "驾驶证号",       # cn_resident_id by name already: the reference point
])
def test_id_numbers_hold_the_resident_id_kind_whatever_the_column_is_called(field: str) -> None:
    d = CLASSIFIER.decide(ColumnSample(dataset="t", field=field, values=ids()))
    assert d.status == "tagged" and "cn_resident_id" in column_kinds(d)


def test_zhejiang_grades_a_social_security_column_of_id_numbers_as_it_grades_id_numbers() -> None:
    assert _level("社会保障号码", ids(), "zhejiang") == _level("驾驶证号", ids(), "zhejiang") == "G4"


def test_the_hk_macau_taiwan_form_is_no_id_number() -> None:
    # HKG/MAC/TWN + 0 + 8 digits: a social security number that is not an ID number
    values = [f"{('HKG', 'MAC', 'TWN')[i % 3]}0{10000000 + i * 7919:08d}" for i in range(60)]
    d = CLASSIFIER.decide(ColumnSample(dataset="t", field="社会保障号码", values=values))
    assert d.recognizer == "cn_social_security_number" and column_kinds(d) == ("cn_social_security_number",)
    assert _level("社会保障号码", values, "zhejiang") == "G3"
