"""JSON records that are not objects (issue 15 review R15-16): a line that is an array is a row
whose items are fields by position, a string or number line is the field ``$``, and a line that
holds nothing (null, true, false) is reported with its line and counted."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from govsoc.classification.grading import load_scheme
from govsoc.classification.inventory import Inventory, build_inventory
from govsoc.classification.sources import json_records, json_stream, open_source
from govsoc.classification.sources.files import MAX_CELL
from govsoc.classification.sources.json_records import POSITIONS
from govsoc.core.errors import ConfigError
from tests.classification.test_sources import NAMES, PHONES, ids

NUMBERS = ids(40)


def _scan(target: Path) -> Inventory:
    source = open_source(str(target))
    return build_inventory(source.tables(), source=source.name, scheme=load_scheme("gbt43697"), sample_size=1000)


def _tagged(inventory: Inventory) -> dict[str, str | None]:
    (table,) = inventory.tables
    return {f.field: f.recognizer for f in table.fields if f.status == "tagged"}


def _write(path: Path, records: list[object]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")


def test_array_lines_are_rows_of_fields_by_position(tmp_path: Path) -> None:
    # R15-16: 40 lines of [ID number, mobile] were 40 rows of no field at all: 0 fields, 1级
    lines: list[object] = [[NUMBERS[i], PHONES[i]] for i in range(40)]
    lines[4] = [NUMBERS[4], "A" * (MAX_CELL + 1)]  # a line over MAX_CELL is parsed apart: named the same
    _write(tmp_path / "arr.jsonl", lines)
    inventory = _scan(tmp_path / "arr.jsonl")
    assert _tagged(inventory) == {"[0]": "cn_resident_id", "[1]": "cn_mobile"}
    assert inventory.tables[0].rows == 40
    assert [(s.location.line, s.location.field) for s in inventory.skipped] == [(5, "[1]")]


def test_nesting_below_a_position_is_named_as_in_any_record(tmp_path: Path) -> None:
    _write(tmp_path / "nest.jsonl", [[i, {"sfzh": NUMBERS[i]}, [PHONES[i], PHONES[39 - i]]] for i in range(40)])
    assert _tagged(_scan(tmp_path / "nest.jsonl")) == {"[1].sfzh": "cn_resident_id", "[2][]": "cn_mobile"}


@pytest.mark.parametrize("value", [
    lambda i: NUMBERS[i],       # a line that is a JSON string
    lambda i: int(PHONES[i]),   # a number: a phone exported without quotes
])
def test_a_scalar_line_is_the_field_dollar(tmp_path: Path, value: Callable[[int], object]) -> None:
    _write(tmp_path / "s.jsonl", [value(i) for i in range(40)])
    tagged = _tagged(_scan(tmp_path / "s.jsonl"))
    assert list(tagged) == ["$"] and tagged["$"] in ("cn_resident_id", "cn_mobile")


def test_a_mixed_file_keeps_every_kind_and_reports_lines_holding_nothing(tmp_path: Path) -> None:
    records: list[object] = []
    for i in range(40):
        records += [{"xm": NAMES[i % 8], "sfzh": NUMBERS[i]}, [PHONES[i]], NUMBERS[39 - i]]
    records[10] = None   # line 11
    records[20] = True   # line 21
    _write(tmp_path / "mixed.jsonl", records)
    inventory = _scan(tmp_path / "mixed.jsonl")
    assert _tagged(inventory) == {"xm": "cn_person_name", "sfzh": "cn_resident_id", "[0]": "cn_mobile",
                                  "$": "cn_resident_id"}
    assert [(s.location.line, s.reason.split(":")[0]) for s in inventory.skipped] == [
        (11, "JSON null"), (21, "JSON true")]
    assert inventory.skipped_count == 2 and inventory.tables[0].rows == 118  # the lines holding nothing: no rows


def _records(n: int) -> list[dict[str, str]]:
    return [{"xm": NAMES[i % 8], "sfzh": NUMBERS[i % 40], "sjhm": PHONES[i % 40]} for i in range(n)]


ROSTER_FOUND = {"xm": "cn_person_name", "sfzh": "cn_resident_id", "sjhm": "cn_mobile"}


@pytest.mark.parametrize("name, text, rows", [
    # R15c-13: a JSON array saved as one .jsonl line: a field per record and key ([0].xm .. [39].sjhm)
    ("one.jsonl", json.dumps(_records(40), ensure_ascii=False) + "\n", 40),
    # a line over MAX_CELL (parsed apart from the others): 3,000 records were 9,000 fields
    ("long.jsonl", json.dumps(_records(3_000), ensure_ascii=False) + "\n", 3_000),
    # two pages, one a line each, beside an ordinary record line
    ("pages.jsonl", "".join(json.dumps(_records(20), ensure_ascii=False) + "\n" for _ in range(2))
     + json.dumps(_records(1)[0], ensure_ascii=False) + "\n", 41),
    # a paged dump saved as .json: an array of pages, each an array of records
    ("paged.json", json.dumps([_records(20), _records(20)], ensure_ascii=False), 40),
])
def test_an_array_of_records_is_rows_not_positions(tmp_path: Path, name: str, text: str, rows: int) -> None:
    (tmp_path / name).write_text(text, encoding="utf-8")
    inventory = _scan(tmp_path / name)
    (table,) = inventory.tables
    assert [f.field for f in table.fields] == ["xm", "sfzh", "sjhm"] and _tagged(inventory) == ROSTER_FOUND
    assert table.rows == rows and inventory.skipped == ()


@pytest.mark.parametrize("name", ["ids.jsonl", "ids.json"])
def test_positions_past_the_bound_share_one_field(tmp_path: Path, name: str) -> None:
    """A line (or an item) of 2,000 ID numbers was 2,000 fields, one value each: positions are
    named up to POSITIONS, the items past them share ``[]`` as a nested array's do."""
    line = json.dumps(ids(2_000) if name.endswith("l") else [ids(2_000)])
    (tmp_path / name).write_text(line + "\n", encoding="utf-8")
    (table,) = _scan(tmp_path / name).tables
    assert [f.field for f in table.fields] == [f"[{i}]" for i in range(POSITIONS)] + ["[]"]
    (rest,) = [f for f in table.fields if f.field == "[]"]
    assert rest.recognizer == "cn_resident_id" and table.rows == 1


