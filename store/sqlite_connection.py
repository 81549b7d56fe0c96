"""The SQLite store's connection (store/sqlite.py): statements run with their failures as
StoreError, write transactions, and the retries of a write while another process holds the lock."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from govsoc.core.errors import Location, StoreError
from govsoc.store.base import Store
from govsoc.store.sqlite_ahead import ReadAhead
from govsoc.store.sqlite_codec import RowCodec
from govsoc.store.sqlite_regexp import query_error
from govsoc.store.sqlite_writer import WriterProcess

_T = TypeVar("_T")
#: How long one statement waits for the write lock, and how long a write keeps retrying it
#: (each retry restarts the whole, idempotent, batch) before it gives up with a StoreError.
BUSY_MS = 5000
_RETRY_SECONDS = 300.0


class SqliteConnection(Store):
    """What every part of the SQLite store stands on (its attributes are set by
    :class:`govsoc.store.sqlite.SqliteStore`)."""

    path: Path
    _db: sqlite3.Connection
    _codec: RowCodec
    _writer_wanted: bool
    _writer: WriterProcess | None
    _ahead: ReadAhead | None
    _interrupted: bool

    def _retrying(self, attempt: Callable[[], _T]) -> _T:
        """Run ``attempt`` (one whole transaction) again while another process holds the write
        lock: a batch is idempotent, so a retry never stores an event twice, and no event is lost
        to "database is locked". Gives up after _RETRY_SECONDS."""
        deadline = time.monotonic() + _RETRY_SECONDS
        pause = 0.01
        while True:
            try:
                return attempt()
            except sqlite3.OperationalError as e:
                if not is_busy(e) or time.monotonic() > deadline:
                    raise
            time.sleep(pause)
            pause = min(pause * 2, 0.5)

    def _transaction(self) -> Transaction:
        return Transaction(self._db)

    def _execute(self, sql: str, params: Sequence[Any]) -> sqlite3.Cursor:
        if self._interrupted:
            raise KeyboardInterrupt
        try:
            return self._db.execute(sql, params)
        except sqlite3.Error as e:
            raise StoreError(f"query failed: {query_error(e)}", location=Location(path=str(self.path))) from e

    def _rows(self, sql: str, params: Sequence[Any]) -> list[Any]:
        """Every row of a statement; a failure after its first row (a rule's regular expression
        over its CPU bound on a later row: govsoc.store.sqlite_regexp) is a StoreError too."""
        cursor = self._execute(sql, params)
        try:
            return cursor.fetchall()
        except sqlite3.Error as e:
            raise StoreError(f"query failed: {query_error(e)}", location=Location(path=str(self.path))) from e


def is_busy(error: sqlite3.OperationalError) -> bool:
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    return "locked" in str(error) or "busy" in str(error)


class Transaction:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on error (the connection is in autocommit mode,
    so that WAL readers never wait on an implicit transaction)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: type[BaseException] | None, *_: object) -> None:
        if exc_type is None:
            self._db.execute("COMMIT")
        elif self._db.in_transaction:  # after "disk full" SQLite has rolled back already
            self._db.execute("ROLLBACK")
