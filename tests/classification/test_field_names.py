"""Field names that are data (issue 15 review): a CSV file without a header row, JSON objects keyed
by ID or phone numbers. Such names are personal data and are shown masked like values, in the
decision, its reason, the inventory JSON and the report section; a first row holding a value is
data, not a header."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from govsoc.classification.columns import ColumnClassifier, ColumnSample
from govsoc.classification.grading import load_scheme
from govsoc.classification.inventory import Inventory, build_inventory
from govsoc.classification.sources import open_source
from tests.classification.test_sources import NAMES, PHONES, ids

NUMBERS = ids(40)


def _inventory(target: Path) -> Inventory:
    source = open_source(str(target))
    return build_inventory(source.tables(), source=source.name, scheme=load_scheme("gbt43697"), sample_size=1000)


def _raw_anywhere(inventory: Inventory) -> list[str]:
    text = json.dumps(inventory.to_dict(), ensure_ascii=False) + repr(inventory.section())
    return [v for v in [*NUMBERS, *PHONES, *NAMES] if v in text]


def test_a_csv_without_header_row_is_all_data(tmp_path: Path) -> None:
    rows = [f"{NAMES[i % 8]},{NUMBERS[i]},{PHONES[i]}" for i in range(40)]
    (tmp_path / "export.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    inventory = _inventory(tmp_path / "export.csv")
    (table,) = inventory.tables
    assert table.rows == 40  # the first row is sampled, not taken for a header
    tagged = {f.field: f.recognizer for f in table.fields if f.status == "tagged"}
    assert tagged == {"column_2": "cn_resident_id", "column_3": "cn_mobile"}
    assert _raw_anywhere(inventory) == []


def test_a_column_of_names_headed_by_a_name(tmp_path: Path) -> None:
    rows = [f"{NAMES[i % 8]},SKU-{i}" for i in range(40)]  # nothing but names: the first row reads as a header
    (tmp_path / "names.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    inventory = _inventory(tmp_path / "names.csv")
    (first, _) = inventory.tables[0].fields
    assert (first.field, first.recognizer) == ("张**", "cn_person_name") and "no header row" in first.reason
    assert _raw_anywhere(inventory) == []


def test_json_keys_that_are_numbers_are_masked(tmp_path: Path) -> None:
    with (tmp_path / "map.jsonl").open("w", encoding="utf-8") as f:
        for i in range(40):
            f.write(json.dumps({"by_phone": {PHONES[i]: {"sfzh": NUMBERS[i]}}, NUMBERS[i]: "ok"}) + "\n")
    inventory = _inventory(tmp_path / "map.jsonl")
    fields = [f.field for f in inventory.tables[0].fields]
    # a map keyed by phones (R15d-11): its keys are values of by_phone{key}, masked as values are
    assert {"by_phone{key}", "by_phone{}.sfzh"} <= set(fields)
    assert f"{NUMBERS[0][:6]}********{NUMBERS[0][-4:]}" in fields  # beside a name, an ID key is a field
    assert _raw_anywhere(inventory) == []


@pytest.mark.parametrize("name", [
    "sfzh", "身份证号", "申请人",   # headings that name their kind stay as they are (申 is a surname)
    "user.name", "column_1",       # paths and generated names
    "v1.2.3", "2024-01-01",        # numbers that are no personal data
])
def test_ordinary_headings_are_shown_as_they_are(name: str) -> None:
    classifier = ColumnClassifier()
    sample = ColumnSample(dataset="d", field=name, values=[NAMES[i % 8] for i in range(20)])
    assert classifier.decide(sample).field == name
