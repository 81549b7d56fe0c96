"""SQL sampling (issue 15 review R15-13): blank cells are not sampled. A table whose early rows were
migrated without the column holds '' or blanks there; the sample (the first rows with a value,
LIMIT) must be of values, or the column is "no values sampled" though most rows hold one."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from govsoc.classification.grading import load_scheme
from govsoc.classification.inventory import build_inventory
from govsoc.classification.sources import open_source
from tests.classification.test_sources import ids


def test_blank_cells_before_the_values_do_not_fill_the_sample(tmp_path: Path) -> None:
    path = tmp_path / "e.db"
    db = sqlite3.connect(path)
    db.execute("create table p (zjhm text, n integer)")
    rows = [("", i) for i in range(1500)] + [("  ", i) for i in range(500)] + [(v, i) for i, v in enumerate(ids(3000))]
    db.executemany("insert into p values (?, ?)", rows)
    db.commit()
    db.close()
    source = open_source(str(path), sample=1000)  # fewer than the 2,000 blank rows before the values
    inventory = build_inventory(source.tables(), source=source.name, scheme=load_scheme("gbt43697"), sample_size=1000)
    (table,) = inventory.tables
    fields = {f.field: f for f in table.fields}
    assert fields["zjhm"].status == "tagged" and fields["zjhm"].recognizer == "cn_resident_id"
    assert fields["n"].sampled == 1000  # a number column is still read: SQLite trims a number to its text


def test_a_sqlite_file_is_sampled_across_the_table(tmp_path: Path) -> None:
    path = tmp_path / "h.db"
    db = sqlite3.connect(path)
    db.execute("create table p (zjhm text)")
    db.executemany("insert into p values (?)", [("无",)] * 2000 + [(v,) for v in ids(3000)])  # a placeholder head
    db.execute("create table w (zjhm text primary key) without rowid")  # no rowid: its first rows
    db.executemany("insert into w values (?)", [(v,) for v in ids(50)])
    db.commit()
    db.close()
    first = _tables(path)
    assert first == _tables(path)  # the same file, the same sample
    assert first["p"].recognizer == "cn_resident_id"  # 60 % of its rows
    assert first["w"].recognizer == "cn_resident_id" and first["w"].sampled == 50


def _tables(path: Path) -> dict[str, Any]:
    source = open_source(str(path), sample=1000)
    inventory = build_inventory(source.tables(), source=source.name, scheme=load_scheme("gbt43697"), sample_size=1000)
    return {t.table: t.fields[0] for t in inventory.tables}
