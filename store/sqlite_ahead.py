"""Reading ahead on the SQLite store: the statement the next query of a detection pass starts
with runs on a second connection, on a thread of its own, while the pass works on the hits of
the query before it (issue 12, detection speed).

A pass over SQLite alternated between SQLite's work (finding a rule's rows through an index, or
one combined scan for several rules: govsoc.store.sqlite_batch) and Python's (decoding each hit,
building and writing its alert), each idle while the other ran, on one core. SQLite runs a
statement without Python's global lock, so a statement run here while the pass's thread builds
alerts uses the machine's second core (100 rules over 1,000,000 events: about 1.4 s of the
pass's 3.9 s of CPU were SQLite's statements).

Meaning is unchanged: the statement run here is the very statement the query's reader would
run first on the store's own connection, over the same committed rows (every page of a search
is a statement of its own: none holds a read snapshot), and its rows are handed over as they
are, decoded on the pass's thread. Rows inserted meanwhile are not missed (an incremental
query is bounded by ``until``); a row deleted meanwhile (Store.delete of a completed line's
partial copy) would be, so a first page read ahead is used only if no delete came since it
was read (SqliteStore.deletes; R12d N1), else read again. A statement that fails here, for whatever reason, is run
again on the store's own connection by the reader, so an error is the one the query always
raised, from where it always did. At most one statement is run ahead, so memory holds at most
one more page (or one combined scan's sequence numbers) than before.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, Final, TypeVar

from govsoc.core.errors import Location, StoreError

__all__ = ["Execute", "ReadAhead"]

T = TypeVar("T")
#: Runs a statement; its cursor gives the rows.
Execute = Callable[[str, Sequence[Any]], sqlite3.Cursor]

#: Milliseconds a read waits for a lock (a reader in WAL mode rarely waits at all).
_BUSY_MS: Final[int] = 30_000


class ReadAhead:
    """A read-only connection to the store's file and the one thread that uses it.

    ``prepare`` installs on the new connection the SQL functions that the store's queries call
    (each connection needs its own: their caches are per connection). The connection is opened
    by the thread on its first job and closed by :meth:`close`.
    """

    def __init__(self, path: Path, prepare: Callable[[sqlite3.Connection], None]) -> None:
        self._path, self._prepare = path, prepare
        self._db: sqlite3.Connection | None = None
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="govsoc-sqlite-ahead")

    def submit(self, job: Callable[[Execute], T]) -> Future[T]:
        """Run ``job`` on the thread, with a function that runs statements on its connection."""
        return self._thread.submit(self._run, job)

    def set_trace_callback(self, callback: Callable[[str], object] | None) -> None:
        """SQLite's trace callback on this connection (tests see the statements run here)."""

        def trace(_: Execute) -> None:
            assert self._db is not None
            self._db.set_trace_callback(callback)

        self.submit(trace).result()

    def interrupt(self) -> None:
        """Stop the statement running on this connection, if any (sqlite3 allows it from any thread)."""
        if self._db is not None:
            self._db.interrupt()

    def close(self) -> None:
        """Wait for the job in hand, close the connection and end the thread."""
        self._thread.submit(self._close).result()
        self._thread.shutdown()

    def _run(self, job: Callable[[Execute], T]) -> T:
        if self._db is None:
            self._db = self._connect()
        return job(self._execute)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self._path, isolation_level=None, timeout=_BUSY_MS / 1000)
        try:
            db.execute(f"PRAGMA busy_timeout={_BUSY_MS}")
            db.execute("PRAGMA query_only=ON")  # this connection never writes
            self._prepare(db)
        except BaseException:
            db.close()
            raise
        return db

    def _execute(self, sql: str, params: Sequence[Any]) -> sqlite3.Cursor:
        assert self._db is not None
        try:
            return self._db.execute(sql, params)
        except sqlite3.Error as e:
            raise StoreError(f"query failed: {e}", location=Location(path=str(self._path))) from e

    def _close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
