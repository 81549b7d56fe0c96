"""Records nested in an array inside each record (issue 15 review R15f-16): households inside
villages (MongoDB's embedded model, an API grouping its people) were counted as the parents: 1,000
people were rows=5, the figure the 重要数据 scale test compares. An array holding more than
json_nested.PER_RECORD objects a record is a table of its own, its objects the rows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from govsoc.classification.sources import open_source
from govsoc.classification.sources.base import TableSample
from tests.classification.test_source_json import NUMBERS, _scan
from tests.classification.test_source_json_name_maps import PEOPLE
from tests.classification.test_sources import PHONES

VILLAGES = ["城关村", "东关村", "西关村", "南关村", "北关村"]


def _village(v: int) -> dict[str, object]:
    # 40 households a village: the 40 people, each with a phone and an ID number
    return {"village": VILLAGES[v], "households": [{"xm": PEOPLE[i], "sfzh": NUMBERS[i], "sjh": PHONES[i]}
                                                   for i in range(40)]}


def _write(path: Path) -> Path:
    villages = [_village(v) for v in range(5)]
    text = "".join(json.dumps(v, ensure_ascii=False) + "\n" for v in villages) if path.suffix == ".jsonl" \
        else json.dumps({"code": 0, "data": {"villages": villages}}, ensure_ascii=False)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ["grouped.json", "grouped.jsonl"])
def test_people_nested_in_villages_are_a_table_of_their_own(name: str, tmp_path: Path) -> None:
    inventory = _scan(_write(tmp_path / name))
    tables = {t.table: t for t in inventory.tables}
    people = tables[f"{name}:households[]"]
    assert people.rows == 200  # was rows=5 (the villages)
    assert {f.field: f.recognizer for f in people.fields if f.status == "tagged"} == {
        "xm": "cn_person_name", "sfzh": "cn_resident_id", "sjh": "cn_mobile"}
    assert people.level == "G4" and tables[name].rows == 5


def test_over_a_sample_the_nested_rows_are_counted_as_in_the_records_read(tmp_path: Path) -> None:
    path = tmp_path / "many.jsonl"
    path.write_text("".join(json.dumps({"village": f"{i}村", "households": [{"xm": PEOPLE[k]} for k in range(10)]},
                                       ensure_ascii=False) + "\n" for i in range(50)), encoding="utf-8")
    tables: list[TableSample] = list(open_source(str(path), sample=10).tables())
    assert [(t.table, t.rows) for t in tables] == [("many.jsonl", 50), ("many.jsonl:households[]", 500)]


def test_a_record_with_one_contact_keeps_it(tmp_path: Path) -> None:
    # an array of one object a record is a field of its record (contacts[].sjhm), as before
    path = tmp_path / "people.jsonl"
    path.write_text("".join(json.dumps({"xm": PEOPLE[i], "contacts": [{"sjhm": PHONES[i]}]}, ensure_ascii=False)
                            + "\n" for i in range(40)), encoding="utf-8")
    (table,) = _scan(path).tables
    assert table.rows == 40 and "contacts[].sjhm" in {f.field for f in table.fields}
