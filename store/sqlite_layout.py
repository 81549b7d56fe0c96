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
connection (govsoc.store.sqlite_codec.register_layout_functions):

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
key indexes over its keyword columns (govsoc.store.sqlite_query_indexes.QUERY_INDEXES). There is no
full-text index (the trigram index cost twice the raw text): ``Query.text`` scans ``message``
and the raw record natively with a fold-safe prefilter, as a Sigma keyword does (see SqliteStore._where).

Rows are built by govsoc.store.sqlite_rows (the write half: coercion, splitting, the INSERT),
deflated and read back by govsoc.store.sqlite_codec (RowCodec, the SQL functions above).

Stage: store. Version-1 to version-3 files (one JSON document per row) are copied into this
layout when opened (govsoc.store.sqlite_migrate).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from govsoc.core.coercion import clean_text
from govsoc.core.ecs import ARRAYS, HOT, INDEXED, field_type

__all__ = [
    "ALERT_EVENTS", "ALERT_EVENTS_ALL", "ALERT_EVENTS_OF", "COLUMNS", "FIELD_FUNCTION", "ID_TEXT", "INDEXES",
    "JSON_FUNCTION",
    "LISTS_FLAG", "LISTS_INDEXED", "LISTS_INDEX_KEY", "LISTS_UNKNOWN", "MESSAGE", "NULLABLE_COLUMNS", "ORIGINAL",
    "PLAIN_INDEXED", "RETIRED_INDEXES", "SCHEMA_VERSION", "SELECT", "TABLES", "TIMESTAMP_TEXT", "TRIGGERS",
    "Prepared", "bound_columns", "column_fields_under", "field_call", "id_key", "id_keys", "id_text", "list_names",
    "list_values", "micros", "quote_ident", "shape_names", "timestamp",
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
#: ecs.INDEXED are indexed by their key alone (govsoc.store.sqlite_query_indexes.QUERY_INDEXES, partial
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

def micros(ts: datetime) -> int:
    """Microseconds since the epoch, the ``ts`` column's unit."""
    delta = ts.astimezone(UTC) - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def id_key(event_id: str) -> bytes | str:
    """What the ``id`` column holds for an event id."""
    return bytes.fromhex(event_id) if len(event_id) == 32 and _HEX_ID.fullmatch(event_id) else event_id


def id_keys(ids: Sequence[str]) -> list[bytes | str]:
    """:func:`id_key` of each of the event ids, cleaned first (govsoc.core.coercion.clean_text):
    when every one is 32 hex digits, one match and one fromhex for all of them (one each was a
    tenth of a planned row's time, issue 11)."""
    joined = "".join(ids)
    if len(joined) == 32 * len(ids) and set(map(len, ids)) == {32} and _HEX_IDS.fullmatch(joined):
        raw = bytes.fromhex(joined)
        return [raw[at:at + 16] for at in range(0, len(raw), 16)]
    return [id_key(clean_text(event_id)) for event_id in ids]


_HEX_IDS: Final = re.compile("[0-9a-f]*")


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


def timestamp(ts: int) -> datetime:
    """The aware UTC time of a ``ts`` value."""
    return _EPOCH + timedelta(microseconds=ts)


_HOT_IDENTS: Final = tuple(quote_ident(name) for name in HOT)
#: The columns a read takes, in order (:meth:`RowCodec.event`).
_ROW_COLUMNS: Final = ["id", "ts", "dataset", ORIGINAL, "message_at", "message_len", "message_text",
                       *_HOT_IDENTS, "codec", "doc"]
SELECT: Final = ", ".join(_ROW_COLUMNS)



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
