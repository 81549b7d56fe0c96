"""Read a log file as lines, each with its byte offset, line number and end position.

Memory stays bounded whatever the input: a line longer than the record size limit (1 MiB by
default) keeps its first bytes and is flagged ``truncated``, the rest is skipped without being
held; runs of NUL bytes at the start of a line (the padding a crash leaves in a log file) are
skipped and counted, and a run of 16 or more inside a line ends it there: the text before is a
line torn by the crash (flagged ``torn``), the text after the padding the next line, kept whole
however long the padding. A read error (a gzip file still being written, or cut short) ends the
read at the last complete line, with the reason in the stats. CRLF is handled; blank lines are
skipped but counted. An unterminated last line is held back (it may still be being written)
unless the read is final, when it is returned flagged ``partial``.

Padding after the last line read (a log that ends in a crash's NUL bytes) is noted in the stats
(``padded_to``), so that the checkpoint skips it: the next read starts after it instead of reading
and reporting it again each run (R11 F3), unless its first bytes are no longer NUL (a writer that
extends its file with NULs and fills them in place, as log4j's memory-mapped appender does).

Content that is not text (collectors.files.binary.binary_in, asked of every chunk) is judged
per run, not per file (R11i-5): when a text line follows within RESUME_BYTES of its first
control byte, the bytes from the start of the line it begins in up to that text line are
records flagged ``garbled``, one per line in it that starts as text with the lines of control
bytes after it (a logged field with raw newlines: its lines are one logged line), counted in
``garbled``, and the read goes on at the text line. When the content ends before that can be
told, a run holding NUL bytes (but crash padding) is binary content; another one a one-shot
read takes as garbage to the end of the content, its last logged line (from its last line that
starts as text, or the run's start) one record flagged ``garbled`` and ``partial``, as an
unterminated last line is: its end is not told (R11j-10). A read that is not final (--follow)
waits before it (``waiting``) for what comes next. When no text line follows
within RESUME_BYTES, it is binary content: the
read ends at the start of the line it begins in, the lines before it are returned, the position
and what it is kept in the stats (``binary_at``, ``binary``), and nothing of it is returned as a line (R11 F6).
"""

from __future__ import annotations

import gzip
import os
import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from govsoc.collectors.base import FILE_ORIGIN, RawRecord
from govsoc.collectors.files.binary import WINDOW, binary_in, binary_magic, line_heads, nul_in, run_end
from govsoc.collectors.files.identity import TAIL_BYTES, open_content

#: The default record size limit (plan: 1 MiB).
DEFAULT_MAX_RECORD_BYTES = 1 << 20
_CHUNK = 1 << 20
_NON_NUL = re.compile(rb"[^\x00]")
#: A run of this many NUL bytes inside a line is crash padding, not text.
PADDING_BYTES = 16
_PAD = b"\x00" * PADDING_BYTES
#: How many of the last chunks read are kept for checkpoint tail digests (acknowledgements lag
#: the reader by about two batches; beyond that the digest is read from the open file).
_KEPT_CHUNKS = 4


@dataclass(slots=True)
class ReadStats:
    """What the reader skipped or changed, for the summary and `govsoc status`."""

    blank_lines: int = 0
    nul_bytes_skipped: int = 0
    truncated: int = 0
    waiting: int = 0
    #: The position after the last complete line read (blank ones included) and its number.
    consumed: int = 0
    #: Where the NUL padding read after ``consumed`` ends (crash padding at the end of what was
    #: read); not above ``consumed`` when none follows it.
    padded_to: int = 0
    lines: int = 0
    #: Why the read stopped before the end of the content (a damaged or unfinished gzip file).
    error: str | None = None
    #: Damage found after the content was read to its end (a gzip trailer's CRC or length
    #: wrong, garbage after the gzip member): nothing more will come, the read is done (V12 F6).
    damage: str | None = None
    #: Binary content found: where the line it begins in starts (the read stopped there), and what it is.
    binary_at: int | None = None
    binary: str | None = None
    #: Runs of non-text lines followed by text, each returned as one record flagged ``garbled``.
    garbled: int = 0
    #: The last chunks read, (content position, bytes), newest last: the bytes really read, for
    #: checkpoint tail digests after the file changed under the reader (rotation, copytruncate).
    chunks: tuple[tuple[int, bytes], ...] = ()

    def tail(self, offset: int) -> bytes | None:
        """The up to TAIL_BYTES bytes read before ``offset``, or None when no longer held."""
        want = offset - max(0, offset - TAIL_BYTES)
        held = b""
        for base, chunk in reversed(self.chunks):  # a reference: the reader replaces, never mutates
            if base >= offset:
                continue
            held = chunk[max(0, offset - want - base):offset - base] + held
            if len(held) >= want or base == 0:
                return held if len(held) == want else None
        return None


