"""The SQLite store's schema on open (store/sqlite.py): a new file created at this version, an
older one upgraded (govsoc.store.sqlite_migrate), a newer one refused."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

from govsoc.core.errors import Location, StoreError
from govsoc.store.sqlite_connection import SqliteConnection
from govsoc.store.sqlite_layout import (
    ALERT_EVENTS,
    ALERT_EVENTS_ALL,
    INDEXES,
    RETIRED_INDEXES,
    SCHEMA_VERSION,
    TABLES,
    TRIGGERS,
)
from govsoc.store.sqlite_migrate import add_list_names, name_codecs, resolve_unknown_lists, upgrade_rows
from govsoc.store.sqlite_query_indexes import create_query_indexes


def _statements(script: str) -> Iterator[str]:
    """The statements of a script, one by one (executescript would commit the transaction)."""
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            yield pending.strip()
            pending = ""


class SqliteSchema(SqliteConnection):
    """The schema made or brought up to this version when the store opens."""

    def _create_or_upgrade(self) -> None:
        """Create the schema, or bring an older file up to this version, in one transaction
        (two processes opening a new file at once do it once)."""
        with self._transaction():
            found = self._schema_version()
            if found > SCHEMA_VERSION:
                raise StoreError(
                    f"this store file has schema version {found}, newer than this govsoc understands "
                    f"({SCHEMA_VERSION}): upgrade govsoc (pip install -U govsoc), or set store.sqlite_path "
                    f"to a new file", location=Location(path=str(self.path)))
            statements = list(_statements(TABLES))
            if 0 < found < 4 and self._has_table("events"):
                upgrade_rows(self._db, self._codec, statements)
            elif found in (4, 5):
                add_list_names(self._db)
            if 4 <= found < 7:
                name_codecs(self._db, self._codec)
            for statement in [*statements, *INDEXES.values()]:
                self._db.execute(statement)
            fill = not self._has_table("alert_events")  # a file made before the alert index (V12 F8)
            self._db.execute(ALERT_EVENTS)
            if fill:
                self._db.execute(f"INSERT OR IGNORE INTO alert_events {ALERT_EVENTS_ALL}")
            if found in (4, 5):
                # Only a govsoc of version 4 or 5 that opened this file before this upgrade can
                # insert rows without list names (every version refuses a newer file when it
                # opens it): a new or version-6+ file goes without the trigger, which cost the
                # writer half of its insert time (16 of 30 us a row: SQLite runs a trigger
                # program per row, WHEN clause included; bench.ingest, issue 11).
                for statement in TRIGGERS.values():
                    self._db.execute(statement)
            for name in RETIRED_INDEXES:  # (a no-op once dropped: costs nothing at each open)
                self._db.execute(f"DROP INDEX IF EXISTS {name}")
            resolve_unknown_lists(self._db)
            create_query_indexes(self._db)  # the folded-value indexes rule prefilters use
            self._db.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))

    def _has_table(self, name: str) -> bool:
        return self._db.execute("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?",
                                (name,)).fetchone() is not None

    def _schema_version(self) -> int:
        """The version of an existing file; 0 for a new one (no meta table yet)."""
        if not self._has_table("meta"):
            return 1 if self._has_table("events") else 0
        row = self._db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        try:
            return int(row[0]) if row else 1
        except ValueError:
            raise StoreError(f"unreadable schema version {row[0]!r} in the store's meta table",
                             location=Location(path=str(self.path))) from None
