"""Rule backends reach a store only through what the store publishes for queries (issue 12,
"Boundaries"): no table, column, index or sub-field name of a store appears in rules/ code.

The private names are read from the stores themselves (SQLite's schema, the Elasticsearch field
names the query surface hands out), so a renamed table or a new column is guarded too.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from govsoc.core.ecs import FIELDS
from govsoc.store import elasticsearch_query
from govsoc.store.sqlite import SqliteStore

RULES = Path(__file__).resolve().parents[2] / "rules"
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")


def sqlite_private_names(tmp_path: Path) -> set[str]:
    store = SqliteStore(tmp_path / "schema.db")
    try:
        db = store._db  # the test reads the schema the store created; rules/ never may
        objects = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")}
        virtual = {name for (name,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL%'")}
        # A virtual table's shadow tables (events_fts_data, ...) have SQLite's own column names.
        # Events are what rules query (alerts are written through the Store contract).
        objects = {name for name in objects if "alert" not in name}
        tables = {name for name in objects if name.startswith("events") and name not in virtual
                  and not any(name.startswith(v + "_") for v in virtual)}
        columns = {row[1] for table in tables for row in db.execute(f"PRAGMA table_xinfo({table!r})")
                   if row[1]}
    finally:
        store.close()
    # Columns named like ECS fields (the generated columns, message) are public names, and so
    # are the columns behind event.id and event.dataset.
    public = set(FIELDS) | {"id", "dataset"}
    return objects | {c for c in columns if c not in public} | {"json_extract", "json_each"}


def elasticsearch_private_names() -> set[str]:
    published = {elasticsearch_query.search_field("user.name", caseless=True),
                 elasticsearch_query.search_field("message", caseless=False),
                 elasticsearch_query.contains_field("message"),
                 elasticsearch_query.SEARCH_TEXT_FIELD}
    return {name.rpartition(".")[2] for name in published if name} | {name for name in published if name}


def code_strings(path: Path) -> list[tuple[int, str]]:
    """Every string literal of a module except docstrings, with its line."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant)}
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings]


def test_the_guard_knows_the_private_names(tmp_path: Path) -> None:
    names = sqlite_private_names(tmp_path)
    assert {"events", "codecs", "seq", "doc", "json_each"} <= names
    assert {"caseless", "search_text", "message_grams"} <= elasticsearch_private_names()


def test_rules_name_no_private_store_name(tmp_path: Path) -> None:
    private = sqlite_private_names(tmp_path) | elasticsearch_private_names()
    modules = sorted(RULES.rglob("*.py"))
    assert len(modules) > 5
    found = []
    for path in modules:
        for line, text in code_strings(path):
            words = set(IDENTIFIER.findall(text))
            words |= {part for word in words for part in word.split(".")}
            leaked = words & private
            if leaked:
                found.append(f"{path.relative_to(RULES.parent)}:{line}: {sorted(leaked)} in {text!r}")
    assert found == []


def test_the_guard_catches_the_old_leaks(tmp_path: Path) -> None:
    # What rules/backends/sqlite.py emitted before the store published its query surface.
    private = sqlite_private_names(tmp_path)
    for leak in ("seq IN (SELECT rowid FROM events_fts WHERE events_fts MATCH ",
                 "json_extract(events.doc, ", "EXISTS (SELECT 1 FROM json_each(events.doc, "):
        words = set(IDENTIFIER.findall(leak))
        assert words | {p for w in words for p in w.split(".")} & private, leak
