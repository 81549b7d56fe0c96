"""Crash padding inside a log line: where a filesystem's zeroed blocks tore a line, told from NUL
bytes an attacker put in a logged field (collectors.files.lines reads the lines).

After a power loss a filesystem reads back the blocks it had not written as NUL bytes: ext4's
delayed allocation and xfs zero whole blocks, from a block boundary up to the size the file had,
and after the reboot the logger appends its next lines after them. The line being written when
the crash came is torn at a block boundary, mid-line, and the first line after the reboot follows
the padding with no line end between (R11m-1: that root login was stored inside the torn line's
event, or past 1 MiB of padding not at all). A field an attacker fills with NUL bytes sits
wherever the log has grown to (R11l-7: 16 NULs then a forged "Accepted password" line must stay
inside its line).

So a run of NUL bytes inside a line is crash padding (``crash_padding``) when it is where a
filesystem's zeroing starts: on a block boundary of the file's offsets, whatever its length (a
crash's tail is as long as the file was past its last written block: 1 to 4,095 bytes in the last
block, so 15 tears in 4,096 lose fewer than 16 bytes, R11n-2; on a boundary an attacker's odds do
not hang on the length). Its length alone never makes a run padding (R11n-1: a rule "covers a
whole aligned block" let a field of 8,191 NULs anywhere end its line and forge the text after it),
nor does a run with another run of PADDING_BYTES NULs after it in its line: a crash tears a line
once and the logger's text after the reboot is clean (R11n-6: a field of many 16-NUL runs, each
before a forged head, put a run start on every 77th byte, so one boundary crossed in 77 tore it).
A shorter run is padding only as the line's last NUL bytes, with text after it (else short runs
spread through a field would beat the odds again). The text before it
is the torn line, flagged ``torn``; the text after it a line of its own, flagged
``after_padding`` so that a rule or an analyst can weigh it: an attacker's run lands on a block
boundary by chance as the line's last run, one try in BLOCK_BYTES a line. Other runs stay the
line's bytes. The same rule tells whether a line follows crash padding at a line start, so the
flag does not hang on where a read started (``run_before``).

The grid is the file's offsets, or in a gzip file of several members each member's content's
(``BlockGrid``, R11n-3). A limit: where a plain copy puts a log after other bytes (`cat a b`) the
grid it was written on cannot be known from the bytes, and its tears are not told.
"""

from __future__ import annotations

import gzip
import os
import re
import zlib
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import BinaryIO

from govsoc.collectors.files.identity import FINGERPRINT_BYTES, FileView, open_content
from govsoc.core.errors import GovsocError

#: A filesystem block: what a crash zeroes whole, from its boundaries on the file's offsets.
BLOCK_BYTES = 4096
#: A run of this many NUL bytes or more after a boundary run says that run is no crash's; ending a
#: line the content's end cuts, it is that line's unwritten rest.
PADDING_BYTES = 16
_RUN = re.compile(rb"\x00{%d,}" % PADDING_BYTES)
NON_NUL = re.compile(rb"[^\x00]")
#: How far before a read's start ``run_before`` looks at a time (further while it sees NULs only).
_LOOK_BACK = 2 * BLOCK_BYTES


def crash_padding(start: int, end: int) -> bool:
    """Whether NUL bytes from file position ``start`` to ``end`` may be a crash's padding: from a
    block boundary (R11n-2: a tear losing 1..15 bytes past it is one too; on a boundary an
    attacker's odds do not hang on the run's length, and LineBuffer weighs what follows)."""
    return start % BLOCK_BYTES == 0 and end > start


class BlockGrid:
    """The block boundaries of a content's positions: the file's offsets, or in a gzip file of
    several members (`gzip -c auth.log.1 >> archive.gz`) each member's own, from the start of its
    content (R11n-3: a crashed log gzipped after an older one had its padding 6,749 bytes off the
    content's grid, and the reboot's first line was merged into the torn one again). Where a
    plain copy puts a file after other bytes (`cat auth.log.2 auth.log.1 > old.log`) the grid
    cannot be known: its tears are not told. A gzip file's members are found (one more
    decompression) only once a NUL byte is met."""

    def __init__(self, stream: BinaryIO | None = None) -> None:
        self._stream = stream if isinstance(stream, gzip.GzipFile) else None
        self._origins: list[int] | None = None if self._stream is not None else [0]

    def origins(self) -> list[int]:
        """The content positions where a grid starts: 0, then each later gzip member's start."""
        if self._origins is None:
            self._origins = gzip_members(self._stream)
        return self._origins

    def padding(self, start: int, end: int) -> bool:
        """``crash_padding`` on the grid of the member holding ``start``."""
        origins = self.origins()
        origin = origins[bisect_right(origins, start) - 1]
        return crash_padding(start - origin, end - origin)

    def marks(self, chunk: bytes, base: int) -> list[int]:
        """Where ``chunk`` (at content position ``base``) holds a NUL byte on a block boundary:
        only a line with one may be torn."""
        if b"\x00" not in chunk:
            return []
        origins, end, marks = self.origins(), base + len(chunk), []
        for at in range(bisect_right(origins, base) - 1, len(origins)):
            if origins[at] >= end:
                break
            first = max(base, origins[at])
            first += -(first - origins[at]) % BLOCK_BYTES
            stop = min(end, origins[at + 1]) if at + 1 < len(origins) else end
            marks += [p - base for p in range(first, stop, BLOCK_BYTES) if chunk[p - base] == 0]
        return marks


