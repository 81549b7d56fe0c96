"""The embedded event store: one SQLite file in WAL mode, no server.

Each event is one row: the fields rules and reports query most are real columns, every other
field is a compressed document, and nothing is stored twice (the layout, schema version 6, is
described in govsoc.store.sqlite_layout; older files are upgraded when opened,
govsoc.store.sqlite_migrate). Fields outside the columns are read through SQL functions that
give ECS arrays "any element matches" semantics, the same as Elasticsearch. Text search
(``Query.text``) is a caseless substring match over ``message``, scanned natively.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import re
import secrets
import sqlite3
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal, TypeVar

from govsoc.core.alert import Alert, AlertReceipt, TriageChange, document_json, keep_triage
from govsoc.core.caseless import fold
from govsoc.core.ecs import NUMERIC_TYPES, field_type
from govsoc.core.errors import DamagedStateError, Location, StoreError
from govsoc.core.event import Event, format_timestamp
from govsoc.core.results import FILE_MODE, make_folder
from govsoc.store import deleted
from govsoc.store.base import (
    Bucket,
    Group,
    Query,
    Scalar,
    Store,
    Target,
    WriteReceipt,
    readable_state,
    state_document,
    week_start,
)
from govsoc.store.registry import stores
from govsoc.store.sqlite_aggs import (
    alert_where,
    cardinality_sql,
    groups_sql,
    histogram_sql,
    read_groups,
    read_histogram,
    register_aggregation_functions,
)
from govsoc.store.sqlite_ahead import Execute, ReadAhead
from govsoc.store.sqlite_batch import search_many
from govsoc.store.sqlite_conjuncts import remember as remember_conjuncts
from govsoc.store.sqlite_conjuncts import spans as conjunct_spans
from govsoc.store.sqlite_layout import (
    ALERT_EVENTS,
    ALERT_EVENTS_ALL,
    ALERT_EVENTS_OF,
    ID_TEXT,
    INDEXES,
    MESSAGE,
    ORIGINAL,
    RETIRED_INDEXES,
    SCHEMA_VERSION,
    SELECT,
    TABLES,
    TRIGGERS,
    Prepared,
    id_key,
    micros,
    register_layout_functions,
)
from govsoc.store.sqlite_migrate import add_list_names, name_codecs, resolve_unknown_lists, upgrade_rows
from govsoc.store.sqlite_query import column_sql, create_query_indexes, fold_sql, register_functions, terms_sql
from govsoc.store.sqlite_regexp import query_error
from govsoc.store.sqlite_rows import Unstored, insert_sql, prepare, rows_of, unstored
from govsoc.store.sqlite_writer import WriterProcess

__all__ = ["SCHEMA_VERSION", "SqliteStore", "field_sql", "micros", "sql_literal"]

_T = TypeVar("_T")
_BATCH = 5000
#: Writes of at least this many events go through the writer process, in chunks of _CHUNK:
#: the child coerces, splits and deflates one while this process sends the next, and inserts
#: them in transactions of at least _TRANSACTION rows (or the rest of the write). A transaction's cost
#: grows with the index pages it changes, not with its rows: the id index takes random keys,
#: so in a large store each row of a small transaction dirties a page of its own.
_PROCESS_MIN = 2000
_CHUNK = 2500
_TRANSACTION = 20_000
#: One chunk in _BUILT_HERE of a large write is built into rows in this process (coerced, split,
#: its remaining fields in JSON: sqlite_rows.rows_of) and sent as rows, the others as events,
#: built by the child. The child did all of it and was the slower of the two (issue 11, 200,000
#: sshd lines: 29 us of CPU a line here, 39 in the child, 15 parsing alone); a chunk sent as rows
#: also pickles and unpickles faster than its events' dicts (2.2 + 1.4 us an event against 2.8 +
#: 4.9), so the two processes' sum falls too.
_BUILT_HERE = 2
#: WAL pages between checkpoints (of 4 KiB: 256 MiB), and the WAL's file size kept after one
#: (see SqliteStore.__init__).
_CHECKPOINT_PAGES = 65_536
_WAL_KEPT_BYTES = 64 << 20
#: Ingest ranges up to this many events are read by seq (see SqliteStore._where).
_NARROW_RANGE = 100_000
_ALERT_BATCH = 500
#: Rows per page of a search (one read statement each).
_PAGE = 2000
#: Rows per retention transaction: the write lock is never held long.
_DELETE_CHUNK = 2000
#: How long one statement waits for the write lock, and how long a write keeps retrying it
#: (each retry restarts the whole, idempotent, batch) before it gives up with a StoreError.
_BUSY_MS = 5000
_RETRY_SECONDS = 300.0
#: The key of a kept conversion's conjuncts, as character spans (query_parts).
_CONJUNCTS = "sqlite.conjuncts"
@functools.cache
def _ascii_folding() -> str:
    """Non-ASCII code points whose fold is ASCII (U+0130 -> i, U+212A KELVIN SIGN -> k): a text
    holding one may match a folded ASCII phrase that lower() (ASCII only) cannot find in it.
    Worked out on first use (a pass over every code point: half a second of every process that
    imports the store, the ingest writer's included, when done at import)."""
    return "".join(chr(c) for c in range(0x80, 0x110000) if not 0xD800 <= c < 0xE000 and fold(chr(c)).isascii())


_ASCII_RUN = re.compile("[\x00-\x7f]+")


def _statements(script: str) -> Iterator[str]:
    """The statements of a script, one by one (executescript would commit the transaction)."""
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            yield pending.strip()
            pending = ""


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



def _fresh_count() -> str:
    """A count to restart a damaged delete count from: random below 10**17, so that a pass
    holding a count read before the damage does not meet it again after a few deletes."""
    return str(secrets.randbelow(10**17))

class SqliteStore(Store):
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
        self._held = _Held()
        self._ahead: ReadAhead | None = None
        self._interrupted = False
        try:
            _create_private(self.path)
            self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False,
                                       timeout=_BUSY_MS / 1000)
            self._db.execute(f"PRAGMA busy_timeout={_BUSY_MS}")
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

    # -- writing -----------------------------------------------------------------------------
    def write(self, events: Iterable[Event]) -> WriteReceipt:
        """Insert events in batches; ids already present are counted as duplicates. Values are
        coerced to their ECS types and stamped with ``event.ingested`` (govsoc.core.coercion).
        A large write is inserted by the writer process (govsoc.store.sqlite_writer): this one
        hands it the events a chunk at a time; the child coerces, splits and deflates each chunk
        and inserts them in transactions of _TRANSACTION rows. Either way it returns once every
        row is committed."""
        events = events if isinstance(events, list) else list(events)
        writer = self._writer_for(len(events))
        if writer is None:
            return self._write_here(events)
        receipt, chunk, rejected = WriteReceipt(), [], []
        ingested = format_timestamp(datetime.now(UTC))
        open_rows = sent = 0  # events sent since the last commit, chunks sent
        try:
            for event in events:
                try:
                    chunk.append(unstored(event))
                except (TypeError, ValueError, OverflowError) as e:
                    rejected.append((event.id, f"not storable: {e}"))
                    continue
                if len(chunk) >= _CHUNK:
                    open_rows += len(chunk)
                    self._send(writer, chunk, ingested, commit=open_rows >= _TRANSACTION, here=_built_here(sent))
                    open_rows = 0 if open_rows >= _TRANSACTION else open_rows
                    chunk, sent = [], sent + 1
            if chunk or open_rows:
                self._send(writer, chunk, ingested, commit=True, here=_built_here(sent))
            receipt = writer.wait()
        except BaseException:
            # A child that ended, or one that holds chunks of this write uncommitted (the write
            # stopped half-way), is ended: the next large write starts a new one. One that
            # answered every transaction (it failed one: a full disk) is kept.
            if not writer.in_step():
                self._stop_writer()
            raise
        return receipt + WriteReceipt(rejected=tuple(rejected))

    @staticmethod
    def _send(writer: WriterProcess, chunk: list[Unstored], ingested: str, *, commit: bool, here: bool) -> None:
        """Send a chunk of a large write to the writer process: as it is, or, ``here``, as the
        rows built in this process (every other chunk: see _BUILT_HERE)."""
        if here:
            rows, refused = rows_of(chunk, ingested)
            writer.send(rows, ingested=ingested, commit=commit, refused=refused)
        else:
            writer.send(chunk, ingested=ingested, commit=commit)

    def _write_here(self, events: list[Event]) -> WriteReceipt:
        receipt = WriteReceipt()
        batch: list[Prepared] = []
        rejected: list[tuple[str, str]] = []
        ingested = format_timestamp(datetime.now(UTC))
        for event in events:
            try:
                batch.append(prepare(event, ingested))
            except (TypeError, ValueError) as e:
                rejected.append((event.id, f"not storable: {e}"))
                continue
            if len(batch) >= _BATCH:
                receipt += self._insert(batch)
                batch = []
                ingested = format_timestamp(datetime.now(UTC))
        if batch:
            receipt += self._insert(batch)
        return receipt + WriteReceipt(rejected=tuple(rejected))

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

    def insert_unstored(self, events: list[Any], *, ingested: str, commit: bool = True,
                        refused: list[tuple[str, str]] | None = None) -> WriteReceipt | None:
        """Coerce, split, deflate and insert the events of another process's write (the writer
        process's work: :data:`Unstored` events; with ``refused``, the rows that process built
        of a chunk, Prepared, and the events of it that it refused), in a transaction left open
        until a call with ``commit``, which commits every chunk since the last and returns what
        they stored (None until then). Each chunk is inserted as it comes, while the other
        process sends the next: held until the commit, 20,000 rows were inserted while that
        process waited for the answer (P11j). StoreError when a chunk fails: the transaction is
        rolled back (the caller's write fails whole and is sent again; :meth:`discard_held`)."""
        held = self._held
        rows, rejected = rows_of(events, ingested) if refused is None else (events, refused)
        held.rejected.extend(rejected)
        try:
            if not self._db.in_transaction:
                self._retrying(lambda: self._db.execute("BEGIN IMMEDIATE"))
            chosen, made = self._codec.dictionaries(rows)
            self._codec.remember(made)  # for the write's next chunks; forgotten if it is rolled back
            held.made.update(made)
            groups: dict[int, list[tuple[Any, ...]]] = {}
            for mask, values in self._codec.pack(rows, chosen):
                groups.setdefault(mask, []).append(values)
            held.created += sum(int(self._db.executemany(insert_sql(mask), group).rowcount)
                                for mask, group in groups.items())
            held.rows += len(rows)
            if commit:
                self._db.execute("COMMIT")
        except sqlite3.Error as e:
            self.discard_held()
            raise StoreError(f"write failed: {e}", location=Location(path=str(self.path))) from e
        if not commit:
            return None
        self._held = _Held()
        return WriteReceipt(created=held.created, duplicates=held.rows - held.created, rejected=tuple(held.rejected))

    def discard_held(self) -> None:
        """Roll back the chunks :meth:`insert_unstored` inserted since its last commit (their
        write failed), and forget the dictionaries they made."""
        held, self._held = self._held, _Held()
        if self._db.in_transaction:  # after "disk full" SQLite has rolled back already
            self._db.execute("ROLLBACK")
        self._codec.forget(held.made)

    def _insert(self, batch: list[Prepared]) -> WriteReceipt:
        held = _Held(batch=batch)
        self._pack_held(held)
        return self._insert_held(held)

    def _pack_held(self, held: _Held | None = None) -> None:
        """Deflate the held rows not deflated yet, against the dictionaries of their shapes.
        New dictionaries are committed on their own (a write that then fails leaves a few small
        unused ones), so that deflating happens outside the write lock."""
        held = held or self._held
        batch, held.batch = held.batch, []

        def dictionaries() -> dict[tuple[str, ...], tuple[int, bytes]]:
            # Committed without a sync of its own (a WAL sync each chunk made five a 10,000-row
            # write, P11b 1): every row that uses a dictionary commits after it in the same WAL,
            # under synchronous=FULL, and that sync makes the dictionary durable too; one lost
            # to a power loss before it is used by no row that survived.
            self._db.execute("PRAGMA synchronous=NORMAL")
            try:
                with self._transaction():
                    chosen, made = self._codec.dictionaries(batch)
            finally:
                self._db.execute("PRAGMA synchronous=FULL")
            self._codec.remember(made)
            return chosen

        try:
            groups = held.groups
            for mask, values in self._codec.pack(batch, self._retrying(dictionaries)):
                group = groups.get(mask)
                if group is None:
                    group = groups[mask] = []
                group.append(values)
        except sqlite3.Error as e:
            raise StoreError(f"write failed: {e}", location=Location(path=str(self.path))) from e
        held.rows += len(batch)

    def _insert_held(self, held: _Held) -> WriteReceipt:
        """Insert the packed rows of ``held`` in one transaction."""
        def attempt() -> int:
            with self._transaction():
                return sum(int(self._db.executemany(insert_sql(mask), rows).rowcount)
                           for mask, rows in held.groups.items())

        try:
            created = self._retrying(attempt)
        except sqlite3.Error as e:
            raise StoreError(f"write failed: {e}", location=Location(path=str(self.path))) from e
        return WriteReceipt(created=created, duplicates=held.rows - created, rejected=tuple(held.rejected))

    def delete(self, ids: Collection[str]) -> int:
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
                                     "ELSE ? END", (_fresh_count(),))
            return count

        try:
            removed = self._retrying(attempt)
        except sqlite3.Error as e:
            raise StoreError(f"delete failed: {e}", location=Location(path=str(self.path))) from e
        self.withdraw_alerts_on(ids)
        return removed

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
                if not _is_busy(e) or time.monotonic() > deadline:
                    raise
            time.sleep(pause)
            pause = min(pause * 2, 0.5)

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)

    # -- reading -----------------------------------------------------------------------------
    def _where(self, query: Query) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        if query.start is not None:
            clauses.append("ts >= ?")
            params.append(micros(query.start))
        if query.end is not None:
            clauses.append("ts < ?")
            params.append(micros(query.end))
        for name, values in sorted(query.terms.items()):
            if not values:
                clauses.append("0")
                continue
            marks = ", ".join("?" for _ in values)
            if name == "event.id":  # the column holds the id's bytes: compare keys, use the index
                clauses.append(f"id IN ({marks})")
                params.extend(id_key(str(v)) for v in values)
                continue
            clauses.append(terms_sql(name, values))  # one element of a list is enough, as on Elasticsearch
        for name, values in sorted(query.exclude.items()):  # a row without the field (NULL) passes
            if values:
                clauses.append(f"NOT COALESCE(({terms_sql(name, values)}), 0)")
        if query.text:
            clause, text_params = _text_sql(query.text)
            clauses.append(clause)
            params.extend(text_params)
        # Ingest order is the seq column: exact, so no margin is needed (writers commit whole
        # batches under the write lock, so no smaller seq becomes visible after a larger one).
        for sql, position in (("seq > ?", query.after), ("seq <= ?", query.until)):
            if position is not None:
                clauses.append(sql)
                params.append(_seq(position))
        if query.native:
            clauses.append(f"({query.native})")
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params

    @staticmethod
    def _table(query: Query) -> str:
        """``events``, read by seq alone for a narrow ingest range.

        The planner cannot know how few rows an ingest range holds; the store does. A narrow
        range (an incremental pass) is read by seq, the primary key, and the rule's condition
        checked on its rows; NOT INDEXED keeps the planner from walking an index of the rule's
        fields over the whole store instead (the rowid range stays usable).
        """
        narrow = (query.after is not None and query.until is not None
                  and _seq(query.until) - _seq(query.after) <= _NARROW_RANGE)
        return "events NOT INDEXED" if narrow else "events"

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

    def search(self, query: Query) -> Iterator[Event]:
        """Matching events in time order (then id)."""
        return self.read(query)

    def first_page(self, query: Query, execute: Execute) -> tuple[str | None, list[Any]]:
        """The rows of :meth:`search`'s first statement for ``query``, run by ``execute`` (on
        the connection that reads ahead: govsoc.store.sqlite_ahead), which :meth:`read` takes
        while :meth:`deletes` still gives the count returned with them, read before them."""
        where, params = self._where(query)
        sql, values, _ = self._page(query, where, params, None, query.limit)
        try:
            return self.deletes(execute), execute(sql, values).fetchall()
        except sqlite3.Error as e:
            raise StoreError(f"query failed: {query_error(e)}", location=Location(path=str(self.path))) from e

    def deletes(self, execute: Execute | None = None) -> str | None:
        """How many :meth:`delete` calls deleted events from the file (None: none yet), as the
        meta table counts them. Rows read ahead may hold an event deleted before the pass reads
        them (R12d N1): a completed line's partial copy, whose alerts the delete withdrew, so an
        alert built on it then would never be withdrawn. Read before the rows and compared when
        they are taken, an unchanged count says no delete came between."""
        row = (execute or self._execute)("SELECT value FROM meta WHERE key = 'deletes'", ()).fetchone()
        if row is None or deleted.counter_ok(row[0]):
            return None if row is None else str(row[0])
        # Damaged (R12e E7): a mark unlike any other (the caller sees a delete, the safe side);
        # the main connection puts a fresh count in its place, unless a delete did meanwhile.
        if execute is None:
            with contextlib.suppress(sqlite3.Error):
                self._retrying(lambda: self._db.execute(
                    "UPDATE meta SET value = ? WHERE key = 'deletes' AND value IS ?", (_fresh_count(), row[0])))
        return deleted.damaged_mark(f"the store's delete count (meta 'deletes' = {str(row[0])[:40]!r}) "
                                    "is not a count: reset")

    def read(self, query: Query, first: Callable[[], list[Any] | None] | None = None) -> Iterator[Event]:
        """:meth:`search`, whose first page's rows ``first`` may give (None: run it here)."""
        # Read in pages, each a statement of its own (keyset paging on ts, id): a caller that
        # writes while it iterates (detection stores alerts and rule state during a pass) must
        # not hold one read snapshot open across its writes. Under WAL, a connection whose read
        # snapshot is older than another process's commit can never take the write lock, and
        # would wait out its busy timeout and fail ("database is locked").
        where, params = self._where(query)
        left = query.limit
        last: tuple[int, str] | None = None
        rows = first() if first is not None else None
        while left is None or left > 0:
            sql, values, size = self._page(query, where, params, last, left)
            if rows is None:
                rows = self._rows(sql, values)
            for row in rows:
                yield self._codec.event(row)
            if len(rows) < size:
                return
            last = (rows[-1][1], rows[-1][-1])
            if left is not None:
                left -= len(rows)
            rows = None

    def _page(self, query: Query, where: str, params: list[Any], last: tuple[int, str] | None,
              left: int | None) -> tuple[str, list[Any], int]:
        """The statement of one page of :meth:`read` after the row ``last`` (ts, id text), its
        parameters and its size."""
        desc = query.order == "desc"
        direction = "DESC" if desc else "ASC"
        size = _PAGE if left is None else min(_PAGE, left)
        clauses, values = where, list(params)
        if last is not None:
            # "ts >= ? AND (ts > ? OR id > ?)" rather than a row value, so that the ts index serves it.
            after = "ts <= ? AND (ts < ? OR {id} < ?)" if desc else "ts >= ? AND (ts > ? OR {id} > ?)"
            clauses = (f"{where} AND " if where else " WHERE ") + after.format(id=ID_TEXT)
            values.extend((last[0], last[0], last[1]))
        sql = (f"SELECT {SELECT}, {ID_TEXT} FROM {self._table(query)}{clauses} "
               f"ORDER BY ts {direction}, {ID_TEXT} {direction} LIMIT {int(size)}")
        return sql, values, size

    def events_at(self, seqs: Collection[int]) -> dict[int, Event]:
        """The stored events of these sequence numbers, each read and decoded once, by seq (a
        combined scan's matches: govsoc.store.sqlite_batch)."""
        found: dict[int, Event] = {}
        wanted = sorted(set(seqs))
        for start in range(0, len(wanted), _PAGE):
            chunk = ",".join(str(int(seq)) for seq in wanted[start:start + _PAGE])
            for row in self._execute(f"SELECT {SELECT}, seq FROM events WHERE seq IN ({chunk})", []).fetchall():
                found[row[-1]] = self._codec.event(row)
        return found

    def search_many(self, queries: Sequence[Query]) -> list[Iterator[Event]]:
        """The events of each query; queries that would each scan the same rows share one scan
        (govsoc.store.sqlite_batch)."""
        return search_many(self, queries)

    def count(self, query: Query) -> int:
        """How many events match."""
        where, params = self._where(query)
        return int(self._execute(f"SELECT COUNT(*) FROM {self._table(query)}{where}", params).fetchone()[0])

    def aggregate(self, query: Query, field: str, size: int = 10) -> list[Bucket]:
        """Most frequent values of ``field``; ties are broken by the value (see :meth:`groups`)."""
        return [Bucket(key=g.key, count=g.count) for g in self.groups(query, field, size=size)]

    def _target_where(self, query: Query, target: Target) -> tuple[str, list[Any]]:
        return alert_where(query) if target == "alerts" else self._where(query)

    def groups(self, query: Query, field: str, *, size: int = 10, total: str | None = None, span: bool = False,
               target: Target = "events") -> list[Group]:
        """The most frequent values of ``field`` with counts, sums and times, in one statement
        (govsoc.store.sqlite_aggs)."""
        sql, params = groups_sql(self._target_where(query, target), field, size=size, total=total,
                                 alerts=target == "alerts")
        return read_groups(self._execute(sql, params).fetchall(), span=span)

    def histogram(self, query: Query, *, interval: timedelta, origin: datetime,
                  target: Target = "events") -> list[Bucket]:
        """Counts per interval, in one statement (govsoc.store.sqlite_aggs)."""
        sql, params = histogram_sql(self._target_where(query, target), interval=interval, origin=origin,
                                    alerts=target == "alerts")
        return read_histogram(self._execute(sql, params).fetchall(), interval=interval, origin=origin)

    def cardinality(self, query: Query, field: str, *, target: Target = "events") -> int:
        """Distinct values of ``field``, exactly."""
        sql, params = cardinality_sql(self._target_where(query, target), field, alerts=target == "alerts")
        return int(self._execute(sql, params).fetchone()[0])

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

    # -- alerts ------------------------------------------------------------------------------
    def delete_alerts_before(self, cutoff: datetime, *, dry_run: bool = False) -> int:
        """Drop alerts whose last event is before ``cutoff`` (stored times are fixed-width UTC
        ISO 8601 text, so text order is time order)."""
        where = """WHERE json_extract(doc, '$."event.end"') < ?"""
        bound = [format_timestamp(cutoff)]
        if dry_run:
            return int(self._execute(f"SELECT COUNT(*) FROM alerts {where}", bound).fetchone()[0])

        def delete() -> int:
            with self._transaction():
                self._db.execute(f"DELETE FROM alert_events WHERE {ALERT_EVENTS_OF.format(where=where)}", bound)
                return int(self._db.execute(f"DELETE FROM alerts {where}", bound).rowcount)

        try:
            return self._retrying(delete)
        except sqlite3.Error as e:
            raise StoreError(f"alert retention failed: {e}", location=Location(path=str(self.path))) from e

    def delete_alerts(self, ids: Iterable[str]) -> int:
        """Drop alerts by id."""
        wanted = sorted(set(ids))

        def delete() -> int:
            dropped = 0
            with self._transaction():
                for start in range(0, len(wanted), _ALERT_BATCH):
                    chunk = wanted[start:start + _ALERT_BATCH]
                    where = f"WHERE alerts.id IN ({', '.join('?' for _ in chunk)})"
                    self._db.execute(f"DELETE FROM alert_events WHERE {ALERT_EVENTS_OF.format(where=where)}", chunk)
                    dropped += int(self._db.execute(f"DELETE FROM alerts {where}", chunk).rowcount)
            return dropped

        try:
            return self._retrying(delete) if wanted else 0
        except sqlite3.Error as e:
            raise StoreError(f"alert delete failed: {e}", location=Location(path=str(self.path))) from e

    def write_alerts(self, alerts: Iterable[Alert]) -> AlertReceipt:
        """Upsert alerts by id, keeping stored triage fields (see Store.write_alerts), in one
        transaction: a transaction's cost grows with the pages it changes, and the id index
        takes random keys, so each transaction rewrites most of its pages (a pass of 48,574
        alerts written 500 a transaction wrote 86,000 pages, 1,000 or more a transaction 66,000)."""
        latest = list({a.id: a for a in alerts}.values())  # an id given twice: the last one counts
        if not latest:
            return AlertReceipt()
        try:
            return self._retrying(lambda: self._upsert_transaction(latest))
        except sqlite3.Error as e:
            raise StoreError(f"alert write failed: {e}", location=Location(path=str(self.path))) from e

    def _upsert_transaction(self, batch: list[Alert]) -> AlertReceipt:
        created = updated = unchanged = 0
        with self._transaction():
            ids = sorted({a.id for a in batch})
            stored: dict[str, str] = {}
            for start in range(0, len(ids), _ALERT_BATCH):  # (a statement's parameters are bounded)
                chunk = ids[start:start + _ALERT_BATCH]
                marks = ", ".join("?" for _ in chunk)
                stored.update(self._db.execute(f"SELECT id, doc FROM alerts WHERE id IN ({marks})", chunk).fetchall())
            new: list[tuple[str, str, int, str]] = []
            # alert_events rows to add and to remove (V12 F8): a new alert's events, and the
            # events a stored alert gained or lost
            added: list[tuple[str, str]] = []
            removed: list[tuple[str, str]] = []
            for alert in batch:
                old = stored.get(alert.id)
                if old is None:
                    new.append((alert.id, alert.rule_id, micros(alert.start), alert.to_json()))
                    added.extend((event_id, alert.id) for event_id in alert.rests_on)
                    continue
                before = json.loads(old)
                doc = document_json(keep_triage(alert.to_document(), before))
                # Compared as values, not as text: rows written before keys came in the
                # document's order (sorted) are equal documents too.
                if json.loads(doc) == before:
                    unchanged += 1
                else:
                    self._db.execute("UPDATE alerts SET rule_id = ?, ts = ?, doc = ? WHERE id = ?",
                                     (alert.rule_id, micros(alert.start), doc, alert.id))
                    updated += 1
                    was = {*(before.get("event.ids") or ()), *(before.get("alert.matched") or ())}
                    added.extend((event_id, alert.id) for event_id in set(alert.rests_on) - was)
                    removed.extend((event_id, alert.id) for event_id in was.difference(alert.rests_on))
            if new:  # the alerts not stored yet, in one statement
                created = len(new)
                self._db.executemany("INSERT INTO alerts VALUES (?, ?, ?, ?)", new)
            self._db.executemany("DELETE FROM alert_events WHERE event_id = ? AND alert_id = ?", removed)
            # in key order: each index page is changed once, not once per row (random event ids)
            self._db.executemany("INSERT OR IGNORE INTO alert_events VALUES (?, ?)", sorted(added))
        return AlertReceipt(created=created, updated=updated, unchanged=unchanged)

    def alert(self, alert_id: str) -> Alert | None:
        """The stored alert with this id, or None."""
        row = self._execute("SELECT doc FROM alerts WHERE id = ?", [alert_id]).fetchone()
        return None if row is None else Alert.from_document(json.loads(row[0]))

    def update_alert(self, alert_id: str, change: TriageChange) -> Alert:
        """Apply a triage change inside one write transaction."""

        def attempt() -> Alert:
            with self._transaction():
                row = self._db.execute("SELECT doc FROM alerts WHERE id = ?", (alert_id,)).fetchone()
                if row is None:
                    raise StoreError(f"no alert {alert_id!r}; list them with `govsoc alerts`",
                                     location=Location(path=str(self.path)))
                changed = change.apply(Alert.from_document(json.loads(row[0])))
                self._db.execute("UPDATE alerts SET doc = ? WHERE id = ?", (changed.to_json(), alert_id))
            return changed

        try:
            return self._retrying(attempt)
        except sqlite3.Error as e:
            raise StoreError(f"alert update failed: {e}", location=Location(path=str(self.path))) from e

    def alerts(self, *, rule_id: str | None = None, start: datetime | None = None,
               end: datetime | None = None, limit: int | None = None,
               order: Literal["asc", "desc"] = "asc",
               event_ids: Collection[str] | None = None) -> Iterator[Alert]:
        """Stored alerts by start time then id."""
        clauses: list[str] = []
        params: list[Any] = []
        for sql, value in (("rule_id = ?", rule_id),
                           ("ts >= ?", micros(start) if start else None),
                           ("ts < ?", micros(end) if end else None)):
            if value is not None:
                clauses.append(sql)
                params.append(value)
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        direction = "DESC" if order == "desc" else "ASC"
        if event_ids is not None:
            yield from self._alerts_on(event_ids, where, params, desc=order == "desc", limit=limit)
            return
        sql = f"SELECT doc FROM alerts{where} ORDER BY ts {direction}, id {direction}"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        for (doc,) in self._execute(sql, params):
            yield Alert.from_document(json.loads(doc))

    def _alerts_on(self, event_ids: Collection[str], where: str, params: list[Any], *, desc: bool,
                   limit: int | None) -> Iterator[Alert]:
        """The alerts resting on one of ``event_ids`` (and meeting ``where``), found through the
        alert_events index, so the cost follows the ids asked and the alerts found, not the
        alerts stored; a statement's parameters are bounded, so both steps go by chunks."""
        wanted = sorted({str(i) for i in event_ids})
        found: set[str] = set()
        for start in range(0, len(wanted), _ALERT_BATCH):
            chunk = wanted[start:start + _ALERT_BATCH]
            found.update(alert_id for (alert_id,) in self._execute(
                f"SELECT alert_id FROM alert_events WHERE event_id IN ({','.join('?' * len(chunk))})", chunk))
        ids = sorted(found)
        rows: list[tuple[int, str, str]] = []
        for start in range(0, len(ids), _ALERT_BATCH):
            chunk = ids[start:start + _ALERT_BATCH]
            test = (" AND " if where else " WHERE ") + f"id IN ({','.join('?' * len(chunk))})"
            rows.extend(self._execute(f"SELECT ts, id, doc FROM alerts{where}{test}", [*params, *chunk]))
        rows.sort(reverse=desc)
        for _, _, doc in rows[:limit]:
            yield Alert.from_document(json.loads(doc))

    def refresh(self) -> None:
        """Writes are visible at once; this lets the query planner's statistics catch up with
        them (PRAGMA optimize, bounded by analysis_limit: milliseconds), so that rules pick their
        most selective index rather than the first one."""
        # ANALYZE reads, then writes its statistics: a writer's commit in between makes the write
        # fail at once with "database is locked" (WAL: the read snapshot is stale, so SQLite calls
        # no busy handler). It failed a watcher's refresh beside a live capture's writes (CI-
        # equivalent run, session 22). Statistics are a hint: tried a few times, else left to
        # the next refresh, never an error of the pass that asked.
        for pause in (0.01, 0.05, 0.2, None):
            try:
                self._db.execute("PRAGMA analysis_limit=1000")
                self._db.execute("PRAGMA optimize=0x10002")
                return
            except sqlite3.OperationalError as e:
                if not _is_busy(e):
                    raise StoreError(f"optimize failed: {e}", location=Location(path=str(self.path))) from e
                if pause is None:
                    return
                time.sleep(pause)
            except sqlite3.Error as e:
                raise StoreError(f"optimize failed: {e}", location=Location(path=str(self.path))) from e

    # -- ingest positions and engine state -----------------------------------------------------
    def position(self) -> str | None:
        """The largest seq stored (seq is the order of arrival)."""
        last = self._execute("SELECT MAX(seq) FROM events", []).fetchone()[0]
        return None if last is None else str(last)

    def get_state(self, key: str) -> dict[str, Any] | None:
        """A state document from the meta table (DamagedStateError when it is not a JSON object)."""
        row = self._execute("SELECT value FROM meta WHERE key = ?", ["state/" + key]).fetchone()
        return None if row is None else state_document(key, row[0])

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
        """Many state documents in one statement per :data:`_ALERT_BATCH` keys (a detection pass
        reads every rule's state and kept conversion at its start: 200 statements were a tenth
        of an incremental pass)."""
        wanted = list(dict.fromkeys(keys))
        found: dict[str, dict[str, Any]] = {}
        for start in range(0, len(wanted), _ALERT_BATCH):
            chunk = ["state/" + key for key in wanted[start:start + _ALERT_BATCH]]
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

    def reading_ahead(self) -> ReadAhead:
        """The connection that runs a detection pass's next statement ahead of it, on a thread
        of its own (govsoc.store.sqlite_ahead), opened on first use and closed by :meth:`close`."""
        if self._ahead is None:
            self._ahead = ReadAhead(self.path, _prepare_reader)
        return self._ahead

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


