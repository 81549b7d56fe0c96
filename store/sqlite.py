"""The embedded event store: one SQLite file in WAL mode, no server.

Each event is one row: the fields rules and reports query most are real columns, every other
field is a compressed document, and nothing is stored twice (the layout, schema version 6, is
described in govsoc.store.sqlite_layout; older files are upgraded when opened,
govsoc.store.sqlite_migrate). Fields outside the columns are read through SQL functions that
give ECS arrays "any element matches" semantics, the same as Elasticsearch. Text search
(``Query.text``) is a caseless substring match over ``message`` or the raw record, as a Sigma
keyword's (govsoc.store.sqlite_query.keyword_sql), scanned natively first.

The store is assembled here from its parts, one module each: the connection and its write
transactions (sqlite_connection), the schema on open (sqlite_schema), inserts (sqlite_insert),
event reads and aggregations (sqlite_search), alerts (sqlite_alerts) and engine state
(sqlite_state); opening, large writes through the writer process, deletes and retention stay here.
"""

from __future__ import annotations

import functools
import os
import sqlite3
import time
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from govsoc.core.ecs import NUMERIC_TYPES, field_type
from govsoc.core.errors import Location, StoreError
from govsoc.core.event import Event, format_timestamp
from govsoc.core.results import FILE_MODE, make_folder
from govsoc.core.sink import Written
from govsoc.store import deleted
from govsoc.store.base import Query, Scalar, WriteReceipt, week_start
from govsoc.store.registry import stores
from govsoc.store.sqlite_aggs import register_aggregation_functions
from govsoc.store.sqlite_ahead import ReadAhead
from govsoc.store.sqlite_alerts import SqliteAlerts
from govsoc.store.sqlite_codec import register_layout_functions
from govsoc.store.sqlite_conjuncts import remember as remember_conjuncts
from govsoc.store.sqlite_conjuncts import spans as conjunct_spans
from govsoc.store.sqlite_connection import BUSY_MS, is_busy
from govsoc.store.sqlite_functions import register_functions
from govsoc.store.sqlite_insert import Held, SqliteInserts
from govsoc.store.sqlite_layout import SCHEMA_VERSION, id_key, micros
from govsoc.store.sqlite_query import column_sql
from govsoc.store.sqlite_rows import Unstored, rows_of, unstored
from govsoc.store.sqlite_schema import SqliteSchema
from govsoc.store.sqlite_search import SqliteReads, fresh_count
from govsoc.store.sqlite_state import SqliteState
from govsoc.store.sqlite_writer import WriterProcess

__all__ = ["SCHEMA_VERSION", "SqliteStore", "field_sql", "micros", "sql_literal"]

#: Writes of at least this many events go through the writer process, in chunks of _CHUNK:
#: the child coerces, splits and deflates one while this process sends the next, and inserts
#: them in transactions of at least _TRANSACTION rows (or the rest of the write). A transaction's cost
#: grows with the index pages it changes, not with its rows: the id index takes random keys,
#: so in a large store each row of a small transaction dirties a page of its own.
_PROCESS_MIN = 2000
_CHUNK = 2500
_TRANSACTION = 20_000
#: Some chunks of a large write may be built into rows in this process (coerced, split, their
#: remaining fields in JSON: sqlite_rows.rows_of) and sent as rows, the others as events, built by
#: the child: as many as the busier of the two processes sheds to the other (sqlite_writer.Balance;
#: from none to all, depending on the machine). When the child built every chunk it was the
#: slower of the two on one machine (issue 11, 200,000 sshd lines: 29 us of CPU a line here, 39 in
#: the child, 15 parsing alone); on another the parent is the slower even then.
#: WAL pages between checkpoints (of 4 KiB: 256 MiB), and the WAL's file size kept after one
#: (see SqliteStore.__init__).
_CHECKPOINT_PAGES = 65_536
_WAL_KEPT_BYTES = 64 << 20
#: Rows per retention transaction: the write lock is never held long.
_DELETE_CHUNK = 2000
#: The key of a kept conversion's conjuncts, as character spans (query_parts).
_CONJUNCTS = "sqlite.conjuncts"


def field_sql(field: str) -> str | None:
    """The column expression of a field with one value per event, or None when the field must
    be read from the document (possibly an array)."""
    return column_sql(field)


def sql_literal(field: str, value: Scalar) -> Scalar:
    """A value cast to what the store holds for ``field`` (numbers stay numbers)."""
    if field_type(field) in NUMERIC_TYPES and not isinstance(value, bool):
        try:
            return int(value) if float(value).is_integer() else float(value)
        except (TypeError, ValueError):
            return str(value)
    if isinstance(value, bool):
        return int(value)
    return str(value)