def gzip_members(stream: gzip.GzipFile | None) -> list[int]:
    """The content positions where the members of gzip ``stream`` start (0 first), read from its
    compressed file, which is left where it was; as far as it decompresses (a damaged or still
    written file: the read stops there too)."""
    raw, starts = getattr(stream, "fileobj", None), [0]
    if raw is None:
        return starts
    here, total, pending, ended = raw.tell(), 0, b"", False
    inflate = zlib.decompressobj(31)
    try:
        raw.seek(0)
        while pending or (pending := raw.read(1 << 16)):
            if ended:  # a new member, after NUL bytes gzip allows between members
                if not (pending := pending.lstrip(b"\x00")):
                    continue
                inflate, ended = zlib.decompressobj(31), False
                starts.append(total)
            total += len(inflate.decompress(pending, 1 << 20))
            pending = inflate.unconsumed_tail
            if inflate.eof:
                pending, ended = inflate.unused_data, True
    except (OSError, zlib.error):
        pass  # what decompressed before tells the members the read will reach
    finally:
        raw.seek(here)
    return starts


#: The grid of a plain file's (or a stream's) offsets.
PLAIN = BlockGrid()


def run_before(stream: BinaryIO, base: int) -> int | None:
    """Where the run of NUL bytes ending at content position ``base`` starts (None when the byte
    before it is not NUL); leaves ``stream`` at ``base``. A file is read back _LOOK_BACK bytes,
    then twice as many each time (up to 1 MiB) while they are all NUL; a gzip stream, which seeks
    back by decompressing from its start (R11n-5: a 128 MiB run read back in 1 MiB steps took
    8.7 s, quadratic), is read once from its start instead."""
    if isinstance(stream, gzip.GzipFile):
        return _run_before_forward(stream, base)
    start, step = base, _LOOK_BACK
    while start:
        lead, step = min(start, step), min(step * 2, 1 << 20)
        stream.seek(start - lead)
        window = stream.read(lead)
        if len(window) != lead:  # shorter than said (a gzip copy still written): seek fails alike
            stream.seek(base)
            return None
        kept = len(window.rstrip(b"\x00"))
        start -= lead - kept
        if kept:
            break
    stream.seek(base)
    return None if start == base else start


def _run_before_forward(stream: gzip.GzipFile, base: int) -> int | None:
    """``run_before`` by one read from the content's start, in 1 MiB windows."""
    stream.seek(0)
    start = at = 0  # start: after the last byte that is not NUL
    while at < base:
        window = stream.read(min(1 << 20, base - at))
        if not window:  # shorter than said (a gzip copy still written): seek fails alike
            stream.seek(base)
            return None
        kept = len(window.rstrip(b"\x00"))
        start, at = at + kept if kept else start, at + len(window)
    return None if start == base else start


def still_nul(fd: int, start: int, padding: int) -> bool:
    """Whether the padding read before at ``start`` still begins with NUL bytes (a writer that
    fills what it extended writes from its start; one read of at most a chunk tells)."""
    try:
        return not os.pread(fd, min(padding, 1 << 20), start).strip(b"\x00")
    except OSError:
        return False  # read it again: the read itself reports what is wrong


def padding_written(view: FileView, start: int, padding: int) -> bool:
    """Whether ``padding`` NUL bytes a read skipped at ``start`` of the plain file ``view`` shows were
    written over since (``still_nul``): a writer that preallocates its log writes its lines in place,
    its size never changes (R11ae: after the first poll the size said "unchanged" at every poll, 64 of
    77 lines never read). True when the file cannot be opened: the read reports why."""
    if not padding or view.compressed:
        return False
    try:
        with open_content(view.path) as stream:
            return not still_nul(stream.fileno(), start, padding)
    except GovsocError:
        return True


def written_head(head: bytes) -> int:
    """How many of a file's first bytes ``head`` identify it: up to FINGERPRINT_BYTES, without the
    NUL bytes ending them (a writer that preallocates its log fills them later, in place: taken
    into the fingerprint they gave the file a new identity at each look until its first KiB was
    written, R11ae nulhead: lines 0-7 of 77 stored twice), as a file shorter than that is known by
    all its bytes. All NUL, they are all taken (a file that opens with a crash's padding)."""
    head = head[:FINGERPRINT_BYTES]
    return len(head.rstrip(b"\x00")) or len(head)


