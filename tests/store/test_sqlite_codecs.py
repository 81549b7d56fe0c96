"""Compression dictionaries (the SQLite store's ``codecs`` table) are pruned after retention:
the ones no remaining event names go, the events left read back whole, and a writer that still
caches a pruned dictionary (this connection's or another process's) makes a new one instead of
naming a deleted row."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from govsoc.core.event import Event, make_id
from govsoc.store.base import Query
from govsoc.store.sqlite import SqliteStore

OLD = datetime(2026, 1, 5, tzinfo=UTC)  # a Monday, weeks before NEW
NEW = datetime(2026, 3, 4, tzinfo=UTC)


def events(start: int, count: int, at: datetime) -> list[Event]:
    """sshd-like events with fields outside the columns (so each row names a dictionary)."""
    return [Event(id=make_id("codecs", n), timestamp=at + timedelta(seconds=n), dataset="test.codecs",
                  fields={"message": f"Failed password for u{n}", "host.name": "h1", "process.pid": n,
                          "log.file.path": "/var/log/auth.log", "event.category": ["authentication"]})
            for n in range(start, start + count)]


def codec_ids(path: Path) -> set[int]:
    db = sqlite3.connect(path)
    try:
        return {row[0] for row in db.execute("SELECT id FROM codecs")}
    finally:
        db.close()


def named(path: Path) -> set[int]:
    db = sqlite3.connect(path)
    try:
        return {row[0] for row in db.execute("SELECT DISTINCT codec FROM events WHERE codec IS NOT NULL")}
    finally:
        db.close()


def documents(store: SqliteStore) -> dict[str, dict[str, object]]:
    found = {}
    for event in store.search(Query()):
        doc = event.to_document()
        doc["event"].pop("ingested")
        found[event.id] = doc
    return found


def test_retention_prunes_the_dictionaries_no_event_names(tmp_path: Path) -> None:
    path = tmp_path / "events.db"
    store, other = SqliteStore(path, writer_process=False), SqliteStore(path, writer_process=False)
    try:
        store.write(events(0, 200, OLD))  # a dictionary of its own (a shape common in the batch)
        other.write(events(1000, 10, OLD))  # the other connection caches the same shape's dictionary
        old_codecs = codec_ids(path)
        store.write(events(2000, 200, NEW))
        kept = documents(store)
        assert store.delete_before(NEW - timedelta(days=7)) == 210
        # every dictionary no event names is gone but the newest (ids are never reused)
        assert codec_ids(path) == named(path) | {max(codec_ids(path))}
        assert not old_codecs & codec_ids(path)
        assert documents(store) == {k: v for k, v in kept.items() if k in {e.id for e in events(2000, 200, NEW)}}
        # a few events of the shape through each connection: a shape rare in its batch reuses a
        # cached dictionary, never a pruned one
        store.write(events(3000, 10, NEW))
        other.write(events(4000, 10, NEW))
        assert named(path) <= codec_ids(path)
        assert len(documents(store)) == 220
        assert not old_codecs & named(path)
    finally:
        store.close()
        other.close()


def test_pruning_an_emptied_store_keeps_the_newest_dictionary(tmp_path: Path) -> None:
    path = tmp_path / "events.db"
    store = SqliteStore(path, writer_process=False)
    try:
        store.write(events(0, 100, OLD))
        store.write(events(100, 100, OLD))
        newest = max(codec_ids(path))
        store.delete_before(NEW)
        assert codec_ids(path) == {newest}
        store.write(events(200, 5, NEW))
        assert named(path) <= codec_ids(path)
        assert len(documents(store)) == 5
    finally:
        store.close()
