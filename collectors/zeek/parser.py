"""The ``zeek`` parser: Zeek logs (ASCII TSV with their header, or JSON lines) to ECS events.

Stage: collectors (parse + normalise). A TSV log's ``#`` header lines set the columns and yield no
event; a read resumed after the header (from a checkpoint) reads the header from the file's head
first. Each JSON line names no log path, so the path is taken from the file name (``conn.log``,
``dns.2026-03-01.log``) or, failing that, guessed from the columns the line has.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from govsoc.collectors.base import ParseContext, RawRecord, parsers
from govsoc.collectors.files.identity import open_content
from govsoc.collectors.zeek.ecs import ecs_fields
from govsoc.collectors.zeek.tsv import ZeekHeader, decode_row, read_header_line
from govsoc.core.errors import GovsocError, ParseError
from govsoc.core.event import Event, parse_timestamp

#: Bytes of a file's head read to find a TSV header when a read resumes after it.
HEADER_BYTES = 64 * 1024
_PATH_IN_NAME = re.compile(r"^([a-z0-9_]+?)(?:[.-]\d{4}-\d\d-\d\d[^.]*)?\.log")
#: Columns that identify a log when a JSON line's path is unknown: most specific first.
_SIGNATURES: tuple[tuple[str, str], ...] = (
    ("conn_state", "conn"), ("qtype_name", "dns"), ("query", "dns"), ("status_code", "http"), ("method", "http"),
    ("cipher", "ssl"), ("server_name", "ssl"), ("auth_success", "ssh"), ("certificate.subject", "x509"),
    ("fuid", "files"), ("note", "notice"),
)


@parsers.register("zeek")
class ZeekParser:
    """Zeek TSV and JSON logs, any log path (conn, dns, http, ssl, ssh, x509, files, ...)."""

    dataset = "zeek.conn"

    def __init__(self) -> None:
        self._header = ZeekHeader()
        self._head_read_for: str | None = None

    def parse(self, record: RawRecord, context: ParseContext) -> Iterator[Event]:
        """No event for a header line; one event per data row."""
        del context  # Zeek writes epoch or ISO UTC times
        text = record.text().rstrip("\r\n")
        if text.startswith("#"):
            self._header = read_header_line(self._header, text)
            return
        if text.startswith("{"):
            path, row = self._json_row(text, record)
        else:
            path, row = self._tsv_row(text, record)
        when = _timestamp(row.get("ts"))
        fields = ecs_fields(path, row)
        fields["event.original"] = text
        if record.file_path:
            fields["log.file.path"] = record.file_path_text
        yield Event(id=record.event_id(), timestamp=when, dataset=f"zeek.{path}", fields=fields)

    def _tsv_row(self, text: str, record: RawRecord) -> tuple[str, dict[str, Any]]:
        if not self._header.complete and record.file_path and self._head_read_for != record.file_path:
            self._head_read_for = record.file_path
            self._header = _file_header(Path(record.file_path))
        if not self._header.complete:
            raise ParseError("a Zeek TSV row before any #fields header line")
        row = decode_row(text, self._header)
        return self._header.path or _path_of(record, row), row

    def _json_row(self, text: str, record: RawRecord) -> tuple[str, dict[str, Any]]:
        try:
            row = json.loads(text)
        except ValueError as e:
            raise ParseError(f"not JSON: {e}") from e
        if not isinstance(row, dict):
            raise ParseError("a Zeek JSON log line must be an object")
        return str(row.get("_path") or _path_of(record, row)), row


def _file_header(path: Path) -> ZeekHeader:
    header = ZeekHeader()
    try:
        with open_content(path) as stream:
            head = stream.read(HEADER_BYTES).decode("utf-8", errors="replace")
    except (OSError, GovsocError):
        return header
    for line in head.splitlines():
        if not line.startswith("#"):
            break
        header = read_header_line(header, line)
    return header


def _path_of(record: RawRecord, row: dict[str, Any]) -> str:
    if record.file_path:
        match = _PATH_IN_NAME.match(Path(record.file_path).name)
        if match:
            return match.group(1)
    for column, path in _SIGNATURES:
        if column in row:
            return path
    raise ParseError("cannot tell which Zeek log this line is from (no _path, file name or known column)")


def _timestamp(value: object) -> datetime:
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(float(value), tz=UTC)
        except (OverflowError, OSError, ValueError):
            raise ParseError(f"ts {value!r} is not a time") from None
    if isinstance(value, str):
        try:
            return parse_timestamp(value)
        except ValueError:
            raise ParseError(f"ts {value!r} is not a time") from None
    raise ParseError("no ts")
