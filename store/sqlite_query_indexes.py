"""The key indexes the rule backends' prefilters use (govsoc.store.sqlite_query builds those
prefilters; govsoc.store.sqlite_prefilter.key_sql is the key), created with the store's schema.
Stage: store.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Final

from govsoc.store.sqlite_layout import quote_ident
from govsoc.store.sqlite_prefilter import key_sql
from govsoc.store.sqlite_query import KEY_INDEXED, column_sql

__all__ = ["QUERY_INDEXES", "QueryIndex", "create_query_indexes", "query_indexes"]


@dataclass(frozen=True, slots=True, kw_only=True)
class QueryIndex:
    """An index that rule prefilters use: ``CREATE INDEX name ON events (expression) WHERE where``."""

    name: str
    expression: str
    where: str

    def create_sql(self) -> str:
        """The statement that creates it (if missing)."""
        return f"CREATE INDEX IF NOT EXISTS {quote_ident(self.name)} ON events ({self.expression}) WHERE {self.where}"


def query_indexes() -> tuple[QueryIndex, ...]:
    """The key indexes of :data:`KEY_INDEXED`, over the store's columns (partial: events
    without the field cost nothing)."""
    out = []
    for name in KEY_INDEXED:
        column = column_sql(name)
        if column is not None:
            out.append(QueryIndex(name="events_key_" + name.replace(".", "_"), expression=key_sql(column),
                                  where=f"{column} IS NOT NULL"))
    return tuple(out)


QUERY_INDEXES: Final[tuple[QueryIndex, ...]] = query_indexes()


def create_query_indexes(db: sqlite3.Connection) -> None:
    """Create :data:`QUERY_INDEXES` (inside the store's schema transaction, after its columns)."""
    for index in QUERY_INDEXES:
        db.execute(index.create_sql())
