"""Smaller JSON misreadings (issue 15 review R15f-36): an Elasticsearch _bulk file's action line
({"index": {"_index": …, "_id": …}}) before each document was a record, doubling the row count (60
documents, rows=120); an envelope of one record said "the 1 records"."""

from __future__ import annotations

import json
from pathlib import Path

from tests.classification.test_source_json import NUMBERS, _scan
from tests.classification.test_source_json_name_maps import PEOPLE


def test_bulk_action_lines_are_no_records(tmp_path: Path) -> None:
    path = tmp_path / "bulk.ndjson"
    lines = []
    for i in range(40):
        action = "delete" if i == 39 else ("index", "create")[i % 2]
        lines.append(json.dumps({action: {"_index": "people", "_id": str(i)}}))
        if action != "delete":  # a delete has no document after it
            lines.append(json.dumps({"xm": PEOPLE[i], "sfzh": NUMBERS[i]}, ensure_ascii=False))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    inventory = _scan(path)
    (table,) = inventory.tables
    assert table.rows == 39  # was 79: the action lines counted
    assert {f.field for f in table.fields} == {"xm", "sfzh"}  # no index._index, index._id
    (note,) = [s for s in inventory.skipped if "_bulk" in s.reason]
    assert note.note and note.location.line == 1 and note.reason.startswith("40 ")


def test_a_record_with_an_index_field_is_read(tmp_path: Path) -> None:
    # a record whose one field "index" holds an object with more beside it is a record
    path = tmp_path / "r.jsonl"
    path.write_text("".join(json.dumps({"index": {"xm": PEOPLE[i]}, "sfzh": NUMBERS[i]}, ensure_ascii=False) + "\n"
                            for i in range(10)), encoding="utf-8")
    (table,) = _scan(path).tables
    assert table.rows == 10


def test_an_envelope_of_one_record_says_one_record(tmp_path: Path) -> None:
    # R15f-36: "the 1 records of data.list"
    path = tmp_path / "env_one.json"
    path.write_text(json.dumps({"code": 0, "data": {"list": [{"xm": PEOPLE[0]}]}}, ensure_ascii=False),
                    encoding="utf-8")
    (note,) = [s.reason for s in _scan(path).skipped if "envelope" in s.reason]
    assert note.startswith("a JSON envelope: the 1 record of data.list read as the rows")
