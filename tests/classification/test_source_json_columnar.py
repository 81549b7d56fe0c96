"""Columnar JSON dumps (issue 15 review R15f-12): pandas orient=split, a portal's {"fields", "rows"},
Elasticsearch's _sql output, pandas orient=columns and a dict of equal-length lists were one row (and
a field ``data[][]`` pooling every cell: the names never judged, 4级 -> 3级). Each is a table with the
columns' names and a row per row."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.classification.test_source_json import NUMBERS, _scan
from tests.classification.test_source_json_name_maps import PEOPLE
from tests.classification.test_sources import PHONES

COLUMNS = ["xm", "sfzh", "sjh"]
ROWS = [[PEOPLE[i], NUMBERS[i], PHONES[i]] for i in range(40)]


def _shapes() -> dict[str, object]:
    return {
        # pandas df.to_json(orient="split")
        "split": {"columns": COLUMNS, "index": list(range(40)), "data": ROWS},
        # a portal's API in its envelope
        "fields and rows": {"code": 0, "msg": "ok", "data": {"fields": COLUMNS, "rows": ROWS}},
        # Elasticsearch POST _sql?format=json
        "es sql": {"columns": [{"name": c, "type": "text"} for c in COLUMNS], "rows": ROWS},
        # pandas df.to_json(orient="columns")
        "columns": {c: {str(i): row[k] for i, row in enumerate(ROWS)} for k, c in enumerate(COLUMNS)},
        # a dict of equal-length lists (df.to_dict(orient="list"))
        "lists": {c: [row[k] for row in ROWS] for k, c in enumerate(COLUMNS)},
    }


@pytest.mark.parametrize("shape", list(_shapes()))
def test_a_columnar_dump_is_a_table_of_its_rows(shape: str, tmp_path: Path) -> None:
    path = tmp_path / f"{shape.replace(' ', '_')}.json"
    path.write_text(json.dumps(_shapes()[shape], ensure_ascii=False), encoding="utf-8")
    table = _scan(path).tables[0]
    tagged = {f.field: f.recognizer for f in table.fields if f.status == "tagged"}
    assert table.rows == 40  # was 1
    assert tagged == {"xm": "cn_person_name", "sfzh": "cn_resident_id", "sjh": "cn_mobile"}
    assert table.level == "G4"  # 身份证号与姓名同表, as the same records by rows


def test_two_lists_of_another_length_are_a_record(tmp_path: Path) -> None:
    # a record whose lists differ in length is no table by columns
    path = tmp_path / "one.json"
    path.write_text(json.dumps({"phones": PHONES[:2], "ids": NUMBERS[:3]}), encoding="utf-8")
    (table,) = _scan(path).tables
    assert table.rows == 1 and {f.field for f in table.fields} == {"phones[]", "ids[]"}


@pytest.mark.parametrize(("index", "fields"), [
    # df.set_index("xm").to_json(orient="split"): the names are the index, read as a column (R15g-5)
    (PEOPLE, {"index", "sfzh", "sjh"}),
    # pandas' default RangeIndex is row numbers, no column
    (list(range(40)), {"sfzh", "sjh"}),
])
def test_a_split_dump_s_index_is_a_column_unless_row_numbers(index: list[object], fields: set[str],
                                                               tmp_path: Path) -> None:
    path = tmp_path / "split.json"
    value = {"columns": ["sfzh", "sjh"], "index": index, "data": [row[1:] for row in ROWS]}
    path.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    (table,) = _scan(path).tables
    judged = {f.field: f.recognizer for f in table.fields}
    assert table.rows == 40 and set(judged) == fields
    if "index" in fields:
        assert judged["index"] == "cn_person_name"  # was no field: the names never judged
        assert table.level == "G4"  # 身份证号与姓名同表 (was G3)


def test_columns_one_value_short_are_a_table_of_the_longest(tmp_path: Path) -> None:
    # R15g-14: {"xm":[40], "sfzh":[39], "sjh":[40]} (a null at the end dropped) was rows=1, fields xm[] ...
    path = tmp_path / "unequal.json"
    value = {"xm": PEOPLE[:40], "sfzh": NUMBERS[:39], "sjh": PHONES[:40]}
    path.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    inventory = _scan(path)
    (table,) = inventory.tables
    assert table.rows == 40
    assert {f.field: f.recognizer for f in table.fields if f.status == "tagged"} == {
        "xm": "cn_person_name", "sfzh": "cn_resident_id", "sjh": "cn_mobile"}
    assert any("sfzh: 39 values for 40 rows" in s.reason for s in inventory.skipped)


def test_a_column_of_lists_is_a_column(tmp_path: Path) -> None:
    # R15g-14: two phones a person ({"xm":[40], "phones":[[m1, m2] x 40]}) was rows=1
    path = tmp_path / "lists.json"
    value = {"xm": PEOPLE[:40], "phones": [[PHONES[i], PHONES[39 - i]] for i in range(40)]}
    path.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    (table,) = _scan(path).tables
    assert table.rows == 40
    assert {f.field: f.recognizer for f in table.fields if f.status == "tagged"} == {
        "xm": "cn_person_name", "phones[]": "cn_mobile"}


def test_a_table_by_columns_inside_records_is_a_table_of_its_own(tmp_path: Path) -> None:
    # R15g-14: members by columns in each household are read as an array of members would be
    path = tmp_path / "households.json"
    value = [{"hz": PEOPLE[i], "members": {"xm": PEOPLE[i:i + 3], "sfzh": NUMBERS[i:i + 3]}} for i in range(0, 36, 3)]
    path.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    tables = {t.table: t for t in _scan(path).tables}
    members = tables["households.json:members[]"]
    assert members.rows == 36 and tables["households.json"].rows == 12
    assert {f.field for f in members.fields} == {"xm", "sfzh"} and members.level == "G4"


def test_lists_of_lengths_far_apart_are_a_record(tmp_path: Path) -> None:
    # 40 phones beside 30 ID numbers is no table by columns missing a value: one record, as before
    path = tmp_path / "apart.json"
    path.write_text(json.dumps({"phones": PHONES[:40], "ids": NUMBERS[:30]}), encoding="utf-8")
    (table,) = _scan(path).tables
    assert table.rows == 1 and {f.field for f in table.fields} == {"phones[]", "ids[]"}
