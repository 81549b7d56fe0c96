"""Whether a plain file still holds what a read of it went on from (collectors.files.lines,
issue 11): the first bytes its checkpoint's fingerprint was taken of, the bytes before the
checkpoint's offset (its tail digest), as collectors.checkpoints matched them when the file was
looked at, and the last bytes of the chunk read before.

A log truncated in place (``> app.log``, logrotate's copytruncate) while its writer appends can
regrow past the read position between the look and the read, or during the read; its size alone
does not show the truncation, and the read went on from the old position inside the new content,
under the old file's checkpoint (the next poll read that content from 0 as a new file: each line
after the old position stored twice). So the file is checked before the first read and after each
chunk read (pread: the reader's position stays).

Each chunk of a plain file is read in one pread with the LEAD bytes before it (ReadGuard): bytes
the old content held there, already checked (the last bytes of the chunk before, or, for the first
chunk, bytes read before the check before the read). A read returns the bytes at lower positions
first, so when its lead is not those bytes the chunk was read after the change, from another
content: it is not used and the read stops, whatever the file holds when looked at again (R11ah-1:
the chunk read from the new content, then that content truncated again, rewritten in place or its
NULs filled by a memory-mapped writer, was taken for the old content's: 22,938 lines stored twice).
When the lead is those bytes and the check after the read fails, the chunk's range is read again:

- the same bytes: the chunk may have been read from the new content (a writer that appends never
  changes bytes below the size it wrote): it is not used, the read stops; the next look tells the
  file that is there now (a new file, read from 0, these bytes included);
- other bytes, or fewer: the chunk was read before the change, from the old content: its lines
  are used (they were in the file when read: tail -F delivers them too, R11ae-1), then the read
  stops.

What stays out of reach: new content with the same first bytes and the same bytes before the
position (a program's banner, then identical fixed-width lines) is taken for the old content; a
truncation and regrowth inside the one read syscall (the kernel copies a read's pages in batches:
its first pages old, its last ones new) keeps the new pages when the re-read differs. A first
chunk read from position 0 has no lead: the content's first LEAD bytes, read before the check
before the read, stand for it (the chunk must open with them).

A writer that does not append (no O_APPEND) leaves NUL bytes before its position after the
truncation (a sparse file): its first bytes change as well, so the read stops too, and the next
look reads the file from 0 past the NULs, which are skipped as padding."""

from __future__ import annotations

import enum
import os
from dataclasses import dataclass
from typing import Protocol

from govsoc.collectors.files.identity import TAIL_BYTES, fingerprint, read_tail_digest

#: How many bytes before a chunk its read includes (at most; fewer near the content's start).
LEAD = TAIL_BYTES


class _Matched(Protocol):
    """What a checkpoint (collectors.checkpoints.Checkpoint) tells of the content it was matched to."""

    @property
    def fingerprint(self) -> str: ...
    @property
    def fingerprint_bytes(self) -> int: ...
    @property
    def offset(self) -> int: ...
    @property
    def tail(self) -> str | None: ...


def holds_read(fd: int, matched: _Matched, *, size: int | None = None, unreadable: bool | None = None,
               zero_offset: bool = True) -> bool:
    """Whether the plain file open as ``fd`` holds what ``matched`` was made of: its first
    ``fingerprint_bytes`` bytes, and the bytes before ``offset`` ending as they did (``tail``, not
    checked when None). ``size``: the file's size, then at least ``offset`` (None: not checked).
    ``unreadable``: what an OSError answers (None: it is raised). ``zero_offset``: whether the
    tail is checked at offset 0 too (the digest of no bytes)."""
    try:
        head = os.pread(fd, matched.fingerprint_bytes, 0)
        if len(head) != matched.fingerprint_bytes or fingerprint(head) != matched.fingerprint:
            return False  # shorter than the fingerprint (truncated), or other first bytes
        if size is not None and size < matched.offset:
            return False
        if matched.tail is None or not (matched.offset or zero_offset):
            return True
        return read_tail_digest(fd, matched.offset) == matched.tail
    except OSError:
        if unreadable is None:
            raise
        return unreadable


@dataclass(frozen=True, slots=True, kw_only=True)
class ReadBefore:
    """A checkpoint's fingerprint (of its first ``fingerprint_bytes`` bytes) and the digest of the
    bytes before ``offset`` (None: not known, not checked)."""

    fingerprint: str
    fingerprint_bytes: int
    offset: int
    tail: str | None

    @classmethod
    def of(cls, checkpoint: _Matched) -> ReadBefore:
        """What ``checkpoint`` was matched to at the look."""
        return cls(fingerprint=checkpoint.fingerprint, fingerprint_bytes=checkpoint.fingerprint_bytes,
                   offset=checkpoint.offset, tail=checkpoint.tail)

    def holds(self, fd: int) -> bool:
        """Whether the plain file open as ``fd`` still holds them. True when they cannot be read
        for an error: the read itself reports it."""
        return holds_read(fd, self, unreadable=True, zero_offset=False)


