"""The delivery thread of collectors.pipeline: a batch is stored (and acknowledged) on a second
thread while the next is parsed, in order, at most _DEPTH batches in flight (P11j)."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait

#: Batches handed to the delivery thread and not settled yet, at most (P11j): the one being
#: delivered and the next, parsed meanwhile. With one, the parser waited at every batch for the
#: store's commit and the checkpoint after it, and the store waited for the parser's next batch.
_DEPTH = 2


class Ahead:
    """Runs settle steps in order, up to _DEPTH of them on a second thread while the caller goes
    on; a step queued after one that failed is not run (its batch is neither delivered nor
    acknowledged: no checkpoint passes a batch that failed). Leaving the ``with`` waits for
    them (and raises what the failed one raised). ``check`` is called as each step begins: what
    it raises (a stop asked: collectors.stopping) fails that step, not run: a stop waits for the
    batch being stored, not for the one queued behind it (R11z-1)."""

    def __init__(self, check: Callable[[], None] = lambda: None) -> None:
        self._executor: ThreadPoolExecutor | None = None
        self._pending: deque[Future[None]] = deque()
        self._failed = False  # set and read on the second thread only
        self._check = check

    def __enter__(self) -> Ahead:
        return self

    def submit(self, step: Callable[[], None], *, overlap: bool) -> None:
        """Run ``step`` after those in flight: on the second thread, or here."""
        if not overlap:
            self._wait(0)
            self._check()
            step()
            return
        self._wait(_DEPTH - 1)
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="govsoc-deliver")
        self._pending.append(self._executor.submit(self._run, step))

    def _run(self, step: Callable[[], None]) -> None:
        if self._failed:
            return
        try:
            self._check()
            step()
        except BaseException:
            self._failed = True
            raise

    def _wait(self, keep: int) -> None:
        while len(self._pending) > keep:
            self._pending.popleft().result()

    def __exit__(self, exc_type: type[BaseException] | None, *_: object) -> None:
        try:
            if exc_type is None:
                self._wait(0)
            else:  # the caller failed: let the batches in flight finish
                wait(list(self._pending))
        finally:
            if self._executor is not None:
                self._executor.shutdown(wait=True)
