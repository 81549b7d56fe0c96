"""A database column's sampled values as text (stage: classification; a part of sources/sql.py).

SQLite is typeless and legacy applications keep text in BLOBs and GBK in TEXT: :func:`as_text`
reads each value as the text it is, or says it is binary. A JSON document in a column (PostgreSQL
json/jsonb, MySQL JSON, or text holding an object or array: ``{"xm": …, "sfzh": …, "family":
[…]}``) is read by its paths as the JSON file reader reads a record (sources.json_records.flatten:
``xm``, ``family[].xm``), each path a field of its own under ``column.path`` (R15f-31), not one
text whose names no recognizer judges.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from govsoc.classification.sources.files import MAX_CELL
from govsoc.classification.sources.json_maps import FIELDS
from govsoc.classification.sources.json_records import flatten

__all__ = ["ColumnRead", "as_text", "document", "surrogate_text"]


@dataclass(slots=True)
class ColumnRead:
    """One column's sampled values as text, and how many were binary or not UTF-8 text; the
    values that are JSON documents as their paths' values (``paths``)."""

    name: str = ""  # the column's, which its JSON documents' paths start with
    values: list[str] = field(default_factory=list)
    rowids: list[Any] = field(default_factory=list)  # each value's rowid (None where not known)
    paths: dict[str, list[str]] = field(default_factory=dict)
    past: int = 0  # values under paths past the first FIELDS
    documents: int = 0  # values read by their paths
    binary: int = 0
    long: int = 0
    recoded: int = 0
    replaced: int = 0
    first: Any = None  # the rowid of the first value not UTF-8, when known

    def add_value(self, value: object, rowid: Any) -> None:
        """A value as the server gave it: a JSON document (a json/jsonb value, or text holding an
        object or array) by its paths, any other as text."""
        doc = value if isinstance(value, (dict, list)) else None
        text, kind = ("", "") if doc is not None else as_text(value)
        if doc is None and not kind and text:
            doc = document(text)
        if doc is None:
            self.add(text, kind, rowid)
            return
        self.documents += 1
        for path, inner in flatten(doc, self.name):
            values = self.paths.get(path)
            if values is None:
                if len(self.paths) >= FIELDS:
                    self.past += 1
                    continue
                values = self.paths[path] = []
            values.append(inner)

    def add(self, text: str | None, kind: str, rowid: Any) -> None:
        if text is None:
            self.binary += 1
            return
        self.values.append(text)
        self.rowids.append(rowid)
        if kind:
            if kind == "gb18030":
                self.recoded += 1
            else:
                self.replaced += 1
            if rowid is None:
                self.first = self.first or f"sampled value {len(self.values)}"
            elif not isinstance(self.first, int) or rowid < self.first:
                self.first = rowid  # the sample's order is a hash's: name the one nearest the top

    def sample(self) -> tuple[list[str], list[int]]:
        """The values, blank ones left out, and their rowids when every one is known (else none):
        ColumnSample.values and places."""
        kept = [(v, r) for v, r in zip(self.values, self.rowids, strict=True) if v]
        places = [r for _, r in kept]
        return [v for v, _ in kept], places if all(isinstance(r, int) for r in places) else []

    def notes(self) -> list[tuple[str, bool]]:
        """The reasons to list for this column, each with whether values were left out (values over
        MAX_CELL, binary values: one skip each, however many values) or only said (TEXT values not
        UTF-8, classified as read: a note)."""
        notes = []
        sampled = len(self.values) + self.documents + self.binary + self.long
        if self.past:
            notes.append((f"{self.past:,} values of its JSON documents under paths past the first {FIELDS:,} (keys "
                          "that are data?): not classified", True))
        if self.long:
            notes.append((f"{self.long:,} of {sampled:,} sampled values are over {MAX_CELL // 1024} KiB (a blob, "
                          "a base64 attachment): not classified", True))
        if self.binary:
            notes.append((f"{self.binary:,} of {sampled:,} sampled values are binary, not text (UTF-8 or GB18030): "
                          "not classified", True))
        if self.recoded or self.replaced:
            where = f"rowid {self.first}" if isinstance(self.first, int) else str(self.first)
            how = [f"{self.recoded:,} read as GB18030"] if self.recoded else []
            how += [f"{self.replaced:,} with their undecodable bytes as U+FFFD"] if self.replaced else []
            notes.append((f"{self.recoded + self.replaced:,} of {sampled:,} sampled TEXT values are not UTF-8 (the "
                          f"first at {where}): {', '.join(how)}; classified so", False))
        return notes


def as_text(value: object) -> tuple[str | None, str]:
    """The value as text and how it was read: "" as it came, "gb18030" or "replaced" for TEXT that
    is not UTF-8; None for bytes that are not text. SQLite is typeless and legacy applications keep
    text in BLOBs (GBK bytes), and write GBK through the TEXT API too (the connection hands such
    TEXT over with surrogateescape): bytes are text when they decode strictly as UTF-8, else as
    GB18030, and hold no control character but tab and line ends (images, hashes and ciphertext
    do); a C string's terminating NULs (and CHAR(n)'s NUL padding) are not part of it. TEXT that is
    neither is read with U+FFFD for its undecodable bytes. A whole number in a REAL (a phone column
    pandas wrote with a NaN in it: 13800138000.0) is its integer's text, as a spreadsheet's is."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            data = value.encode("utf-8", "surrogateescape").rstrip(b"\0")
        else:
            return value.rstrip("\0").strip(), ""
        try:
            return data.decode("gb18030").strip(), "gb18030"
        except UnicodeDecodeError:
            return data.decode("utf-8", "replace").strip(), "replaced"
    if isinstance(value, (bytes, bytearray, memoryview)):
        data = bytes(value).rstrip(b"\0")
        for encoding in ("utf-8", "gb18030"):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            if not any(c < " " and c not in "\t\r\n" or c == "\x7f" for c in text):
                return text.strip(), ""
        return None, ""
    if isinstance(value, (float, Decimal)) and math.isfinite(value) and value == int(value):
        return str(int(value)), ""
    return str(value).strip(), ""


def document(text: str) -> Any | None:
    """The JSON object or array ``text`` holds whole (a text column of JSON documents, as SQLite and
    older MySQL keep them), else None."""
    if text[:1] not in "{[" or text[-1:] not in "}]":
        return None
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return doc if isinstance(doc, (dict, list)) else None


def surrogate_text(data: bytes) -> str:
    """The sqlite3 text factory: TEXT as str, bytes that are not UTF-8 as surrogates."""
    # TEXT that is not UTF-8 (GBK through sqlite3_bind_text) would raise and end the whole file's
    # reading; decoded so, as_text reads its bytes as it reads a BLOB's
    return data.decode("utf-8", "surrogateescape")
