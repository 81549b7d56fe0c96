"""JSON lines and JSON files as tables (stage: classification; a part of sources/files.py, also
used by the Elasticsearch source).

A record's scalars become columns named by their dotted path (``person.xm``; sources/json_fields.py);
the elements of a list share ``path[]`` (``contacts[].sjhm``). A line that is an array of objects holds records (a JSON
array saved as one .jsonl line, a page of an API's results): each object is a row. Any other array
line is a row: its items are the fields ``[0]``, ``[1]`` ... up to POSITIONS, the items past it
sharing the field ``[]`` as a nested array's do (a line of 2,000 ID numbers is 65 fields, not 2,000);
a line that is a string or number is the field ``$``; a line of null, true or false holds nothing
and is reported. A JSON text is UTF-8 (RFC 8259 §8.1); a BOM names another
Unicode charset, and is ignored as §8.1 lets a parser; a line of a UTF-8 file holding a byte that
is not UTF-8 is reported (line, column, the byte) and not read, the others are (R15b-14). A line
that is not JSON, or a value over MAX_CELL characters, is reported with its line (and column, or
path) and counted; the rest is read.
A .json file (an API's or a portal's export) is one JSON text: an array's items are read as lines
are (streamed, each at the line it starts on; an item that is an array of objects, as a paged dump
wraps its pages, gives its objects as rows), a map's entries likewise, any other value is one record.
An object keyed by data (ID numbers, phones, row numbers: sources/json_maps.py) is a map: its keys
are the values of one field ``{key}``, its entries share the path ``{}``; a table names at most
json_maps.FIELDS fields, the values past them reported.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, Final, TextIO

from govsoc.classification.sources.base import TableSample
from govsoc.classification.sources.charset import json_charset
from govsoc.classification.sources.json_columnar import as_table
from govsoc.classification.sources.json_envelope import BESIDE, envelope, envelope_reason, records_of, shown_path
from govsoc.classification.sources.json_fields import POSITIONS, as_record, flatten, record_columns
from govsoc.classification.sources.json_line import (
    BULK_ACTION,
    LineRefused,
    load_line,
    mapped,
    object_pairs,
    too_deep,
)
from govsoc.classification.sources.json_maps import line_rows
from govsoc.classification.sources.json_nested import nested_tables
from govsoc.classification.sources.json_opening import longer, opens_array, second_value_line
from govsoc.classification.sources.json_stream import (
    HELD,
    TOO_DEEP,
    Found,
    Resumed,
    TextCut,
    array_items,
    envelope_items,
)
from govsoc.classification.sources.sampling import Prefixes, reservoir, reservoirs
from govsoc.classification.sources.skips import MAX_CELL, Skips
from govsoc.core.errors import ConfigError, Location

__all__ = ["flatten", "record_columns", "json_lines", "json_document", "as_record", "JSON_LIMIT", "POSITIONS"]

#: Longest .json text (characters) read whole, one that is not an array; arrays, JSON lines and
#: longer objects' arrays of objects (an envelope, R15d-16, R15e-1) are streamed, any size.
JSON_LIMIT: Final = 64 << 20


def _unwrapped(items: Iterable[tuple[int, Any]]) -> Iterator[tuple[int, Any]]:
    """(line, item) with an item that is an array of objects given as its objects, each at its line."""
    for line, item in items:
        inner = records_of(item)
        if inner is None:
            yield line, item
        else:
            for record in inner:
                yield line, record


def json_lines(path: Path, sample: int, skips: Skips | None = None, *,
               said: Callable[[Iterator[str], TextIO], Iterator[str]] | None = None) -> list[TableSample]:
    """The JSON lines file at ``path`` as one table of ``sample`` sampled lines (reported to
    ``skips``, a new one by default), and one of each array of records inside them (_tables);
    ``said`` wraps the file's lines to say how far it is read (a progress bar's bytes: R15at-8)."""
    skips = skips or Skips(str(path))
    # JSON text is UTF-8 (RFC 8259 §8.1), and a parser may ignore a BOM: Windows PowerShell's
    # Out-File writes UTF-16 with one, Notepad UTF-8 with one; Chinese Windows tools GBK (R15e-7)
    encoding, note = json_charset(path)
    if note:
        skips.note(note)
    prefixes = Prefixes(sample)
    with path.open(encoding=encoding, errors=_errors(encoding)) as f:
        lines, total = reservoir(_long_lines_cut(said(iter(f), f) if said else f, skips, encoding, prefixes), sample)
    cut = prefixes.note()
    if cut:
        skips.note(cut, line=prefixes.first)
    records: list[dict[str, Any]] = []
    for number, line in lines:
        record = _line_value(number, line, skips) if isinstance(line, str) else line
        if record is _UNREAD:
            continue
        fields = as_record(record)
        if fields is None:
            skips.add(f"JSON {json.dumps(record)}: not an object, array, string or number, nothing to classify",
                      line=number)
        else:
            records.extend(line_rows(fields))
    # the records read (R15d-26): a line refused is no row; those of the lines a sample left out are
    # not parsed, so a file over the sample counts its sampled lines' refusals only
    total -= len(lines) - len(records)
    return _tables(path, path.name, records, total, skips)


#: Sampled (line, row) of each table of a JSON text and its rows, by the path of its records (None: the text's).
_Parts = dict[str | None, tuple[list[tuple[int, Any]], int]]


def json_document(path: Path, sample: int) -> list[TableSample]:
    """The JSON file at ``path`` (one JSON text) as its tables: an array's items are the rows of one,
    read as JSON lines are and streamed (json_stream); an envelope's arrays of records are a table
    each, the members beside them one more (json_envelope); any other value is one row, read whole
    up to JSON_LIMIT. A text that does not parse is a ConfigError at its line and column, unless it
    ends inside the array after items: those are kept and the cut reported (an interrupted export).
    JSON lines under a .json name are read as JSON lines, and reported once."""
    skips = Skips(str(path))
    encoding, note = json_charset(path)
    with path.open(encoding=encoding, errors=_errors(encoding)) as f:
        second = second_value_line(f)
    if second is not None:
        # mongoexport's default, many "export JSON" buttons: one value a line under .json (R15c-6)
        skips.note("one JSON value a line (JSON lines, not one JSON text): read as JSON lines; "
                  "name the file .jsonl", line=second)
        return json_lines(path, sample, skips)
    if note:
        skips.note(note)
    beside: dict[str, Any] = {}
    parts: _Parts
    try:
        with path.open(encoding=encoding) as f:
            if opens_array(f):
                parts = {None: reservoir(_unwrapped(_until_cut(array_items(f, str(path)), skips)), sample)}
            elif opens_array(f, "{") and longer(f, JSON_LIMIT):
                # an envelope too long to hold (R15d-16): streamed
                parts, beside = _streamed_envelope(f, path, sample, skips)
            else:
                parts, beside = _whole_rows(_whole(path, f.read()), sample, skips)
    except UnicodeDecodeError as e:
        raise ConfigError(f"not {_named(encoding)} at byte {e.start:,} of a read: save it as UTF-8",
                          location=Location(path=str(path))) from e
    tables: list[TableSample] = []
    for key, (items, total) in parts.items():
        table_skips = Skips(str(path)) if tables else skips  # what is said of the file: on its first table
        name = path.name if key is None or len(parts) == 1 else f"{path.name}:{shown_path(key)}"
        if key is not None:
            table_skips.note(envelope_reason(key, total, len(parts), len(beside), path.name), line=1)
        tables.extend(_table(path, name, items, total, table_skips))
    if beside:  # the members beside the records: one row, classified (R15e-9)
        tables.extend(_table(path, path.name + BESIDE, [(1, beside)], 1, Skips(str(path))))
    return tables


def _table(path: Path, name: str, items: list[tuple[int, Any]], total: int, skips: Skips) -> list[TableSample]:
    """The table ``name`` of the JSON text at ``path``: ``items`` (sampled (line, row)) of ``total``."""
    records: list[dict[str, Any]] = []
    for line, item in sorted(items, key=lambda pair: pair[0]):
        deep = too_deep(item)  # as a JSON line's (json_line): flatten would recurse past the limit
        if deep is not None:
            skips.add(deep, line=line)
            continue
        fields = as_record(item)
        if fields is None:
            skips.add(f"JSON {json.dumps(item)}: not an object, array, string or number, nothing to classify",
                      line=line)
        else:
            records.append(_without_long(fields, "", line, skips))
    return _tables(path, name, records, total, skips)


def _tables(path: Path, name: str, records: list[dict[str, Any]], total: int, skips: Skips) -> list[TableSample]:
    """The table ``name`` of ``records`` (those read of ``total``), and one of each array of records
    inside them that is a table of its own (json_nested: households inside villages, R15f-16), its
    rows its objects (over a sample: as many a record as in the records read)."""
    records, nested = nested_tables(records)
    tables = [_sample(path, name, records, total, skips)]
    for key, items in nested.items():
        rows = len(items) if len(records) >= total else round(len(items) * total / len(records))
        inner = Skips(str(path))
        inner.note(f"the {rows:,} objects of {shown_path(key)} inside the {total:,} records of {name}: read as "
                   "a table of their own" + ("" if len(records) >= total else
                                             f" (counted as in the {len(records):,} records read)"), line=1)
        tables.extend(_tables(path, f"{name}:{shown_path(key)}", items, rows, inner))  # members in households
    return tables


def _sample(path: Path, name: str, records: list[dict[str, Any]], total: int, skips: Skips) -> TableSample:
    renamed: list[str] = []
    columns = record_columns(records, str(path), total, renamed, skips)
    skips.renamed(renamed)
    return TableSample(dataset=str(path), table=name, rows=total, columns=columns,
                       skipped=tuple(skips.listed), skipped_count=skips.count)


def _whole_rows(whole: Any, sample: int, skips: Skips) -> tuple[_Parts, dict[str, Any]]:
    """The tables of a JSON text read whole and the members beside them: a map's entries (R15d-11:
    json.dump of a dict by ID number), an envelope's records (R15d-16: {"code":0,"data":{"list":[…]}},
    each array of them a table, R15e-1), else the value as one row."""
    notes: list[str] = []  # a table by columns of unequal lengths (R15g-14)
    table = as_table(whole, notes) if isinstance(whole, dict) else None  # a map, columns and rows (R15f-12, -13)
    if table is not None:
        for said in notes:
            skips.note(said, line=1)
        return {None: reservoir(((1, entry) for entry in table[0]), sample)}, table[1]
    found = envelope(whole)
    if found is None:
        return {None: ([(1, whole)], 1)}, {}
    return {key: reservoir(((1, record) for record in records), sample)
            for key, records in found.tables.items()}, found.beside


def _streamed_envelope(f: TextIO, path: Path, sample: int, skips: Skips) -> tuple[_Parts, dict[str, Any]]:
    """The tables of an object over JSON_LIMIT, each array of objects in it streamed (R15e-1: not
    only the first), and the members beside them; ConfigError when it holds no array of objects."""
    found = Found()
    items = _unwrapped(_until_cut(envelope_items(f, str(path), found), skips))
    parts: _Parts = dict(reservoirs(((found.path, pair) for pair in items), sample))
    if not found.tables:
        raise ConfigError(f"a JSON text over {JSON_LIMIT:,} characters holding no array of objects is not read",
                          location=Location(path=str(path)))
    if found.dropped:
        skips.add(f"{found.dropped:,} items of arrays of values beside the records, past the first {HELD:,} "
                  "of each: not classified", line=1)
    return parts, found.beside


def _until_cut(items: Iterator[tuple[int, Any]], skips: Skips) -> Iterator[tuple[int, Any]]:
    """``items``; a text that ends inside the array after an item (an export cut short) ends them,
    reported at its line and column with the items before it kept (R15c-7), as the CSV reader keeps
    the rows before an unclosed quote; so does a syntax error after items, reported, the items after
    it read from the next record that opens its line (json_stream: R15g-12). A text that is not JSON
    before any item is the file's error, as before."""
    read = False
    try:
        for line, item in items:
            read = True
            if item is TOO_DEEP:  # that item only (R15b-22's limit, now per item)
                skips.add("an item nested too deep to parse: not read", line=line)
                continue
            if isinstance(item, Resumed):  # a stray comma between records costs the text up to the next (R15g-12)
                where = item.location or Location(path=skips.path)
                skips.add(f"{item.message}: read on at the record on line {item.line:,}, the text from here to it "
                          "not read", line=where.line, column=where.column)
                continue
            yield line, item
    except TextCut as e:
        if not read:
            raise
        where = e.location or Location(path=skips.path)
        skips.add(f"{e.message}: {e.after}", line=where.line, column=where.column)


