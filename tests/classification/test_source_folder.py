"""A folder's files of other types are reported, not passed over (issue 15 review R15-22), and a
.json file (an array of records, as portals and APIs export) is read as JSON lines are."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govsoc.classification.grading import load_scheme
from govsoc.classification.inventory import Inventory, build_inventory
from govsoc.classification.sources import open_source
from govsoc.classification.sources.files import LISTED, FileSource
from govsoc.classification.sources.json_stream import array_items
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
    # an API's envelope: its list's records are the rows (R15d-16), said once
    ({"code": 0, "data": _records()}, {"xm": "cn_person_name", "sfzh": "cn_resident_id", "sjhm": "cn_mobile"}),
])
def test_a_json_file_is_read(tmp_path: Path, value: object, expected: dict[str, str]) -> None:
    (tmp_path / "export.json").write_text(json.dumps(value, ensure_ascii=False, indent=1), encoding="utf-8-sig")
    inventory = _scan(tmp_path / "export.json")
    assert _tagged(inventory, "export.json") == expected
    assert [s.reason for s in inventory.skipped] == (
        ["a JSON envelope: the 40 records of data read as the rows; "
         "the members beside them (1) read as one row, the table export.json:(envelope)"]
        if isinstance(value, dict) else [])


def test_a_json_file_that_does_not_parse_is_named_at_its_line(tmp_path: Path) -> None:
    # an error in the first item (one after items costs what it breaks: R15g-12)
    (tmp_path / "bad.json").write_text('[\n {"sfzh" "1"},\n {"sfzh": "2"}\n]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="delimiter") as e:
        _scan(tmp_path / "bad.json")
    assert e.value.location is not None and (e.value.location.line, e.value.location.column) == (2, 10)
    (tmp_path / "ok.csv").write_text("sfzh\n" + "\n".join(NUMBERS) + "\n", encoding="utf-8")
    inventory = _scan(tmp_path)  # in a folder: reported at its line, the other file classified
    assert [t.table for t in inventory.tables] == ["ok.csv"]
    (skipped,) = inventory.skipped
    assert (skipped.location.line, skipped.location.column, skipped.reason) == (
        2, 10, "not JSON: Expecting ':' delimiter")


def test_json_items_that_hold_nothing_are_reported_at_their_line(tmp_path: Path) -> None:
    items = [*_records()[:39], None]  # item 39 on line 41
    (tmp_path / "x.json").write_text("[\n" + ",\n".join(json.dumps(i) for i in items) + "\n]\n", encoding="utf-8")
    inventory = _scan(tmp_path / "x.json")
    (skipped,) = inventory.skipped
    assert (skipped.location.line, skipped.reason) == (
        41, "JSON null: not an object, array, string or number, nothing to classify")


JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
                           | st.text(max_size=20),
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner,
                                                                                       max_size=4), max_leaves=12)


@settings(max_examples=300, deadline=None)
@given(st.lists(JSON_VALUES, max_size=12), st.integers(0, 3), st.integers(1, 9))
def test_streamed_array_items_are_json_loads_items(items: list[object], indent: int, chunk: int) -> None:
    # chunks of 1-9 characters cut every item, number, escape and literal somewhere
    text = json.dumps(items, indent=indent or None, ensure_ascii=bool(indent % 2))
    got = list(array_items(io.StringIO(text), "x.json", chunk=chunk))
    # integers come as their digits, as a JSON line's do (json_line: no 4,300-digit limit, R15b-22)
    assert [item for _, item in got] == json.loads(text, parse_int=str)
    if indent:  # each item starts a line: the one after the lines of the items before it
        starts = [2 + sum(json.dumps(i, indent=indent).count("\n") + 1 for i in items[:k]) for k in range(len(items))]
        assert [line for line, _ in got] == starts
    else:
        assert all(line == 1 for line, _ in got)


@pytest.mark.parametrize("text", ["[1,]", "[1 2]", '[{"a": 1}', "[1] x", "[\n 1,\n tru\n]", '[1, "ab'])
def test_streamed_errors_are_where_json_loads_puts_them(text: str) -> None:
    with pytest.raises(json.JSONDecodeError) as expected:
        json.loads(text)
    for chunk in (1, 2, 64):
        with pytest.raises(ConfigError) as got:
            list(array_items(io.StringIO(text), "x.json", chunk=chunk))
        assert got.value.location is not None
        assert (got.value.location.line, got.value.location.column) == (expected.value.lineno, expected.value.colno)
        assert got.value.message == "not JSON: " + expected.value.msg