@dataclass(slots=True)
class _Line:
    """The line being assembled across chunks: its first bytes (capped) and its full length."""

    offset: int = -1
    data: bytearray | None = None
    length: int = 0
    #: NUL bytes at the end of what was added so far (a padding run may span chunks).
    zeros: int = 0
    #: Ended by crash padding: the rest of its bytes are NULs up to the next line.
    torn: bool = False

    def add(self, piece: bytes, cap: int) -> None:
        assert self.data is not None
        room = cap - len(self.data)
        if room > 0:
            self.data += piece[:room]
        self.length += len(piece)

    def feed(self, chunk: bytes, pos: int, stop: int, cap: int) -> tuple[int | None, int]:
        """Add ``chunk[pos:stop]``; returns where crash padding begins in the chunk (the line is
        then torn there) or None, and how many NUL bytes already added turned out to be padding."""
        lead = len(chunk[pos:pos + PADDING_BYTES]) - len(chunk[pos:pos + PADDING_BYTES].lstrip(b"\x00"))
        if self.zeros and self.zeros + min(lead, stop - pos) >= PADDING_BYTES:
            dropped, self.length, self.zeros, self.torn = self.zeros, self.length - self.zeros, 0, True
            assert self.data is not None
            del self.data[self.length:]
            return pos, dropped
        pad = chunk.find(_PAD, pos, stop)
        piece = chunk[pos:pad if pad >= 0 else stop]
        self.add(piece, cap)
        if pad >= 0:
            self.zeros, self.torn = 0, True
            return pad, 0
        kept = len(piece.rstrip(b"\x00"))
        self.zeros = self.zeros + len(piece) if kept == 0 else len(piece) - kept
        return None, 0


