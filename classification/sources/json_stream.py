"""The items of a JSON array, streamed (stage: classification; a part of sources/json_records.py).

A .json export (a portal's, an API's) is most often one array of records and can run to gigabytes;
json.load would hold all of it, and its objects, at once. array_items reads the text in chunks and
decodes one item at a time (json.JSONDecoder.raw_decode, RFC 8259 §5 arrays), so that memory holds
one item and a chunk. Each item comes with the line it starts on; text that is not JSON raises
ConfigError at its line and column, as json.loads would have named it; TextCut when the text ends
inside the array (an export cut short), so that the reader can keep the items before it. An item
nested too deep for the decoder is passed over (its brackets counted, its strings skipped) and given
as TOO_DEEP: it costs that item, not the items after it. A syntax error inside an array of records
(a stray comma between two, a record missing a comma: R15g-12) costs the text up to the next line
that opens a record at the records' indentation, given as a Resumed item; with no such line after
it (records not one a line, or none after the error) it ends the array as a cut does (TextBroken),
the items before it kept.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any, Final, TextIO

from govsoc.classification.sources.json_line import object_pairs
from govsoc.core.errors import ConfigError, Location

__all__ = ["array_items", "envelope_items", "Found", "Resumed", "TextBroken", "TextCut", "CHUNK", "ITEM_LIMIT",
           "TOO_DEEP"]

#: Characters read at a time.
CHUNK: Final = 1 << 16
#: Longest item (characters) held to decode; a longer one ends the reading with an error.
ITEM_LIMIT: Final = 64 << 20
_SPACE: Final = " \t\n\r"  # RFC 8259 §2 insignificant whitespace
# what follows an item when the chunk may have cut it: nothing held but what could go on a number
# ("0" of "0.5", "1e" of "1e5") or whitespace, up to the end of the text held
_MAY_CONTINUE: Final = re.compile(r"[0-9.eE+\- \t\n\r]*\Z")


#: What array_items gives for an item nested too deep to decode (R15b-22: RecursionError).
TOO_DEEP: Final = object()
#: A bracket or the start of a string, in an item passed over; a whole string (escapes kept whole).
_BRACKET: Final = re.compile(r'[\[\]{}"]')
_STRING: Final = re.compile(r'"(?:[^"\\]+|\\.)*"')


class _Deep(Exception):
    """The decoder ran out of stack in an item."""


class TextCut(ConfigError):
    """The text ends inside the array: in an item, or where ',' or ']' was to follow one."""

    #: What becomes of the text, said after the error when items were read before it.
    after = "the text ends here, the items before it read"


class TextBroken(TextCut):
    """A syntax error in an array after items, with no line after it opening a record to read on at."""

    after = "no line after it opens a record to read on at: the items before it read, the rest not"


class Resumed:
    """What _items gives, as an item, for a syntax error it read past: the error (``message`` at
    ``location``) and the line of the record it read on at."""

    __slots__ = ("message", "location", "line")

    def __init__(self, error: ConfigError, line: int) -> None:
        self.message, self.location, self.line = error.message, error.location, line


class _Text:
    """A window on the text: ``buf``, read on demand, ``pos`` the next character to look at; the
    character at ``mark`` is on ``line`` at ``column`` (kept as positions move forward, so that
    newlines are counted once)."""

    def __init__(self, f: TextIO, path: str, chunk: int) -> None:
        self.f, self.path, self.chunk = f, path, chunk
        self.buf, self.pos, self.mark, self.line, self.column, self.eof = "", 0, 0, 1, 1, False

    def more(self) -> bool:
        """Read more (as much again as is held, so that a long item is decoded a few times only);
        False at the end of the text, when nothing was read or moved."""
        if self.eof:
            return False
        if len(self.buf) - self.pos > ITEM_LIMIT:
            raise self.error(f"an item of over {ITEM_LIMIT >> 20} MiB: not read", self.pos)
        text = self.f.read(max(self.chunk, len(self.buf) - self.pos))
        if not text:
            self.eof = True
            return False  # nothing moved: the caller's positions still hold
        if self.pos > self.chunk:  # let go of what was decoded
            self.where(self.pos)
            self.buf, self.pos, self.mark = self.buf[self.pos:], 0, 0
        self.buf += text
        return True

    def where(self, at: int) -> tuple[int, int]:
        """(line, column) of ``buf[at]``, at or after the last position asked about."""
        lines = self.buf.count("\n", self.mark, at)
        if lines:
            self.line += lines
            self.column = at - self.buf.rfind("\n", self.mark, at)
        else:
            self.column += at - self.mark
        self.mark = at
        return self.line, self.column

    def next_char(self) -> str:
        """The next character that is not whitespace ("" at the end), not consumed."""
        while True:
            while self.pos < len(self.buf) and self.buf[self.pos] in _SPACE:
                self.pos += 1
            if self.pos < len(self.buf) or not self.more():
                return self.buf[self.pos:self.pos + 1]

    def error(self, message: str, at: int, *, cut: bool = False) -> ConfigError:
        line, column = self.where(at)
        kind = TextCut if cut else ConfigError
        return kind(f"not JSON: {message}", location=Location(path=self.path, line=line, column=column))


def array_items(f: TextIO, path: str, *, chunk: int = CHUNK) -> Iterator[tuple[int, Any]]:
    """(line, item) for each item of the array that is the whole text of ``f``."""
    text = _Text(f, path, chunk)
    decoder = json.JSONDecoder(parse_int=str, object_pairs_hook=object_pairs)  # integers as digits (json_line)
    if text.next_char() != "[":
        raise text.error("Expecting '['", text.pos)
    text.pos += 1
    yield from _items(text, decoder)
    if text.next_char():
        raise text.error("Extra data", text.pos)


class Found:
    """What envelope_items found: ``path`` the dotted path of the array of objects whose items are
    being given (each array of objects in turn, R15e-1), ``tables`` those paths in order, ``beside``
    the other members (path -> value; an array of values to its first HELD items, ``dropped``
    counting the rest)."""

    __slots__ = ("path", "tables", "beside", "dropped")

    def __init__(self) -> None:
        self.path: str | None = None
        self.tables: list[str] = []
        self.beside: dict[str, Any] = {}
        self.dropped = 0


#: Items kept of an array of values beside the records (a tags list, a page's ids).
HELD: Final = 1000


def envelope_items(f: TextIO, path: str, found: Found, *, chunk: int = CHUNK) -> Iterator[tuple[int, Any]]:
    """(line, item) for each item of each array of objects in the object that is the whole text of
    ``f`` (an API's envelope, nested objects walked), streamed as array_items streams an array;
    ``found.path`` names the array the item is of, ``found`` learns the members beside them."""
    text = _Text(f, path, chunk)
    decoder = json.JSONDecoder(parse_int=str, object_pairs_hook=object_pairs)
    if text.next_char() != "{":
        raise text.error("Expecting '{'", text.pos)
    yield from _members(text, decoder, "", found)
    if text.next_char():
        raise text.error("Extra data", text.pos)


def _members(text: _Text, decoder: json.JSONDecoder, prefix: str, found: Found) -> Iterator[tuple[int, Any]]:
    """The items of the arrays of objects among the members of the object at ``text.pos``."""
    text.pos += 1
    if text.next_char() == "}":
        text.pos += 1
        return
    while True:
        if text.next_char() != '"':
            raise text.error("Expecting property name enclosed in double quotes", text.pos, cut=not text.next_char())
        key, text.pos = _decode(text, decoder)
        if text.next_char() != ":":
            raise text.error("Expecting ':' delimiter", text.pos, cut=not text.next_char())
        text.pos += 1
        name = f"{prefix}.{key}" if prefix else str(key)
        first = text.next_char()
        if first == "{":
            yield from _members(text, decoder, name, found)
        elif first == "[":
            text.pos += 1
            if text.next_char() == "{":
                found.path = name
                found.tables.append(name)
                yield from _items(text, decoder)
            else:  # an array of values: beside the records, its first HELD items kept
                held: list[Any] = []
                found.beside[name] = held
                for _, item in _items(text, decoder):
                    if len(held) < HELD and item is not TOO_DEEP and not isinstance(item, Resumed):
                        held.append(item)
                    else:
                        found.dropped += 1
        else:
            found.beside[name], text.pos = _decode(text, decoder)
        if _closed(text, "}"):
            return


def _items(text: _Text, decoder: json.JSONDecoder) -> Iterator[tuple[int, Any]]:
    """(line, item) for each item of the array whose '[' was just consumed, up to its ']'; a syntax
    error read past (_read_on) as a Resumed item."""
    if text.next_char() == "]":
        text.pos += 1
        return
    indent: str | None = None  # of the records that open their line: where to read on after an error
    while True:
        text.next_char()
        try:
            item, end = _item(text, decoder)
        except TextCut:
            raise
        except ConfigError as e:  # positions are read again: reading on may have let go of the text before
            yield _read_on(text, e, indent, text.pos + 1)
            continue
        if isinstance(item, dict):
            indent = _indent(text, text.pos, indent)
        yield text.where(text.pos)[0], item
        text.pos = end
        try:
            if _closed(text, "]"):
                break
        except TextCut:
            raise
        except ConfigError as e:
            if text.buf[text.mark] == "{" and indent is not None and text.column == len(indent) + 1:
                text.pos = text.mark  # a missing ',' between two records: read on at the second
                yield (e.location.line if e.location and e.location.line else 0), Resumed(e, text.line)
            else:
                yield _read_on(text, e, indent, text.pos)


def _item(text: _Text, decoder: json.JSONDecoder) -> tuple[Any, int]:
    """The item at ``text.pos`` and where it ends (TOO_DEEP, passed over, for one too deep to decode)."""
    try:
        return _decode(text, decoder)
    except _Deep:
        return TOO_DEEP, _passed_over(text)


def _indent(text: _Text, start: int, known: str | None) -> str | None:
    """The blanks before the record at ``start`` when it opens its line, else ``known``."""
    line = text.buf.rfind("\n", 0, start) + 1
    blanks = text.buf[line:start]
    return blanks if line and not blanks.strip(" \t") else known


def _read_on(text: _Text, error: ConfigError, indent: str | None, after: int) -> tuple[int, Resumed]:
    """``error`` (at ``text.mark``) read past: ``text.pos`` moved to the next record opening its
    line at ``indent`` from ``after`` on, and the error as a Resumed item at its line; TextBroken
    with no such record."""
    where = error.location or Location(path=text.path)
    match = None
    if indent is not None:
        opening = re.compile("\n" + re.escape(indent) + "{")
        at = max(after, text.mark - len(indent) - 1)  # a record at or past the error, which where() counted to
        while (match := opening.search(text.buf, at)) is None:
            # nothing is to be kept before the last characters, which may begin a match
            text.pos = at = max(at, text.mark, len(text.buf) - len(indent) - 1)
            if not text.more():
                break
            at = text.pos  # more() may have let go of what was before it
    if match is None:
        raise TextBroken(error.message, location=where)
    text.pos = match.end() - 1
    return where.line or 0, Resumed(error, text.where(text.pos)[0])


def _closed(text: _Text, close: str) -> bool:
    """Past the ',' or ``close`` after a member or item: whether it was ``close``; ConfigError for
    anything else (TextCut at the end of the text)."""
    following = text.next_char()
    text.pos += 1
    if following != close and following != ",":
        raise text.error("Expecting ',' delimiter", text.pos - 1, cut=not following)
    return following == close


def _decode(text: _Text, decoder: json.JSONDecoder) -> tuple[Any, int]:
    """The item at ``text.pos`` and where it ends, reading more while it may be cut by the chunk's end
    (a failed decode, or nothing after it but what could go on the number it ends with)."""
    while True:
        try:
            item, end = decoder.raw_decode(text.buf, text.pos)
        except json.JSONDecodeError as e:
            if text.more():
                continue
            # at the end of the text, or in a string the end of the text left open: cut short
            cut = e.pos >= len(text.buf.rstrip(_SPACE)) or e.msg.startswith("Unterminated string")
            raise text.error(e.msg, e.pos, cut=cut) from None
        except RecursionError:  # the item, not the file, nor the run (R15b-22)
            raise _Deep() from None
        if not _MAY_CONTINUE.match(text.buf, end) or not text.more():
            return item, end


def _passed_over(text: _Text) -> int:
    """Where the item at ``text.pos`` (an array or object) ends, found by counting its brackets
    outside its strings, without decoding it; TextCut when the text ends first."""
    depth, at = 0, text.pos
    while True:
        bracket = _BRACKET.search(text.buf, at)
        string = _STRING.match(text.buf, bracket.start()) if bracket and bracket.group() == '"' else None
        if bracket is None or (bracket.group() == '"' and string is None):  # read on: the chunk cut it
            offset = (bracket.start() if bracket else len(text.buf)) - text.pos
            if not text.more():
                raise text.error("an item nested too deep to parse, and the text ends in it", text.pos, cut=True)
            at = text.pos + offset
            continue
        at = string.end() if string else bracket.end()
        if string is None:
            depth += 1 if bracket.group() in "[{" else -1
            if depth == 0:
                return at