@stores.register("sqlite")
def _create_private(path: Path) -> None:
    """Create a new store file 0640 in folders made 0750 (it holds raw log lines: IDs, phone
    numbers), whatever the umask; SQLite gives its -wal and -shm files the same mode. An existing
    file keeps its mode."""
    if str(path) == ":memory:" or path.exists():
        return
    make_folder(path.parent)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), FILE_MODE)
    except FileExistsError:  # made meanwhile by another process
        return
    try:
        os.fchmod(fd, FILE_MODE)
    finally:
        os.close(fd)


#: Seconds between two refreshes of the planner's statistics (SqliteStore.refresh).
OPTIMIZE_SECONDS = 2.0


class SqliteStore(SqliteSchema, SqliteInserts, SqliteReads, SqliteAlerts, SqliteState):
    """Events and alerts in one SQLite file."""

    kind = "sqlite"
    #: A detection pass's alerts per write_alerts call (one transaction each, see write_alerts):
    #: 5,000 a call wrote 45,500 pages for the 48,574 alerts of bench.detect, 1,000 a call
    #: 66,000 (for 10 MiB more at the peak of that pass).
    alert_batch = 5000

    def __init__(self, path: Path, *, writer_process: bool = True) -> None:
        self.path = Path(path)
        #: Whether large writes go through a writer process (govsoc.store.sqlite_writer).
        self._writer_wanted = writer_process
        self._writer: WriterProcess | None = None
        #: Rows the writer process's insert_unstored holds until its write commits.
        self._held = Held()
        self._ahead: ReadAhead | None = None
        self._interrupted = False
        #: When refresh last brought the planner's statistics up to date (monotonic seconds).
        self._optimized_at: float | None = None
        try:
            _create_private(self.path)
            self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False,
                                       timeout=BUSY_MS / 1000)
            self._db.execute(f"PRAGMA busy_timeout={BUSY_MS}")
            self._retrying(lambda: self._db.execute("PRAGMA journal_mode=WAL"))
            # FULL, not NORMAL: in WAL mode NORMAL commits without syncing the WAL, and a power loss
            # may roll back a write the caller was told is stored (and whose file checkpoint was then
            # fsynced: those lines were never read again). FULL syncs the WAL once per commit, one
            # fdatasync per ingest batch of 20,000 events.
            self._db.execute("PRAGMA synchronous=FULL")
            # 64 MiB of page cache: the indexes of a large store stay in memory while it grows.
            self._db.execute("PRAGMA cache_size=-65536")
            # Checkpoint the WAL every _CHECKPOINT_PAGES (256 MiB), not every 4: a page that several
            # transactions change is copied into the file once per checkpoint, not once per
            # transaction. The id and source.ip indexes take random keys, so in a large store each
            # 10,000-row write changed most of their leaf pages (at 1,000,000 events some 11,700
            # pages, 46 MiB of WAL a write): checkpointed every 64 MiB, each write's pages were
            # copied into the file again (7.4 KB written an event over the last 100,000 of
            # 1,000,000 in bench.ingest_writer; 5.3 KB every 256 MiB, P11d 1). Once a checkpoint
            # restarts the WAL its file is cut back to _WAL_KEPT_BYTES: the 256 MiB are a bulk
            # ingest's, not what an open store keeps on disk between them.
            self._db.execute(f"PRAGMA wal_autocheckpoint={_CHECKPOINT_PAGES}")
            self._db.execute(f"PRAGMA journal_size_limit={_WAL_KEPT_BYTES}")
            register_functions(self._db)
            register_aggregation_functions(self._db)
            self._codec = register_layout_functions(self._db)
            self._retrying(self._create_or_upgrade)
        except (sqlite3.Error, OSError) as e:
            raise StoreError(f"cannot open the SQLite store: {e}", location=Location(path=str(self.path))) from e

    def write(self, events: Iterable[Event]) -> WriteReceipt:
        """Insert events in batches; ids already present are counted as duplicates. Values are
        coerced to their ECS types and stamped with ``event.ingested`` (govsoc.core.coercion).
        A large write is inserted by the writer process (govsoc.store.sqlite_writer): this one
        hands it the events a chunk at a time; the child coerces, splits and deflates each chunk
        and inserts them in transactions of _TRANSACTION rows. Either way it returns once every
        row is committed."""
        return self.begin_write(events)()

    def begin_write(self, events: Iterable[Event]) -> Callable[[], WriteReceipt]:
        """:meth:`write`, returning once a large write is handed to the writer process: the
        callable returned waits for its commit and returns its receipt (or raises what write
        would). A write begun after it may be handed over before that wait: the child then goes
        on with it while this process takes the first one's answer (issue 11: the ingest
        pipeline's next batch no longer waits for the previous one's commit and checkpoint).
        A small write is done here at once (core.sink.Written)."""
        events = events if isinstance(events, list) else list(events)
        writer = self._writer_for(len(events))
        if writer is None:
            return Written(self._write_here(events))
        chunk: list[Unstored] = []
        rejected: list[tuple[str, str]] = []
        ingested = format_timestamp(datetime.now(UTC))
        open_rows = 0  # events sent since the last commit
        first = writer.transactions  # this write's transactions are numbered after it
        try:
            for event in events:
                try:
                    chunk.append(unstored(event))
                except (TypeError, ValueError, OverflowError) as e:
                    rejected.append((event.id, f"not storable: {e}"))
                    continue
                if len(chunk) >= _CHUNK:
                    open_rows += len(chunk)
                    self._send(writer, chunk, ingested, commit=open_rows >= _TRANSACTION,
                               here=writer.balance.here())
                    open_rows = 0 if open_rows >= _TRANSACTION else open_rows
                    chunk = []
            if chunk or open_rows:
                self._send(writer, chunk, ingested, commit=True, here=writer.balance.here())
        except BaseException:
            self._drop_writer_astray(writer)
            raise
        return functools.partial(self._committed, writer, first, writer.transactions,
                                 WriteReceipt(rejected=tuple(rejected)))

    def _committed(self, writer: WriterProcess, after: int, through: int, refused: WriteReceipt) -> WriteReceipt:
        """The receipt of a write begun by :meth:`begin_write`, once the child committed its
        transactions (numbered ``after`` + 1 to ``through``)."""
        try:
            return writer.wait(after, through) + refused
        except BaseException:
            self._drop_writer_astray(writer)
            raise

    def _drop_writer_astray(self, writer: WriterProcess) -> None:
        """After a write failed or stopped: a child that ended, or one that holds chunks of a
        write that stopped half-way, is ended (the next large write starts a new one). One that
        answered (it failed a transaction: a full disk) is kept."""
        if writer is self._writer and not writer.in_step():
            self._stop_writer()

    @staticmethod
    def _send(writer: WriterProcess, chunk: list[Unstored], ingested: str, *, commit: bool, here: bool) -> None:
        """Send a chunk of a large write to the writer process: as it is, or, ``here``, as the
        rows built in this process (the share sqlite_writer.Balance sets)."""
        if here:
            rows, refused = rows_of(chunk, ingested)
            writer.send(rows, ingested=ingested, commit=commit, refused=refused)
        else:
            writer.send(chunk, ingested=ingested, commit=commit)

    def _writer_for(self, events: int) -> WriterProcess | None:
        """The writer process for a write of ``events`` events (started on the first large
        write), or None: small writes are inserted here (a process costs its start-up once)."""
        if events < _PROCESS_MIN or not self._writer_wanted:
            return None
        if self._writer is not None and not self._writer.alive():  # ended between writes: replace it
            self._stop_writer()
        if self._writer is None:
            try:
                self._writer = WriterProcess(self.path)
            except OSError:  # no interpreter to start (embedded, frozen): write here
                self._writer_wanted = False
        return self._writer

    @property
    def writer_pid(self) -> int | None:
        """The process id of the writer process while one runs (started by the first large
        write), else None."""
        return self._writer.pid if self._writer is not None and self._writer.alive() else None

    def _stop_writer(self) -> None:
        if self._writer is not None:
            writer, self._writer = self._writer, None
            writer.close()

    def delete(self, ids: Collection[str], *, replaced_by: Mapping[str, Sequence[str] | None] | None = None) -> int:
        """Remove events by id."""
        wanted = [id_key(i) for i in ids]
        deleted.record(self, ids)  # before the mark (R12e E3: told from retention's deletes)

        def attempt() -> int:
            count = 0
            with self._transaction():
                for start in range(0, len(wanted), 500):
                    chunk = wanted[start:start + 500]
                    count += self._db.execute(
                        f"DELETE FROM events WHERE id IN ({','.join('?' * len(chunk))})", chunk).rowcount
                if count:  # in the same transaction: a page read ahead before it is read again (deletes())
                    # a value that is no count it can raise starts again (R12e E7: NULL stayed
                    # NULL, 2**63-1 overflowed to a REAL that +1 no longer changed)
                    self._db.execute("INSERT INTO meta VALUES ('deletes', '1') ON CONFLICT (key) "
                                     "DO UPDATE SET value = CASE WHEN value NOT GLOB '*[^0-9]*' "
                                     "AND length(value) BETWEEN 1 AND 18 THEN CAST(value AS INTEGER) + 1 "
                                     "ELSE ? END", (fresh_count(),))
            return count

        try:
            removed = self._retrying(attempt)
        except sqlite3.Error as e:
            raise StoreError(f"delete failed: {e}", location=Location(path=str(self.path))) from e
        self.withdraw_alerts_on(ids, replaced_by)
        return removed

    def delete_before(self, cutoff: datetime, *, dry_run: bool = False) -> int:
        """Drop events before the cutoff's UTC ISO week (the weeks Elasticsearch drops as whole
        indices), a few thousand rows per transaction so that writers never wait long."""
        bound = micros(week_start(cutoff))
        if dry_run:
            return self.count(Query(end=week_start(cutoff)))

        def chunk() -> int:
            with self._transaction():
                return int(self._db.execute(
                    "DELETE FROM events WHERE seq IN (SELECT seq FROM events WHERE ts < ? LIMIT ?)",
                    (bound, _DELETE_CHUNK)).rowcount)

        dropped = 0
        try:
            while (done := self._retrying(chunk)) > 0:
                dropped += done
            if dropped:
                self._retrying(self.prune_codecs)
        except sqlite3.Error as e:
            raise StoreError(f"retention failed after {dropped} events: {e}",
                             location=Location(path=str(self.path))) from e
        return dropped

    def prune_codecs(self) -> int:
        """Delete the compression dictionaries no event uses any more (after retention), in one
        write transaction; returns how many went.

        Dictionary ids only grow, so every dictionary below the smallest one a row names is
        unused. The newest is always kept, so that ids are never reused (connections cache
        dictionaries by id). The floor is recorded in ``meta``: a writer (another process too)
        takes the write lock before it picks dictionaries, reads the floor there and no longer
        uses a cached dictionary below it, so no row can name a pruned one."""
        with self._transaction():
            low = self._db.execute("SELECT MIN(codec) FROM events").fetchone()[0]
            newest = self._db.execute("SELECT MAX(id) FROM codecs").fetchone()[0]
            if newest is None:
                return 0
            floor = int(newest) if low is None else min(int(low), int(newest))
            pruned = int(self._db.execute("DELETE FROM codecs WHERE id < ?", (floor,)).rowcount)
            self._db.execute("INSERT OR REPLACE INTO meta VALUES ('codec_floor', ?)", (str(floor),))
        return pruned

    def refresh(self) -> None:
        """Writes are visible at once; this lets the query planner's statistics catch up with
        them (PRAGMA optimize, bounded by analysis_limit: milliseconds), so that rules pick their
        most selective index rather than the first one."""
        # ANALYZE reads, then writes its statistics: a writer's commit in between makes the write
        # fail at once with "database is locked" (WAL: the read snapshot is stale, so SQLite calls
        # no busy handler). It failed a watcher's refresh beside a live capture's writes (CI-
        # equivalent run, session 22). Statistics are a hint: tried a few times, else left to
        # the next refresh, never an error of the pass that asked.
        # At most every OPTIMIZE_SECONDS: a run over many small files refreshes after each, and
        # the optimize was 4 ms of each (R58a-1: 600 files, 2.3 s); statistics that are seconds
        # old choose the same indexes.
        if self._optimized_at is not None and time.monotonic() - self._optimized_at < OPTIMIZE_SECONDS:
            return
        for pause in (0.01, 0.05, 0.2, None):
            try:
                self._db.execute("PRAGMA analysis_limit=1000")
                self._db.execute("PRAGMA optimize=0x10002")
                self._optimized_at = time.monotonic()
                return
            except sqlite3.OperationalError as e:
                if not is_busy(e):
                    raise StoreError(f"optimize failed: {e}", location=Location(path=str(self.path))) from e
                if pause is None:
                    return
                time.sleep(pause)
            except sqlite3.Error as e:
                raise StoreError(f"optimize failed: {e}", location=Location(path=str(self.path))) from e

    def query_parts(self, native: str) -> dict[str, Any]:
        """Where the top-level conjuncts of ``native`` stand in it (govsoc.store.sqlite_conjuncts),
        which a combined scan shares between rules: kept with the rule's conversion
        (Store.query_parts)."""
        return {_CONJUNCTS: conjunct_spans(native)}

    def reuse_query_parts(self, native: str, kept: Mapping[str, Any]) -> None:
        """The conjuncts an earlier pass kept for ``native`` (Store.reuse_query_parts)."""
        parts = kept.get(_CONJUNCTS)
        if isinstance(parts, list):
            remember_conjuncts(native, parts)

    def interrupt(self) -> None:
        """Ctrl-C (Store.interrupt): a KeyboardInterrupt raised inside one of the store's SQL
        functions is swallowed by sqlite3 ("user-defined function raised exception"), and a
        failed combined scan is run again query by query (govsoc.store.sqlite_batch), so a pass
        went on to its end (R12d N3). The statements running now are stopped, and every later
        one raises KeyboardInterrupt."""
        self._interrupted = True
        self._db.interrupt()
        if self._ahead is not None:
            self._ahead.interrupt()

    def close(self) -> None:
        """Stop the writer process (after it committed what it was sent) and close the database."""
        self._stop_writer()
        if self._ahead is not None:
            ahead, self._ahead = self._ahead, None
            ahead.close()
        self._db.close()

