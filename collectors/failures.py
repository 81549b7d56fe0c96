"""What a record that gives no event of its parser becomes, and how a record is named and judged
on the way: the ingest pipeline's (collectors.pipeline) parse-failure event (``event.kind:
pipeline_error``, which keeps the record's text and the reason, stamped with the record's own time
when it carries one), the reasons of records the line reader flagged ``garbled``
(collectors.files.lines), where a record was read (file:line) and whether its text kept every byte.
Nothing is dropped: a record no parser understands is stored as such an event.
"""

from __future__ import annotations

import re
from typing import Any

from govsoc.collectors.base import ParseContext, Parser, RawRecord
from govsoc.collectors.syslog.charset import UTF8_BOM, decode_message
from govsoc.collectors.timestamps import find_time
from govsoc.core.errors import GovsocError
from govsoc.core.event import Event

__all__ = ["GARBLED", "GARBLED_CUT", "decodes_without_loss", "failure_event", "record_place"]


def record_place(record: RawRecord | None, source: str) -> str:
    """Where a record was read: file:line, else its origin (else the source's name)."""
    if record is None:
        return source
    return f"{record.file_path_text}:{record.line}" if record.file_path and record.line else record.origin


#: Why a record flagged ``garbled`` (collectors.files.lines) is a pipeline_error event.
GARBLED = ("a group of non-text lines inside a text log (control bytes: a logged field written unescaped with raw "
           "newlines?), kept as one event of at most 64 KiB and a line; the read went on after it")
#: The same, for a group the file's end cuts (flagged ``partial``).
GARBLED_CUT = ("a group of non-text lines inside a text log (control bytes: a logged field written unescaped with raw "
               "newlines?), cut by the end of the file: kept as one event flagged partial, replaced once the rest of "
               "it is read")
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def _escaped(match: re.Match[str]) -> str:
    return f"\\x{ord(match.group()):02x}"


def decodes_without_loss(data: bytes) -> bool:
    """Whether RawRecord.text() keeps every byte: UTF-8, else GB18030 without replacements. The
    same answer for every charset setting: each tries these two codecs strictly, in some order
    (collectors.syslog.charset), and replaces bytes only when neither decodes. An opening UTF-8
    BOM is not text: the bytes after it are judged (decode_message drops it)."""
    if data.isascii():  # UTF-8 text whole: most lines, not decoded a second time (F11ae: 0.3 us a line)
        return True
    if data.startswith(UTF8_BOM):
        return not decode_message(data).replaced
    for encoding in ("utf-8", "gb18030"):  # per event: no Decoded built (R11ak-2: 0.2 -> 0.9 us)
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return True
    return False


def failure_event(record: RawRecord, parser: Parser, error: GovsocError, context: ParseContext) -> Event:
    """The event that stands for a record its parser did not understand; its time is the first
    known time form found in the record, else when it was received, else the reference time
    (for a file, its modification time)."""
    text = record.text()
    fields: dict[str, Any] = {
        "event.kind": "pipeline_error",
        "event.original": text,
        # a run of control bytes and raw newlines is shown escaped (its bytes are in original_base64)
        "message": _CONTROL_CHARACTERS.sub(_escaped, text) if "garbled" in record.flags else text,
        "error.message": error.message,
        "govsoc.parse_error": error.message,
        "log.offset": record.offset,
    }
    if record.file_path:
        fields["log.file.path"] = record.file_path_text
    timestamp = find_time(text, context) or record.received or context.reference
    return Event(id=record.event_id(), dataset=parser.dataset, timestamp=timestamp, fields=fields)
