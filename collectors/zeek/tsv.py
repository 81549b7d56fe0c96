"""Zeek's ASCII log container (the default TSV writer) and its JSON form: header, typed values.

Stage: collectors (parse). Layout per Zeek's ASCII writer (reference log-formats.md 14.1): header
lines ``#separator \\x09``, ``#set_separator``, ``#empty_field``, ``#unset_field``, ``#path``,
``#fields``, ``#types``; unknown ``#`` lines (``#open``, ``#close``, btest comments) are ignored.
Columns come from ``#fields``, never from a fixed list. Values are typed by ``#types``: ``-``
(unset) is absent, ``(empty)`` an empty container, ``\\xHH`` an escaped byte. Hand-written: no
maintained PyPI package reads Zeek's TSV with its escapes and typed containers (zat pulls in
pandas for it).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from govsoc.core.errors import ParseError

_ESCAPE = re.compile(r"\\x([0-9a-fA-F]{2})")
#: Zeek scalar type -> how its text becomes a value (time and interval stay float seconds).
_SCALARS: dict[str, type] = {"count": int, "int": int, "port": int, "double": float, "time": float,
                             "interval": float}


#: Header directives whose value is one text (the ZeekHeader attribute of the same name).
_TEXT_DIRECTIVES = frozenset({"set_separator", "empty_field", "unset_field", "path"})


@dataclass(frozen=True, slots=True)
class ZeekHeader:
    """What a log's header says: the separators, the log's path and its typed columns."""

    separator: str = "\t"
    set_separator: str = ","
    empty_field: str = "(empty)"
    unset_field: str = "-"
    path: str | None = None
    fields: tuple[str, ...] = ()
    types: tuple[str, ...] = field(default=())

    @property
    def complete(self) -> bool:
        """Whether data rows can be read: the columns are known."""
        return bool(self.fields)


def unescape(text: str) -> str:
    r"""Zeek's ``\xHH`` escapes back to characters (bytes that are UTF-8 are decoded as such)."""
    if "\\x" not in text:
        return text
    raw = _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
    try:
        return raw.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return raw


def read_header_line(header: ZeekHeader, line: str) -> ZeekHeader:
    """The header after one ``#`` line (unknown directives leave it unchanged)."""
    if line.startswith("#separator"):
        value = line[len("#separator"):].strip()
        return replace(header, separator=unescape(value) if value else "\t")
    key, _, rest = line[1:].partition(header.separator)
    changes: dict[str, Any] = {}
    if key in _TEXT_DIRECTIVES:
        changes[key] = rest
    elif key in ("fields", "types"):
        changes[key] = tuple(rest.split(header.separator)) if rest else ()
    return replace(header, **changes)


def decode_value(text: str, zeek_type: str, header: ZeekHeader, name: str) -> Any:
    """One column's text as a value of its Zeek type; ``None`` when unset."""
    if text == header.unset_field:
        return None
    container = zeek_type.startswith(("set[", "vector[", "table["))
    if container:
        if text == header.empty_field:
            return []
        inner = zeek_type[zeek_type.index("[") + 1:-1]
        return [decode_value(part, inner, header, name) for part in text.split(header.set_separator)]
    if zeek_type == "bool":
        if text not in ("T", "F"):
            raise ParseError(f"{name}: {text!r} is not a Zeek bool (T or F)")
        return text == "T"
    scalar = _SCALARS.get(zeek_type)
    if scalar is not None:
        try:
            return scalar(text)
        except ValueError:
            raise ParseError(f"{name}: {text!r} is not a Zeek {zeek_type}") from None
    return unescape(text)


def decode_row(line: str, header: ZeekHeader) -> dict[str, Any]:
    """A data row as {column: value} (unset columns left out)."""
    cells = line.split(header.separator)
    if len(cells) != len(header.fields):
        raise ParseError(f"{len(cells)} columns where #fields names {len(header.fields)}")
    types = header.types if len(header.types) == len(header.fields) else ("string",) * len(header.fields)
    row: dict[str, Any] = {}
    for name, zeek_type, text in zip(header.fields, types, cells, strict=True):
        value = decode_value(text, zeek_type, header, name)
        if value is not None:
            row[name] = value
    return row


def read_header(lines: Iterator[str]) -> ZeekHeader:
    """The header at the start of a log (stops at its first data line)."""
    header = ZeekHeader()
    for line in lines:
        if not line.startswith("#"):
            break
        header = read_header_line(header, line.rstrip("\r\n"))
    return header


#: A value Zeek's test canonifiers wrote over a time or id (``XXXXXXXXXX.XXXXXX``).
_CANONIFIED = re.compile(r"^X+(?:\.X+)?$")


def read_log(path: Path, *, canonified: bool = False, columns: Sequence[str] = ()) -> Iterator[dict[str, Any]]:
    """Every row of a Zeek TSV log file as {column: value}, with ``_path`` set from ``#path``
    (for tests and comparisons; ingest goes through the ``zeek`` parser). ``canonified``: the
    log is a Zeek test baseline whose times were replaced by ``X`` placeholders; those read as
    unset. ``columns``: the log has no header (``zeek-cut`` output); its columns, read as text."""
    header = ZeekHeader(fields=tuple(columns))
    with Path(path).open(encoding="utf-8", errors="surrogateescape") as lines:
        for number, raw in enumerate(lines, 1):
            line = raw.rstrip("\r\n")
            if not line:
                continue
            if line.startswith("#"):
                header = read_header_line(header, line)
                continue
            if canonified:
                line = header.separator.join(header.unset_field if _CANONIFIED.match(cell) else cell
                                             for cell in line.split(header.separator))
            try:
                row = decode_row(line, header)
            except ParseError as e:
                raise ParseError(f"{path}:{number}: {e}") from None
            row["_path"] = header.path
            yield row
