"""When a file was created (its birth time, Linux statx(2) ``stx_btime``): with its device and inode,
what tells one file from another that the file system gave the same inode after the first was
deleted (ext4 gives a freed inode to the next file created: R11aa-1, the new log of an application
that rotates its own log took the deleted generation's checkpoint and its banner was never stored).

Python 3.11 has no ``os.statx`` and ``os.stat``'s ``st_birthtime`` is not on Linux, so glibc's
``statx`` (2.28+) is called through ctypes. Where there is none, or the file system keeps no birth
time (tmpfs before 6.x, NFS, some FUSE mounts), the birth is 0, "unknown": files are then told
apart by device and inode alone, as before birth times were kept.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys
from collections.abc import Callable
from typing import Any

__all__ = ["birth_at", "birth_of", "same_birth"]

_AT_EMPTY_PATH = 0x1000
_STATX_BTIME = 0x800
#: struct statx (linux/stat.h) is 256 bytes; stx_mask is its first u32, stx_btime (s64 seconds,
#: u32 nanoseconds) starts at byte 80: after mask..attributes_mask (64 bytes) and stx_atime (16).
_STATX_SIZE = 256
_BTIME_AT = 80


def _load_statx() -> Callable[..., int] | None:
    """glibc's statx, or None where the C library has none."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        function: Any = libc.statx
    except (OSError, AttributeError):
        return None
    function.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_uint, ctypes.c_void_p)
    function.restype = ctypes.c_int
    return function  # type: ignore[no-any-return]


_statx = _load_statx()


def birth_of(fd: int) -> int:
    """The birth time of the open file ``fd`` in nanoseconds since the epoch; 0 when it is not known
    (no statx, or a file system that keeps none)."""
    if _statx is None:
        return 0
    buffer = ctypes.create_string_buffer(_STATX_SIZE)
    if _statx(fd, b"", _AT_EMPTY_PATH, _STATX_BTIME, buffer) != 0:
        return 0
    mask = int.from_bytes(buffer.raw[0:4], sys.byteorder)
    if not mask & _STATX_BTIME:
        return 0
    seconds = int.from_bytes(buffer.raw[_BTIME_AT:_BTIME_AT + 8], sys.byteorder, signed=True)
    nanoseconds = int.from_bytes(buffer.raw[_BTIME_AT + 8:_BTIME_AT + 12], sys.byteorder)
    return seconds * 1_000_000_000 + nanoseconds


def birth_at(path: str | os.PathLike[str]) -> int:
    """The birth time of the file at ``path`` (followed), 0 when unknown or not there."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_PATH", 0))
    except OSError:
        return 0
    try:
        return birth_of(fd)
    finally:
        os.close(fd)


def same_birth(birth: int, other: int) -> bool:
    """Whether two births of one device and inode are one file: unequal only when both are known
    (a checkpoint saved before births were kept has 0, and so has a file system without them)."""
    return not (birth and other and birth != other)
