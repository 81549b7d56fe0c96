"""The embedded event store: one SQLite file in WAL mode, no server.

Each event is kept whole as JSON (``doc``); the fields that rules and reports query most
(govsoc.core.ecs.HOT) are generated columns over that JSON, and those with many distinct values
(ecs.INDEXED) have partial indexes. A column per field would run into SQLite's 2,000-column limit
on real, mixed data; generated columns keep the one-document model and still give indexed lookups.
Every other field is read with json_each, which also gives ECS arrays "any element matches"
semantics, the same as Elasticsearch. ``message`` has a trigram FTS5 index, so text search is a
substring match, case-insensitive.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, TypeVar

from govsoc.core.alert import Alert, AlertReceipt, TriageChange, keep_triage
from govsoc.core.coercion import clean_text, stored_document
from govsoc.core.ecs import HOT, INDEXED, NUMERIC_TYPES, field_type
from govsoc.core.errors import Location, StoreError
from govsoc.core.event import Event, format_timestamp
from govsoc.store.base import Bucket, Query, Scalar, Store, WriteReceipt, week_start
from govsoc.store.registry import stores
from govsoc.store.sqlite_batch import search_many
from govsoc.store.sqlite_query import (
    column_sql,
    create_query_indexes,
    json_path_sql,
    quote_ident,
    register_functions,
)

#: Version 2: the FTS delete trigger skips events without a message (version 1 corrupted the
#: index when retention deleted them), so version 1 files get their FTS index rebuilt on open.
#: Version 3: only ecs.INDEXED fields are indexed, with partial indexes (the store was 15x its log).
SCHEMA_VERSION = 3
_T = TypeVar("_T")
_BATCH = 5000
#: Ingest ranges up to this many events are read by seq (see SqliteStore._where).
_NARROW_RANGE = 100_000
_ALERT_BATCH = 500
#: Rows per retention transaction: the write lock is never held long.
#: Rows per page of a search (one read statement each).
_PAGE = 2000
_DELETE_CHUNK = 2000
#: How long one statement waits for the write lock, and how long a write keeps retrying it
#: (each retry restarts the whole, idempotent, batch) before it gives up with a StoreError.
_BUSY_MS = 5000
_RETRY_SECONDS = 300.0

_TABLES = """
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    ts INTEGER NOT NULL,
    dataset TEXT NOT NULL,
    doc TEXT NOT NULL,
    message TEXT GENERATED ALWAYS AS (json_extract(doc, '$.message')) VIRTUAL
);
CREATE INDEX IF NOT EXISTS events_ts ON events (ts, id);
CREATE INDEX IF NOT EXISTS events_dataset_ts ON events (dataset, ts);
CREATE TABLE IF NOT EXISTS alerts (
    id TEXT PRIMARY KEY,
    rule_id TEXT NOT NULL,
    ts INTEGER NOT NULL,
    doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS alerts_rule_ts ON alerts (rule_id, ts);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

#: The FTS index holds exactly the events that have a message (written by _insert), so the
#: delete trigger must skip the others: an FTS5 'delete' of a row it never indexed corrupts it.
_FTS = """
CREATE VIRTUAL TABLE IF NOT EXISTS events_fts USING fts5(
    message, content='events', content_rowid='seq', tokenize='trigram');
DROP TRIGGER IF EXISTS events_fts_insert;
DROP TRIGGER IF EXISTS events_fts_delete;
CREATE TRIGGER events_fts_delete AFTER DELETE ON events WHEN old.message IS NOT NULL BEGIN
    INSERT INTO events_fts (events_fts, rowid, message) VALUES ('delete', old.seq, old.message);
END;
"""


def _statements(script: str) -> Iterator[str]:
    """The statements of a script, one by one (executescript would commit the transaction)."""
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            yield pending.strip()
            pending = ""


def micros(ts: datetime) -> int:
    """Microseconds since the epoch, the ``ts`` column's unit."""
    delta = ts.astimezone(UTC) - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def field_sql(field: str) -> str | None:
    """The column expression of a field with one value per event, or None when the field must
    be read with json_each (not a generated column, possibly an array)."""
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
class SqliteStore(Store):
    """Events and alerts in one SQLite file."""

    kind = "sqlite"

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False,
                                       timeout=_BUSY_MS / 1000)
            self._db.execute(f"PRAGMA busy_timeout={_BUSY_MS}")
            self._retrying(lambda: self._db.execute("PRAGMA journal_mode=WAL"))
            self._db.execute("PRAGMA synchronous=NORMAL")
            # 64 MiB of page cache: the indexes of a large store stay in memory while it grows.
            self._db.execute("PRAGMA cache_size=-65536")
            register_functions(self._db)
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
            for statement in _statements(_TABLES):
                self._db.execute(statement)
            if 0 < found < 2:
                # Version 1 deleted unindexed rows from the FTS index, which may be corrupt:
                # rebuild it from the events (one pass over the store, once).
                self._db.execute("DROP TABLE IF EXISTS events_fts")
            for statement in _statements(_FTS):
                self._db.execute(statement)
            if 0 < found < 2:
                self._db.execute("INSERT INTO events_fts (rowid, message) SELECT seq, message FROM events "
                                 "WHERE message IS NOT NULL")
            self._add_hot_columns()
            self._db.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))

    def _schema_version(self) -> int:
        """The version of an existing file; 0 for a new one (no meta table yet)."""
        has_meta = self._db.execute("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'meta'").fetchone()
        if not has_meta:
            has_events = self._db.execute(
                "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'events'").fetchone()
            return 1 if has_events else 0
        row = self._db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        try:
            return int(row[0]) if row else 1
        except ValueError:
            raise StoreError(f"unreadable schema version {row[0]!r} in the store's meta table",
                             location=Location(path=str(self.path))) from None

    def _add_hot_columns(self) -> None:
        # Generated columns can be added to an existing table, so a newer HOT list upgrades
        # an older file in place; they take no space, only their indexes do.
        present = {row[1] for row in self._db.execute("PRAGMA table_xinfo(events)")}
        affinity = {"long": "INTEGER", "float": "REAL", "boolean": "INTEGER"}
        for name in HOT:
            if name in present:
                continue
            column = quote_ident(name)
            sql_type = affinity.get(field_type(name), "TEXT")
            self._db.execute(
                f"ALTER TABLE events ADD COLUMN {column} {sql_type} "
                f"GENERATED ALWAYS AS (json_extract(doc, {json_path_sql(name)})) VIRTUAL")
        wanted = {"events_" + name.replace(".", "_"): name for name in INDEXED}
        # Version 2 indexed every HOT field in full: drop those indexes (only those).
        for index in ("events_" + name.replace(".", "_") for name in HOT):
            sql = self._index_sql(index)
            if sql and (index not in wanted or "WHERE" not in sql):
                self._db.execute(f"DROP INDEX {quote_ident(index)}")
        for index, name in wanted.items():
            # Partial: "col = ?" and "col IN (...)" imply "col IS NOT NULL", so SQLite uses it.
            column = quote_ident(name)
            self._db.execute(f"CREATE INDEX IF NOT EXISTS {quote_ident(index)} ON events ({column}) "
                             f"WHERE {column} IS NOT NULL")
        create_query_indexes(self._db)  # the folded-value indexes rule prefilters use

    def _index_sql(self, index: str) -> str:
        row = self._db.execute("SELECT sql FROM sqlite_schema WHERE type = 'index' AND name = ?", (index,)).fetchone()
        return str(row[0] or "") if row else ""

    # -- writing -----------------------------------------------------------------------------
    def write(self, events: Iterable[Event]) -> WriteReceipt:
        """Insert events in batches; ids already present are counted as duplicates. Values are
        coerced to their ECS types and stamped with ``event.ingested`` (govsoc.core.coercion)."""
        receipt = WriteReceipt()
        batch: list[tuple[str, int, str, str]] = []
        rejected: list[tuple[str, str]] = []
        ingested = format_timestamp(datetime.now(UTC))
        for event in events:
            try:
                doc = json.dumps(stored_document(event, ingested=ingested), ensure_ascii=False,
                                 separators=(",", ":"))
            except (TypeError, ValueError) as e:
                rejected.append((event.id, f"not storable: {e}"))
                continue
            batch.append((clean_text(event.id), micros(event.timestamp), clean_text(event.dataset), doc))
            if len(batch) >= _BATCH:
                receipt += self._insert(batch)
                batch = []
                ingested = format_timestamp(datetime.now(UTC))
        if batch:
            receipt += self._insert(batch)
        return receipt + WriteReceipt(rejected=tuple(rejected))

    def _insert(self, rows: list[tuple[str, int, str, str]]) -> WriteReceipt:
        def attempt() -> int:
            with self._transaction():
                last = self._db.execute("SELECT COALESCE(MAX(seq), 0) FROM events").fetchone()[0]
                created = self._db.executemany(
                    "INSERT OR IGNORE INTO events (id, ts, dataset, doc) VALUES (?, ?, ?, ?)", rows).rowcount
                # The batch's messages go to the FTS index in one statement: three times faster
                # than a per-row trigger (measured by bench/store.py). New rows are exactly those
                # above the previous largest seq.
                self._db.execute("INSERT INTO events_fts (rowid, message) SELECT seq, message FROM events "
                                 "WHERE seq > ? AND message IS NOT NULL", (last,))
            return int(created)

        try:
            created = self._retrying(attempt)
        except sqlite3.Error as e:
            raise StoreError(f"write failed: {e}", location=Location(path=str(self.path))) from e
        return WriteReceipt(created=created, duplicates=len(rows) - created)

    def delete(self, ids: Collection[str]) -> int:
        """Remove events by id (the FTS rows go with them through the delete trigger)."""
        wanted = list(ids)

        def attempt() -> int:
            count = 0
            with self._transaction():
                for start in range(0, len(wanted), 500):
                    chunk = wanted[start:start + 500]
                    count += self._db.execute(
                        f"DELETE FROM events WHERE id IN ({','.join('?' * len(chunk))})", chunk).rowcount
            return count

        try:
            deleted = self._retrying(attempt)
        except sqlite3.Error as e:
            raise StoreError(f"delete failed: {e}", location=Location(path=str(self.path))) from e
        return deleted

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
            column = field_sql(name)
            if column is not None:
                clauses.append(f"{column} IN ({marks})")
            else:
                clauses.append(f"EXISTS (SELECT 1 FROM json_each(events.doc, {json_path_sql(name)}) "
                               f"WHERE json_each.value IN ({marks}))")
            params.extend(sql_literal(name, v) for v in values)
        if query.text:
            if len(query.text) >= 3:
                clauses.append("seq IN (SELECT rowid FROM events_fts WHERE events_fts MATCH ?)")
                params.append('"' + query.text.replace('"', '""') + '"')
            else:  # the trigram index needs three characters
                clauses.append("lower(message) LIKE lower(?) ESCAPE '\\'")
                params.append("%" + query.text.replace("\\", "\\\\").replace("%", "\\%")
                              .replace("_", "\\_") + "%")
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

    def _execute(self, sql: str, params: list[Any]) -> sqlite3.Cursor:
        try:
            return self._db.execute(sql, params)
        except sqlite3.Error as e:
            raise StoreError(f"query failed: {e}", location=Location(path=str(self.path))) from e

    def search(self, query: Query) -> Iterator[Event]:
        """Matching events in time order (then id)."""
        # Read in pages, each a statement of its own (keyset paging on ts, id): a caller that
        # writes while it iterates (detection stores alerts and rule state during a pass) must
        # not hold one read snapshot open across its writes. Under WAL, a connection whose read
        # snapshot is older than another process's commit can never take the write lock, and
        # would wait out its busy timeout and fail ("database is locked").
        where, params = self._where(query)
        direction = "DESC" if query.order == "desc" else "ASC"
        after = "<" if query.order == "desc" else ">"
        table = self._table(query)
        left = query.limit
        last: tuple[int, str] | None = None
        while left is None or left > 0:
            size = _PAGE if left is None else min(_PAGE, left)
            clauses, values = where, list(params)
            if last is not None:
                clauses = (f"{where} AND" if where else " WHERE") + f" (ts, id) {after} (?, ?)"
                values.extend(last)
            sql = (f"SELECT ts, id, doc FROM {table}{clauses} ORDER BY ts {direction}, id {direction} "
                   f"LIMIT {int(size)}")
            rows = self._execute(sql, values).fetchall()
            for _ts, _id, doc in rows:
                yield Event.from_document(json.loads(doc))
            if len(rows) < size:
                return
            last = (rows[-1][0], rows[-1][1])
            if left is not None:
                left -= len(rows)

    def search_many(self, queries: Sequence[Query]) -> list[Iterator[Event]]:
        """The events of each query; queries that would each scan the same rows share one scan
        (govsoc.store.sqlite_batch)."""
        return search_many(self, queries)

    def count(self, query: Query) -> int:
        """How many events match."""
        where, params = self._where(query)
        return int(self._execute(f"SELECT COUNT(*) FROM {self._table(query)}{where}", params).fetchone()[0])

    def aggregate(self, query: Query, field: str, size: int = 10) -> list[Bucket]:
        """Most frequent values of ``field``; ties are broken by the value."""
        where, params = self._where(query)
        column = field_sql(field)
        if column is not None:
            sql = (f"SELECT {column} AS k, COUNT(*) AS c FROM events{where} "
                   f"{'AND' if where else 'WHERE'} {column} IS NOT NULL")
        else:
            sql = (f"SELECT je.value AS k, COUNT(DISTINCT events.seq) AS c FROM events, "
                   f"json_each(events.doc, {json_path_sql(field)}) AS je{where} "
                   f"{'AND' if where else 'WHERE'} je.value IS NOT NULL")
        sql += f" GROUP BY k ORDER BY c DESC, k ASC LIMIT {int(size)}"
        return [Bucket(key=k, count=int(c)) for k, c in self._execute(sql, params)]

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
        except sqlite3.Error as e:
            raise StoreError(f"retention failed after {dropped} events: {e}",
                             location=Location(path=str(self.path))) from e
        return dropped

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
                    marks = ", ".join("?" for _ in chunk)
                    dropped += int(self._db.execute(f"DELETE FROM alerts WHERE id IN ({marks})", chunk).rowcount)
            return dropped

        try:
            return self._retrying(delete) if wanted else 0
        except sqlite3.Error as e:
            raise StoreError(f"alert delete failed: {e}", location=Location(path=str(self.path))) from e

    def write_alerts(self, alerts: Iterable[Alert]) -> AlertReceipt:
        """Upsert alerts by id, keeping stored triage fields (see Store.write_alerts)."""
        latest = list({a.id: a for a in alerts}.values())  # an id given twice: the last one counts
        receipt = AlertReceipt()
        for start in range(0, len(latest), _ALERT_BATCH):
            receipt += self._upsert_alerts(latest[start:start + _ALERT_BATCH])
        return receipt

    def _upsert_alerts(self, batch: list[Alert]) -> AlertReceipt:
        try:
            return self._retrying(lambda: self._upsert_transaction(batch))
        except sqlite3.Error as e:
            raise StoreError(f"alert write failed: {e}", location=Location(path=str(self.path))) from e

    def _upsert_transaction(self, batch: list[Alert]) -> AlertReceipt:
        created = updated = unchanged = 0
        with self._transaction():
            ids = sorted({a.id for a in batch})
            marks = ", ".join("?" for _ in ids)
            stored: dict[str, str] = dict(self._db.execute(
                f"SELECT id, doc FROM alerts WHERE id IN ({marks})", ids).fetchall())
            for alert in batch:
                old = stored.get(alert.id)
                if old is None:
                    self._db.execute("INSERT INTO alerts VALUES (?, ?, ?, ?)",
                                     (alert.id, alert.rule_id, micros(alert.start), alert_json(alert.to_document())))
                    created += 1
                    continue
                doc = alert_json(keep_triage(alert.to_document(), json.loads(old)))
                if doc == old or doc == alert_json(json.loads(old)):  # (rows of older versions: not canonical)
                    unchanged += 1
                else:
                    self._db.execute("UPDATE alerts SET rule_id = ?, ts = ?, doc = ? WHERE id = ?",
                                     (alert.rule_id, micros(alert.start), doc, alert.id))
                    updated += 1
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
                self._db.execute("UPDATE alerts SET doc = ? WHERE id = ?",
                                 (alert_json(changed.to_document()), alert_id))
            return changed

        try:
            return self._retrying(attempt)
        except sqlite3.Error as e:
            raise StoreError(f"alert update failed: {e}", location=Location(path=str(self.path))) from e

    def alerts(self, *, rule_id: str | None = None, start: datetime | None = None,
               end: datetime | None = None, limit: int | None = None,
               order: Literal["asc", "desc"] = "asc") -> Iterator[Alert]:
        """Stored alerts by start time then id."""
        clauses, params = [], []
        for sql, value in (("rule_id = ?", rule_id),
                           ("ts >= ?", micros(start) if start else None),
                           ("ts < ?", micros(end) if end else None)):
            if value is not None:
                clauses.append(sql)
                params.append(value)
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        direction = "DESC" if order == "desc" else "ASC"
        sql = f"SELECT doc FROM alerts{where} ORDER BY ts {direction}, id {direction}"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        for (doc,) in self._execute(sql, params):
            yield Alert.from_document(json.loads(doc))

    def refresh(self) -> None:
        """Writes are visible at once; this lets the query planner's statistics catch up with
        them (PRAGMA optimize, bounded by analysis_limit: milliseconds), so that rules pick their
        most selective index rather than the first one."""
        try:
            self._db.execute("PRAGMA analysis_limit=1000")
            self._db.execute("PRAGMA optimize=0x10002")
        except sqlite3.Error as e:
            raise StoreError(f"optimize failed: {e}", location=Location(path=str(self.path))) from e

    # -- ingest positions and engine state -----------------------------------------------------
    def position(self) -> str | None:
        """The largest seq stored (seq is the order of arrival)."""
        last = self._execute("SELECT MAX(seq) FROM events", []).fetchone()[0]
        return None if last is None else str(last)

    def get_state(self, key: str) -> dict[str, Any] | None:
        """A state document from the meta table."""
        row = self._execute("SELECT value FROM meta WHERE key = ?", ["state/" + key]).fetchone()
        return None if row is None else dict(json.loads(row[0]))

    def put_state(self, key: str, value: dict[str, Any]) -> None:
        """Write a state document to the meta table."""
        def attempt() -> None:
            with self._transaction():
                self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                                 ("state/" + key, json.dumps(value, ensure_ascii=False)))

        try:  # ingest and retention may hold the write lock: wait as event writes do
            self._retrying(attempt)
        except sqlite3.Error as e:
            raise StoreError(f"state write failed: {e}", location=Location(path=str(self.path))) from e

    def close(self) -> None:
        """Close the database."""
        self._db.close()


def alert_json(doc: Mapping[str, Any]) -> str:
    """The canonical stored text of an alert document (sorted keys), so that equal alerts
    compare equal as text."""
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


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