@pytest.mark.parametrize("lines", [
    [json.dumps(r, ensure_ascii=False) for r in _records(40)],                    # mongoexport's default
    [json.dumps([r["sfzh"], r["sjhm"]]) for r in _records(40)],                   # array lines
    ["", *(json.dumps(r, ensure_ascii=False) for r in _records(40))],             # a blank first line
])
def test_json_lines_named_json_are_read_as_json_lines_and_said_so(tmp_path: Path, lines: list[str]) -> None:
    """R15c-6: JSON lines saved as .json were refused whole ("not JSON: Extra data" at line 2):
    none of the records was classified. They are read as JSON lines, and the file reported once."""
    (tmp_path / "export.json").write_text("\n".join(lines) + "\n", encoding="utf-8")
    inventory = _scan(tmp_path / "export.json")
    assert inventory.tables[0].rows == 40 and "cn_resident_id" in _tagged(inventory).values()
    second = 3 if lines[0] == "" else 2
    assert [(s.location.line, s.reason) for s in inventory.skipped] == [
        (second, "one JSON value a line (JSON lines, not one JSON text): read as JSON lines; name the file .jsonl")]


@pytest.mark.parametrize("text", [
    json.dumps(_records(40), ensure_ascii=False),                       # one line, no newline
    json.dumps(_records(40), ensure_ascii=False) + "\n",                # one line and its newline
    json.dumps(_records(40), ensure_ascii=False, indent=2) + "\n",      # indented: "[" alone on line 1
    json.dumps({"data": _records(40)}, ensure_ascii=False, indent=1),   # an envelope, indented
])
def test_one_json_text_stays_one_json_text(tmp_path: Path, text: str) -> None:
    (tmp_path / "one.json").write_text(text, encoding="utf-8")
    inventory = _scan(tmp_path / "one.json")
    # the envelope says which path its rows came from (R15d-16), nothing else is reported
    assert [s.reason.split(":")[0] for s in inventory.skipped] in ([], ["a JSON envelope"])
    assert inventory.tables[0].rows == 40


