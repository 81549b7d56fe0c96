"""Reading a file a person names (the inventory, govsoc.yaml, the trust anchors and CRLs the
inventory declares) so that a wrong or hostile name cannot hold or exhaust the process (review r16f,
HIGH 5): only a regular file is read (a FIFO blocks the reader until a writer comes, a device such
as /dev/zero or /dev/urandom never ends), at most ``limit`` bytes of it, and the type and size are
those of the file actually opened (fstat of the descriptor), so a symlink swapped between a check
and the read changes nothing.

The file is opened with O_NONBLOCK so that opening a FIFO returns at once instead of waiting for a
writer (POSIX open(2)); on a regular file the flag has no effect on reads.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

__all__ = ["file_type", "read_regular_file"]

#: st_mode file types by the name an error gives them.
_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def file_type(mode: int) -> str:
    """What a non-regular st_mode is, for an error ("a FIFO (named pipe)", "a character device")."""
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def read_regular_file(path: Path, limit: int, label: str) -> bytes:
    """The bytes of the regular file at ``path`` (symlinks followed); ValueError naming ``label``
    ("inventory file") and the path when it is not a regular file or holds more than ``limit``
    bytes; OSError when it cannot be opened or read."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ValueError(f"{label} {path} is {file_type(info.st_mode)}, not a regular file: name the file itself")
        if info.st_size > limit:
            raise ValueError(f"{label} {path} is {info.st_size} bytes, more than the {limit} a {label} may have")
        chunks: list[bytes] = []
        size = 0
        while chunk := os.read(fd, 1 << 20):
            size += len(chunk)
            if size > limit:  # it grew after fstat (a file still being written)
                raise ValueError(f"{label} {path} is more than the {limit} bytes a {label} may have")
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)
