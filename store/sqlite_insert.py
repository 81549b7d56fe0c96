"""The SQLite store's inserts (store/sqlite.py): events split, deflated against the compression
dictionaries of their shapes and inserted, here or for the writer process (store/sqlite_writer.py)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from typing import Any

from govsoc.core.errors import Location, StoreError
from govsoc.core.event import Event, format_timestamp
from govsoc.store.base import WriteReceipt
from govsoc.store.sqlite_connection import SqliteConnection
from govsoc.store.sqlite_layout import Prepared
from govsoc.store.sqlite_rows import insert_sql, prepare, rows_of

_BATCH = 5000


class SqliteInserts(SqliteConnection):
    """Rows inserted: a write's batches here, or another process's chunks held until it commits."""

    _held: Held

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
        self._held = Held()
        return WriteReceipt(created=held.created, duplicates=held.rows - held.created, rejected=tuple(held.rejected))

    def discard_held(self) -> None:
        """Roll back the chunks :meth:`insert_unstored` inserted since its last commit (their
        write failed), and forget the dictionaries they made."""
        held, self._held = self._held, Held()
        if self._db.in_transaction:  # after "disk full" SQLite has rolled back already
            self._db.execute("ROLLBACK")
        self._codec.forget(held.made)

    def _insert(self, batch: list[Prepared]) -> WriteReceipt:
        held = Held(batch=batch)
        self._pack_held(held)
        return self._insert_held(held)

    def _pack_held(self, held: Held | None = None) -> None:
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

    def _insert_held(self, held: Held) -> WriteReceipt:
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


class Held:
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