def _whole(path: Path, text: str) -> Any:
    if len(text) > JSON_LIMIT:
        raise ConfigError(f"a JSON text of {len(text):,} characters that is not an array (over {JSON_LIMIT:,}) "
                          "is not read", location=Location(path=str(path)))
    try:
        return json.loads(text, parse_int=str, object_pairs_hook=object_pairs)  # integers as digits (json_line)
    except json.JSONDecodeError as e:
        raise ConfigError(not_json(e), location=Location(path=str(path), line=e.lineno, column=e.colno)) from e
    except RecursionError:  # the file, not the run (R15b-22)
        raise ConfigError("a JSON text nested too deep to parse: not read", location=Location(path=str(path))) from None


def _long_lines_cut(lines: Iterable[str], skips: Skips, encoding: str,
                    prefixes: Prefixes) -> Iterator[tuple[int, str | dict[str, Any]]]:
    """(line number, line) for every non-blank line; a line longer than MAX_CELL, or than what a
    sample holds of a value (``prefixes.cap``, under MAX_CELL at a sample over 1,000: R15e-23), is
    parsed here and comes as its record without the values over MAX_CELL (each reported by its
    path), the others cut to the cap. A line that is an array is parsed here too: an array of
    objects comes as its objects, one row each, so that they are counted and sampled as rows (R15c-13)."""
    limit = min(MAX_CELL, prefixes.cap)
    actions: list[int] = []
    for number, line in enumerate(lines, 1):
        bad = None if line.isascii() else _ESCAPED.search(line)
        if bad is not None:  # one stray byte costs its line, not the file (R15b-14)
            skips.add(f"byte 0x{ord(bad.group()) - 0xDC00:02x} is not {_named(encoding)}: the line is not read",
                      line=number, column=bad.start() + 1)
            continue
        if len(line) <= limit:
            if line.lstrip(" \t\r").startswith("["):
                yield from _array_line(number, line, skips)
            elif BULK_ACTION.match(line):
                actions.append(number)
            elif line.strip():
                yield number, line
            continue
        record = _line_value(number, line, skips)
        if record is _UNREAD:
            continue
        inner = records_of(record)
        if inner is not None:
            for item in inner:
                yield number, _cut(_without_long(item, "", number, skips), prefixes, number)
            continue
        fields = as_record(record)
        yield number, record if fields is None else _cut(_without_long(fields, "", number, skips), prefixes, number)
    if actions:
        skips.note(f"{len(actions):,} Elasticsearch _bulk action lines ({{\"index\": …}} before a document): "
                   "not records, not counted", line=actions[0])