@pytest.mark.parametrize("cut", [
    lambda text: text.index(f'"sfzh": "{NUMBERS[30]}"') + 14,   # in the 31st record's ID string
    lambda text: text.index(f'"sfzh": "{NUMBERS[30]}"'),        # between two of its members
    lambda text: text.index(f'"xm": "{NAMES[30 % 8]}"', text.index(NUMBERS[29])) - 6,  # after "}," of the 30th
    lambda text: text.index(f'"xm": "{NAMES[30 % 8]}"', text.index(NUMBERS[29])) - 7,  # after its "}"
])
def test_a_json_array_cut_short_keeps_the_records_before_the_cut(tmp_path: Path,
                                                                cut: Callable[[str], int]) -> None:
    """R15c-7: an indented array cut short (an interrupted export) was one ConfigError for the file:
    none of the records read before the cut was classified. They are kept; the cut is reported."""
    text = json.dumps(_records(40), ensure_ascii=False, indent=2)
    (tmp_path / "cut.json").write_text(text[:cut(text)], encoding="utf-8")
    inventory = _scan(tmp_path / "cut.json")
    assert _tagged(inventory) == ROSTER_FOUND and inventory.tables[0].rows == 30
    (skipped,) = inventory.skipped
    assert skipped.location.line == text[:cut(text)].count("\n") + 1  # where the text ends
    assert skipped.reason.startswith("not JSON: ") and skipped.reason.endswith("the items before it read")


def test_a_syntax_error_after_items_keeps_the_items_before_it(tmp_path: Path) -> None:
    # a trailing comma before "]" (text follows the error) refused the file; the records before it
    # are read and the error reported, as a cut is (R15g-12: one stray comma cost 1,000 people)
    (tmp_path / "comma.json").write_text(json.dumps(_records(40), ensure_ascii=False)[:-1] + ", ]", encoding="utf-8")
    inventory = _scan(tmp_path / "comma.json")
    assert _tagged(inventory) == ROSTER_FOUND and inventory.tables[0].rows == 40
    (skipped,) = inventory.skipped
    assert skipped.reason.startswith("not JSON: Expecting value: ") and skipped.reason.endswith("the rest not")


@pytest.mark.parametrize("name", ["p.jsonl", "p.json"])  # a .json of JSON lines is read as JSON lines
def test_a_stray_byte_costs_its_line_only(tmp_path: Path, name: str) -> None:
    # R15b-14: one byte that is not UTF-8 refused the whole file ("cannot read: 'utf-8' codec can't decode")
    lines = [json.dumps({"xm": NAMES[i % 8], "sfzh": NUMBERS[i], "sjhm": PHONES[i]}, ensure_ascii=False).encode()
             for i in range(40)]
    lines[4] = lines[4].replace(b'"xm"', b'"x\xffm"')  # line 5: a byte of no charset in a key
    lines[8] = lines[8][:-1] + b', "note": "caf\xe9"}'  # line 9: Latin-1 pasted into a UTF-8 file
    (tmp_path / name).write_bytes(b"\n".join(lines) + b"\n")
    inventory = _scan(tmp_path / name)
    assert _tagged(inventory) == {"xm": "cn_person_name", "sfzh": "cn_resident_id", "sjhm": "cn_mobile"}
    assert inventory.tables[0].rows == 38
    bad = [s for s in inventory.skipped if "UTF-8" in s.reason and "JSON lines" not in s.reason]
    column = len(lines[8].split(b"\xe9")[0].decode()) + 1  # characters before the byte, from 1
    assert [(s.location.line, s.location.column) for s in bad] == [(5, 4), (9, column)]  # {"x then the byte: column 4
    assert "0xff" in bad[0].reason and "0xe9" in bad[1].reason


