"""The SQLite store's event reads (store/sqlite.py): a Query as a WHERE clause, pages read by
keyset, counts, aggregations (store/sqlite_aggs.py) and the delete count read with them."""

from __future__ import annotations

import contextlib
import re
import secrets
import sqlite3
from collections.abc import Callable, Collection, Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any

from govsoc.core.caseless import fold
from govsoc.core.coercion import clean_text
from govsoc.core.errors import Location, StoreError
from govsoc.core.event import Event
from govsoc.store import deleted
from govsoc.store.base import Bucket, Group, Query, Target
from govsoc.store.sqlite_aggs import (
    alert_where,
    cardinality_sql,
    groups_sql,
    histogram_sql,
    read_groups,
    read_histogram,
)
from govsoc.store.sqlite_ahead import Execute, ReadAhead
from govsoc.store.sqlite_batch import search_many
from govsoc.store.sqlite_codec import register_layout_functions
from govsoc.store.sqlite_connection import SqliteConnection
from govsoc.store.sqlite_functions import register_functions
from govsoc.store.sqlite_layout import ID_TEXT, JSON_FUNCTION, SELECT, field_call, id_key, micros
from govsoc.store.sqlite_query import Wildcard, column_sql, keyword_sql, shaped_sql, terms_sql
from govsoc.store.sqlite_regexp import query_error

#: Ingest ranges up to this many events are read by seq (see SqliteStore._where).
_NARROW_RANGE = 100_000
#: Rows per page of a search (one read statement each).
_PAGE = 2000


def fresh_count() -> str:
    """A count to restart a damaged delete count from: random below 10**17, so that a pass
    holding a count read before the damage does not meet it again after a few deletes."""
    return str(secrets.randbelow(10**17))


class SqliteReads(SqliteConnection):
    """Events found, paged, counted and aggregated."""

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
                    "UPDATE meta SET value = ? WHERE key = 'deletes' AND value IS ?", (fresh_count(), row[0])))
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

    def has_field(self, name: str) -> bool:
        """Whether some event holds a value under the field, as Elasticsearch indexes one: its
        column, or in a document a value that is not an object, or a list with an element that is
        neither an object nor empty (R50c-5: an object's name, ``kubernetes.audit``, answered a
        silent 0 where Elasticsearch refused it; R53c-3: a list of objects, ``dns.answers``). Only
        the rows whose codec's shape names the field or a parent of it are read, till the first
        that holds one (R53c-1: an object's name read every row below it): a name with nothing
        but fields below it costs the codecs' catalogue."""
        column = column_sql(name)
        if column is not None:
            sql = f"SELECT 1 FROM events WHERE {column} IS NOT NULL LIMIT 1"
        else:
            value = field_call(JSON_FUNCTION, name)
            scalar = "e.type NOT IN ('object', 'array', 'null')"
            sql = (f"SELECT 1 FROM events WHERE {shaped_sql(name, below=False)} AND json_type({value}) <> 'object' "
                   f"AND EXISTS (SELECT 1 FROM json_each({value}) AS e WHERE {scalar}) LIMIT 1")
        return self._execute(sql, []).fetchone() is not None

    def field_names(self) -> list[str]:
        """The names of the stored documents' shapes (each codec's ``names``, |name|name|)."""
        rows = self._execute("SELECT names FROM codecs WHERE names IS NOT NULL", []).fetchall()
        return sorted({name for (names,) in rows for name in str(names).split("|") if name})

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

    def reading_ahead(self) -> ReadAhead:
        """The connection that runs a detection pass's next statement ahead of it, on a thread
        of its own (govsoc.store.sqlite_ahead), opened on first use and closed by :meth:`close`."""
        if self._ahead is None:
            self._ahead = ReadAhead(self.path, _prepare_reader)
        return self._ahead


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


def _text_sql(text: str) -> tuple[str, list[Any]]:
    """``Query.text`` as SQL: the phrase found where a Sigma keyword is (keyword_sql: the message
    or the raw record, caselessly by govsoc.core.caseless, a JSON record's escapes decoded), so
    that `govsoc events --text` and a keyword rule agree (R49a-2). The phrase is literal: it is
    one pattern without wildcards, whose native prefilter comes first. A NUL is looked for as
    stores keep it (coercion.clean_text: U+FFFD; SQL text cannot hold a NUL, R50c-8)."""
    text = clean_text(text)
    return keyword_sql(re.escape(fold(text)), [[Wildcard.MANY, text, Wildcard.MANY]]), []