def _cut(value: Any, prefixes: Prefixes, line: int) -> Any:
    """``value`` with each string over ``prefixes.cap`` cut to it (a JSON record a sample holds)."""
    if isinstance(value, dict):
        return mapped(value, lambda _, v: _cut(v, prefixes, line))
    if isinstance(value, list):
        return [_cut(v, prefixes, line) for v in value]
    return prefixes.row([value], line)[0] if isinstance(value, str) and len(value) > prefixes.cap else value


#: A byte that is not UTF-8, as surrogateescape decodes it (PEP 383: U+DC80-U+DCFF).
_ESCAPED: Final = re.compile("[\udc80-\udcff]")


def _errors(encoding: str) -> str:
    """How the lines of a JSON text in ``encoding`` are decoded: a UTF-8 (or GB18030, Big5) line's
    bytes that are not in its charset kept as PEP 383 escapes, for _long_lines_cut to report by
    line; a BOM's charsets (UTF-8 with a BOM, UTF-16, UTF-32) strictly."""
    return "strict" if encoding.startswith("utf-") and encoding != "utf-8" else "surrogateescape"


def _named(encoding: str) -> str:
    return "UTF-8 (RFC 8259 §8.1)" if encoding.startswith("utf-8") else encoding


#: What _line_value gives for a line it reported instead of reading.
_UNREAD: Final = object()