def unchanged(fd: int, before: ReadBefore | None, chunks: tuple[tuple[int, bytes], ...]) -> bool:
    """Whether the file open as ``fd`` still holds what the read went on from: ``before`` and the
    last TAIL_BYTES of the last of ``chunks`` read, (content position, bytes), newest last."""
    if before is not None and not before.holds(fd):
        return False
    if not chunks:
        return True
    base, chunk = chunks[-1]
    held = chunk[-TAIL_BYTES:]
    try:
        return os.pread(fd, len(held), base + len(chunk) - len(held)) == held
    except OSError:
        return True  # the read itself reports what is wrong


def lead_start(base: int) -> int:
    """Where a read of the chunk at content position ``base`` starts: LEAD bytes before it."""
    return max(0, base - LEAD)


def read_with_lead(fd: int, base: int, size: int) -> bytes:
    """Up to ``size`` bytes of the plain file open as ``fd`` from content position ``base``, after
    the bytes before them (lead_start), in one pread: ReadGuard.chunk takes them apart again. One
    read, as it returns the bytes at lower positions first (see the module's docstring)."""
    return os.pread(fd, size + base - lead_start(base), lead_start(base))


class Verdict(enum.Enum):
    """What a chunk read is (ReadGuard.judge)."""

    #: Read from the content the read went on from, the file unchanged since: used, the read goes on.
    GO = "go"
    #: Read before a change seen after it: used, then the read stops.
    KEEP = "keep"
    #: Read after a change, or maybe: not used, the read stops.
    DROP = "drop"


class ReadGuard:
    """The checks of one read of a plain file open as ``fd`` (None: a gzip or in-memory stream,
    never checked), from content position ``base``; ``before``: what its checkpoint matched."""

    __slots__ = ("_before", "_fd", "_held", "_lead", "_opening")

    def __init__(self, fd: int | None, before: ReadBefore | None) -> None:
        self._fd, self._before, self._held, self._lead, self._opening = fd, before, b"", b"", b""

    def begins(self, base: int, chunks: tuple[tuple[int, bytes], ...]) -> bool:
        """Whether the read may start at ``base``: the file still holds what it goes on from. The
        bytes before ``base`` are read first, so that the check vouches for them (the first lead)."""
        if self._fd is None:
            return True
        try:
            self._held = os.pread(self._fd, base - lead_start(base), lead_start(base))
            # at the content's start no bytes stand before the first chunk: its own first ones, read
            # now, before the check, vouch for it (R11aj-1: a chunk read from byte 0 of the content a
            # copytruncate left, changed again, was kept: 10,973 lines twice)
            self._opening = os.pread(self._fd, LEAD, 0) if base == 0 else b""
        except OSError:
            self._held = self._opening = b""
        return unchanged(self._fd, self._before, chunks)

    def chunk(self, data: bytes, base: int) -> bytes:
        """The chunk in ``data`` read from ``base``: for a plain file, by read_with_lead (after its lead)."""
        lead = 0 if self._fd is None else min(len(data), base - lead_start(base))
        self._lead = data[:lead]
        return data[lead:] if lead else data

    def judge(self, base: int, chunk: bytes, chunks: tuple[tuple[int, bytes], ...]) -> Verdict:
        """What ``chunk``, just read from ``base`` after its lead, is; ``chunks``: those read before it,
        newest last."""
        if self._fd is None:
            return Verdict.GO
        if self._lead != self._held:
            return Verdict.DROP  # the old content's bytes before it were gone when it was read: read after the change
        if self._opening:  # read from the content's start: it opens with what the file opened with before the check
            size = min(len(chunk), len(self._opening))
            if chunk[:size] != self._opening[:size]:
                return Verdict.DROP
            self._opening = self._opening[size:]
        self._held = (self._held + chunk[-LEAD:])[-LEAD:]
        if unchanged(self._fd, self._before, chunks):
            return Verdict.GO
        return Verdict.KEEP if read_before_change(self._fd, base, chunk) else Verdict.DROP

    def ends(self, verdict: Verdict, chunks: tuple[tuple[int, bytes], ...]) -> Verdict:
        """``verdict`` once the read reached the content's end: DROP when it was GO and the file no
        longer holds what the read went on from (a truncation below the position read to, R11e F1:
        the last of ``chunks`` tells)."""
        if verdict is not Verdict.GO or self._fd is None or unchanged(self._fd, self._before, chunks):
            return verdict
        return Verdict.DROP


def read_before_change(fd: int, base: int, chunk: bytes) -> bool:
    """Whether ``chunk``, read from content position ``base`` before a change was seen, was read
    before it: the file no longer holds it there (other bytes, or fewer). An error reading says
    no: the chunk is not used, as before this check."""
    try:
        return os.pread(fd, len(chunk), base) != chunk
    except OSError:
        return False


def changed(position: int) -> str:
    """The read error of a read stopped at ``position`` by a change."""
    return (f"the file changed before byte {position} during the read (truncated: copytruncate?); "
            "what was read before is kept")
