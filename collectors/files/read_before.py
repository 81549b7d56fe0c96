"""Whether a plain file still holds what a read of it went on from (collectors.files.lines,
issue 11): the first bytes its checkpoint's fingerprint was taken of, the bytes before the
checkpoint's offset (its tail digest), as collectors.checkpoints matched them when the file was
looked at, and the last bytes of the chunk read before.

A log truncated in place (``> app.log``, logrotate's copytruncate) while its writer appends can
regrow past the read position between the look and the read, or during the read; its size alone
does not show the truncation, and the read went on from the old position inside the new content,
under the old file's checkpoint (the next poll read that content from 0 as a new file: each line
after the old position stored twice). So the file is checked before the first read and after each
chunk read (pread: the reader's position stays). When the check after a read fails, the file
changed between the check before it and this one, and the chunk's range is read again:

- the same bytes: the chunk may have been read from the new content (a writer that appends never
  changes bytes below the size it wrote): it is not used, the read stops; the next look tells the
  file that is there now (a new file, read from 0, these bytes included);
- other bytes, or fewer: the chunk was read before the change, from the old content: its lines
  are used (they were in the file when read: tail -F delivers them too, R11ae-1), then the read
  stops.

What stays out of reach: new content with the same first bytes and the same bytes before the
position (a program's banner, then identical fixed-width lines) is taken for the old content.

A writer that does not append (no O_APPEND) leaves NUL bytes before its position after the
truncation (a sparse file): its first bytes change as well, so the read stops too, and the next
look reads the file from 0 past the NULs, which are skipped as padding."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Protocol

from govsoc.collectors.files.identity import TAIL_BYTES, fingerprint, read_tail_digest


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
        try:
            head = os.pread(fd, self.fingerprint_bytes, 0)
        except OSError:
            return True
        if fingerprint(head) != self.fingerprint:
            return False  # shorter than the fingerprint (truncated), or other first bytes
        return self.tail is None or not self.offset or read_tail_digest(fd, self.offset) == self.tail


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


def change_seen(fd: int, before: ReadBefore | None, chunks: tuple[tuple[int, bytes], ...], base: int,
                chunk: bytes) -> int | None:
    """After ``chunk`` was read from content position ``base``: None when the file still holds what
    the read went on from (see unchanged), else where the read stops: ``base`` (the chunk not
    used) or after the chunk, read before the change (used)."""
    if unchanged(fd, before, chunks):
        return None
    return base + len(chunk) if read_before_change(fd, base, chunk) else base


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
