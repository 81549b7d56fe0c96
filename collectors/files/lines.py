"""Read a log file as lines, each with its byte offset, line number and end position.

Memory stays bounded whatever the input: a line longer than the record size limit (1 MiB by
default) keeps its first bytes and is flagged ``truncated``, the rest is skipped without being
held; runs of NUL bytes at the start of a line (the padding a crash leaves in a log file) are
skipped and counted. CRLF is handled; blank lines are skipped but counted. An unterminated last
line is held back (it may still be being written) unless the read is final, when it is returned
flagged ``partial``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from govsoc.collectors.base import FILE_ORIGIN, RawRecord
from govsoc.collectors.files.identity import open_content

#: The default record size limit (plan: 1 MiB).
DEFAULT_MAX_RECORD_BYTES = 1 << 20
_CHUNK = 1 << 20
_NON_NUL = re.compile(rb"[^\x00]")


@dataclass(slots=True)
class ReadStats:
    """What the reader skipped or changed, for the summary and `govsoc status`."""

    blank_lines: int = 0
    nul_bytes_skipped: int = 0
    truncated: int = 0
    waiting: int = 0
    #: The position after the last complete line read (blank ones included) and its number.
    consumed: int = 0
    lines: int = 0


@dataclass(slots=True)
class _Line:
    """The line being assembled across chunks: its first bytes (capped) and its full length."""

    offset: int = -1
    data: bytearray | None = None
    length: int = 0

    def add(self, piece: bytes, cap: int) -> None:
        assert self.data is not None
        room = cap - len(self.data)
        if room > 0:
            self.data += piece[:room]
        self.length += len(piece)


def read_lines(stream: BinaryIO, *, origin: str, identity: str | None = None, start: int = 0,
               first_line: int = 0, max_bytes: int = DEFAULT_MAX_RECORD_BYTES, final: bool = True,
               stats: ReadStats | None = None, chunk_size: int = _CHUNK) -> Iterator[RawRecord]:
    """The records of ``stream`` from content position ``start`` (line ``first_line`` + 1)."""
    stats = stats if stats is not None else ReadStats()
    if start:
        stream.seek(start)
    base = start
    number = first_line
    line = _Line()

    stats.consumed, stats.lines = start, first_line

    def emit(data: bytes, offset: int, end: int, length: int, flags: tuple[str, ...] = ()) -> RawRecord | None:
        if "partial" not in flags:
            stats.consumed, stats.lines = end, number
        if data.endswith(b"\r"):
            data = data[:-1]
        if length > max_bytes:
            stats.truncated += 1
            flags = (*flags, "truncated")
        if not data.strip():
            stats.blank_lines += 1
            return None
        return RawRecord(data=data, origin=origin, offset=offset, line=number, identity=identity,
                         end=end, flags=flags)

    while chunk := stream.read(chunk_size):
        pos, size = 0, len(chunk)
        while pos < size:
            if line.data is None:
                if chunk[pos] == 0:  # crash padding before a line: skip, count
                    found = _NON_NUL.search(chunk, pos)
                    stop = found.start() if found else size
                    stats.nul_bytes_skipped += stop - pos
                    pos = stop
                    continue
                newline = chunk.find(b"\n", pos)
                if newline >= 0:  # the common case: the whole line is in this chunk
                    number += 1
                    record = emit(chunk[pos:min(newline, pos + max_bytes)], base + pos, base + newline + 1,
                                  newline - pos)
                    pos = newline + 1
                    if record is not None:
                        yield record
                    continue
                line = _Line(offset=base + pos, data=bytearray())
            newline = chunk.find(b"\n", pos)
            line.add(chunk[pos:newline if newline >= 0 else size], max_bytes)
            if newline < 0:
                break
            number += 1
            record = emit(bytes(line.data or b""), line.offset, base + newline + 1, line.length)
            line = _Line()
            pos = newline + 1
            if record is not None:
                yield record
        base += size
    if line.data is not None:
        if final:
            number += 1
            record = emit(bytes(line.data), line.offset, base, line.length, ("partial",))
            if record is not None:
                yield record
        else:
            stats.waiting = line.length


class LineFileSource:
    """A whole file as a Source of line records (one-shot, from the start), origin
    ``file://<absolute path>``; the pipeline reads files from their checkpoints instead."""

    def __init__(self, path: Path, *, max_bytes: int = DEFAULT_MAX_RECORD_BYTES) -> None:
        self.path = Path(path)
        self.max_bytes = max_bytes
        self.stats = ReadStats()

    def records(self) -> Iterator[RawRecord]:
        """Each line without its terminator."""
        with open_content(self.path) as stream:
            yield from read_lines(stream, origin=FILE_ORIGIN + str(self.path.resolve()), max_bytes=self.max_bytes,
                                  stats=self.stats)
