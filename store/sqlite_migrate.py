"""Upgrade of an older SQLite store file (schema versions 1 to 3) to the row layout of version 4.

Versions 1 to 3 kept each event as one JSON document (``doc``) with generated columns over it
and a trigram FTS index on ``message``. Opening such a file copies its events into the version-4
table (govsoc.store.sqlite_layout) a few thousand rows at a time, keeping every event's ``seq``
(rule checkpoints name seqs), then drops the old table, its FTS index and triggers. The copy runs
inside the transaction that opens the store: a crash leaves the old file as it was, and memory
stays bounded whatever the file's size. Alerts and meta are the same in every version.

Stage: store.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from govsoc.core.coercion import coerce_fields
from govsoc.core.event import flatten
from govsoc.store.sqlite_codec import RowCodec
from govsoc.store.sqlite_layout import (
    INDEXES,
    LISTS_INDEX_KEY,
    LISTS_INDEXED,
    LISTS_UNKNOWN,
    ORIGINAL,
    Prepared,
    id_key,
    quote_ident,
    shape_names,
)
from govsoc.store.sqlite_rows import insert_sql, split_fields

__all__ = ["add_list_names", "name_codecs", "resolve_unknown_lists", "upgrade_rows"]

_CHUNK = 5000
_OLD = "events_v3"


def upgrade_rows(db: sqlite3.Connection, codec: RowCodec, statements: list[str]) -> int:
    """Copy a version 1-3 events table into the version-4 layout, inside the caller's
    transaction; ``statements`` are the version-4 schema's statements. Returns the rows copied."""
    for trigger in ("events_fts_insert", "events_fts_delete"):
        db.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    db.execute("DROP TABLE IF EXISTS events_fts")
    old_indexes = [name for (name,) in db.execute(
        "SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'events' AND sql IS NOT NULL")]
    for name in old_indexes:
        db.execute(f"DROP INDEX {quote_ident(name)}")
    db.execute(f"ALTER TABLE events RENAME TO {_OLD}")
    for statement in statements:
        db.execute(statement)
    copied, last = 0, -(2**63)
    while True:
        rows = db.execute(f"SELECT seq, id, ts, dataset, doc FROM {_OLD} WHERE seq > ? ORDER BY seq LIMIT {_CHUNK}",
                          (last,)).fetchall()
        if not rows:
            break
        prepared = [_prepared(row) for row in rows]
        chosen, made = codec.dictionaries(prepared)
        codec.remember(made)  # (if the upgrade is rolled back, nothing of this file is used again)
        groups: dict[int, list[tuple[Any, ...]]] = {}
        for row, (mask, values) in zip(rows, codec.pack(prepared, chosen), strict=True):
            groups.setdefault(mask, []).append((row[0], *values))
        for mask, values_list in groups.items():
            db.executemany(insert_sql(mask, with_seq=True), values_list)
        copied += len(rows)
        last = rows[-1][0]
    db.execute(f"DROP TABLE {_OLD}")
    for statement in INDEXES.values():
        db.execute(statement)
    return copied


def add_list_names(db: sqlite3.Connection) -> int:
    """Bring a version-4 or version-5 events table to version 6, inside the caller's transaction:
    add the ``lists`` column if missing and set it on every row with remaining fields to the names
    of the fields that hold lists there (govsoc_list_names reads each such row's document once;
    version 5 kept a 1/NULL flag, which left lists of objects out). Returns the rows updated."""
    columns = {name for (_, name, *_rest) in db.execute("PRAGMA table_info(events)")}
    if "lists" not in columns:
        db.execute("ALTER TABLE events ADD COLUMN lists INTEGER")
    db.execute("DROP INDEX IF EXISTS events_lists")  # version 5's index had another WHERE
    return int(db.execute(f"UPDATE events SET lists = govsoc_list_names(codec, doc, {ORIGINAL}) "
                          "WHERE doc IS NOT NULL").rowcount)


def name_codecs(db: sqlite3.Connection, codec: RowCodec) -> int:
    """Give the codecs of a version 4-6 file (or ones an older govsoc still running made after
    the upgrade) the names of their shape, read from one row deflated against each (a
    dictionary serves one shape: RowCodec.dictionaries), inside the caller's transaction; a
    codec no row uses keeps none. Returns how many were named."""
    columns = {name for (_, name, *_rest) in db.execute("PRAGMA table_info(codecs)")}
    if "names" not in columns:
        db.execute("ALTER TABLE codecs ADD COLUMN names TEXT")
    unnamed = {codec_id for (codec_id,) in db.execute("SELECT id FROM codecs WHERE names IS NULL")}
    if not unnamed:
        return 0
    named = 0
    for codec_id, seq in db.execute("SELECT codec, MIN(seq) FROM events WHERE codec IS NOT NULL GROUP BY codec"
                                    ).fetchall():
        if codec_id in unnamed:
            doc, original = db.execute(f"SELECT doc, {ORIGINAL} FROM events WHERE seq = ?", (seq,)).fetchone()
            names = shape_names(tuple(codec.remaining(codec_id, doc, original)))
            named += db.execute("UPDATE codecs SET names = ? WHERE id = ?", (names, codec_id)).rowcount
    return named


def resolve_unknown_lists(db: sqlite3.Connection) -> int:
    """Set the ``lists`` value of rows an older govsoc inserted after the upgrade (marked
    LISTS_UNKNOWN by the trigger of govsoc.store.sqlite_layout.TRIGGERS), inside the caller's
    transaction; found through the lists index (which a first version-7 file had keyed on the
    column: it is made again). Returns how many there were."""
    changed = db.execute("SELECT sql FROM sqlite_schema WHERE type = 'index' AND name = 'events_lists'").fetchone()
    if changed is not None and LISTS_INDEX_KEY not in changed[0]:  # (as the first version-7 files had it)
        db.execute("DROP INDEX events_lists")
        db.execute(INDEXES["events_lists"])
    return int(db.execute(f"UPDATE events SET lists = govsoc_list_names(codec, doc, {ORIGINAL}) "
                          f"WHERE {LISTS_INDEXED} AND lists = ?", (LISTS_UNKNOWN,)).rowcount)


def _prepared(row: tuple[Any, ...]) -> Prepared:
    """An old row as the version-4 write path prepares an event. Its values are coerced again:
    a no-op for version 3, which coerced at write, and the canonical forms for older rows (rule
    prefilters compare addresses as canonical text). @timestamp, event.id and event.dataset are
    the row's own columns."""
    _seq, event_id, ts, dataset, doc = row
    flat = dict(flatten(json.loads(doc)))
    for name in ("@timestamp", "event.id", "event.dataset"):
        flat.pop(name, None)
    fields = coerce_fields(flat)
    return (id_key(str(event_id)), int(ts), str(dataset), *split_fields(fields))
