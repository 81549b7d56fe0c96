"""Skip counts count what was left out, each part once, apart from notes (issue 15 review R15d-26):
one binary column of 60 rows counted 60 skipped; a delimiter other than the suffix's and a title row
each counted "1 skipped" though nothing was left out; a JSON-lines file with 3 bad lines of 40 said
rows=40 for 37 records read. An auditor reads "60 skipped" as 60 things not classified."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from govsoc.classification.grading import load_scheme
from govsoc.classification.inventory import Inventory, build_inventory
from govsoc.classification.sources import open_source
from tests.classification.test_sources import NAMES, PHONES, ids

ROWS = [(NAMES[i % 8], n, PHONES[i]) for i, n in enumerate(ids(40))]


def _inventory(path: Path) -> Inventory:
    source = open_source(str(path) if path.suffix != ".sqlite" else f"sqlite:///{path}")
    return build_inventory(source.tables(), source=source.name, scheme=load_scheme("gbt43697"), sample_size=1000)


def test_a_binary_column_is_one_skip_not_one_per_row(tmp_path: Path) -> None:
    path = tmp_path / "people.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE t (xm TEXT, sfzh TEXT, zp BLOB)")
        db.executemany("INSERT INTO t VALUES (?, ?, ?)", [(r[0], r[1], bytes([0xFF, 0xD8, 0xFF, i])) for i, r in
                                                          enumerate(ROWS)])
    db.close()
    inventory = _inventory(path)
    assert inventory.skipped_count == 1  # main: 40
    (skip,) = inventory.skipped
    assert not skip.note and skip.location.field == "t.zp" and skip.reason.startswith("40 of 40 sampled values")


def test_notes_are_listed_and_not_counted(tmp_path: Path) -> None:
    # a European-locale Excel's ';' under .csv, below a roster's title row: both said, nothing left out
    text = "某县2024年花名册\n姓名;身份证号;手机号\n" + "\n".join(";".join(r) for r in ROWS) + "\n"
    (tmp_path / "semi.csv").write_text(text, encoding="utf-8")
    inventory = _inventory(tmp_path / "semi.csv")
    assert {f.field: f.recognizer for f in inventory.tables[0].fields} == {
        "姓名": "cn_person_name", "身份证号": "cn_resident_id", "手机号": "cn_mobile"}
    assert inventory.skipped_count == 0  # main: 2
    assert [(s.note, s.reason.split(" ")[0]) for s in inventory.skipped] == [(True, "delimited"), (True, "line")]
    assert inventory.to_dict()["skipped"][0]["note"] is True


def test_json_lines_rows_are_the_records_read(tmp_path: Path) -> None:
    lines = [json.dumps({"xm": r[0], "sfzh": r[1]}, ensure_ascii=False) for r in ROWS]
    lines[5] = lines[5][:20]  # cut short
    lines[12] = "not json"
    lines[30] = "null"  # JSON, nothing to classify
    (tmp_path / "bad.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    inventory = _inventory(tmp_path / "bad.jsonl")
    assert inventory.tables[0].rows == 37  # main: 40
    assert inventory.skipped_count == 3
    assert [s.location.line for s in inventory.skipped] == [6, 13, 31]
