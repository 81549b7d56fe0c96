"""How the SQLite store lays an event out in a row (schema version 7; 8 adds alert_events), and how it reads it back.

One row per event, every value stored once:

``seq``
    INTEGER PRIMARY KEY AUTOINCREMENT: the order of arrival, never reused (rule checkpoints and
    ``Query.after``/``until`` are seqs).
``id``
    ``event.id``: the 16 bytes of a 32-hex-digit id (every id govsoc makes), else the text.
    UNIQUE, which is how a duplicate is caught.
``ts``
    ``@timestamp`` in microseconds since the epoch.
``dataset``
    ``event.dataset``.
``"event.original"``
    The raw record, as text.
``lists``
    Which remaining fields hold several values (LISTS_FLAG), so that a condition on a field
    takes the element-by-element path only on rows where that field is a list.
``message_at`` / ``message_len`` / ``message_text``
    ``message``: when it is a part of ``event.original`` (the text after a syslog header) only
    where it starts is kept, and its length when it does not run to the end:
    ``substr("event.original", message_at[, message_len])``; otherwise the text itself.
HOT columns
    Each field of govsoc.core.ecs.HOT in a real column named after it (written at insert, typed
    by its ECS type), so that rules read them without decoding anything.
``codec`` / ``doc``
    Every other field: the flat ``{dotted name: value}`` JSON of the event's remaining fields,
    deflated (raw zlib, 2 KiB window) against a dictionary followed by the row's own
    ``event.original``. The dictionary (table ``codecs``, row ``codec``) is one document of the
    same shape (the same field names) from the same batch, or from an earlier one when the shape
    is rare in the batch; the dictionary's row also keeps the names of its shape (``names``,
    ``|name|name|``), so that a condition on a field no shape of the store has is answered
    without reading a document (govsoc.store.sqlite_query.present_sql). Names, values that
    repeat within a batch (file path, ingest time, categories) and values that repeat the raw
    line (addresses, ports, user names, pids) cost a few bits each: an sshd event's remaining
    340 bytes of JSON take about 30.

A value a column cannot hold exactly (a list, an object or a boolean under a HOT name) is kept
in ``doc`` too, which takes precedence when the event is read back; its column holds what
``json_extract`` gave for it in version 3 (JSON text, 1/0), so SQL over the column means what it
meant. Fields in ``doc`` are read in SQL through deterministic functions registered on every
connection (:func:`register_layout_functions`):

``govsoc_field(codec, doc, original, path, [name, value, ...])``
    The value at a dotted path, as ``json_extract`` on the version-3 document gave it (a scalar,
    the JSON text of a list or object, NULL when absent), except for a boolean: "true"/"false",
    the words Elasticsearch indexes for it, so that Sigma's ``true`` and ``'true'`` mean the same
    on both stores and neither is the number 1. The trailing pairs
    are the column fields under ``path`` (when ``path`` names an object such as ``source``).
``govsoc_json(codec, doc, original, path, [name, value, ...])``
    The same value as JSON text (NULL when absent), for ``json_each``: "any element matches".

Both read a multi-valued field as Elasticsearch indexes it: a path below a list of objects
(``dns.answers.data``) gives the values below each element, nested lists are flattened, nulls
are no values, and a list without values is a missing field (``exists`` false, ``null`` true).

Indexes: ``id`` (unique), ``(ts, dataset)``, partial indexes over the address columns of
ecs.INDEXED (:data:`PLAIN_INDEXED`; rows without the field cost nothing), and the rule backends'
key indexes over its keyword columns (govsoc.store.sqlite_query.QUERY_INDEXES). There is no
full-text index (the trigram index cost twice the raw text): ``Query.text`` scans ``message``
natively with a fold-safe prefilter (see SqliteStore._where).

Rows are built by govsoc.store.sqlite_rows (the write half: coercion, splitting, the INSERT).

Stage: store. Version-1 to version-3 files (one JSON document per row) are copied into this
layout when opened (govsoc.store.sqlite_migrate).
"""

from __future__ import annotations

import functools
import json
import operator
import re
import sqlite3
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Final

import orjson

from govsoc.core.ecs import ARRAYS, HOT, INDEXED, field_type
from govsoc.core.event import Event