@pytest.mark.parametrize("value, path, beside", [
    # an API's dump: the list two levels down, a status code and a total beside it (R15e-9: one row
    # of a table of their own)
    ({"code": 0, "msg": "ok", "data": {"total": 40, "list": _records(40)}}, "data.list", 3),
    # a portal's export: the records one level down, nothing beside them
    ({"rows": _records(40)}, "rows", 0),
])
def test_a_json_envelope_s_records_are_the_rows(tmp_path: Path, value: object, path: str, beside: int) -> None:
    """R15d-16: an envelope around 40 records was one row (rows=1, fields data.list[].xm ...), the
    count the inventory reports and the 重要数据 scale test compares. Its records are the rows, and
    the path they were read from is said once."""
    (tmp_path / "api.json").write_text(json.dumps(value, ensure_ascii=False, indent=1), encoding="utf-8")
    inventory = _scan_envelope(tmp_path / "api.json", beside)
    assert _tagged(inventory) == ROSTER_FOUND and inventory.tables[0].rows == 40
    left = f"; the members beside them ({beside}) read as one row, the table api.json:(envelope)" if beside else ""
    assert [(s.location.line, s.reason) for s in inventory.skipped] == [
        (1, f"a JSON envelope: the 40 records of {path} read as the rows{left}")]


def _scan_envelope(target: Path, beside: int) -> Inventory:
    """The inventory of an envelope without the table of the ``beside`` members beside its records."""
    inventory = _scan(target)
    if beside:
        (*records, members) = inventory.tables
        assert members.table == f"{target.name}:(envelope)" and members.rows == 1
        assert len(members.fields) == beside
        inventory = replace(inventory, tables=tuple(records))
    return inventory


def test_an_envelope_over_the_limit_is_streamed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """R15d-16: an envelope over JSON_LIMIT (92 M characters) was refused whole, nothing classified
    (exit 2). Its arrays of objects are streamed as a top-level array is."""
    monkeypatch.setattr(json_records, "JSON_LIMIT", 1000)
    value = {"code": 0, "data": {"total": 2000, "tags": ["a", "b"], "list": _records(2000)}, "page": {"no": 1}}
    (tmp_path / "api.json").write_text(json.dumps(value, ensure_ascii=False, indent=1), encoding="utf-8")
    inventory = _scan_envelope(tmp_path / "api.json", 4)  # code, data.total, data.tags[], page.no
    assert _tagged(inventory) == ROSTER_FOUND and inventory.tables[0].rows == 2000
    assert [(s.location.line, s.reason) for s in inventory.skipped] == [
        (1, "a JSON envelope: the 2,000 records of data.list read as the rows; "
            "the members beside them (4) read as one row, the table api.json:(envelope)")]


def test_an_object_over_the_limit_without_records_is_refused(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(json_records, "JSON_LIMIT", 100)
    (tmp_path / "big.json").write_text(json.dumps({"a": "x" * 200, "b": [1, 2]}), encoding="utf-8")
    with pytest.raises(ConfigError, match="holding no array of objects"):
        _scan(tmp_path / "big.json")


@pytest.mark.parametrize("chunk", [1, 7, 1 << 16])
def test_envelope_items_give_the_records_whatever_the_chunk(chunk: int) -> None:
    records = [{"i": str(i), "s": '"}], ' + "x" * i} for i in range(50)]  # brackets inside strings
    value = {"code": 0, "msg": "成功", "data": {"list": records, "n": 50}}
    found = json_stream.Found()
    text = json.dumps(value, ensure_ascii=False, indent=2)
    items = [item for _, item in json_stream.envelope_items(io.StringIO(text), "e.json", found, chunk=chunk)]
    assert items == records and found.tables == ["data.list"]
    assert found.beside == {"code": "0", "msg": "成功", "data.n": "50"}
