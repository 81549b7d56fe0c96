"""The SQLite store's row codec: deflating an event's remaining fields into its row and reading
rows back (events, and the govsoc_field / govsoc_json / govsoc_list_names SQL functions).

The row layout it encodes is described in govsoc.store.sqlite_layout; the rows themselves are
built by govsoc.store.sqlite_rows. Stage: store.
"""

from __future__ import annotations

import functools
import json
import operator
import re
import sqlite3
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, Final

import orjson

from govsoc.core.ecs import HOT
from govsoc.core.event import Event
from govsoc.store.sqlite_layout import (
    FIELD_FUNCTION,
    JSON_FUNCTION,
    Prepared,
    id_text,
    list_names,
    list_values,
    shape_names,
    timestamp,
)

__all__ = ["RowCodec", "decode_document", "register_layout_functions"]

#: Deflate parameters: a 2 KiB window (the dictionary never needs more), a small hash table.
_WBITS, _LEVEL, _MEMLEVEL = -11, 1, 4
#: A dictionary is one document of a shape, at most this long; a shape gets a new one when a
#: batch has this many documents of it (a dictionary costs its size once, and a fresh one knows
#: the batch's ingest time and file), at most so many new ones a batch; cached dictionaries.
_ZDICT_BYTES, _OWN_ZDICT_ROWS, _MAX_NEW_ZDICTS, _CACHE = 1536, 64, 64, 10_000


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


def register_layout_functions(db: sqlite3.Connection) -> RowCodec:
    """Install govsoc_field, govsoc_json and govsoc_list_names on ``db``; returns the
    connection's codec."""
    codec = RowCodec(db)
    db.create_function(FIELD_FUNCTION, -1, codec.field, deterministic=True)
    db.create_function(JSON_FUNCTION, -1, codec.json, deterministic=True)
    db.create_function("govsoc_list_names", 3, codec.list_names, deterministic=True)
    return codec
