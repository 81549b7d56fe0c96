"""Pipeline.run delivers batches on a second thread (collectors.pipeline._Ahead): how far the
parser may run ahead of the store, and that a failed batch stops every later acknowledgement."""

from __future__ import annotations

import threading
from collections.abc import Collection, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from govsoc.collectors import Pipeline
from govsoc.collectors.base import ParseContext, RawRecord, parsers
from govsoc.collectors.summary import Delivery, IngestSummary
from govsoc.core.event import Event
from govsoc.core.sink import WriteReceipt

BATCH = 1000  # at least _OVERLAP_MIN: delivered on the second thread


class Lines:
    """sshd lines, counting how many the pipeline took."""

    def __init__(self, count: int) -> None:
        self.count, self.taken = count, 0

    def records(self) -> Iterator[RawRecord]:
        for n in range(self.count):
            self.taken += 1
            data = f"Dec 10 06:{n // 60 % 60:02d}:{n % 60:02d} h sshd[{n}]: Failed password for u{n} from " \
                   f"10.0.0.1 port {n} ssh2".encode()
            yield RawRecord(data=data, origin="test://depth", offset=n, identity="depth", end=n + 1)


class HeldSink:
    """A store whose first write waits until released, or fails with ``fail``."""

    def __init__(self, fail: bool = False) -> None:
        self.release, self.started = threading.Event(), threading.Event()
        self.fail, self.writes = fail, 0

    def write(self, events: Iterable[Event]) -> WriteReceipt:
        batch = list(events)
        self.writes += 1
        if self.writes == 1:
            self.started.set()
            assert self.release.wait(60)
            if self.fail:
                raise RuntimeError("the store broke")
        return WriteReceipt(created=len(batch))

    def delete(self, ids: Collection[str], *, replaced_by: object = None) -> int:
        return 0

    def refresh(self) -> None:
        pass


def run(tmp_path: Path, source: Lines, sink: HeldSink, acknowledged: list[int]) -> threading.Thread:
    pipeline = Pipeline(sink, data_dir=tmp_path / "state")
    context = ParseContext(timezone=ZoneInfo("UTC"), reference=datetime(2025, 12, 31, tzinfo=UTC))

    def ack(last: RawRecord | None, delivery: Delivery, batch: list[Event], where: object = None) -> None:
        acknowledged.append(len(batch))

    def go() -> None:
        try:
            pipeline.run(source, parsers.get("linux.auth")(), context, IngestSummary(source="depth"),
                         batch_size=BATCH, acknowledged=ack)
        except RuntimeError:
            pass

    thread = threading.Thread(target=go)
    thread.start()
    return thread


def test_the_parser_runs_a_batch_further_ahead_while_the_store_commits(tmp_path: Path) -> None:
    # P11j: with one batch in flight the parser, its next batch parsed, waited for the store's
    # commit of the one before and the checkpoint after it; the store, its commit done, waited
    # for the parser's hand-over. Now a parsed batch waits queued while its predecessor is
    # stored, and the parser goes on with the one after.
    source, sink, acknowledged = Lines(5 * BATCH), HeldSink(), []
    thread = run(tmp_path, source, sink, acknowledged)
    try:
        assert sink.started.wait(60)
        deadline = threading.Event()
        for _ in range(600):  # the parser fills the batch being delivered's two successors
            if source.taken >= 3 * BATCH:
                break
            deadline.wait(0.05)
        assert source.taken == 3 * BATCH, source.taken  # was 2 * BATCH: batch 2 waited to be handed over
        assert acknowledged == []
    finally:
        sink.release.set()
        thread.join(60)
    assert acknowledged == [BATCH] * 5 + [0]  # and the closing batch, empty


@pytest.mark.parametrize("batches", [3, 5])
def test_a_batch_queued_after_one_that_failed_is_neither_written_nor_acknowledged(tmp_path: Path,
                                                                                  batches: int) -> None:
    # Two batches may be queued for delivery: when the first fails, the second must not be
    # written and acknowledged, or its checkpoint would pass the first's lines, never stored.
    source, sink, acknowledged = Lines(batches * BATCH), HeldSink(fail=True), []
    thread = run(tmp_path, source, sink, acknowledged)
    try:
        assert sink.started.wait(60)
        for _ in range(600):
            if source.taken >= 3 * BATCH:
                break
            threading.Event().wait(0.05)
    finally:
        sink.release.set()
        thread.join(60)
    assert not thread.is_alive()
    assert (sink.writes, acknowledged) == (1, [])
