"""Foreign keys a database declares link its tables (R15h-8): cert.<column> REFERENCES person(id),
person holding the names and cert the ID numbers, is 身份证件号码与姓名同表 (4级) for both, whatever
the key column is called and whatever rows each table's sample holds."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from govsoc.classification.grading import load_scheme
from govsoc.classification.inventory import Inventory, build_inventory
from govsoc.classification.sources import open_source
from govsoc.classification.sources.sql import SqlSource
from tests.classification.test_linked_tables import person, table

PEOPLE = 300
#: rows a table's sample holds: the first 50 persons, the last 50 certs (inserted the other way round)
SAMPLE = 50


def _graded(source: Any) -> Inventory:
    return build_inventory(source.tables(), source=source.name, scheme=load_scheme("gbt43697"), sample_size=SAMPLE)


def _rows(reverse: bool) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """(person rows (id, name), cert rows (person's id, ID number)), the certs in reverse when asked."""
    order = range(PEOPLE, 0, -1) if reverse else range(1, PEOPLE + 1)
    return [(i, person(i)[0]) for i in range(1, PEOPLE + 1)], [(i, person(i)[1]) for i in order]


def _sqlite(path: Path, column: str, reverse: bool, referred: str = "person(id)") -> str:
    persons, certs = _rows(reverse)
    with sqlite3.connect(path) as db:
        db.execute("create table person (id integer primary key, name text)")
        db.execute(f"create table cert ({column} integer references {referred}, id_number text)")
        db.executemany("insert into person values (?, ?)", persons)
        db.executemany("insert into cert values (?, ?)", certs)
    db.close()
    return f"sqlite:///{path}"


@pytest.mark.parametrize(("column", "reverse"), [
    ("owner", False),  # the brief's case by another name: no heading says person.id, the declaration does
    ("person_id", True),  # the samples (hashed rowid order) hold other people of each table
    ("owner", True),  # neither the name nor the samples: the declaration alone
])
def test_a_declared_foreign_key_links_sqlite_tables(tmp_path: Path, column: str, reverse: bool) -> None:
    inventory = _graded(open_source(_sqlite(tmp_path / "db.sqlite", column, reverse), sample=SAMPLE))
    cert = table(inventory, "cert")
    assert cert.level == "G4" and f"table person by {column} = id (a foreign key the database declares)" in cert.basis
    assert table(inventory, "person").level == "G4"


def test_a_foreign_key_to_a_few_offices_links_no_person(tmp_path: Path) -> None:
    # cert.office REFERENCES office(id), office holding its head's name: three offices are no person
    path = tmp_path / "db.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("create table office (id integer primary key, head text)")
        db.execute("create table cert (office integer references office(id), id_number text)")
        db.executemany("insert into office values (?, ?)", [(i, person(i)[0]) for i in range(1, 4)])
        db.executemany("insert into cert values (?, ?)", [(i % 3 + 1, person(i)[1]) for i in range(PEOPLE)])
    db.close()
    cert = table(_graded(open_source(f"sqlite:///{path}", sample=SAMPLE)), "cert")
    assert cert.level == "G3" and "linked to" not in cert.basis


@pytest.mark.parametrize("people", [
    "person",  # the default schema's table referred to from hr: named bare, as the catalog names it
    "hr.person",  # both in hr: the referred table named hr.person
])
def test_a_declared_foreign_key_links_postgresql_tables(database: dict[str, Any], people: str) -> None:
    # hr.cert: LIMIT samples hold persons 1..50 and certs 300..251, the key named owner
    persons, certs = _rows(reverse=True)
    database["run"]("create schema hr", f"create table {people} (id integer primary key, name text)",
                    f"create table hr.cert (owner integer references {people}(id), id_number text)",
                    rows={people: persons, "hr.cert": certs})
    source = SqlSource(database["url"], sample=SAMPLE, env={"GOVSOC_DB_PASSWORD": database["password"]})
    inventory = _graded(source)
    cert = table(inventory, "hr.cert")
    assert cert.level == "G4" and f"table {people} by owner = id (a foreign key the database declares)" in cert.basis
    assert table(inventory, people).level == "G4"


@pytest.mark.parametrize("reference", [
    "owner references ghost",  # a table since dropped, no column named: SQLAlchemy's reflection raised
    "owner integer references ghost(id)",  # a table since dropped (SQLite keeps the declaration)
])
def test_a_foreign_key_to_a_missing_table_costs_no_column(tmp_path: Path, reference: str) -> None:
    # cert was "table not classified: NoSuchTableError: ghost" (ArgumentError without a column): its IDs unread
    path = tmp_path / "db.sqlite"
    with sqlite3.connect(path) as db:
        db.execute(f"create table cert ({reference}, id_number text)")
        db.executemany("insert into cert values (?, ?)", [(i, person(i)[1]) for i in range(PEOPLE)])
    db.close()
    inventory = _graded(open_source(f"sqlite:///{path}", sample=SAMPLE))
    assert inventory.skipped_count == 0
    assert table(inventory, "cert").level == "G3"