@dataclass(slots=True)
class LineBuffer:
    """The line being assembled across chunks: its first bytes (capped), its full length, whether
    it follows crash padding, and the run of NUL bytes in it that may be a crash's padding.

    A crash tears a line once, and the logger's text after the reboot is clean: a run from a block
    boundary is padding only when no other run of PADDING_BYTES NULs follows it to the line's end
    (R11n-6: a field of many 16-NUL runs, each followed by a forged head, had one start on a
    boundary every 77 bytes, not one in BLOCK_BYTES). So the line is told at its end (``torn``),
    and the bytes after the candidate run are kept (capped) meanwhile."""

    offset: int = -1
    data: bytearray | None = None
    length: int = 0
    #: NUL bytes at the end of what was added so far (a run may span chunks).
    zeros: int = 0
    after: bool = False
    #: The candidate padding so far, (start, end): the line's last run of PADDING_BYTES NULs or
    #: more, when it starts on a block boundary.
    padding: tuple[int, int] | None = None
    #: The bytes after ``padding`` (capped): the next line's if it stays the candidate.
    rest: bytearray = field(default_factory=bytearray)
    grid: BlockGrid = PLAIN

    def add(self, chunk: bytes, pos: int, stop: int, base: int, cap: int, *, ends_line: bool) -> None:
        """Add ``chunk[pos:stop]`` (at content position ``base``; ``ends_line`` when a line end
        follows it): its runs of NUL bytes are weighed as the line's padding."""
        assert self.data is not None
        if len(self.data) < cap:
            self.data += chunk[pos:min(stop, pos + cap - len(self.data))]
        self.length += stop - pos
        kept = len(chunk[pos:stop].rstrip(b"\x00"))
        told = stop if ends_line else pos + kept  # runs before it are whole; one after it may go on
        reset, scan = -1, pos
        if self.zeros:  # a run from earlier chunks goes on here, or ended where they did
            found = NON_NUL.search(chunk, pos, stop)
            scan = found.start() if found is not None else stop
            if found is not None or ends_line:
                reset = self._run(base + pos - self.zeros, base + scan, scan, reset, last=scan == told == stop)
        for run in _RUN.finditer(chunk, scan, told):
            reset = self._run(base + run.start(), base + run.end(), run.end(), reset, last=run.end() == stop)
            scan = run.end()
        nul = chunk.rfind(b"\x00", scan, told)  # the last shorter run: told after the longer ones
        if nul >= 0:
            start = nul
            while start > scan and chunk[start - 1] == 0:
                start -= 1
            reset = self._run(base + start, base + nul + 1, nul + 1, reset, last=ends_line and nul + 1 == stop)
        if self.padding is not None:
            if reset >= 0:
                self.rest = bytearray(chunk[reset:min(stop, reset + cap)])
            elif len(self.rest) < cap:
                self.rest += chunk[pos:min(stop, pos + cap - len(self.rest))]
        self.zeros = self.zeros + stop - pos if kept == 0 else stop - pos - kept

    def _run(self, start: int, end: int, at: int, reset: int, *, last: bool) -> int:
        """Note a run of NUL bytes of the line, ending at ``at`` in the chunk (``last``: at the
        line's end): where the bytes after the candidate padding start in it (``reset`` when the
        run changes nothing). A run of PADDING_BYTES or more ends any candidate before it; a
        shorter one ends a shorter candidate (whose text after it must hold no NUL byte) and is
        one itself with text after it."""
        long = end - start >= PADDING_BYTES
        if not long and self.padding is not None and self.padding[1] - self.padding[0] >= PADDING_BYTES:
            return reset
        self.padding = (start, end) if self.grid.padding(start, end) and (long or not last) else None
        return at

    def torn(self) -> tuple[int, int] | None:
        """The line's crash padding, (start, end), at its end: the text before it is the torn
        line (``head``), the text after it (``rest``) the next one."""
        return self.padding

    def head(self) -> tuple[bytes, int]:
        """The torn line's bytes and length (before its padding)."""
        assert self.data is not None and self.padding is not None
        length = self.padding[0] - self.offset
        return bytes(self.data[:length]), length

    def cut(self, end: int) -> tuple[bytes, int]:
        """Its bytes and length (the text after its padding's, when torn) as the content's end at
        ``end`` leaves it: without a trailing run of NUL bytes (a writer that extended the file
        before filling it, or a crash's padding)."""
        assert self.data is not None
        data, length = (self.data, self.length) if self.padding is None else (self.rest, end - self.padding[1])
        length -= self.zeros if self.zeros >= PADDING_BYTES else 0
        return bytes(data[:length]), length
