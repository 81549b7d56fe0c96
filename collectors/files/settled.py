"""What a look or a decompression found of a file, kept in this process only while the file cannot have
changed unseen since: its change time older than that moment by more than RACY_NS (git's "racy clean",
Documentation/technical/racy-git.txt).

File systems stamp times with a coarse clock (Linux: the timer tick, 1 to 10 ms; whole seconds on ext4 with
128-byte inodes and some NFS servers; two seconds for FAT's modification time), so a write within a tick of a
look, of the same size, can leave size and every time as they were (R53d-1, R54a-2: lines lost on ext4 -I 128).
A write after the moment counted from sets the change time to that moment or later, past a settled file's:
nothing sets a change time back. A limit: the change time is the file system's clock and the moment this
machine's; a network file system's server whose clock lags by more than RACY_NS keeps a file recent for that
long (looked at afresh each time), and one ahead of it shortens the guard by as much.
"""

from __future__ import annotations

import time
from typing import TypeVar

#: How much older than the moment counted from a file's change time must be: more than the coarsest clock a
#: file system stamps with (FAT's two seconds), so that a write after that moment cannot leave it unchanged.
RACY_NS = 2_000_000_000
#: How many entries each in-process record of a look or a decompression keeps (keep_bounded).
KEPT = 256

_K = TypeVar("_K")
_V = TypeVar("_V")


def now_ns() -> int:
    """The moment a look or a decompression starts, taken before its fstat (time.time_ns())."""
    return time.time_ns()


def settled(ctime_ns: int, at_ns: int) -> bool:
    """Whether a change time is older than the moment ``at_ns`` by more than RACY_NS."""
    return ctime_ns < at_ns - RACY_NS


def keep_settled(cache: dict[_K, _V], key: _K, value: _V, ctime_ns: int, since_ns: int) -> None:
    """Keep what a look or decompression that started at ``since_ns`` (now_ns, before its fstat) found of a file
    of change time ``ctime_ns``, only when the file was settled then: one changed within RACY_NS may change
    again, to the same size and times, and must be looked at again."""
    if settled(ctime_ns, since_ns):
        keep_bounded(cache, key, value)


def keep_bounded(cache: dict[_K, _V], key: _K, value: _V) -> None:
    """``cache[key] = value``, the oldest entry dropped past KEPT (pop: another thread may have dropped it)."""
    if len(cache) >= KEPT and key not in cache:
        first = next(iter(cache), None)
        if first is not None:
            cache.pop(first, None)
    cache[key] = value
