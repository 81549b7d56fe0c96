"""Read a log file as lines, each with its byte offset and line number.

Offsets make event ids deterministic (file + offset) and let later tailing resume exactly where
it stopped. CRLF and a missing final newline are handled; blank lines are skipped but counted.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from govsoc.collectors.base import FILE_ORIGIN, RawRecord
from govsoc.core.errors import Location, ParseError

_CHUNK = 1 << 20


class LineFileSource:
    """The non-empty lines of a file, with origin ``file://<absolute path>``."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.blank_lines = 0

    def records(self) -> Iterator[RawRecord]:
        """Each line without its terminator."""
        origin = FILE_ORIGIN + str(self.path.resolve())
        try:
            handle = self.path.open("rb")
        except OSError as e:
            raise ParseError(f"cannot read: {e.strerror}", location=Location(path=str(self.path))) from e
        with handle:
            offset = 0
            number = 0
            pending = b""
            while chunk := handle.read(_CHUNK):
                pending += chunk
                *lines, pending = pending.split(b"\n")
                for raw in lines:
                    number += 1
                    record = self._record(raw, origin, offset, number)
                    offset += len(raw) + 1
                    if record is not None:
                        yield record
            if pending:
                record = self._record(pending, origin, offset, number + 1)
                if record is not None:
                    yield record

    def _record(self, raw: bytes, origin: str, offset: int, number: int) -> RawRecord | None:
        data = raw[:-1] if raw.endswith(b"\r") else raw
        if not data.strip():
            self.blank_lines += 1
            return None
        return RawRecord(data=data, origin=origin, offset=offset, line=number)
