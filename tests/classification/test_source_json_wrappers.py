"""R15e-26: mongoexport's Extended JSON: {"$date": {"$numberLong": "<ms>"}} (every date before
1970, and all dates in canonical mode) is the date it stands for, judged as the ISO form is."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from govsoc.classification.grading import load_scheme
from govsoc.classification.inventory import build_inventory
from govsoc.classification.sources import open_source
from govsoc.classification.sources.json_wrappers import unwrapped
from tests.classification.test_sources import NAMES, PHONES


def _ms(day: date) -> str:
    return str(int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp() * 1000))


def _fields(path: Path, rows: list[dict[str, object]]):  # type: ignore[no-untyped-def]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    source = open_source(str(path))
    inventory = build_inventory(source.tables(), source=source.name, scheme=load_scheme("gbt43697"), sample_size=1000)
    (table,) = inventory.tables
    return table, {f.field: f for f in table.fields}


def test_dates_before_1970_as_epoch_milliseconds_are_dates_of_birth(tmp_path: Path) -> None:
    rows = [{"xm": NAMES[i % len(NAMES)], "csrq": {"$date": {"$numberLong": _ms(date(1940 + i % 29, 1 + i % 12, 5))}}}
            for i in range(40)]
    _, fields = _fields(tmp_path / "old.json", rows)
    assert fields["csrq"].recognizer == "cn_birth_date" and fields["csrq"].status == "tagged", fields


def test_childrens_dates_in_canonical_form_are_minors(tmp_path: Path) -> None:
    young = date.today().year - 6
    rows = [{"xm": NAMES[i % len(NAMES)], "sjh": PHONES[i % len(PHONES)],
             "csrq": {"$date": {"$numberLong": _ms(date(young - i % 4, 1 + i % 12, 9))}}} for i in range(40)]
    table, fields = _fields(tmp_path / "canonical.json", rows)
    assert fields["csrq"].recognizer == "cn_birth_date" and table.level == "G4", (table.level, fields)


@pytest.mark.parametrize(("wrapper", "text"), [
    ({"$date": {"$numberLong": "-631152000000"}}, "1950-01-01T00:00:00.000Z"),
    ({"$date": {"$numberLong": "0"}}, "1970-01-01T00:00:00.000Z"),
    ({"$date": "2016-03-01T00:00:00Z"}, "2016-03-01T00:00:00Z"),
    ({"$date": 1456790400000}, "2016-03-01T00:00:00.000Z"),
    ({"$numberLong": "13812345678"}, "13812345678"),
])
def test_a_wrapper_is_the_scalar_it_wraps(wrapper: dict[str, object], text: str) -> None:
    assert unwrapped(wrapper) == text


@pytest.mark.parametrize("other", [{"$date": {"$numberLong": "x"}}, {"$date": {"$numberLong": "9" * 30}},
                                   {"$date": None}, {"$oid": "00" * 12}, {"a": "1", "$date": "2016-03-01"}])
def test_anything_else_is_left_an_object(other: dict[str, object]) -> None:
    assert unwrapped(other) is None
