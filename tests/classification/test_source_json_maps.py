"""JSON objects keyed by data (issue 15 review R15d-11): ``json.dump(by_id)`` writes the records'
ID numbers or phones as keys. Each key was a field of its own (100,000 entries: 200,000 fields, 126 s,
1.8 GB) and the ID numbers in the keys were never classified: 4级 reported as 3级, a phone book 1级.
Such an object is a map: its keys a field ``{key}``, its entries rows (or one path ``{}``), and a
table names at most FIELDS fields, saying so when more come."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from govsoc.classification.sources import open_source
from govsoc.classification.sources.json_maps import FIELDS
from tests.classification.test_source_json import NUMBERS, _scan, _tagged
from tests.classification.test_sources import NAMES, PHONES


def test_a_json_text_keyed_by_id_number_is_its_entries(tmp_path: Path) -> None:
    # R15d's keyed_by_id.json: rows=1, 80 fields '320102********0004.xm', 3级 (the IDs never classified)
    by_id = {NUMBERS[i]: {"xm": NAMES[i % 8], "sjh": PHONES[i]} for i in range(40)}
    (tmp_path / "k.json").write_text(json.dumps(by_id, ensure_ascii=False), encoding="utf-8")
    inventory = _scan(tmp_path / "k.json")
    assert _tagged(inventory) == {"{key}": "cn_resident_id", "xm": "cn_person_name", "sjh": "cn_mobile"}
    (table,) = inventory.tables
    assert table.rows == 40 and table.level == "G4"  # 身份证号与姓名同表


def test_a_phone_book_is_read_by_its_keys(tmp_path: Path) -> None:
    # R15d's phonebook.json (mobile -> name): 40 fields, none tagged, 1级
    book = {PHONES[i]: NAMES[i % 8] for i in range(40)}
    (tmp_path / "p.json").write_text(json.dumps(book, ensure_ascii=False), encoding="utf-8")
    inventory = _scan(tmp_path / "p.json")
    assert _tagged(inventory)["{key}"] == "cn_mobile" and len(inventory.tables[0].fields) == 2


@pytest.mark.parametrize("record, fields", [
    # R15d's keyed_lines.jsonl: one {"<ID>": {"xm": ...}} a line, a field per line
    (lambda i: {NUMBERS[i]: {"xm": NAMES[i % 8]}}, {"{key}": "cn_resident_id", "{}.xm": "cn_person_name"}),
    # a map inside a record: its path, then {key} and {}
    (lambda i: {"data": {NUMBERS[i]: {"xm": NAMES[i % 8]}}}, {"data{key}": "cn_resident_id",
                                                             "data{}.xm": "cn_person_name"}),
])
def test_maps_in_json_lines_are_one_field_of_keys(tmp_path: Path, record: object, fields: dict[str, str]) -> None:
    (tmp_path / "k.jsonl").write_text("".join(json.dumps(record(i), ensure_ascii=False) + "\n"  # type: ignore[operator]
                                              for i in range(40)), encoding="utf-8")
    inventory = _scan(tmp_path / "k.jsonl")
    assert _tagged(inventory) == fields and inventory.tables[0].rows == 40


def test_a_big_map_is_rows_not_fields(tmp_path: Path) -> None:
    # keyed_100k.json's shape: 5,000 entries were 10,000 fields and one row
    by_id = {f"{i:018d}": {"xm": NAMES[i % 8], "sjh": PHONES[i % 40]} for i in range(5000)}
    (tmp_path / "k.json").write_text(json.dumps(by_id, ensure_ascii=False), encoding="utf-8")
    (table,) = open_source(str(tmp_path / "k.json")).tables()
    assert table.rows == 5000 and sorted(c.field for c in table.columns) == ["sjh", "xm", "{key}"]


def test_field_names_past_the_bound_are_counted_and_said(tmp_path: Path) -> None:
    # keys that look like names, all different (40 lines of 40 keys k{line}_{n}, and xm): FIELDS kept
    lines = [json.dumps({"xm": NAMES[i % 8], **{f"k{i}_{n}": PHONES[n] for n in range(40)}}, ensure_ascii=False)
             for i in range(40)]
    (tmp_path / "w.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (table,) = open_source(str(tmp_path / "w.jsonl")).tables()
    assert len(table.columns) == FIELDS and "xm" in {c.field for c in table.columns}
    (note,) = table.skipped
    assert note.reason.startswith(f"{40 * 40 + 1 - FIELDS} values under field names past the first {FIELDS:,}")


def test_a_record_with_names_for_keys_stays_a_record(tmp_path: Path) -> None:
    # the contrast: ordinary keys, and years beside them, are fields (姓名,身份证号,2023,2024: R15c-1)
    lines = [json.dumps({"xm": NAMES[i % 8], "sfzh": NUMBERS[i], "2023": "1", "2024": "2"}, ensure_ascii=False)
             for i in range(40)]
    (tmp_path / "r.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (table,) = open_source(str(tmp_path / "r.jsonl")).tables()
    assert sorted(c.field for c in table.columns) == ["2023", "2024", "sfzh", "xm"] and table.rows == 40
