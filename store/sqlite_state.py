"""The SQLite store's ingest positions and engine state (store/sqlite.py): state documents in the
meta table, changed in one write transaction."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from govsoc.core.errors import DamagedStateError, Location, StoreError
from govsoc.store.sqlite_alerts import ALERT_BATCH
from govsoc.store.sqlite_connection import SqliteConnection
from govsoc.store.state_document import readable_state, state_document


class SqliteState(SqliteConnection):
    """Ingest positions and state documents."""

    def position(self) -> str | None:
        """The largest seq stored (seq is the order of arrival)."""
        last = self._execute("SELECT MAX(seq) FROM events", []).fetchone()[0]
        return None if last is None else str(last)

    def get_state(self, key: str) -> dict[str, Any] | None:
        """A state document from the meta table (DamagedStateError when it is not a JSON object)."""
        row = self._execute("SELECT value FROM meta WHERE key = ?", ["state/" + key]).fetchone()
        return None if row is None else state_document(key, row[0])

    def state_keys(self, prefix: str) -> list[str]:
        """Keys of state documents starting with ``prefix`` (Store.state_keys)."""
        start = "state/" + prefix
        rows = self._execute("SELECT key FROM meta WHERE substr(key, 1, ?) = ? ORDER BY key", [len(start), start])
        return [str(key).removeprefix("state/") for (key,) in rows]

    def update_state(self, key: str, change: Callable[[dict[str, Any] | None], dict[str, Any]], *,
                     damaged: Callable[[str], None] | None = None) -> None:
        """Read, change and write a state document in one write transaction (Store.update_state)."""

        def attempt() -> None:
            with self._transaction():
                row = self._db.execute("SELECT value FROM meta WHERE key = ?", ("state/" + key,)).fetchone()
                try:
                    doc = None if row is None else state_document(key, row[0])
                except DamagedStateError as e:
                    if damaged is None:
                        raise
                    damaged(e.message)
                    doc = None
                self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                                 ("state/" + key, json.dumps(change(doc), ensure_ascii=False)))

        try:
            self._retrying(attempt)
        except sqlite3.Error as e:
            raise StoreError(f"state write failed: {e}", location=Location(path=str(self.path))) from e

    def get_states(self, keys: Sequence[str], *,
                   damaged: Callable[[str], None] | None = None) -> dict[str, dict[str, Any]]:
        """Many state documents in one statement per :data:`ALERT_BATCH` keys (a detection pass
        reads every rule's state and kept conversion at its start: 200 statements were a tenth
        of an incremental pass)."""
        wanted = list(dict.fromkeys(keys))
        found: dict[str, dict[str, Any]] = {}
        for start in range(0, len(wanted), ALERT_BATCH):
            chunk = ["state/" + key for key in wanted[start:start + ALERT_BATCH]]
            marks = ", ".join("?" for _ in chunk)
            for key, value in self._execute(f"SELECT key, value FROM meta WHERE key IN ({marks})", chunk):
                name = str(key).removeprefix("state/")
                if (doc := readable_state(name, value, damaged)) is not None:
                    found[name] = doc
        return found

    def put_state(self, key: str, value: dict[str, Any]) -> None:
        """Write a state document to the meta table."""
        self.put_states({key: value})

    def put_states(self, values: Mapping[str, dict[str, Any]]) -> None:
        """Write many state documents in one transaction (a pass writes every rule's state at its
        end: one commit each was a tenth of an incremental pass); all are written or none."""
        rows = [("state/" + key, json.dumps(value, ensure_ascii=False)) for key, value in values.items()]

        def attempt() -> None:
            with self._transaction():
                self._db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", rows)

        try:  # ingest and retention may hold the write lock: wait as event writes do
            if rows:
                self._retrying(attempt)
        except sqlite3.Error as e:
            raise StoreError(f"state write failed: {e}", location=Location(path=str(self.path))) from e
