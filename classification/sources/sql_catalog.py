"""Which relations of a database hold data to classify (stage: classification; a part of
sources/sql.py).

A PostgreSQL database (and Kingbase, openGauss, which keep its catalog) is read from pg_class:
the tables, partitioned tables and materialized views (a stored copy: ``CREATE MATERIALIZED VIEW
… AS SELECT xm, sfzh …`` keeps the people on disk) of every schema the user may use, not only
the search path's first one (government databases hold one schema per 业务系统); a table outside
the default schema is named ``schema.table``. A schema the user may not use is named with the
number of its tables, never passed over in silence. A plain view stores nothing (its rows are
its tables'): the views are named once in a note, not read; so are foreign tables, whose rows are
another server's (a SELECT would query it: that server is classified where it is).

A partition (``PARTITION OF``) or an inheritance child (``INHERITS``) is read through its root
(pg_inherits): a SELECT on the root reads every descendant, so the root is one table whose row
count is all of theirs, and the descendants are named in a note on it, never listed (or summed
for the 重要数据 scale) a second time (R15f-17). An inheritance child's own columns, which its
root lacks, are read from it under ``child.column``.

Other databases (SQLite, MySQL): the tables of the DSN's (or the given) schema, as SQLAlchemy's
inspector names them.

The foreign keys each table declares (SQLite's PRAGMA foreign_key_list, PostgreSQL's pg_constraint,
MySQL's information_schema, as the inspector reads them) are kept with it: cert.person_id
REFERENCES person(id) joins the two tables whatever rows each one's sample holds (R15h-8). A key
of several columns joins no single pair of them and is left out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final

from govsoc.classification.sources.base import Reference, quoted

__all__ = ["Relation", "Catalog", "pg_catalog", "default_catalog", "listed", "declared_keys"]

#: Relation kinds read (pg_class.relkind): ordinary, partitioned table, materialized view.
READ_KINDS: Final = {"r": "table", "p": "partitioned table", "m": "materialized view"}
#: At most this many names in a note; the others counted.
NAMED: Final = 10

_RELATIONS: Final = """
select c.oid, n.nspname, c.relname, c.relkind, has_schema_privilege(n.oid, 'USAGE'),
       n.nspname = current_schema()
