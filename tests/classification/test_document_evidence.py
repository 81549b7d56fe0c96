"""Bare 8-digit numbers under a heading naming any document (证件号码, 证照号码, zjhm) that are
dates, staff or sequence numbers, or licences without evidence, are no Taiwan permits; a
document-type column naming the permit, or other documents in the same column, are evidence
(R15x-2: business, staff and date numbers were tagged cn_taiwan_permit G3, tables G4). Real
permits under a person's document heading: test_person_documents.py (F15h)."""

from __future__ import annotations

import random

import pytest

from govsoc.classification.columns import ColumnClassifier, ColumnSample
from govsoc.classification.grading import grade_table, load_scheme

CLASSIFIER = ColumnClassifier()
NAMES = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊"]


def _eight(rng: random.Random) -> str:
    return f"{rng.randrange(10 ** 7, 10 ** 8):08d}"


def _staff(rng: random.Random) -> str:
    return f"2023{rng.randrange(10 ** 4):04d}"


def _date(rng: random.Random) -> str:
    return f"20{rng.randrange(25):02d}{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}"


def _run(rng: random.Random, start: list[int] = [31000000]) -> str:  # noqa: B006 (a counter)
    start[0] += 1
    return str(start[0])


def _table(heading: str, values: list[str], *, person: bool = True,
           kinds: list[str] | None = None) -> tuple[str | None, str]:
    columns = [ColumnSample(dataset="t.csv", table="t", field="xm" if person else "单位名称",
                            values=[NAMES[i % len(NAMES)] if person else "某某公司" for i in range(len(values))])]
    if kinds is not None:
        columns.append(ColumnSample(dataset="t.csv", table="t", field="证件类型", values=kinds))
    columns.append(ColumnSample(dataset="t.csv", table="t", field=heading, values=values))
    decided = CLASSIFIER.decide_all(columns)
    return decided[-1].recognizer, grade_table("t.csv", decided, load_scheme("gbt43697")).level


@pytest.mark.parametrize("heading,make,person,level", [
    ("证照号码", _eight, False, "G1"),  # a company register's licence numbers (R15x-2: G3 before)
    ("zjhm", _staff, True, "G2"),       # staff numbers beside names: a name is G2, no document (G4 before)
    ("证件号码", _date, True, "G2"),     # yyyymmdd dates (G4 before)
    ("证件号码", _run, True, "G2"),      # a run of sequence numbers
    # random 8 digits under 证件号 (a person's document) are permits now (F15h): test_person_documents
    ("证照号码", _eight, True, "G2"),    # a licence heading still needs evidence, even beside names
])
def test_bare_numbers_under_a_generic_heading_are_no_permits(heading: str, make: object, person: bool,
                                                             level: str) -> None:
    rng = random.Random(15)
    values = [make(rng) for _ in range(300)]  # type: ignore[operator]
    assert _table(heading, values, person=person) == (None, level)


@pytest.mark.parametrize("kind", ["台湾居民来往大陆通行证", "台胞证"])
def test_a_type_column_naming_the_permit_is_evidence(kind: str) -> None:
    rng = random.Random(16)
    values = [_eight(rng) for _ in range(300)]
    assert _table("证件号码", values, kinds=[kind] * 300) == ("cn_taiwan_permit", "G4")


def test_a_type_column_naming_other_documents_is_none() -> None:
    rng = random.Random(17)
    values = [_eight(rng) for _ in range(300)]
    assert _table("证照号码", values, kinds=["营业执照"] * 300, person=False) == (None, "G1")


def test_permits_beside_passports_in_one_column_are_documents() -> None:
    rng = random.Random(18)
    values = [_eight(rng) if i % 3 else f"E{rng.randrange(10 ** 8):08d}" for i in range(300)]
    recognizer, level = _table("证件号码", values)
    assert recognizer in {"cn_taiwan_permit", "cn_passport"} and level == "G4"


@pytest.mark.parametrize("heading", ["台胞证号", "twtxz", "台湾居民来往大陆通行证号码"])
def test_own_heading_needs_no_other_evidence(heading: str) -> None:
    rng = random.Random(19)
    assert _table(heading, [_eight(rng) for _ in range(300)]) == ("cn_taiwan_permit", "G4")


@pytest.mark.parametrize("table", ["台胞信息登记表", "在闽台湾居民.xlsx"])
def test_a_table_named_for_taiwan_residents_is_evidence(table: str) -> None:
    rng = random.Random(20)
    columns = [ColumnSample(dataset=table, table=table, field="姓名", values=NAMES * 50),
               ColumnSample(dataset=table, table=table, field="证件号码", values=[_eight(rng) for _ in range(300)])]
    decided = CLASSIFIER.decide_all(columns)
    assert decided[1].recognizer == "cn_taiwan_permit"
    assert grade_table(table, decided, load_scheme("gbt43697")).level == "G4"
