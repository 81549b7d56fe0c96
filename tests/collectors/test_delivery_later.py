"""A batch's store write is begun before the previous batch's commit is waited for (issue 11:
the SQLite writer process stood idle between batches), and everything that waits for a commit
still waits for it: a batch is acknowledged after its own commit, in order, never past a batch
that failed; a stop waits for the batch handed over."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Collection, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from govsoc.collectors import Pipeline
from govsoc.collectors.ahead import Ahead
from govsoc.collectors.base import ParseContext, RawRecord, parsers
from govsoc.collectors.stopping import Stopped, StopRequest
from govsoc.collectors.summary import Delivery, IngestSummary
from govsoc.core.event import Event
from govsoc.core.sink import WriteReceipt
from tests.collectors.test_delivery_depth import BATCH, Lines


class BegunSink:
    """A store that takes a write and is asked for its commit later, noting each step in
    ``log``: ("begin", n), ("committed", n); batch ``fail`` raises when its commit is asked."""

    def __init__(self, log: list[tuple[str, int]], fail: int | None = None) -> None:
        self.log, self.fail, self.begun = log, fail, 0

    def begin_write(self, events: list[Event]) -> Callable[[], WriteReceipt]:
        self.begun += 1
        number = self.begun
        self.log.append(("begin", number))

        def committed() -> WriteReceipt:
            self.log.append(("committed", number))
            if number == self.fail:
                raise RuntimeError("the store broke")
            return WriteReceipt(created=len(events))
        return committed

    def write(self, events: Iterable[Event]) -> WriteReceipt:
        return self.begin_write(list(events))()

    def delete(self, ids: Collection[str], *, replaced_by: object = None) -> int:
        return 0

    def refresh(self) -> None:
        pass


def run(tmp_path: Path, batches: int, sink: BegunSink, log: list[tuple[str, int]],
        stop: StopRequest | None = None) -> IngestSummary:
    pipeline = Pipeline(sink, data_dir=tmp_path / "state")
    if stop is not None:
        pipeline.stop = stop
    context = ParseContext(timezone=ZoneInfo("UTC"), reference=datetime(2025, 12, 31, tzinfo=UTC))
    acked = taken = 0
    summary = IngestSummary(source="later")

    def ack(last: RawRecord | None, delivery: Delivery, batch: list[Event], where: object = None) -> None:
        nonlocal acked, taken
        acked += 1
        taken += len(batch)
        log.append(("ack", acked))
        assert delivery.receipt.created == len(batch)
        # the counts a checkpoint takes are the batch's own: not the next one's, read meanwhile
        assert summary.records == summary.events == taken

    pipeline.run(Lines(batches * BATCH), parsers.get("linux.auth")(), context, summary, batch_size=BATCH,
                 acknowledged=ack)
    return summary


def test_the_next_batch_is_handed_over_before_the_previous_commit_is_waited_for(tmp_path: Path) -> None:
    log: list[tuple[str, int]] = []
    summary = run(tmp_path, 4, BegunSink(log), log)
    # each batch acknowledged after its own commit, in order, and each commit asked after the
    # next batch was handed over (the last: at the end of the source)
    for n in (1, 2, 3, 4):
        assert log.index(("committed", n)) < log.index(("ack", n))
        assert log.index(("ack", n)) < log.index(("ack", n + 1))
    for n in (1, 2, 3):
        assert log.index(("begin", n + 1)) < log.index(("committed", n)), log  # was: after ("ack", n)
    assert summary.receipt.created == summary.events == 4 * BATCH
    assert summary.records == 4 * BATCH


@pytest.mark.parametrize("fail", [1, 2])
def test_no_batch_is_acknowledged_past_one_whose_commit_failed(tmp_path: Path, fail: int) -> None:
    # the batch after the failed one was handed over already: it is never acknowledged (its
    # lines are read again from the checkpoint), and no batch after it is even begun
    log: list[tuple[str, int]] = []
    with pytest.raises(RuntimeError, match="the store broke"):
        run(tmp_path, 5, BegunSink(log, fail=fail), log)
    assert [n for step, n in log if step == "ack"] == list(range(1, fail))
    assert max(n for step, n in log if step == "begin") == fail + 1


def test_a_stop_waits_for_the_batch_handed_over_and_begins_no_other(tmp_path: Path) -> None:
    log: list[tuple[str, int]] = []
    stop = StopRequest()

    class Stopping(BegunSink):
        def begin_write(self, events: list[Event]) -> Callable[[], WriteReceipt]:
            committed = super().begin_write(events)
            if self.begun == 2:
                stop.event.set()  # asked while batch 2 is handed over: batch 1's commit not yet waited for
            return committed

    with pytest.raises(Stopped):
        run(tmp_path, 5, Stopping(log), log, stop)
    acked = [n for step, n in log if step == "ack"]
    assert acked[:1] == [1]  # the batch handed over before the stop is committed and acknowledged
    assert max(n for step, n in log if step == "begin") == 2
    assert ("committed", 2) in log and acked in ([1], [1, 2])


def test_ahead_runs_rests_in_order_after_the_next_step_began() -> None:
    order: list[str] = []

    def step(n: int) -> Callable[[], Callable[[], None]]:
        def begin() -> Callable[[], None]:
            order.append(f"begin {n}")
            return lambda: order.append(f"rest {n}")
        return begin

    with Ahead() as ahead:
        for n in (1, 2, 3):
            ahead.submit(step(n), overlap=True)
        ahead.submit(lambda: order.append("last") or None, overlap=False)
    assert order == ["begin 1", "begin 2", "rest 1", "begin 3", "rest 2", "rest 3", "last"]


def test_ahead_runs_a_kept_rest_when_the_caller_fails() -> None:
    done = threading.Event()
    with pytest.raises(KeyError), Ahead() as ahead:
        ahead.submit(lambda: done.set, overlap=True)
        raise KeyError("the parser failed")
    assert done.is_set()


def test_ahead_runs_the_rest_of_the_step_before_one_that_failed() -> None:
    # the batch handed over before a failed step is committed and acknowledged, not left
    order: list[str] = []

    def failing() -> None:
        raise KeyError("the next batch failed")

    with pytest.raises(KeyError), Ahead() as ahead:
        ahead.submit(lambda: lambda: order.append("rest 1"), overlap=True)
        ahead.submit(failing, overlap=True)
    assert order == ["rest 1"]


class Ticking(Lines):
    """A live source: BATCH records, then ticks (None) until the batch is acknowledged, or 200."""

    def __init__(self, acked: threading.Event) -> None:
        super().__init__(BATCH)
        self.acked, self.ticks = acked, 0

    def records(self) -> Iterator[RawRecord | None]:  # type: ignore[override]
        yield from super().records()
        while not self.acked.is_set() and self.ticks < 200:
            self.ticks += 1
            yield None
            time.sleep(0.01)


def test_a_live_sources_tick_acknowledges_a_batch_handed_over_without_waiting_for_the_next(tmp_path: Path) -> None:
    acked, log = threading.Event(), []
    pipeline = Pipeline(BegunSink(log), data_dir=tmp_path / "state")
    context = ParseContext(timezone=ZoneInfo("UTC"), reference=datetime(2025, 12, 31, tzinfo=UTC))
    source = Ticking(acked)
    pipeline.run(source, parsers.get("linux.auth")(), context, IngestSummary(source="ticks"),  # type: ignore[arg-type]
                 batch_size=BATCH, flush_seconds=60.0, acknowledged=lambda *_: acked.set())
    assert source.ticks < 200  # acknowledged at a tick, not only when the source ended
