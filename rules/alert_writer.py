"""Alert writes of a detection pass beside its searches: a store that accepts calls from two
threads at once (``Store.concurrent_alert_writes``: Elasticsearch, whose client is thread-safe)
indexes one batch of alerts on one thread while the pass reads the next rules' hits on another.

On Elasticsearch a pass of 100 rules over 1,000,000 events spent about half its time waiting for
the node to index its 48,574 alerts (~0.1 ms of node CPU each), time in which neither the pass
nor the node's search threads had anything to do. The writer runs one batch at a time, in the
order given, and holds at most :data:`QUEUED` batches waiting, so memory stays bounded by the
batch. Results come back in the same order, to the pass's own thread (:meth:`AlertWriter.done`):
every count, checkpoint and failure is still decided there, as with synchronous writes.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from govsoc.core.alert import Alert, AlertReceipt

__all__ = ["QUEUED", "AlertWriter", "Written"]

#: Batches handed over and not yet written; a pass that gets further ahead waits.
QUEUED = 2

T = TypeVar("T")


@dataclass(slots=True)
class Written(Generic[T]):
    """A batch's outcome: the alerts, what the caller tied to them, and the store's receipt or
    the error that refused the batch."""

    alerts: list[Alert]
    tag: T
    receipt: AlertReceipt | None = None
    #: A GovsocError the store raised; anything else is a bug, raised again on the pass's thread.
    error: Exception | None = None


class AlertWriter(Generic[T]):
    """One thread that writes batches of alerts with ``write``, in order (see the module docstring).
    Call :meth:`finish` at the end (in a ``finally``): it waits for every batch handed over."""

    def __init__(self, write: Callable[[list[Alert]], AlertReceipt]) -> None:
        self._write = write
        self._todo: queue.Queue[Written[T] | None] = queue.Queue(maxsize=QUEUED)
        self._done: queue.Queue[Written[T]] = queue.Queue()
        #: Seconds the caller waited for the writer (a full queue, or ``finish``).
        self.waited = 0.0
        self._thread = threading.Thread(target=self._run, name="govsoc-alert-writer", daemon=True)
        self._thread.start()

    def submit(self, alerts: list[Alert], tag: T) -> None:
        """Hand over a batch; waits while :data:`QUEUED` batches are waiting already."""
        began = time.perf_counter()
        self._todo.put(Written(alerts, tag))
        self.waited += time.perf_counter() - began

    def done(self) -> list[Written[T]]:
        """The batches written (or refused) since the last call, in the order handed over."""
        finished: list[Written[T]] = []
        while True:
            try:
                finished.append(self._done.get_nowait())
            except queue.Empty:
                return finished

    def finish(self) -> list[Written[T]]:
        """Wait until every batch handed over was written; the outcomes not yet collected."""
        if self._thread.is_alive():
            began = time.perf_counter()
            self._todo.put(None)
            self._thread.join()
            self.waited += time.perf_counter() - began
        return self.done()

    def _run(self) -> None:
        while (job := self._todo.get()) is not None:
            try:
                job.receipt = self._write(job.alerts) if job.alerts else AlertReceipt()
            except Exception as e:  # noqa: BLE001 - handed to the pass's thread, which raises a bug again
                job.error = e
            self._done.put(job)
