"""JSON documents in a database column are read by their paths, as the JSON file reader reads
them (issue 15 review R15f-31): a jsonb column holding a person and the family, and a SQLite TEXT
column of the same documents, were one text field whose names no recognizer judged (3级 for 4级)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from govsoc.classification.grading import load_scheme
from govsoc.classification.inventory import Inventory, build_inventory
from govsoc.classification.sources import open_source
from govsoc.classification.sources.sql import SqlSource
from tests.classification.test_sources import NAMES, ids

SCHEME = load_scheme("gbt43697")
IDS = ids(120)
#: a person, the family nested in an array (the documents of a 人口 system's jsonb column)
DOCS = [{"xm": NAMES[i % 8], "sfzh": IDS[i], "family": [{"xm": NAMES[(i + 3) % 8], "sfzh": IDS[60 + i]}]}
        for i in range(60)]
PATHS = {"doc.xm": "cn_person_name", "doc.sfzh": "cn_resident_id",
         "doc.family[].xm": "cn_person_name", "doc.family[].sfzh": "cn_resident_id"}


def _tagged(inventory: Inventory, table: str) -> dict[str, str | None]:
    return {f.field: f.recognizer for t in inventory.tables if t.table == table for f in t.fields
            if f.status == "tagged"}


def _level(inventory: Inventory, table: str) -> str:
    (record,) = [t for t in inventory.tables if t.table == table]
    return record.level_label


def test_a_jsonb_column_is_read_by_its_paths(database: dict[str, Any]) -> None:
    database["run"]("create table t_json (id int, doc jsonb, note json)",
                    rows={"t_json": [(i, json.dumps(d, ensure_ascii=False), None) for i, d in enumerate(DOCS)]})
    source = SqlSource(database["url"], sample=1000, env={"GOVSOC_DB_PASSWORD": database["password"]})
    inventory = build_inventory(source.tables(), source=source.name, scheme=SCHEME, sample_size=1000)
    assert _tagged(inventory, "t_json") == PATHS
    fields = {f.field: f for t in inventory.tables for f in t.fields}
    assert "doc" not in fields and fields["doc.family[].sfzh"].sampled == 60
    # names beside ID numbers in one table: 身份证件号码与姓名同表 (the JSON file of these documents: 4级)
    assert _level(inventory, "t_json") == "一般数据（4级）"


def test_a_text_column_of_json_documents_is_read_by_its_paths(tmp_path: Path) -> None:
    # SQLite (and MySQL before 5.7) keep JSON as TEXT; a value that is not JSON stays the column's own
    path = tmp_path / "rk.db"
    db = sqlite3.connect(path)
    db.execute("create table rk (id integer, doc text)")
    db.executemany("insert into rk values (?, ?)", [(i, json.dumps(d, ensure_ascii=False)) for i, d in enumerate(DOCS)]
                   + [(100, "[待核实] 13800138000 张伟")])
    db.commit()
    db.close()
    source = open_source(str(path), sample=1000)
    inventory = build_inventory(source.tables(), source=source.name, scheme=SCHEME, sample_size=1000)
    fields = {f.field: f for t in inventory.tables for f in t.fields}
    assert {k: v for k, v in _tagged(inventory, "rk").items() if k != "doc"} == PATHS
    assert fields["doc"].sampled == 1 and fields["doc.xm"].sampled == 60
    assert _level(inventory, "rk") == "一般数据（4级）"


def test_a_long_json_document_or_bytea_is_counted_not_fetched(database: dict[str, Any]) -> None:
    # R15b-30's rule on a server's json/jsonb, array and bytea columns: a document holding a scanned
    # ID card as base64 was fetched whole (only text and varchar were measured first)
    from govsoc.classification.sources.files import MAX_CELL

    big = "QUJD" * (MAX_CELL // 4 + 1)
    database["run"]("create table t_scan (doc jsonb, scan bytea, pics text[])", rows={"t_scan": [
        (json.dumps({"sfzh": IDS[i], "photo": big}), big.encode(), [big]) for i in range(5)] + [
        (json.dumps({"sfzh": IDS[i]}), b"ok", ["ok"]) for i in range(5, 10)]})
    source = SqlSource(database["url"], sample=1000, env={"GOVSOC_DB_PASSWORD": database["password"]})
    inventory = build_inventory(source.tables(), source=source.name, scheme=SCHEME, sample_size=1000)
    assert _tagged(inventory, "t_scan") == {"doc.sfzh": "cn_resident_id"}
    fields = {f.field: f for t in inventory.tables for f in t.fields}
    assert fields["doc.sfzh"].sampled == 5
    assert {s.location.field: s.reason for s in inventory.skipped} == {
        f"t_scan.{c}": f"5 of 10 sampled values are over {MAX_CELL // 1024} KiB (a blob, a base64 attachment): "
                       "not classified" for c in ("doc", "scan", "pics")}