def _prepare_reader(db: sqlite3.Connection) -> None:
    """The SQL functions of the store's queries, on a connection that reads ahead. Its page
    cache stays SQLite's default (2 MiB): the store's own connection keeps 64 MiB of index
    pages, and a second copy of them added 64 MiB to a pass's peak memory (154 -> 226 MiB over
    1,000,000 events) for statements that read the same pages from the file system's cache."""
    register_functions(db)
    register_layout_functions(db)


def _seq(position: str) -> int:
    try:
        return int(position)
    except ValueError:
        raise StoreError(f"{position!r} is not an ingest position of a SQLite store (a position "
                         "from another store?)") from None


def _is_busy(error: sqlite3.OperationalError) -> bool:
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    return "locked" in str(error) or "busy" in str(error)


def _built_here(sent: int) -> bool:
    """Whether the chunk after ``sent`` chunks of a large write is built here (see _BUILT_HERE)."""
    return sent % _BUILT_HERE == _BUILT_HERE - 1


class _Held:
    """Rows of a write, held until it commits: split rows not deflated yet, deflated rows by
    column mask, how many, and the events refused."""

    __slots__ = ("batch", "created", "groups", "made", "rejected", "rows")

    def __init__(self, batch: list[Prepared] | None = None) -> None:
        self.batch: list[Prepared] = batch if batch is not None else []
        self.groups: dict[int, list[tuple[Any, ...]]] = {}
        self.rows = 0
        self.rejected: list[tuple[str, str]] = []
        #: Rows inserted and dictionaries made by insert_unstored's open transaction.
        self.created = 0
        self.made: dict[tuple[str, ...], tuple[int, bytes]] = {}


class _Transaction:
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


def _text_sql(text: str) -> tuple[str, list[Any]]:
    """``Query.text`` as SQL: ``message`` contains the phrase, caselessly (govsoc.core.caseless).

    The exact test folds every candidate in Python; a native prefilter picks the candidates
    first and provably keeps every match: the folded phrase's longest ASCII run must be in the
    ASCII-lowered message (fold maps each code point to one code point, and an ASCII one only
    from ASCII or from the few code points of _ascii_folding(), which admit a message on their own).
    The prefilter reads the text that holds the message (its own column, or event.original, of
    which it is then a part), so that no message is cut out of a row that fails it.
    """
    folded = fold(text)
    exact = f"instr({fold_sql(MESSAGE)}, ?) > 0"
    run = max(_ASCII_RUN.findall(folded), key=len, default="")
    if not run:
        return exact, [folded]
    holder = f"coalesce(message_text, {ORIGINAL})"
    return (f"(instr(lower({holder}), ?) > 0 OR {holder} GLOB ?) AND {exact}",
            [run.lower(), f"*[{_ascii_folding()}]*", folded])