def read_lines(stream: BinaryIO, *, origin: str, identity: str | None = None, start: int = 0,
               first_line: int = 0, max_bytes: int = DEFAULT_MAX_RECORD_BYTES, final: bool = True,
               stats: ReadStats | None = None, chunk_size: int = _CHUNK, padding: int = 0) -> Iterator[RawRecord]:
    """The records of ``stream`` from content position ``start`` (line ``first_line`` + 1);
    ``padding`` NUL bytes after ``start`` were read before: reading starts after them, unless
    they were written over since."""
    stats = stats if stats is not None else ReadStats()
    fd = _plain_fd(stream)
    if padding and fd is not None and not _still_nul(fd, start, padding):
        padding = 0  # filled in place since (a memory-mapped writer): read it
    stats.consumed, stats.lines, stats.padded_to = start, first_line, start + padding
    base = start + padding
    if base:
        try:
            stream.seek(base)
        except (EOFError, OSError, zlib.error) as e:  # a gzip copy shorter than the position (still written)
            stats.error = f"content unreadable before byte {base}: {e}"
            return
    number = first_line
    line = _Line()
    carry = b""


    def emit(data: bytes, offset: int, end: int, length: int, flags: tuple[str, ...] = (),
             line_number: int | None = None) -> RawRecord | None:
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
        return RawRecord(data=data, origin=origin, offset=offset, line=line_number or number, identity=identity,
                         end=end, flags=flags)

    pending = b""  # what follows a run of garbage in the chunk it was found in, read next
    while chunk := pending or _read(stream, chunk_size, stats):
        if not pending and fd is not None and not _unchanged_before(fd, stats):
            stats.error = _changed(base)
            break
        # a whole window to judge (a buffered file's first read1 gives what its buffer held: 4 KiB)
        while not pending and len(carry) + len(chunk) < WINDOW and (more := _read(stream, chunk_size, stats)):
            chunk += more
        pending = b""
        # judged with the end of the chunk before: whole windows, wherever the chunks end
        binary, held, resume, wait, cut = binary_in(carry + chunk), len(carry), None, False, False
        if binary is not None:  # a run of garbage (text follows) or binary content
            chunk, resume, ended = _judge(stream, chunk_size, stats, carry, chunk, max(0, binary[0] - held))
            if resume is None and ended and not nul_in(chunk[max(0, binary[0] - held):]):
                # the content ends within the look-ahead, and NUL bytes (an executable's strings)
                # do not tell it binary either: not judged yet
                if not final:  # --follow: what comes next tells (no false "binary" said meanwhile)
                    wait = True
                elif b"\n" in chunk[max(0, binary[0] - held):]:
                    # one-shot: garbage to the end of the content, its last logged line partial
                    resume, cut = len(chunk), True
                else:  # one-shot, no line end after it: the partial last line
                    binary = None
        whole = chunk
        carry = chunk[-WINDOW:]
        if binary is not None:  # read the text before it; the run is read or the read stopped below
            chunk = chunk[:max(0, binary[0] - held)]
            if resume is None and not wait:
                stats.binary = binary[1]
        pos, size = 0, len(chunk)
        stats.chunks = (*_kept(stats.chunks), (base, whole[:resume] if resume is not None else chunk))
        padded = _PAD in chunk
        while pos < size:
            if line.torn:  # skip the padding; the next byte that is not NUL starts the next line
                found = _NON_NUL.search(chunk, pos)
                stop = found.start() if found else size
                stats.nul_bytes_skipped += stop - pos
                pos = stop
                if found is None:
                    break
                # The torn text and the line after the padding share one physical line number.
                record = emit(bytes(line.data or b""), line.offset, base + pos, line.length, ("torn",), number + 1)
                line = _Line()
                if record is not None:
                    yield record
                continue
            if line.data is None:
                if chunk[pos] == 0:  # crash padding before a line: skip, count
                    found = _NON_NUL.search(chunk, pos)
                    stop = found.start() if found else size
                    stats.nul_bytes_skipped += stop - pos
                    pos, stats.padded_to = stop, base + stop
                    continue
                newline = chunk.find(b"\n", pos)
                if newline >= 0 and (not padded or chunk.find(_PAD, pos, newline) < 0):  # the common case
                    number += 1
                    record = emit(chunk[pos:min(newline, pos + max_bytes)], base + pos, base + newline + 1,
                                  newline - pos)
                    pos = newline + 1
                    if record is not None:
                        yield record
                    continue
                line = _Line(offset=base + pos, data=bytearray())
            newline = chunk.find(b"\n", pos)
            pad, dropped = line.feed(chunk, pos, newline if newline >= 0 else size, max_bytes)
            stats.nul_bytes_skipped += dropped
            if pad is not None:
                pos = pad
                continue
            if newline < 0:
                break
            number += 1
            record = emit(bytes(line.data or b""), line.offset, base + newline + 1, line.length)
            line = _Line()
            pos = newline + 1
            if record is not None:
                yield record
        if resume is not None:  # the run, up to the text line after it: a record per logged line
            run = whole[size:resume]
            at = line.offset if line.data is not None else base + size
            head = bytes(line.data) if line.data is not None else b""
            bounds = [0, *line_heads(run), len(run)]
            for begin, stop in zip(bounds, bounds[1:], strict=False):
                piece = run[begin:stop]
                offset = at if begin == 0 else base + size + begin
                if cut and stop == len(run):  # its end not told: more of this logged line may follow
                    data = (head if begin == 0 else b"") + piece
                    data = data[:-1] if data.endswith(b"\n") else data
                    yield from _cut_line(data[:max_bytes], offset, base + size + stop, len(data), number + 1, fd,
                                         stats, emit)
                    return
                first, number = number + 1, number + piece.count(b"\n")
                stats.garbled += 1
                record = emit(((head if begin == 0 else b"") + piece[:-1])[:max_bytes], offset, base + size + stop,
                              base + size + stop - 1 - offset, ("garbled",), first)
                if record is not None:
                    yield record
            line, pending, carry, base = _Line(), whole[resume:], b"", base + resume
            continue
        if wait:  # read again from the run's line by the next poll
            stats.waiting = base + len(whole) - (line.offset if line.data is not None else base + size)
            return
        if stats.binary is not None:
            at = line.offset if line.data is not None else base + size
            stats.binary_at = at
            # what it is, when a known format starts the line (an executable appended to a log)
            stats.binary = (binary_magic(whole[at - base:at - base + 16]) if at >= base else None) or stats.binary
            return
        base += size
    else:  # the end, or a truncation below the position read to (R11e F1): the last chunk tells
        if fd is not None and stats.error is None and not _unchanged_before(fd, stats):
            stats.error = _changed(base)
    if line.data is not None:
        if final and stats.error is None:  # after a read error the line may go on: wait for it
            number += 1
            record = emit(bytes(line.data), line.offset, base, line.length, ("partial",))
            if record is not None:
                yield record
        else:
            stats.waiting = line.length


