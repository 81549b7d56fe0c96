"""Which names of one folder changed, told by the kernel (Linux inotify): the checkpoint store
(collectors/checkpoints.py) keeps its listing of thousands of checkpoint files and reads again only
the names that changed, by any process (R58a-1: a run over 2,000 new files listed and stat-ed every
checkpoint at every file, its time growing with the square of the files).

Hand-written on ctypes: the standard library has no inotify, and the three calls and one record
layout needed here are stable Linux ABI (inotify(7)); a package for it would add a dependency for
forty lines. Where inotify is missing (another system, the per-user limit of instances reached) the
caller lists the folder as before. Stage: source (files).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import struct
import threading
import weakref
from pathlib import Path

__all__ = ["FolderWatch", "watch"]

# inotify(7)
_IN_ATTRIB, _IN_CLOSE_WRITE, _IN_MOVED_FROM, _IN_MOVED_TO = 0x4, 0x8, 0x40, 0x80
_IN_CREATE, _IN_DELETE, _IN_DELETE_SELF, _IN_MOVE_SELF = 0x100, 0x200, 0x400, 0x800
_IN_Q_OVERFLOW, _IN_IGNORED, _IN_ONLYDIR = 0x4000, 0x8000, 0x01000000
_MASK = (_IN_ATTRIB | _IN_CLOSE_WRITE | _IN_MOVED_FROM | _IN_MOVED_TO | _IN_CREATE | _IN_DELETE
         | _IN_DELETE_SELF | _IN_MOVE_SELF | _IN_ONLYDIR)
#: The events after which the folder's names cannot be known from events any more.
_LOST = _IN_Q_OVERFLOW | _IN_IGNORED | _IN_DELETE_SELF | _IN_MOVE_SELF
_HEADER = struct.Struct("iIII")  # wd, mask, cookie, len; then len bytes of NUL-padded name

_libc: ctypes.CDLL | None = None


def _library() -> ctypes.CDLL | None:
    global _libc
    if _libc is None:
        try:
            _libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
            _libc.inotify_init1  # noqa: B018 - present only on Linux
        except (OSError, AttributeError):
            return None
    return _libc


class FolderWatch:
    """The names of one folder that changed (created, replaced, written, removed, moved in or out)
    since each reader last asked. Several readers share one watch, each with its own pending names."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._lock = threading.Lock()
        self._pending: dict[str, set[str] | None] = {}
        self._dead = False
        weakref.finalize(self, os.close, fd)

    def reader(self, name: str) -> None:
        """Start a reader: its first :meth:`changed` answers None (list the folder whole)."""
        with self._lock:
            self._pending[name] = None

    def changed(self, name: str) -> set[str] | None:
        """The names changed since ``name`` last asked, or None when they cannot be known (its
        first call, or the kernel lost track: a queue overflow, the folder removed or moved): the
        caller lists the folder whole. Asked again right after a None, the names changed since."""
        with self._lock:
            self._read()
            names = None if self._dead else self._pending.get(name)
            self._pending[name] = None if self._dead else set()
            return names

    def _read(self) -> None:
        while not self._dead:
            try:
                data = os.read(self._fd, 65536)
            except BlockingIOError:
                return
            except OSError:
                self._dead = True
                return
            offset = 0
            while offset + _HEADER.size <= len(data):
                _wd, mask, _cookie, length = _HEADER.unpack_from(data, offset)
                raw = data[offset + _HEADER.size:offset + _HEADER.size + length].rstrip(b"\0")
                offset += _HEADER.size + length
                if mask & _LOST:
                    # the overflow: every reader lists again; the folder gone: so does every later ask
                    self._dead = bool(mask & (_IN_IGNORED | _IN_DELETE_SELF | _IN_MOVE_SELF))
                    for reader in self._pending:
                        self._pending[reader] = None
                    continue
                name = os.fsdecode(raw)
                for names in self._pending.values():
                    if names is not None:
                        names.add(name)


def watch(folder: Path) -> FolderWatch | None:
    """A watch on ``folder``, or None where inotify cannot give one."""
    libc = _library()
    if libc is None:
        return None
    fd = libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
    if fd < 0:
        return None
    if libc.inotify_add_watch(fd, os.fsencode(str(folder)), _MASK) < 0:
        os.close(fd)
        return None
    return FolderWatch(fd)
