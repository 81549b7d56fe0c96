"""JSON lines past json.loads' limits (issue 15 review R15b-22): one line nested 50,000 deep ended
`govsoc classify` of a whole folder with "internal error: RecursionError", and a 5,000-digit number
("Exceeds the limit (4300 digits) for integer string conversion", a ValueError) dropped its file.
A line too deep is reported at its line and counted; a long integer is read as its digits."""

from __future__ import annotations

import json
from pathlib import Path

from govsoc.classification.grading import load_scheme
from govsoc.classification.inventory import build_inventory
from govsoc.classification.sources import open_source
from govsoc.classification.sources.json_line import MAX_DEPTH
from tests.classification.test_sources import PHONES, ids


def test_a_line_too_deep_is_one_skip_and_a_long_number_is_read(tmp_path: Path) -> None:
    lines = [json.dumps({"sfzh": v}) for v in ids(40)]
    lines.insert(10, "[" * 50_000 + "]" * 50_000)              # past the recursion limit: json.loads raises
    lines.insert(20, '{"a": ' * 900 + "1" + "}" * 900)          # parses; too deep to classify
    lines.insert(30, json.dumps({"n": 7, "big": "x"}).replace('"x"', "7" * 5_000))  # over 4,300 digits
    lines.insert(31, json.dumps({"deep": [[[[1]]]]}))           # a few levels: read as before
    (tmp_path / "a.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "b.csv").write_text("sjhm\n" + "\n".join(PHONES) + "\n", encoding="utf-8")
    source = open_source(str(tmp_path))
    inventory = build_inventory(source.tables(), source=source.name, scheme=load_scheme("gbt43697"), sample_size=1000)
    fields = {(t.table, f.field): f for t in inventory.tables for f in t.fields}
    assert fields[("a.jsonl", "sfzh")].recognizer == "cn_resident_id"
    assert fields[("b.csv", "sjhm")].recognizer == "cn_mobile"
    assert fields[("a.jsonl", "big")].sampled == 1 and fields[("a.jsonl", "n")].sampled == 1
    assert fields[("a.jsonl", "deep[][][][]")].sampled == 1
    assert [(s.location.line, s.reason) for s in inventory.skipped] == [
        (11, f"nested too deep to parse (over {MAX_DEPTH} levels): not classified"),
        (21, f"nested 900 levels deep (over {MAX_DEPTH}): not classified")]
    assert inventory.skipped_count == 2
    assert {t.table: t.rows for t in inventory.tables}["a.jsonl"] == 42  # the records read (R15d-26)



def test_a_json_array_file_too_deep_or_with_a_long_number_does_not_end_the_run(tmp_path: Path) -> None:
    """The same for a .json file (read since R15-22's fix): an item or a whole text nested too
    deep costs that file, named, not the folder's other files; a 5,000-digit number is read."""
    (tmp_path / "deep.json").write_text("[" + "[" * 50_000 + "]" * 50_000 + "]", encoding="utf-8")
    (tmp_path / "whole.json").write_text('{"a":' * 50_000 + "1" + "}" * 50_000, encoding="utf-8")
    records = [{"sfzh": v, "n": 7} for v in ids(40)]
    (tmp_path / "big.json").write_text(json.dumps(records).replace(": 7", ": " + "7" * 5_000), encoding="utf-8")
    (tmp_path / "b.csv").write_text("sjhm\n" + "\n".join(PHONES) + "\n", encoding="utf-8")
    items = [{"sfzh": v} for v in ids(40)] + [{"a": [[[[[[[[[[1]]]]]]]]]]}]  # R15c-4: 900 levels parse, flatten
    (tmp_path / "items.json").write_text(json.dumps(items)[:-1] + ", " + "[" * 900 + "]" * 900 + "]", encoding="utf-8")
    source = open_source(str(tmp_path))
    inventory = build_inventory(source.tables(), source=source.name, scheme=load_scheme("gbt43697"), sample_size=1000)
    fields = {(t.table, f.field): f for t in inventory.tables for f in t.fields}
    assert fields[("big.json", "sfzh")].recognizer == "cn_resident_id"
    assert fields[("items.json", "sfzh")].recognizer == "cn_resident_id"
    assert fields[("b.csv", "sjhm")].recognizer == "cn_mobile"


def test_a_json_array_item_too_deep_costs_that_item_only(tmp_path: Path) -> None:
    # known limit of R15b-22's fix: an item past the decoder's stack after good records refused the
    # whole file ("deep.json:22:1: not JSON: an item nested too deep to parse"), the records after it lost
    records = [json.dumps({"sfzh": v, "sjhm": p}) for v, p in zip(ids(40), PHONES, strict=True)]
    deep = '{"note": "[{\\"a]", "x": ' + "[" * 50_000 + '"]]"' + "]" * 50_000 + "}"  # brackets in strings too
    text = "[\n" + ",\n".join([*records[:20], deep, *records[20:]]) + "\n]\n"
    (tmp_path / "deep.json").write_text(text, encoding="utf-8")
    inventory = build_inventory(open_source(str(tmp_path / "deep.json")).tables(), source="s",
                                scheme=load_scheme("gbt43697"), sample_size=1000)
    (table,) = inventory.tables
    assert table.rows == 40
    assert {f.field: f.recognizer for f in table.fields} == {"sfzh": "cn_resident_id", "sjhm": "cn_mobile"}
    assert [(s.location.line, "too deep" in s.reason) for s in inventory.skipped] == [(22, True)]


def test_a_json_array_cut_inside_a_deep_item_keeps_the_items_before(tmp_path: Path) -> None:
    records = [json.dumps({"sfzh": v}) for v in ids(40)]
    (tmp_path / "cut.json").write_text("[\n" + ",\n".join(records) + ",\n" + "[" * 50_000, encoding="utf-8")
    inventory = build_inventory(open_source(str(tmp_path / "cut.json")).tables(), source="s",
                                scheme=load_scheme("gbt43697"), sample_size=1000)
    (table,) = inventory.tables
    assert table.rows == 40 and [s.location.line for s in inventory.skipped] == [42]