def _line_value(number: int, line: str, skips: Skips) -> Any:
    """``line`` (line ``number``) parsed, or _UNREAD once reported to ``skips``: not JSON (at its
    column), or too deep to classify (that line, not the run: R15b-22)."""
    try:
        return load_line(line)
    except json.JSONDecodeError as e:
        skips.add(not_json(e), line=number, column=e.colno)
    except LineRefused as e:
        skips.add(e.message, line=number)
    return _UNREAD


def _array_line(number: int, line: str, skips: Skips) -> Iterator[tuple[int, Any]]:
    """A short line opening with '[': its objects when it is an array of objects, else the line as read."""
    try:
        value = load_line(line)
    except (json.JSONDecodeError, LineRefused):
        yield number, line  # reported where lines are parsed, after sampling, as any line
        return
    inner = records_of(value)
    if inner is None:
        yield number, line
    else:
        for record in inner:
            yield number, record


def _without_long(value: Any, path: str, line: int | None, skips: Skips) -> Any:
    if isinstance(value, dict):
        return mapped(value, lambda k, v: _without_long(v, f"{path}.{k}" if path else str(k), line, skips))
    if isinstance(value, list):
        return [_without_long(v, f"{path}[]", line, skips) for v in value]
    if isinstance(value, str) and len(value) > MAX_CELL:
        skips.add(f"value of {len(value):,} characters (over {MAX_CELL // 1024} KiB): not classified",
                  line=line, name=path)
        return None
    return value


def not_json(e: json.JSONDecodeError) -> str:
    """The reason for a part that does not parse: the json module's message without its position
    (it ends in " at"; the location is given)."""
    return "not JSON: " + e.msg.removesuffix(" at").removesuffix(" starting")
