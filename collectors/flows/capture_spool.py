"""The pipe of a live capture read from its first byte, whatever the flow engine is doing
(issue 14, "Live capture"; review 14c finding 1).

Stage: collectors (source). dumpcap writes its pcapng into a pipe of 64 KiB. When nobody reads
it (the compiled flow engine compiling on its first run after an install, about 25 s on a busy
machine; a slow store; a burst) dumpcap blocks on its write, the kernel holds the next packets in
the capture ring until that is full, and when the capture is stopped dumpcap exits without the
packets the kernel still holds: they were lost, and nothing said so.

:class:`CaptureSpool` reads the pipe on a thread of its own from the moment dumpcap starts and
appends what comes to an unnamed spool file (page cache for a small backlog, disk for a large
one); the flow engine reads the spool as a stream. The file is emptied whenever the engine has
caught up, so it holds only the backlog. A backlog of ``max_bytes`` makes the pump wait (the
spool is bounded): dumpcap then blocks and the kernel drops packets, which dumpcap counts and
reports (``pcap:`` dropped), so such a loss is said, never silent.

A stop is a drain: the pump reads on until the pipe has been quiet for QUIET_SECONDS (the
capture ring hands dumpcap a block of packets at the latest after its 250 ms read time-out) or
DRAIN_SECONDS have passed, and only then calls ``on_drained`` (which sends dumpcap SIGTERM); it
then reads the pipe to its end. The spool limit does not hold during the drain.
"""

from __future__ import annotations

import os
import select
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

__all__ = ["DRAIN_SECONDS", "QUIET_SECONDS", "SPOOL_BYTES", "CaptureSpool"]

#: The backlog the spool holds at most before the pump stops reading the pipe (dumpcap then
#: waits and the kernel drops, counted): 1 GiB is some 8 s of a saturated 1 Gb/s link.
SPOOL_BYTES = 1 << 30
#: A stop waits until the pipe has given nothing for this long (what dumpcap still has comes) ...
QUIET_SECONDS = 0.6
#: ... but no longer than this after the stop was asked for (a busy link is never quiet).
DRAIN_SECONDS = 5.0
#: The most bytes taken from the pipe at once.
READ_BYTES = 1 << 20


class CaptureSpool:
    """A pipe read on a thread of its own into a spool file, read back as a stream: ``read(n)``
    returns as soon as any bytes are there (at most ``n``), and b"" only at the pipe's end. While
    nothing comes, ``on_idle`` is called every ``idle_seconds`` (from the reading thread,
    between two chunks of the flow engine: the flow table is between packets then); ``on_read``
    is called before each read (between chunks too)."""

    def __init__(self, fd: int, *, directory: Path | None = None, max_bytes: int = SPOOL_BYTES,
                 idle_seconds: float = 1.0) -> None:
        self.fd, self.max_bytes, self.idle_seconds = fd, max_bytes, idle_seconds
        self.on_idle: Callable[[], None] | None = None
        self.on_read: Callable[[], None] | None = None
        self.on_drained: Callable[[], None] | None = None
        if directory is not None:
            directory.mkdir(parents=True, exist_ok=True)
        self._file = tempfile.TemporaryFile(prefix="govsoc-capture-", dir=directory)
        self._lock = threading.Condition()
        self._written = self._read_at = 0
        self._eof = False
        self._stop_asked: float | None = None
        self._error: OSError | None = None
        #: bytes taken from the pipe; the largest backlog held; times the spool was full
        self.bytes_in = 0
        self.peak = 0
        self.full = 0
        self._thread = threading.Thread(target=self._pump, name="capture-spool", daemon=True)

    def start(self) -> None:
        """Start reading the pipe."""
        self._thread.start()

    def stop(self) -> None:
        """Drain, then call ``on_drained`` (see the module docstring); returns at once (it may be
        called from a signal handler)."""
        if self._stop_asked is None:  # no lock: a signal handler may interrupt a holder of it
            self._stop_asked = time.monotonic()  # the pump and a waiting _append look every 0.1-0.5 s

    def join(self) -> None:
        """Wait for the pump to reach the pipe's end."""
        if self._thread.is_alive():
            self._thread.join()

    def close(self) -> None:
        """Remove the spool (the file has no name: closing it frees its space)."""
        self._file.close()

    def _pump(self) -> None:
        drained = False
        quiet_since = time.monotonic()
        try:
            while True:
                stop_asked = self._stop_asked
                if stop_asked is not None and not drained:
                    now = time.monotonic()
                    if now - quiet_since >= QUIET_SECONDS or now - stop_asked >= DRAIN_SECONDS:
                        drained = True
                        if self.on_drained is not None:
                            self.on_drained()
                if not select.select([self.fd], [], [], 0.1)[0]:
                    continue
                data = os.read(self.fd, READ_BYTES)
                if not data:
                    break
                quiet_since = time.monotonic()
                self._append(data)
        except OSError as e:
            self._error = e
        finally:
            with self._lock:
                self._eof = True
                self._lock.notify_all()

    def _append(self, data: bytes) -> None:
        with self._lock:
            while self._written - self._read_at >= self.max_bytes and self._stop_asked is None:
                self.full += 1
                self._lock.wait(0.5)
            os.pwrite(self._file.fileno(), data, self._written)
            self._written += len(data)
            self.bytes_in += len(data)
            self.peak = max(self.peak, self._written - self._read_at)
            self._lock.notify_all()

    def read(self, size: int = -1) -> bytes:
        """Up to ``size`` bytes, waiting only for the first."""
        if self.on_read is not None:
            self.on_read()
        size = size if size > 0 else READ_BYTES
        while True:
            with self._lock:
                if self._read_at == self._written and not self._eof:
                    self._lock.wait(self.idle_seconds)
                if self._read_at < self._written:
                    data = os.pread(self._file.fileno(), min(size, self._written - self._read_at), self._read_at)
                    self._read_at += len(data)
                    if self._read_at == self._written:  # caught up: the spool starts again empty
                        os.ftruncate(self._file.fileno(), 0)
                        self._read_at = self._written = 0
                    self._lock.notify_all()
                    return data
                if self._eof:
                    if self._error is not None:
                        raise self._error
                    return b""
            if self.on_idle is not None:
                self.on_idle()

    def readable(self) -> bool:
        """A spool is read, never written, by its user."""
        return True