def _cut_line(data: bytes, offset: int, end: int, length: int, number: int, fd: int | None, stats: ReadStats,
              emit: Callable[..., RawRecord | None]) -> Iterator[RawRecord]:
    """The last logged line of a run of garbage the content's end cuts (one-shot), from its start
    to that end: one record flagged ``garbled`` and ``partial``, as an unterminated last line is
    (R11j-10). Its end is not told, so more of the same logged line may follow; stored as a
    complete record, its id held where the content happened to end, and the read of the grown
    file stored the whole line beside it, or a cut elsewhere after a kill. As a partial line,
    the checkpoint stays at its start and the FileTracker supersedes it once the line is read
    complete. Like any unterminated line, it waits after a read error (the file truncated under
    the reader: what is read is no longer that file's)."""
    if fd is not None and stats.error is None and not _unchanged_before(fd, stats):
        stats.error = _changed(end)
    if stats.error is not None:
        stats.waiting = end - offset
        return
    stats.garbled += 1
    record = emit(data, offset, end, length, ("garbled", "partial"), number)
    if record is not None:
        yield record


def _judge(stream: BinaryIO, chunk_size: int, stats: ReadStats, carry: bytes, chunk: bytes,
           at: int) -> tuple[bytes, int | None, bool]:
    """Whether the content that is not text from ``chunk[at:]`` on is a run of garbage: the chunk
    (read further when the text line after it may begin beyond it), where the text line after
    the run begins in it (None: binary content, see collectors.files.binary), and whether the
    content ended before that could be told."""
    held = len(carry)
    while True:
        resume, told = run_end(carry + chunk, held + at)
        if not told and not (more := _read(stream, chunk_size, stats)):  # the end, for now
            resume, told = run_end(carry + chunk, held + at, complete=True)
            # not told: the end came first; after a read error, binary until judged again
            return chunk, None if resume is None else resume - held, not told and stats.error is None
        if told:
            return chunk, None if resume is None else resume - held, False
        chunk += more


def _kept(chunks: tuple[tuple[int, bytes], ...]) -> tuple[tuple[int, bytes], ...]:
    """The chunks to keep before the next one: a chunk with no line end in it (inside a long line
    or padding) is no place for a checkpoint, only its last TAIL_BYTES may be needed."""
    if chunks and b"\n" not in (last := chunks[-1])[1] and len(last[1]) > TAIL_BYTES:
        chunks = (*chunks[:-1], (last[0] + len(last[1]) - TAIL_BYTES, last[1][-TAIL_BYTES:]))
    return chunks[1 - _KEPT_CHUNKS:]


def _plain_fd(stream: BinaryIO) -> int | None:
    """The descriptor of a plain file being read (None for gzip content or an in-memory stream)."""
    if isinstance(stream, gzip.GzipFile):
        return None
    try:
        return stream.fileno()
    except (AttributeError, OSError, ValueError):  # io.UnsupportedOperation is an OSError
        return None


def _still_nul(fd: int, start: int, padding: int) -> bool:
    """Whether the padding read before at ``start`` still begins with NUL bytes (a writer that
    fills what it extended writes from its start; one read of at most a chunk tells)."""
    try:
        return not os.pread(fd, min(padding, _CHUNK), start).strip(b"\x00")
    except OSError:
        return False  # read it again: the read itself reports what is wrong


def _changed(position: int) -> str:
    return (f"the file changed before byte {position} during the read (truncated: copytruncate?); "
            "what was read before is kept")


def _unchanged_before(fd: int, stats: ReadStats) -> bool:
    """Whether the file still holds the last bytes of the previous chunk read: checked after each
    read, so a chunk read after a truncation and rewrite is never taken as the old file's."""
    if not stats.chunks:
        return True
    base, chunk = stats.chunks[-1]
    held = chunk[-TAIL_BYTES:]
    try:
        return os.pread(fd, len(held), base + len(chunk) - len(held)) == held
    except OSError:
        return True  # the read itself reports what is wrong


def _read(stream: BinaryIO, size: int, stats: ReadStats) -> bytes:
    """The next chunk, or b"" when the content ends or cannot be read further (the reason kept)."""
    try:
        # read1: one decompression step at a time, so a cut-short gzip stream gives every byte
        # before the cut (read() would drop the last partly filled chunk with the error).
        read = getattr(stream, "read1", stream.read)
        data: bytes = read(size)
        return data
    except gzip.BadGzipFile as e:  # raised past a member's end only: its deflate data ended whole
        stats.damage = f"damaged gzip file after byte {stats.consumed}, its content read to its end: {e}"
        return b""
    except (EOFError, OSError, zlib.error) as e:  # gzip cut short or still being written; EIO
        stats.error = f"content unreadable after byte {stats.consumed}: {e}"
        return b""


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