from pg_class c join pg_namespace n on n.oid = c.relnamespace
where c.relkind in ('r', 'p', 'm', 'v', 'f') and n.nspname not like 'pg\\_%' and n.nspname <> 'information_schema'
"""
_INHERITS: Final = "select inhrelid, inhparent from pg_inherits"


@dataclass(frozen=True, slots=True, kw_only=True)
class Relation:
    """A relation to read: its schema (None: the connection's default), name, the name shown
    (``hr.emp`` outside the default schema), its descendants read through it, and a note."""

    schema: str | None
    name: str
    shown: str
    parts: tuple[Relation, ...] = ()
    note: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Catalog:
    """The relations to read, and what the database holds that is not read (views, schemas the
    user may not use): said once, with the first relation."""

    relations: tuple[Relation, ...]
    notes: tuple[str, ...] = ()
    refused: tuple[str, ...] = ()


def listed(names: Iterable[str]) -> str:
    """Up to NAMED names, the count of the others: ``a, b, c`` / ``a, b … (and 40 more)``."""
    names = sorted(names, key=_natural)
    shown = ", ".join(names[:NAMED])
    return shown + (f" (and {len(names) - NAMED:,} more)" if len(names) > NAMED else "")


def _natural(name: str) -> tuple[Any, ...]:
    """rk_2 before rk_10."""
    import re

    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", name))


def default_catalog(names: Iterable[str], schema: str | None) -> Catalog:
    """The tables SQLAlchemy's inspector names (SQLite, MySQL)."""
    return Catalog(relations=tuple(Relation(schema=schema, name=n, shown=n) for n in sorted(names)))


def pg_catalog(conn: Any) -> Catalog:
    """Every relation with data in a PostgreSQL database (see the module docstring)."""
    from sqlalchemy import text

    rows = conn.execute(text(_RELATIONS)).all()
    parent = dict(conn.execute(text(_INHERITS)).all())
    by_oid = {oid: (schema, name, kind, usable, default) for oid, schema, name, kind, usable, default in rows}

    def relation(oid: int) -> Relation:
        schema, name, _, _, default = by_oid[oid]
        return Relation(schema=None if default else schema, name=name, shown=name if default else f"{schema}.{name}")

    def root(oid: int) -> int:
        while parent.get(oid) in by_oid:
            oid = parent[oid]
        return oid

    descendants: dict[int, list[int]] = {}
    for oid in by_oid:
        if (top := root(oid)) != oid:
            descendants.setdefault(top, []).append(oid)
    relations: list[Relation] = []
    views: list[str] = []
    foreign: list[str] = []
    refused: dict[str, int] = {}
    for oid, (schema, _name, kind, usable, _) in by_oid.items():
        if not usable:
            refused[schema] = refused.get(schema, 0) + (kind in READ_KINDS and oid not in parent)
        elif parent.get(oid) in by_oid:
            continue  # a partition or child (a foreign one too): read through its root
        elif kind in ("v", "f"):
            (views if kind == "v" else foreign).append(relation(oid).shown)
        else:
            relations.append(_with_parts(relation(oid), [relation(d) for d in descendants.get(oid, [])],
                                         partitioned=kind == "p"))
    notes: list[str] = [f"{len(views):,} view{'s' * (len(views) != 1)} ({listed(views)}) not read: a view stores "
                        "no data, the tables it selects from are classified"] if views else []
    if foreign:
        notes.append(f"{len(foreign):,} foreign table{'s' * (len(foreign) != 1)} ({listed(foreign)}) not read: their "
                  "rows live outside this database (a foreign data wrapper's server or file); classify them there")
    closed = tuple(f"schema {quoted(s)}: this user may not use it (no USAGE privilege): its {n:,} "
                   f"table{'s' * (n != 1)} not classified" for s, n in sorted(refused.items()) if n)
    return Catalog(relations=tuple(sorted(relations, key=lambda r: (r.schema is not None, r.schema or "", r.name))),
                   notes=tuple(notes), refused=closed)


def _with_parts(top: Relation, parts: list[Relation], *, partitioned: bool) -> Relation:
    if not parts:
        return top
    what = ("partition" if partitioned else "inheritance child") if len(parts) == 1 else \
        ("partitions" if partitioned else "inheritance children")
    note = (f"{len(parts):,} {what} of {top.shown} ({listed(p.shown for p in parts)}): read and counted in it, "
            "not listed as tables of their own")
    return Relation(schema=top.schema, name=top.name, shown=top.shown, parts=tuple(parts), note=note)


def declared_keys(inspector: Any, relation: Relation) -> tuple[Reference, ...]:
    """The single-column foreign keys ``relation`` declares, the referred table named as the
    catalog names it (``schema.table`` outside the default schema)."""
    from sqlalchemy.exc import SQLAlchemyError

    try:
        keys = inspector.get_foreign_keys(relation.name, schema=relation.schema)
    except (NotImplementedError, SQLAlchemyError):  # no link is worth the table's columns
        return ()
    default = inspector.default_schema_name
    found = []
    for key in keys:
        if len(key["constrained_columns"]) != 1 or len(key["referred_columns"]) != 1:
            continue
        # None: the default schema's; a schema the catalog shows unqualified (MySQL's given one) likewise
        schema = key.get("referred_schema")
        bare = schema in (None, default) or (schema == relation.schema and relation.shown == relation.name)
        table = key["referred_table"] if bare else f"{schema}.{key['referred_table']}"
        found.append(Reference(column=key["constrained_columns"][0], table=table,
                               other_column=key["referred_columns"][0]))
    return tuple(found)