__all__ = [
    "ALERT_EVENTS", "ALERT_EVENTS_ALL", "ALERT_EVENTS_OF", "COLUMNS", "FIELD_FUNCTION", "ID_TEXT", "INDEXES",
    "JSON_FUNCTION",
    "LISTS_FLAG", "LISTS_INDEXED", "LISTS_INDEX_KEY", "LISTS_UNKNOWN", "MESSAGE", "NULLABLE_COLUMNS", "ORIGINAL",
    "PLAIN_INDEXED", "RETIRED_INDEXES", "SCHEMA_VERSION", "SELECT", "TABLES", "TIMESTAMP_TEXT", "TRIGGERS",
    "Prepared", "RowCodec", "bound_columns", "column_fields_under", "field_call", "id_key", "id_text", "list_names",
    "list_values", "micros", "quote_ident", "register_layout_functions", "shape_names", "timestamp",
]

SCHEMA_VERSION: Final = 8

FIELD_FUNCTION: Final = "govsoc_field"
JSON_FUNCTION: Final = "govsoc_json"


def quote_ident(name: str) -> str:
    """A double-quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


#: event.original's column, and the native expression of ``message``.
ORIGINAL: Final = quote_ident("event.original")
MESSAGE: Final = (f"coalesce(message_text, iif(message_len IS NULL, substr({ORIGINAL}, message_at), "
                  f"substr({ORIGINAL}, message_at, message_len)))")
#: ``event.id`` as text, whichever way the row holds it (hex of the 16 bytes is the id's text).
ID_TEXT: Final = "iif(typeof(id) = 'blob', lower(hex(id)), id)"
#: The fields outside ecs.ARRAYS that hold several values in this row, as ``|name|name|``
#: (:func:`list_names`; a HOT field's list is in ``doc`` too), ``""`` when none does, NULL for a
#: row without remaining fields (or written before version 6 without a list), LISTS_UNKNOWN for
#: a row an older govsoc inserted after the upgrade (set by a trigger; resolved when the store is
#: next opened): what lets a condition on a field ask "one value or several?" natively, and only
#: rows holding a list under *that* field take the slower path.
LISTS_FLAG: Final = "events.lists"
LISTS_UNKNOWN: Final = "|*|"
#: The key of the lists index (INDEXES), and the rows holding a list as it serves them (an
#: equality on its first expression).
LISTS_INDEX_KEY: Final = "((lists > ''), lists)"
LISTS_INDEXED: Final = f"(({LISTS_FLAG} > '') = 1 AND {LISTS_FLAG} > '')"
#: The arguments that locate a row's remaining fields, for the functions above.
_DOC_ARGS: Final = f"events.codec, events.doc, events.{ORIGINAL}"

_AFFINITY: Final = {"long": "INTEGER", "float": "REAL", "boolean": "INTEGER"}
#: HOT field -> its column's declared type.
COLUMNS: Final[dict[str, str]] = {name: _AFFINITY.get(field_type(name), "TEXT") for name in HOT}

TABLES: Final = f"""
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id BLOB NOT NULL,
    ts INTEGER NOT NULL,
    dataset TEXT NOT NULL,
    {ORIGINAL} TEXT,
    message_at INTEGER,
    message_len INTEGER,
    message_text TEXT,
    lists INTEGER,
    {", ".join(f"{quote_ident(name)} {kind}" for name, kind in COLUMNS.items())},
    codec INTEGER,
    doc BLOB
);
CREATE TABLE IF NOT EXISTS codecs (id INTEGER PRIMARY KEY, zdict BLOB NOT NULL, names TEXT);
CREATE TABLE IF NOT EXISTS alerts (
    id TEXT PRIMARY KEY,
    rule_id TEXT NOT NULL,
    ts INTEGER NOT NULL,
    doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS alerts_rule_ts ON alerts (rule_id, ts);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

#: Event id -> the alerts resting on it (V12 F8): Store.delete asks which alerts rest on the
#: events it deleted, and a scan of every alert's "event.ids" took 0.5-0.75 s at 100,000 alerts,
#: per call. Kept by the store's own alert writes and deletes, not by triggers: a trigger
#: parses each alert document again (evidence and all) and made an alert write 3 to 5 times
#: slower; schema version 8 keeps an older govsoc, which would not keep it, off the file.
ALERT_EVENTS: Final = """CREATE TABLE IF NOT EXISTS alert_events (
    event_id TEXT NOT NULL,
    alert_id TEXT NOT NULL,
    PRIMARY KEY (event_id, alert_id)
) WITHOUT ROWID"""
#: The alert_events rows of the alerts ``{where}`` (a WHERE clause) selects, found by their key
#: (a statement that deletes them runs before the alerts go).
ALERT_EVENTS_OF: Final = """(event_id, alert_id) IN (
    SELECT ids.value, alerts.id FROM alerts, json_each(alerts.doc) AS keys, json_each(keys.value) AS ids
    {where} AND keys.key IN ('event.ids', 'alert.matched'))"""
#: Every alert_events row of every alert (a file made before the table is filled so).
ALERT_EVENTS_ALL: Final = """SELECT ids.value, alerts.id FROM alerts, json_each(alerts.doc) AS keys,
    json_each(keys.value) AS ids WHERE keys.key IN ('event.ids', 'alert.matched')"""

#: The fields of ecs.INDEXED with an index on their column: the addresses (canonical text, so
#: that the plain index serves exact values and a rule's |cidr ranges). The keyword fields of
#: ecs.INDEXED are indexed by their key alone (govsoc.store.sqlite_query.QUERY_INDEXES, partial
#: on the same "IS NOT NULL"), which serves every condition the store and the rule backend write
#: on them: a rule's equality, prefix or list of values (caseless or cased), and a scan of the
#: rows that hold the field (a report's top values). An index on the column beside it served
#: none of them and cost about 5 us and 12 bytes an event (issue 11).
PLAIN_INDEXED: Final[tuple[str, ...]] = tuple(name for name in INDEXED if field_type(name) == "ip")
#: Indexes earlier versions made that this one drops when it opens a file (an older govsoc that
#: opens it makes them again: they change no answer, only what a write costs).
RETIRED_INDEXES: Final[tuple[str, ...]] = tuple(
    f"events_{name.replace('.', '_')}" for name in INDEXED if name not in PLAIN_INDEXED)

#: Index name -> its definition (created after a version-3 file's rows are copied).
INDEXES: Final[dict[str, str]] = {
    "events_id": "CREATE UNIQUE INDEX IF NOT EXISTS events_id ON events (id)",
    # Time order, with the dataset beside it: a dataset's events in a time range are found in
    # this index without a second index of their own (which cost 30 bytes an event).
    "events_ts": "CREATE INDEX IF NOT EXISTS events_ts ON events (ts, dataset)",
    # Partial: "col = ?" and "col IN (...)" imply "col IS NOT NULL", so SQLite uses them.
    **{f"events_{name.replace('.', '_')}": f"CREATE INDEX IF NOT EXISTS events_{name.replace('.', '_')} ON events "
       f"({quote_ident(name)}) WHERE {quote_ident(name)} IS NOT NULL" for name in PLAIN_INDEXED},
    # The few rows holding a list outside ecs.ARRAYS (LISTS_FLAG; every non-empty text sorts
    # after ''): a rule prefilter's "... OR the row holds a list under this field" is answered from
    # here, beside a field's own index. Keyed on the expression (lists > ''), which the prefilter
    # asks as an equality (LISTS_INDEXED): the planner, without statistics, takes a range on
    # ``lists`` for a quarter of the table and would scan it instead of using the index; then on
    # ``lists``, so that "a list under this field" is tested in the index, not in each row.
    "events_lists": f"CREATE INDEX IF NOT EXISTS events_lists ON events {LISTS_INDEX_KEY} WHERE lists > ''",
}

#: Rows inserted without a ``lists`` text (by a govsoc of schema version 4 or 5 still running
#: when the file was upgraded, which does not know the column or writes 1/NULL in it) are marked
#: LISTS_UNKNOWN: a condition then tests the row's value itself, so no list is missed; opening the
#: store resolves the marks (govsoc.store.sqlite_migrate.resolve_unknown_lists). Made only when
#: a version-4 or -5 file is upgraded (a file made by version 6 or later has no such writer); a
#: file that has it keeps it.
TRIGGERS: Final[dict[str, str]] = {
    "events_lists_unknown": f"""CREATE TRIGGER IF NOT EXISTS events_lists_unknown AFTER INSERT ON events
    WHEN NEW.doc IS NOT NULL AND (NEW.lists IS NULL OR typeof(NEW.lists) != 'text')
    BEGIN UPDATE events SET lists = '{LISTS_UNKNOWN}' WHERE seq = NEW.seq; END""",
}

#: Fields held in columns (besides HOT): what the row gives back for them.
_SPECIAL: Final = frozenset({"event.original", "message"})
_HEX_ID = re.compile("[0-9a-f]{32}")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
#: Deflate parameters: a 2 KiB window (the dictionary never needs more), a small hash table.
_WBITS, _LEVEL, _MEMLEVEL = -11, 6, 4
#: A dictionary is one document of a shape, at most this long; a shape gets a new one when a
#: batch has this many documents of it (a dictionary costs its size once, and a fresh one knows
#: the batch's ingest time and file), at most so many new ones a batch; cached dictionaries.
_ZDICT_BYTES, _OWN_ZDICT_ROWS, _MAX_NEW_ZDICTS, _CACHE = 1536, 64, 64, 10_000


def micros(ts: datetime) -> int:
    """Microseconds since the epoch, the ``ts`` column's unit."""
    delta = ts.astimezone(UTC) - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def id_key(event_id: str) -> bytes | str:
    """What the ``id`` column holds for an event id."""
    return bytes.fromhex(event_id) if len(event_id) == 32 and _HEX_ID.fullmatch(event_id) else event_id


def id_text(key: bytes | str) -> str:
    """The event id a stored ``id`` value stands for."""
    return key.hex() if isinstance(key, bytes) else str(key)


def column_fields_under(path: str) -> list[tuple[str, str]]:
    """(field, column expression) of every column-held field below an object path (``source``
    -> source.ip, ...), so that the object can be rebuilt whole."""
    prefix = path + "."
    found = [(name, quote_ident(name)) for name in HOT if name.startswith(prefix)]
    if "event.original".startswith(prefix):
        found.append(("event.original", ORIGINAL))
    if "message".startswith(prefix):
        found.append(("message", MESSAGE))
    for name, column in (("event.id", ID_TEXT), ("event.dataset", "dataset")):
        if name.startswith(prefix):
            found.append((name, column))
    return found


def field_call(function: str, field: str) -> str:
    """``function`` (FIELD_FUNCTION or JSON_FUNCTION) over a field held in ``doc``."""
    pairs = "".join(f", {_literal(name)}, {column}" for name, column in column_fields_under(field))
    return f"{function}({_DOC_ARGS}, {_literal(field)}{pairs})"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


_HOT_COUNT: Final = len(HOT)


#: One encoder for every row (json.dumps with arguments builds a new one per call).
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
#: A run of digits long enough to be an integer beyond 64 bits, which orjson reads as a float.
_LONG_DIGITS = re.compile(rb"[0-9]{19}")


def decode_document(text: bytes) -> dict[str, Any]:
    """A row's remaining fields from their JSON: read by orjson (a third of json's time; every
    event a rule matches is read here), by json where the two would differ: NaN or infinity and
    lone surrogates, which orjson refuses, and integers beyond 64 bits, which orjson reads as
    floats (any run of 19 digits, in a string too, sends the text to json)."""
    if _LONG_DIGITS.search(text) is None:
        try:
            fields: dict[str, Any] = orjson.loads(text)
            return fields
        except orjson.JSONDecodeError:
            pass
    decoded: dict[str, Any] = json.loads(text)
    return decoded


class RowCodec:
    """Encodes events into rows and decodes rows back, for one connection (it caches the
    compression dictionaries of the ``codecs`` table)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db
        self._zdicts: dict[int, bytes] = {}
        self._by_shape: dict[tuple[str, ...], tuple[int, bytes]] = {}
        self._last_key: tuple[Any, ...] | None = None
        self._last_doc: dict[str, Any] = {}
        #: The dotted prefixes of the last document's names (the objects it holds fields of) and
        #: whether it has an object value, made when a lookup first misses on that document.
        self._last_outline: tuple[frozenset[str], bool] | None = None
        #: Documents searched name by name for the fields below a path (what an object lookup
        #: costs); a path no name lies under is answered from the prefixes without that search.
        self.object_scans = 0
        #: Documents decompressed and parsed (what a row read from ``doc`` costs).
        self.decoded = 0

    # -- writing -------------------------------------------------------------------------------
    def dictionaries(self, batch: Sequence[Prepared]) -> tuple[dict[tuple[str, ...], tuple[int, bytes]],
                                                                 dict[tuple[str, ...], tuple[int, bytes]]]:
        """The dictionary each shape (the names of the remaining fields) of a batch is deflated
        against, and those of them made now: the first document of the shape in the batch, when
        the shape is common in it or new to this connection (a row of ``codecs``), else the one
        the shape had last. Runs inside a write transaction; :meth:`remember` the new ones once
        it committed."""
        # below the floor: pruned (SqliteStore.prune_codecs, under this write lock), not reused
        row = self._db.execute("SELECT value FROM meta WHERE key = 'codec_floor'").fetchone()
        floor = int(row[0]) if row else 0
        counts: dict[tuple[str, ...], int] = {}
        first: dict[tuple[str, ...], bytes] = {}
        for item in batch:
            shape = item[7]
            if shape is not None:
                counts[shape] = counts.get(shape, 0) + 1
                if shape not in first:
                    first[shape] = item[6]  # type: ignore[assignment]
        chosen: dict[tuple[str, ...], tuple[int, bytes]] = {}
        made: dict[tuple[str, ...], tuple[int, bytes]] = {}
        for shape, count in sorted(counts.items(), key=lambda kv: -kv[1]):
            known = self._by_shape.get(shape)
            if known is not None and known[0] < floor:
                known = None
            if known is not None and (count < _OWN_ZDICT_ROWS or len(made) >= _MAX_NEW_ZDICTS):
                chosen[shape] = known
            elif len(made) < _MAX_NEW_ZDICTS:
                zdict = first[shape][-_ZDICT_BYTES:]
                codec_id = self._db.execute("INSERT INTO codecs (zdict, names) VALUES (?, ?)",
                                            (bytearray(zdict), shape_names(shape))).lastrowid  # (see _bound)
                assert codec_id is not None
                chosen[shape] = made[shape] = (codec_id, zdict)
        return chosen, made

    def remember(self, made: Mapping[tuple[str, ...], tuple[int, bytes]]) -> None:
        """Keep dictionaries that are committed for the next batches of their shapes."""
        if len(self._by_shape) + len(made) > _CACHE:
            self._by_shape.clear()
        self._by_shape.update(made)
        for codec_id, zdict in made.values():
            self._zdicts[codec_id] = zdict

    def forget(self, made: Mapping[tuple[str, ...], tuple[int, bytes]]) -> None:
        """Drop dictionaries remembered before their transaction committed, once it rolled back."""
        for shape, (codec_id, _) in made.items():
            if self._by_shape.get(shape, (None,))[0] == codec_id:
                del self._by_shape[shape]
            self._zdicts.pop(codec_id, None)

    def pack(self, batch: Sequence[Prepared],
             dictionaries: Mapping[tuple[str, ...], tuple[int, bytes]]) -> list[tuple[int, tuple[Any, ...]]]:
        """(column mask, insert values) of each prepared event, in order: the values for
        :func:`govsoc.store.sqlite_rows.insert_sql` of that mask (:func:`bound_columns`), the
        remaining fields deflated against the dictionary of their shape followed by the row's own
        event.original."""
        out = []
        compressobj = zlib.compressobj
        for key, ts, dataset, head, mask, hot, rest, shape in batch:
            if rest is None:
                row: tuple[Any, ...] = (*head, None, None)
            else:
                codec_id, zdict = dictionaries.get(shape, (None, b""))  # type: ignore[arg-type]
                original = head[0]
                if type(original) is str:
                    zdict += original.encode("utf-8")
                packer = compressobj(_LEVEL, zlib.DEFLATED, _WBITS, _MEMLEVEL, zlib.Z_DEFAULT_STRATEGY, zdict)
                row = (*head, codec_id, bytearray(packer.compress(rest) + packer.flush()))
            bits, present = _bound(tuple(map(type, row)))
            out.append((mask | bits, (bytearray(key) if type(key) is bytes else key, ts, dataset, *present(row), *hot)))
        return out

    # -- reading -------------------------------------------------------------------------------
    def remaining(self, codec: int | None, doc: bytes | None, original: Any) -> dict[str, Any]:
        """The fields a row keeps in ``doc`` (flat names), decoded once per row in a row."""
        if doc is None:
            return {}
        key = (codec, doc, original)
        if key == self._last_key:
            return self._last_doc
        zdict = self._zdicts.get(codec) if codec is not None else b""
        if zdict is None:
            found = self._db.execute("SELECT zdict FROM codecs WHERE id = ?", (codec,)).fetchone()
            if len(self._zdicts) >= _CACHE:
                self._zdicts.clear()
            zdict = self._zdicts[codec] = bytes(found[0]) if found else b""  # type: ignore[index]
        self.decoded += 1
        suffix = original.encode("utf-8") if type(original) is str else b""
        text = zlib.decompressobj(_WBITS, zdict + suffix).decompress(doc)
        fields: dict[str, Any] = decode_document(text)
        self._last_key, self._last_doc, self._last_outline = key, fields, None
        return fields

    def _outline(self, fields: dict[str, Any]) -> tuple[frozenset[str], bool]:
        """Every ``p`` such that some name of ``fields`` starts with ``p + "."``, and whether a
        value of ``fields`` is an object (of the last document decoded, made once for it)."""
        if fields is not self._last_doc:
            return _outline(fields)
        if self._last_outline is None:
            self._last_outline = _outline(fields)
        return self._last_outline

    def field(self, codec: int | None, doc: bytes | None, original: Any, path: str,
              *pairs: Any) -> Any:
        """govsoc_field: the value at ``path`` as json_extract gave it on a version-3 row."""
        found = self._lookup(codec, doc, original, path, pairs)
        if found is _ABSENT or found == []:
            return None
        if isinstance(found, bool):  # the word, as Elasticsearch indexes a boolean in a keyword
            return "true" if found else "false"
        if isinstance(found, list | dict):
            return _dumps(found)
        if isinstance(found, int) and not -(2**63) <= found < 2**63:
            return float(found)
        return found

    def list_names(self, codec: int | None, doc: bytes | None, original: Any) -> str | None:
        """govsoc_list_names: the row's ``lists`` value (:func:`list_names`), for rows written
        before it existed; NULL for a row without remaining fields."""
        return None if doc is None else list_names(self.remaining(codec, doc, original))

    def json(self, codec: int | None, doc: bytes | None, original: Any, path: str, *pairs: Any) -> str | None:
        """govsoc_json: the value at ``path`` as JSON text (for json_each), NULL when absent."""
        found = self._lookup(codec, doc, original, path, pairs)
        return None if found is _ABSENT or found is None or found == [] else _dumps(found)

    def _lookup(self, codec: int | None, doc: bytes | None, original: Any, path: str,
                pairs: Sequence[Any]) -> Any:
        fields = self.remaining(codec, doc, original)
        found = fields.get(path, _ABSENT)
        if found is not _ABSENT:
            return list_values(found) if type(found) is list else found
        holders, objects = self._outline(fields)
        # A field whose value is an object (``winlog.event_data``) or a list of objects
        # (Suricata's ``dns.answers``) holds the path's parents (looked for only in documents
        # that have such a value).
        parts = path.split(".") if objects else []
        for cut in range(len(parts) - 1, 0, -1):
            node = fields.get(".".join(parts[:cut]), _ABSENT)
            if type(node) is dict or type(node) is list:
                found = _descend(node, parts[cut:])
                if found is not _ABSENT:
                    return found
        # ``path`` names an object: rebuilt from every field below it, as the document nested it.
        # Most misses are a field the row does not have at all (a Windows channel on a web log):
        # no name lies under ``path`` and no column field below it has a value.
        if path not in holders and not any(
                pairs[i + 1] is not None and pairs[i] not in fields for i in range(0, len(pairs), 2)):
            return _ABSENT
        self.object_scans += 1
        prefix = path + "."
        below = [(name, value) for name, value in fields.items() if name.startswith(prefix)]
        below += [(pairs[i], pairs[i + 1]) for i in range(0, len(pairs), 2)
                  if pairs[i + 1] is not None and pairs[i] not in fields]
        if not below:
            return _ABSENT
        nested: dict[str, Any] = {}
        for name, value in below:
            *parents, leaf = name[len(prefix):].split(".")
            node = nested
            for part in parents:
                child = node.setdefault(part, {})
                node = child if isinstance(child, dict) else {}
            node[leaf] = value
        return nested

    def event(self, row: Sequence[Any]) -> Event:
        """The event of a row read with :data:`SELECT` (the document as written, coerced)."""
        key, ts, dataset, original, message_at, message_len, message_text = row[:7]
        fields: dict[str, Any] = {}
        if original is not None:
            fields["event.original"] = original
        if message_text is not None:
            fields["message"] = message_text
        elif message_at is not None and original is not None:
            fields["message"] = original[message_at - 1:None if message_len is None else message_at - 1 + message_len]
        for name, value in zip(HOT, row[7:7 + _HOT_COUNT], strict=True):
            if value is not None:
                fields[name] = value
        rest = self.remaining(row[7 + _HOT_COUNT], row[8 + _HOT_COUNT], original)
        for name, value in rest.items():
            if isinstance(value, dict) and value:
                fields.pop(name, None)
                fields.update(_flatten(value, name + "."))
            else:
                fields[name] = value
        return Event(id=id_text(key), timestamp=timestamp(ts), dataset=dataset, fields=fields)


_ABSENT: Final = object()


def list_values(found: list[Any]) -> list[Any]:
    """The values of a multi-valued field as Elasticsearch indexes them: nested lists flattened,
    nulls left out (a list of nulls, or an empty one, holds no value: the field is missing)."""
    if all(type(item) is not list and item is not None for item in found):
        return found
    out: list[Any] = []
    for item in found:
        if type(item) is list:
            out.extend(list_values(item))
        elif item is not None:
            out.append(item)
    return out


def _descend(node: Any, parts: Sequence[str]) -> Any:
    """The value at ``parts`` below an object or list value; through a list, the values found
    below each element, as one list (Elasticsearch flattens arrays of objects: a condition on
    ``dns.answers.data`` holds when one answer's data satisfies it)."""
    if type(node) is list:
        out: list[Any] = []
        for item in node:
            found = _descend(item, parts)
            if found is not _ABSENT:
                out.extend(found if type(found) is list else (found,))
        return list_values(out) if out else _ABSENT
    if not parts:
        return list_values(node) if type(node) is list else node
    if type(node) is dict:
        return _descend(node.get(parts[0], _ABSENT), parts[1:])
    return _ABSENT


def _outline(fields: Mapping[str, Any]) -> tuple[frozenset[str], bool]:
    """The text before each dot of each name (``a.b.c`` gives ``a`` and ``a.b``), and whether a
    value is an object."""
    found: set[str] = set()
    objects = False
    for name, value in fields.items():
        objects = objects or type(value) is dict or (type(value) is list and any(
            type(item) is dict or type(item) is list for item in value))
        at = name.find(".")
        while at != -1:
            found.add(name[:at])
            at = name.find(".", at + 1)
    return frozenset(found), objects


#: An event ready for its row: id key, ts, dataset, (event.original, message_at, message_len,
#: message_text, lists), the mask of the HOT columns it has, their values, the remaining fields' JSON
#: (UTF-8) and their names (the shape that picks a compression dictionary).
Prepared = tuple[bytes | str, int, str, tuple[Any, ...], int, tuple[Any, ...], bytes | None, tuple[str, ...] | None]

#: The columns of a row that may be NULL, in insert order after id, ts and dataset: the
#: (event.original, message_at, message_len, message_text, lists) of a Prepared row, then codec and doc.
NULLABLE_COLUMNS: Final = (ORIGINAL, "message_at", "message_len", "message_text", "lists", "codec", "doc")


def bound_columns(mask: int) -> list[str]:
    """The NULLABLE_COLUMNS an insert of column mask ``mask`` binds (their bits lie above the HOT
    columns' bits); the others are left out of the INSERT and so are NULL."""
    return [column for place, column in enumerate(NULLABLE_COLUMNS) if mask >> (_HOT_COUNT + place) & 1]


@functools.cache
def _bound(kinds: tuple[type, ...]) -> tuple[int, Callable[[tuple[Any, ...]], tuple[Any, ...]]]:
    """For a row's NULLABLE_COLUMNS values of these types: the mask bits of those that are not
    None, and a function picking their values. A None or a bytes value is never bound: the sqlite3
    module passes every value that is not an exact int, float, str or bytearray through its
    adaptation protocol (two failed attribute look-ups, an AttributeError formatted and dropped):
    that was 13,000 instructions of the 250,000 an sshd event cost the writer process (issue 11);
    a left-out column is NULL, a bytearray is bound as the same BLOB."""
    places = [place for place, kind in enumerate(kinds) if kind is not type(None)]
    bits = sum(1 << (_HOT_COUNT + place) for place in places)
    if len(places) == 1:
        only = places[0]
        return bits, lambda row: (row[only],)
    return bits, (operator.itemgetter(*places) if places else lambda row: ())


def _flatten(value: Mapping[str, Any], prefix: str) -> Iterator[tuple[str, Any]]:
    for key, item in value.items():
        if isinstance(item, Mapping) and item:
            yield from _flatten(item, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", item


def timestamp(ts: int) -> datetime:
    """The aware UTC time of a ``ts`` value."""
    return _EPOCH + timedelta(microseconds=ts)


_HOT_IDENTS: Final = tuple(quote_ident(name) for name in HOT)
#: The columns a read takes, in order (:meth:`RowCodec.event`).
_ROW_COLUMNS: Final = ["id", "ts", "dataset", ORIGINAL, "message_at", "message_len", "message_text",
                       *_HOT_IDENTS, "codec", "doc"]
SELECT: Final = ", ".join(_ROW_COLUMNS)



def register_layout_functions(db: sqlite3.Connection) -> RowCodec:
    """Install govsoc_field, govsoc_json and govsoc_list_names on ``db``; returns the
    connection's codec."""
    codec = RowCodec(db)
    db.create_function(FIELD_FUNCTION, -1, codec.field, deterministic=True)
    db.create_function(JSON_FUNCTION, -1, codec.json, deterministic=True)
    db.create_function("govsoc_list_names", 3, codec.list_names, deterministic=True)
    return codec


def shape_names(shape: Sequence[str]) -> str:
    """A codec row's ``names``: the remaining fields' names of every row deflated against it
    (a dictionary serves one shape), as ``|name|name|``."""
    return "|" + "|".join(shape) + "|"


def list_names(fields: Mapping[str, Any]) -> str:
    """The row's ``lists`` value: every field outside ecs.ARRAYS that holds several values in
    these remaining fields (a list, or any name below a list of objects: ``dns.answers`` and
    ``dns.answers.data``), as ``|name|name|``; ``""`` when none does."""
    found: list[str] = []
    for name, value in fields.items():
        if type(value) is list or type(value) is dict:
            _list_paths(name, value, False, found)
    names = [name for name in dict.fromkeys(found) if name not in ARRAYS]
    return "|" + "|".join(names) + "|" if names else ""


def _list_paths(path: str, value: Any, under_list: bool, found: list[str]) -> None:
    if type(value) is list:
        found.append(path)
        for item in value:
            if type(item) is list or type(item) is dict:
                _list_paths(path, item, True, found)
    elif type(value) is dict:
        for key, item in value.items():
            below = f"{path}.{key}"
            if under_list:  # every name below a list of objects has one value per element
                found.append(below)
            if type(item) is list or type(item) is dict:
                _list_paths(below, item, under_list, found)


#: ``@timestamp`` as format_timestamp writes it, natively from ``ts`` (floor division, so that
#: times before 1970 come out right too).
TIMESTAMP_TEXT: Final = ("strftime('%Y-%m-%dT%H:%M:%S', (ts - ((ts % 1000000) + 1000000) % 1000000) / 1000000, "
                         "'unixepoch') || printf('.%06dZ', ((ts % 1000000) + 1000000) % 1000000)")
