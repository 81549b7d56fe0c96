"""The shape every classification source yields (stage: classification)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final, Protocol

from govsoc.classification.columns import ColumnSample
from govsoc.classification.sources.key_sketch import KeySketch
from govsoc.core.errors import Location

__all__ = ["TableSample", "Reference", "Source", "Skipped", "quoted", "QUOTED", "unmarked", "printable_name", "named",
           "escaped_name", "RENAMED", "NOT_UTF8", "decoded_name", "name_notice", "READ_AS_GB18030"]

#: The reason listed for a name printable_name changed.
RENAMED: Final = "name holds a lone surrogate (no UTF-8 form): classified under the name with it escaped"


def printable_name(name: str) -> str:
    """``name`` with each lone surrogate written as its escape (``sfz\\udc00``). JSON allows
    ``"\\udc00"`` in a key (RFC 8259 §8.2: such text is "unpredictable", not invalid), an XLSX string
    ``_xDC00_``; no UTF-8 text holds one, so the name could be neither printed nor saved. The
    column is classified under this name; the caller counts the change."""
    return name.encode("utf-8", "backslashreplace").decode("utf-8") if not _encodes(name) else name


def named(name: str, renamed: list[str] | None) -> str:
    """printable_name(name), appended to ``renamed`` (when given) if it had to be escaped."""
    shown = printable_name(name)
    if shown != name and renamed is not None:
        renamed.append(shown)
    return shown


#: The reason listed for a file, folder or table name escaped_name changed.
NOT_UTF8: Final = "name is not UTF-8 (a GBK name from a Windows share or archive?): shown and saved with " \
                  "its undecodable bytes as \\xNN"


def escaped_name(name: str) -> str:
    """``name``, a file, folder or table name (bytes the system gave), printable and savable: each
    byte that is not UTF-8, which Python decodes to U+DC80-U+DCFF (surrogateescape, PEP 383), written
    as ``\\xd5``, as the terminal shows it (cli.terminal); any other lone surrogate as
    :func:`printable_name` writes it. A name that is UTF-8 is returned as it is."""
    if _encodes(name):
        return name
    return "".join(f"\\x{ord(c) - 0xDC00:02x}" if "\udc80" <= c <= "\udcff" else printable_name(c) for c in name)


#: The note listed for a file, folder or table name decoded_name read as GB18030 (nothing left out).
READ_AS_GB18030: Final = "name is not UTF-8 (a GBK name from a Windows share or archive): read as GB18030; " \
                         "its keys are digests of its own bytes"
#: What a path is cut at before each part is decoded alone: the separator, and the colon before a
#: workbook's sheet (or after a DSN's scheme), neither a byte of a GBK character nor in a Windows name.
_PARTS: Final = re.compile(r"([/:])")
#: Kinds of character a clean GB18030 reading never gives: controls, format characters, private use
#: (GBK's user-defined areas), unassigned code points (a Latin-1 or random name read as GB18030) and
#: line or paragraph separators (R15w-4: U+2028 in a shown name breaks the line it is shown on).
_NOT_TEXT: Final = frozenset({"Cc", "Cf", "Co", "Cn", "Cs", "Zl", "Zp"})


def decoded_name(name: str) -> str:
    """``name``, a file, folder or table name or a path of them as the system gave it (R15n-9): each
    part holding bytes that are not UTF-8 (surrogateescape'd: a GBK name from a Windows share or a
    zip archive) read as GB18030 when its bytes decode cleanly (王小明身份证.csv, which the
    inventory's masking then sees: 王**身份证.csv), else escaped as :func:`escaped_name` writes it.
    A UTF-8 name is returned as it is. The name's keys are made from escaped_name, its bytes, so that
    a GBK name and a UTF-8 one that read alike are told apart."""
    if _encodes(name):
        return name
    # per part: a UTF-8 folder or sheet above or inside a GBK name is left as it is (R15w-1: 王芳 read
    # again as GB18030 came out 鐜嬭姵, unmasked and turned back into the name by anyone)
    return "".join(part if _encodes(part) else _gb18030(part) or escaped_name(part) for part in _PARTS.split(name))


def name_notice(name: str) -> tuple[str, bool] | None:
    """The reason to list for ``name`` when :func:`decoded_name` changed it, and whether it is only a
    note (read whole as GB18030: nothing left out, never counted as a skip); None for a UTF-8 name."""
    if _encodes(name):
        return None
    if all(_encodes(part) or _gb18030(part) for part in _PARTS.split(name)):
        return READ_AS_GB18030, True
    return NOT_UTF8, False


def _gb18030(part: str) -> str:
    """``part``'s bytes read as GB18030, or "" when they are not (clean) GB18030 text."""
    try:
        text = part.encode("utf-8", "surrogateescape").decode("gb18030")
    except UnicodeError:  # not GB18030, or a surrogate that is no byte (a JSON escape)
        return ""
    return "" if any(not c.isascii() and unicodedata.category(c) in _NOT_TEXT for c in text) else text


def _encodes(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


#: What brackets a name a skip reason quotes (quoted): U+2068 FIRST STRONG ISOLATE and U+2069 POP
#: DIRECTIONAL ISOLATE, Unicode's marks for text embedded in prose (UAX #9), invisible where shown.
QUOTED: Final = ("\u2068", "\u2069")


def quoted(name: str) -> str:
    """``name`` (a folder, sheet, schema) marked as a name where a skip reason is built: the inventory
    shows it whole as it shows a location (shown_names.ShownNames.skip), before the prose around it
    is masked clause by clause, so that "wifi密码: Hunter2Pass!" is never cut at its ': ' (RRR15bs-1).
    The name's own isolate marks are dropped (:func:`unmarked`): a Linux folder name may hold U+2069,
    which closed the quote early and left "password:\\u2069 Hunter2Pass!" in clear (RRR15bu-1)."""
    return f"{QUOTED[0]}{unmarked(name)}{QUOTED[1]}"


#: The isolate marks (UAX #9: LRI, RLI, FSI, PDI), QUOTED's among them.
_ISOLATES: Final = re.compile(r"[\u2066-\u2069]")


def unmarked(name: str) -> str:
    """``name`` without its isolate marks U+2066..U+2069, which no one sees where a name is shown
    (the text reads the same without them) but which reorder what follows (CVE-2021-42574), would
    close or open a quoted name, and, kept or written as an escape, stand between a label and its
    value for the masking ("password:\\u2069 Hunter2Pass!"). The name's keys are made from its bytes
    (escaped_name), so two names that differ only by marks stay two."""
    return _ISOLATES.sub("", name)


@dataclass(frozen=True, slots=True, kw_only=True)
class Skipped:
    """A part of a source left unclassified (a cell over the size limit, a line that is not JSON,
    a file that cannot be read): where it is and why. Bulk work reports these and goes on.
    ``note``: nothing was left out, only something said of the source (a delimiter other than its
    suffix's, a bound on its columns): listed with the skips, never counted among them."""

    location: Location
    reason: str
    note: bool = False

    def __str__(self) -> str:
        return f"{self.location}: {self.reason}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Reference:
    """A foreign key the database declares: column ``column`` holds values of ``other_column`` of
    the table ``table`` (named as the source names its tables: ``hr.emp`` outside the default schema)."""

    column: str
    table: str
    other_column: str


@dataclass(frozen=True, slots=True, kw_only=True)
class TableSample:
    """One table's sampled columns. ``rows`` is the table's size (None when unknown).
    ``skipped`` lists what was left out (at most a few per table) and ``skipped_count`` counts
    all of it; ``readable`` is False for a file that could not be read at all (no columns);
    ``references``: the foreign keys a database declares on it (linked_tables links on them);
    ``keys``: a file reader's sketches of its columns' values over all the rows (sources.key_sketch)."""

    dataset: str
    table: str
    rows: int | None
    columns: tuple[ColumnSample, ...]
    comment: str = ""
    skipped: tuple[Skipped, ...] = ()
    skipped_count: int = 0
    readable: bool = True
    references: tuple[Reference, ...] = ()
    keys: tuple[KeySketch, ...] = ()


class Source(Protocol):
    """Yields sampled tables; ``name`` is safe to print (no credentials)."""

    name: str

    def tables(self) -> Iterator[TableSample]:
        """The tables, sampled."""
        ...  # pragma: no cover

    def count(self) -> int | None:
        """How many tables ``tables`` will yield, when known in advance (for progress)."""
        ...  # pragma: no cover
