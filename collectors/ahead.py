"""The delivery thread of collectors.pipeline: a batch is stored (and acknowledged) on a second
thread while the next is parsed, in order, at most _DEPTH batches in flight (P11j); and a batch's
store write is begun before the previous one's commit is waited for (issue 11)."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait

#: Batches handed to the delivery thread and not settled yet, at most (P11j): the one being
#: delivered and the next, parsed meanwhile. With one, the parser waited at every batch for the
#: store's commit and the checkpoint after it, and the store waited for the parser's next batch.
_DEPTH = 2

#: A step's rest: what it does once the write it began is committed (its acknowledgement).
Rest = Callable[[], None]


class Ahead:
    """Runs settle steps in order, up to _DEPTH of them on a second thread while the caller goes
    on; a step queued after one that failed is not run (its batch is neither delivered nor
    acknowledged: no checkpoint passes a batch that failed). Leaving the ``with`` waits for
    them (and raises what the failed one raised). ``check`` is called as each step begins: what
    it raises (a stop asked: collectors.stopping) fails that step, not run: a stop waits for the
    batch being stored, not for the one queued behind it (R11z-1).

    A step run on the second thread may return its rest (the store took its batch, and will
    say when it is committed): the rest is run after the next step has begun, so the store
    goes on with that batch while this thread takes the first one's answer and moves its
    checkpoint (issue 11: the SQLite writer process stood idle between batches for the answer,
    the checkpoint and the next batch's first chunk, ~150 ms a 20,000-line batch). Rests run
    in order, each before the next step's; a rest kept waits for the next step, for
    :meth:`catch_up` or for the end of the ``with``; a failed step's predecessor's rest still
    runs (its batch was handed over)."""

    def __init__(self, check: Callable[[], None] = lambda: None) -> None:
        self._executor: ThreadPoolExecutor | None = None
        self._pending: deque[Future[None]] = deque()
        self._failed = False  # set and read on the second thread only
        self._check = check
        self._rest: Rest | None = None  # the last step's rest, not run yet (second thread only)

    def __enter__(self) -> Ahead:
        return self

    def submit(self, step: Callable[[], Rest | None], *, overlap: bool) -> None:
        """Run ``step`` after those in flight: on the second thread, or here (its rest too)."""
        if not overlap:
            self.catch_up()
            self._check()
            rest = step()
            if rest is not None:
                rest()
            return
        self._wait(_DEPTH - 1)
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="govsoc-deliver")
        self._pending.append(self._executor.submit(self._run, step))

    def catch_up(self) -> None:
        """Wait for the steps in flight and run the rest kept (raising what failed)."""
        self._wait(0)
        if self._rest is not None and self._executor is not None:
            self._executor.submit(self._run_rest).result()

    def _run(self, step: Callable[[], Rest | None]) -> None:
        if self._failed:
            return
        try:
            self._check()
            rest = step()
        except BaseException:
            self._failed = True
            self._run_rest()  # the batch before it was handed over: acknowledged once committed
            raise
        self._run_rest()
        self._rest = rest

    def _run_rest(self) -> None:
        rest, self._rest = self._rest, None
        if rest is not None:
            try:
                rest()
            except BaseException:
                self._failed = True
                raise

    def _wait(self, keep: int) -> None:
        while len(self._pending) > keep:
            self._pending.popleft().result()

    def __exit__(self, exc_type: type[BaseException] | None, *_: object) -> None:
        try:
            if exc_type is None:
                self.catch_up()
            else:  # the caller failed: let the batches in flight finish, and acknowledge them
                wait(list(self._pending))
                if self._rest is not None and self._executor is not None and not self._failed:
                    wait([self._executor.submit(self._run_rest)])
        finally:
            if self._executor is not None:
                self._executor.shutdown(wait=True)
