"""What a file held before the position a read of it starts at (collectors.files.lines): the first
bytes its checkpoint's fingerprint was taken of, and the bytes before the checkpoint's offset (its
tail digest), as collectors.checkpoints matched them when the file was looked at.

They are checked again on the descriptor being read, after each chunk read from it (issue 11): a
log truncated in place (``> app.log``, logrotate's copytruncate) while its writer appends, between
the look that matched its checkpoint and the read, or during the read, regrows past the read
position; its size alone does not show the truncation, and the read went on from the old position
inside the new content, under the old file's checkpoint (the next poll read that content from 0 as
a new file: every line after the old position stored twice; with the same first bytes, as after a
program's banner, the lines before it never). A chunk read after the file no longer holds them is
not used: the read stops at the last line of the old content, and the next look tells the file
that is there now (a new file, read from 0).

A writer that does not append (no O_APPEND) leaves NUL bytes before its position after the
truncation (a sparse file): its first bytes change as well, so the read stops too, and the next
look reads the file from 0 past the NULs, which are skipped as padding (tail -F and Filebeat read
on from the old position and output the NULs; every line is stored once either way)."""

from __future__ import annotations

import os
from dataclasses import dataclass

from govsoc.collectors.files.identity import fingerprint, read_tail_digest


@dataclass(frozen=True, slots=True, kw_only=True)
class ReadBefore:
    """A checkpoint's fingerprint (of its first ``fingerprint_bytes`` bytes) and the digest of the
    bytes before ``offset`` (None: not known, not checked)."""

    fingerprint: str
    fingerprint_bytes: int
    offset: int
    tail: str | None

    def holds(self, fd: int) -> bool:
        """Whether the plain file open as ``fd`` still holds them (pread: the reader's position
        stays). True when they cannot be read for an error: the read itself reports it."""
        try:
            head = os.pread(fd, self.fingerprint_bytes, 0)
        except OSError:
            return True
        if fingerprint(head) != self.fingerprint:
            return False  # shorter than the fingerprint (truncated), or other first bytes
        return self.tail is None or not self.offset or read_tail_digest(fd, self.offset) == self.tail
