"""A PostgreSQL database read whole (issue 15 review R15f): a partitioned or inherited table is one
table counted once (R15f-17); tables outside the default schema and materialized views are read,
views and schemas the user may not use are named (R15f-18). Each test has a database of its own on
the session's server (tests.classification.conftest: database), so that the tables listed are its own."""

from __future__ import annotations

from typing import Any

from govsoc.classification.grading import load_scheme
from govsoc.classification.inventory import Inventory, build_inventory
from govsoc.classification.sources.sql import SqlSource
from tests.classification.test_sources import NAMES, PHONES, ids

PEOPLE = [(NAMES[i % 8], v, PHONES[i % 40], i % 4 + 1) for i, v in enumerate(ids(120))]


def _inventory(url: str, password: str, scale: int = 1_000_000) -> Inventory:
    source = SqlSource(url, sample=1000, env={"GOVSOC_DB_PASSWORD": password})
    scheme = load_scheme("gbt43697").model_copy(update={"important_review_rows": scale})
    return build_inventory(source.tables(), source=source.name, scheme=scheme, sample_size=1000)


def _tagged(inventory: Inventory) -> dict[tuple[str, str], str | None]:
    return {(t.table, f.field): f.recognizer for t in inventory.tables for f in t.fields if f.status == "tagged"}


def test_a_partitioned_table_is_one_table_counted_once(database: dict[str, Any]) -> None:
    # R15f-17: the parent and each partition were listed, the people twice (600,000 -> 1.2 M), and
    # the parent added to its partitions reached the 重要数据 scale: here 120 people and a scale of 200
    database["run"]("create table rk (xm text, sfzh text, sjhm text, yf int) partition by range (yf)",
                    *(f"create table rk_{m} partition of rk for values from ({m}) to ({m + 1})" for m in range(1, 5)),
                    rows={"rk": PEOPLE})
    inventory = _inventory(database["url"], database["password"], scale=200)
    assert [(t.table, t.rows) for t in inventory.tables] == [("rk", 120)]
    (rk,) = inventory.tables
    assert not rk.important_candidate and rk.important_reason == ""
    assert _tagged(inventory) == {("rk", "xm"): "cn_person_name", ("rk", "sfzh"): "cn_resident_id",
                                  ("rk", "sjhm"): "cn_mobile"}
    (note,) = [s for s in inventory.skipped if s.note]
    assert note.location.field == "rk"
    assert note.reason.startswith("4 partitions of rk (rk_1, rk_2, rk_3, rk_4): read and counted in it")
    assert inventory.skipped_count == 0
    source = SqlSource(database["url"], sample=10, env={"GOVSOC_DB_PASSWORD": database["password"]})
    try:
        assert source.count() == 1
    finally:
        source.close()


def test_an_inheritance_child_is_read_through_its_parent_with_its_own_columns(database: dict[str, Any]) -> None:
    # INHERITS: a SELECT on the parent reads the children's rows too; the child's own column (bz:
    # mobiles) is read from it under its name, its rows never listed a second time
    database["run"]("create table base (xm text, sfzh text)", "create table base_2024 (sjhm text) inherits (base)",
                    rows={"base": [p[:2] for p in PEOPLE[:60]], "base_2024": [p[:3] for p in PEOPLE[60:]]})
    inventory = _inventory(database["url"], database["password"])
    assert [(t.table, t.rows) for t in inventory.tables] == [("base", 120)]
    assert _tagged(inventory) == {("base", "xm"): "cn_person_name", ("base", "sfzh"): "cn_resident_id",
                                  ("base", "base_2024.sjhm"): "cn_mobile"}
    (note,) = [s for s in inventory.skipped if s.note]
    assert note.reason.startswith("1 inheritance child of base (base_2024): read and counted in it")


def test_every_schema_and_materialized_views_are_read_views_and_closed_schemas_named(
        database: dict[str, Any]) -> None:
    # R15f-18: only the search path's first schema was read: hr.emp and the materialized view (a
    # stored copy of the people) were absent without a word; a schema this user may not use and a
    # plain view (no data of its own) are named, the first as a skip, the second in a note
    reader = database["reader"]
    database["run"](
        "create table rk (xm text, sfzh text, sjhm text, yf int)", "create schema hr",
        "create table hr.emp (xm text, sfzh text)", "create schema secret", "create table secret.t (sfzh text)",
        "create materialized view hr.mv_rk as select xm, sjhm from rk", "create view v_rk as select xm from rk",
        f"create role {reader} login password '{database['password']}'", f"grant usage on schema hr to {reader}",
        f"grant select on all tables in schema public, hr to {reader}",
        rows={"rk": PEOPLE[:40], "hr.emp": [p[:2] for p in PEOPLE[40:100]]})
    database["run"]("refresh materialized view hr.mv_rk")
    inventory = _inventory(database["url"].replace("postgres@", f"{reader}@"), database["password"])
    assert [(t.table, t.rows) for t in inventory.tables] == [("rk", 40), ("hr.emp", 60), ("hr.mv_rk", 40)]
    assert _tagged(inventory) == {
        ("rk", "xm"): "cn_person_name", ("rk", "sfzh"): "cn_resident_id", ("rk", "sjhm"): "cn_mobile",
        ("hr.emp", "xm"): "cn_person_name", ("hr.emp", "sfzh"): "cn_resident_id",
        ("hr.mv_rk", "xm"): "cn_person_name", ("hr.mv_rk", "sjhm"): "cn_mobile"}
    said = {(s.reason, s.note) for s in inventory.skipped}
    assert said == {
        ("1 view (v_rk) not read: a view stores no data, the tables it selects from are classified", True),
        ("schema secret: this user may not use it (no USAGE privilege): its 1 table not classified", False)}
    assert inventory.skipped_count == 1


def test_views_and_foreign_tables_alone_are_still_named(database: dict[str, Any]) -> None:
    # a database whose user may read no table of its own: what it holds is said, never an empty
    # inventory without a word (a foreign table's rows are another server's: a SELECT would query it)
    database["run"]("create extension if not exists file_fdw", "create server files foreign data wrapper file_fdw",
                    "create foreign table ft (xm text) server files options (filename '/dev/null')",
                    "create view v1 as select 1 as n")
    inventory = _inventory(database["url"], database["password"])
    assert inventory.tables == ()
    assert {s.reason for s in inventory.skipped if s.note} == {
        "1 view (v1) not read: a view stores no data, the tables it selects from are classified",
        "1 foreign table (ft) not read: their rows live outside this database (a foreign data wrapper's server "
        "or file); classify them there"}
