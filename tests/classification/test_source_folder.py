"""A folder's files of other types are reported, not passed over (issue 15 review R15-22), and a
.json file (an array of records, as portals and APIs export) is read as JSON lines are."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from govsoc.classification.grading import load_scheme
from govsoc.classification.inventory import Inventory, build_inventory
from govsoc.classification.sources import open_source
from govsoc.classification.sources.files import LISTED, FileSource
from govsoc.core.errors import ConfigError
from tests.classification.test_sources import NAMES, PHONES, ids

NUMBERS = ids(40)
OLE2 = bytes.fromhex("d0cf11e0a1b11ae1") + bytes(504)  # an Excel 97-2003 .xls begins so


def _scan(target: Path) -> Inventory:
    source = open_source(str(target))
    return build_inventory(source.tables(), source=source.name, scheme=load_scheme("gbt43697"), sample_size=1000)


def _tagged(inventory: Inventory, table: str) -> dict[str, str | None]:
    (found,) = [t for t in inventory.tables if t.table == table]
    return {f.field: f.recognizer for f in found.fields if f.status == "tagged"}


def _records() -> list[dict[str, str]]:
    return [{"xm": NAMES[i % 8], "sfzh": NUMBERS[i], "sjhm": PHONES[i]} for i in range(40)]


def test_files_of_other_types_are_each_reported_and_counted(tmp_path: Path) -> None:
    # R15-22: old.xls, data.json and list.txt were left out: "2 tables ... 0 skipped"
    (tmp_path / "ok.csv").write_text("sfzh\n" + "\n".join(NUMBERS) + "\n", encoding="utf-8")
    (tmp_path / "old.xls").write_bytes(OLE2)
    (tmp_path / "list.txt").write_text("\n".join(NUMBERS) + "\n", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "README").write_text("exports of 2024\n", encoding="utf-8")
    (tmp_path / "data.json").write_text(json.dumps(_records(), ensure_ascii=False), encoding="utf-8")
    source = FileSource(tmp_path, sample=1000)
    assert source.count() == len(list(source.tables())) == 3  # ok.csv, data.json, the others: the bar's unit
    inventory = _scan(tmp_path)
    assert sorted(t.table for t in inventory.tables) == ["data.json", "ok.csv"]
    assert _tagged(inventory, "data.json") == {"xm": "cn_person_name", "sfzh": "cn_resident_id", "sjhm": "cn_mobile"}
    assert [(s.location.path, s.reason) for s in inventory.skipped] == [
        (str(tmp_path / "list.txt"), "type .txt not classified: rename to .csv or .tsv if it is delimited text, "
                                     ".jsonl if JSON lines"),
        (str(tmp_path / "old.xls"), "type .xls not classified: convert to .xlsx or .csv "
                                    "(Excel 97-2003 workbooks are not read)"),
        (str(tmp_path / "sub" / "README"), "type (none) not classified: not a table format read here "
                                           "(.csv, .db, .json, .jsonl, .ndjson, .sqlite, .sqlite3, .tsv, .xlsx)"),
    ]
    assert inventory.skipped_count == 3 and inventory.to_dict()["summary"]["skipped"] == 3


def test_many_files_of_one_type_do_not_hide_another(tmp_path: Path) -> None:
    for i in range(LISTED + 5):
        (tmp_path / f"scan{i:02d}.jpg").write_bytes(b"\xff\xd8\xff")
    (tmp_path / "z.xls").write_bytes(OLE2)
    inventory = _scan(tmp_path)
    assert inventory.skipped_count == LISTED + 6
    listed = [Path(s.location.path).suffix for s in inventory.skipped]
    assert listed.count(".jpg") == LISTED and listed.count(".xls") == 1


@pytest.mark.parametrize("value, expected", [
    # an array of records, as JSON lines
    (_records(), {"xm": "cn_person_name", "sfzh": "cn_resident_id", "sjhm": "cn_mobile"}),
    # an array of rows without a header: fields by position, as a JSON line that is an array
    ([[NUMBERS[i], PHONES[i]] for i in range(40)], {"[0]": "cn_resident_id", "[1]": "cn_mobile"}),
    # an API's envelope: one record, its list flattened as in any record
    ({"code": 0, "data": _records()}, {"data[].xm": "cn_person_name", "data[].sfzh": "cn_resident_id",
                                       "data[].sjhm": "cn_mobile"}),
])
def test_a_json_file_is_read(tmp_path: Path, value: object, expected: dict[str, str]) -> None:
    (tmp_path / "export.json").write_text(json.dumps(value, ensure_ascii=False, indent=1), encoding="utf-8-sig")
    inventory = _scan(tmp_path / "export.json")
    assert _tagged(inventory, "export.json") == expected and inventory.skipped == ()


def test_a_json_file_that_does_not_parse_is_named_at_its_line(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text('[\n {"sfzh": "1"},\n {"sfzh" "2"}\n]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="delimiter") as e:
        _scan(tmp_path / "bad.json")
    assert e.value.location is not None and (e.value.location.line, e.value.location.column) == (3, 10)
    (tmp_path / "ok.csv").write_text("sfzh\n" + "\n".join(NUMBERS) + "\n", encoding="utf-8")
    inventory = _scan(tmp_path)  # in a folder: reported at its line, the other file classified
    assert [t.table for t in inventory.tables] == ["ok.csv"]
    (skipped,) = inventory.skipped
    assert (skipped.location.line, skipped.location.column, skipped.reason) == (
        3, 10, "not JSON: Expecting ':' delimiter")


def test_json_items_that_hold_nothing_are_reported(tmp_path: Path) -> None:
    (tmp_path / "x.json").write_text(json.dumps([*_records()[:39], None]), encoding="utf-8")
    inventory = _scan(tmp_path / "x.json")
    (skipped,) = inventory.skipped
    assert (skipped.location.field, skipped.reason) == ("[39]", "item 39 is JSON null: nothing to classify")


@pytest.mark.parametrize("name, advice", [
    ("old.xls", "convert to .xlsx or .csv"),  # named alone, the same advice as in a folder
    ("list.txt", "rename to .csv or .tsv"),
    ("scan.jpg", "not a table format read here"),
])
def test_a_file_of_another_type_named_alone_is_refused_with_the_same_advice(tmp_path: Path, name: str,
                                                                            advice: str) -> None:
    (tmp_path / name).write_bytes(OLE2)
    with pytest.raises(ConfigError, match=f"type {Path(name).suffix} not classified: {advice}"):
        open_source(str(tmp_path / name))
