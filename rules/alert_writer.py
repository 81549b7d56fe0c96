"""Alert writes of a detection pass beside its searches: a store that accepts calls from two
threads at once (``Store.concurrent_alert_writes``: Elasticsearch, whose client is thread-safe)
indexes one batch of alerts on one thread while the pass reads the next rules' hits on another.

On Elasticsearch a pass of 100 rules over 1,000,000 events spent about half its time waiting for
the node to index its 48,574 alerts (~0.1 ms of node CPU each), time in which neither the pass
nor the node's search threads had anything to do. The writer sends :data:`WRITERS` batches at
once, in the order given (one bulk request at a time left the pass waiting for the node's single
indexing thread at its end: the node indexes a shard's bulk requests side by side), and holds at
most :data:`QUEUED` batches waiting, so memory stays bounded by the batch. Results come back in
the order handed over, whichever request finished first, to the pass's own thread
(:meth:`AlertWriter.done`): every count, checkpoint and failure is still decided there, as with
synchronous writes, and a rule succeeds only once every batch before its last one was written.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from govsoc.core.alert import Alert, AlertReceipt

__all__ = ["QUEUED", "WRITERS", "AlertWriter", "Written"]

#: Batches handed over and not yet written; a pass that gets further ahead waits.
QUEUED = 2
#: Batches written at once (threads, each with one bulk request in flight).
WRITERS = 2

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
    """Threads that write batches of alerts with ``write``, :data:`WRITERS` at once, and hand the
    outcomes back in the order the batches were handed over (see the module docstring).
    Call :meth:`finish` at the end (in a ``finally``): it waits for every batch handed over."""

    def __init__(self, write: Callable[[list[Alert]], AlertReceipt], *, threads: int = WRITERS) -> None:
        self._write = write
        self._todo: queue.Queue[tuple[int, Written[T]] | None] = queue.Queue(maxsize=QUEUED)
        self._done: queue.Queue[tuple[int, Written[T]]] = queue.Queue()
        #: Outcomes that finished before an earlier batch did, by number; the next number due.
        self._early: dict[int, Written[T]] = {}
        self._submitted = self._due = 0
        #: Batches handed over and not yet written (or refused), under the lock.
        self._pending = 0
        self._lock = threading.Lock()
        #: Seconds the caller waited for the writer (a full queue, or ``finish``).
        self.waited = 0.0
        self._threads = [threading.Thread(target=self._run, name=f"govsoc-alert-writer-{n}", daemon=True)
                         for n in range(threads)]
        for thread in self._threads:
            thread.start()

    def submit(self, alerts: list[Alert], tag: T) -> None:
        """Hand over a batch; waits while :data:`QUEUED` batches are waiting already."""
        began = time.perf_counter()
        with self._lock:
            self._pending += 1
        self._todo.put((self._submitted, Written(alerts, tag)))
        self._submitted += 1
        self.waited += time.perf_counter() - began

    def idle(self) -> bool:
        """Whether a writer thread has nothing to write: a batch handed over now is sent at once."""
        with self._lock:
            return self._pending < len(self._threads)

    def done(self) -> list[Written[T]]:
        """The batches written (or refused) since the last call whose earlier batches are all
        written too, in the order handed over."""
        while True:
            try:
                number, job = self._done.get_nowait()
            except queue.Empty:
                break
            self._early[number] = job
        finished: list[Written[T]] = []
        while self._due in self._early:
            finished.append(self._early.pop(self._due))
            self._due += 1
        return finished

    def finish(self) -> list[Written[T]]:
        """Wait until every batch handed over was written; the outcomes not yet collected."""
        if any(thread.is_alive() for thread in self._threads):
            began = time.perf_counter()
            for _ in self._threads:
                self._todo.put(None)
            for thread in self._threads:
                thread.join()
            self.waited += time.perf_counter() - began
        return self.done()

    def _run(self) -> None:
        while (item := self._todo.get()) is not None:
            number, job = item
            try:
                job.receipt = self._write(job.alerts) if job.alerts else AlertReceipt()
            except Exception as e:  # noqa: BLE001 - handed to the pass's thread, which raises a bug again
                job.error = e
            with self._lock:
                self._pending -= 1
            self._done.put((number, job))
