"""How a `govsoc ingest --follow` stops in bounded time (issue 11: R11w-5, R11z-1).

A stop asked (SIGTERM, SIGHUP, Ctrl-C: cli.stop_signals) is looked at where a read can end
without losing or repeating a line:

- between two records of a file (collectors.pipeline.Pipeline.run) and before a batch is
  handed to the store (collectors.ahead): the batch being stored is finished and checkpointed;
  the batches read after it are not delivered and stay after the checkpoint, so the next run
  reads them. A batch holds at most 20,000 events (8 MiB of lines), so a stop waits for one store
  write at most (a poll of a 1,000,000-line first read, or of every rotated file, ran to its end
  before: 178 s and more after SIGTERM; with two batches in flight and the one being read, a stop
  still waited for up to three);
- while a batch waits for the store or for room in the spool (Pipeline.deliver), and before each
  batch a drain of the spool writes: the wait ends at once and the batch is not acknowledged,
  so its checkpoint stays before it (with the store down and the spool full the wait had no end).
  Parts of it already spooled are stored by a later drain and, read again, not stored twice:
  the ids are the same (as after a kill -9 at that moment);
- between two followed paths (collectors.follow.Follower.poll).

Not in the rest of a file moved away and read from the descriptor held open for it
(:meth:`StopRequest.not_cut`): nothing else reaches that file once the follower ends.

Where it is looked at, :class:`Stopped` is raised; it carries the summaries of what the poll
stored until then, for the closing line. It is a BaseException, as KeyboardInterrupt is, so that
no handler of a file's errors (``except Exception``, ParseError, StoreError) takes it for one.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from govsoc.collectors.summary import IngestSummary

__all__ = ["STOPPED_NOTE", "StopRequest", "Stopped"]

#: The note of a file whose read a stop ended.
STOPPED_NOTE = ("stopped by a signal: what is not counted as accepted or spooled here was not stored and stays after "
                "its checkpoint: the next run reads it, once")


class Stopped(BaseException):
    """A stop was asked: the read under way ended at a batch's end (collectors.stopping)."""

    def __init__(self) -> None:
        super().__init__("stopped")
        #: What the interrupted poll stored, file by file, as far as it got.
        self.summaries: list[IngestSummary] = []


class StopRequest:
    """Whether a stop was asked (an Event another thread sets), and the places that obey it."""

    def __init__(self, event: threading.Event | None = None) -> None:
        self.event = event or threading.Event()
        #: reads under way that a stop does not end at a batch's end (:meth:`not_cut`)
        self._uncut = 0

    def is_set(self) -> bool:
        """Whether a stop was asked."""
        return self.event.is_set()

    def check(self) -> None:
        """Raise Stopped when a stop was asked (not inside :meth:`not_cut`)."""
        if self.event.is_set() and not self._uncut:
            raise Stopped

    @contextmanager
    def not_cut(self) -> Iterator[None]:
        """A read a stop does not end at a batch's end: the rest of a file moved away (logrotate's
        olddir) or deleted, read from the descriptor the follower held open (collectors.files.held).
        That descriptor is its only way to the file and the stop closes it: a read cut there lost
        the rest for good (R11ab-1: Ctrl-C 4 s after the move, 0 of 200,000 stored, where the poll
        had run to its end before). Such a read runs to the file's end, so a stop waits for it; a
        wait for the store still ends at once (:meth:`sleep`), as a second signal does."""
        self._uncut += 1
        try:
            yield
        finally:
            self._uncut -= 1

    def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` (for the store, for room), or raise Stopped as soon as a stop is asked."""
        if self.event.wait(seconds):
            raise Stopped

    @contextmanager
    def noting(self, summaries: IngestSummary | list[IngestSummary]) -> Iterator[None]:
        """Add to a Stopped raised in the block what it stored: the summary of the read it runs,
        or the summaries of the reads before it (a poll's list, filled as it goes)."""
        try:
            yield
        except Stopped as e:
            if isinstance(summaries, list):
                e.summaries[:0] = summaries
            else:  # its counts may include the batch the stop cut: said not to be lost
                summaries.note = STOPPED_NOTE
                e.summaries.append(summaries)
            raise

    def guard(self, sink: Any) -> Any:
        """``sink`` whose writes raise Stopped once a stop is asked (a drain of a full spool stops
        between two of its batches; what it wrote stays acknowledged)."""
        return _Guarded(sink, self)


class _Guarded:
    """A sink that looks at a StopRequest before each write; all else is the sink's."""

    def __init__(self, sink: Any, stop: StopRequest) -> None:
        self._sink, self._stop = sink, stop

    def write(self, *args: Any, **kwargs: Any) -> Any:
        self._stop.check()
        return self._sink.write(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sink, name)
