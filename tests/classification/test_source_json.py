"""JSON records that are not objects (issue 15 review R15-16): a line that is an array is a row
whose items are fields by position, a string or number line is the field ``$``, and a line that
holds nothing (null, true, false) is reported with its line and counted."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from govsoc.classification.grading import load_scheme
from govsoc.classification.inventory import Inventory, build_inventory
from govsoc.classification.sources import open_source
from govsoc.classification.sources.files import MAX_CELL
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
    assert inventory.skipped_count == 2 and inventory.tables[0].rows == 120
