"""A stop asked of a pipeline (collectors.stopping; `--follow`'s SIGTERM, issue 11, R11z-1) ends a
read at the end of the batch under way, a wait for room in the spool at once, a drain of the spool
between two batches; what was acknowledged is stored and checkpointed, the rest is read (or
drained) by the next run, once. In-process, with the SQLite store; a store that is down is a sink
that refuses (the pipeline's only collaborator, at a pure-logic seam).

Before, a stop was looked at between polls only: a read went on to the file's end, a wait for
room had no end but the store (R11z: 178 s and more after SIGTERM)."""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from govsoc.collectors import IngestOptions, Pipeline
from govsoc.collectors.follow import Follower
from govsoc.collectors.stopping import STOPPED_NOTE, Stopped, StopRequest
from govsoc.core.errors import StoreError
from govsoc.core.event import Event
from govsoc.core.sink import WriteReceipt
from govsoc.store.base import Query
from govsoc.store.sqlite import SqliteStore


def _log(path: Path, count: int) -> Path:
    path.write_text("".join(f"Dec 10 06:00:00 LabSZ sshd[{i}]: Failed password for u{i} from 10.0.0.1 port {i} ssh2\n"
                            for i in range(count)))
    return path


def _checkpointed(data_dir: Path) -> int:
    return sum(json.loads(p.read_text())["line"] for p in (data_dir / "state" / "sources").glob("*.json"))


def test_a_stop_ends_a_read_at_the_batch_under_way(tmp_path: Path, sqlite_store: SqliteStore) -> None:
    log, data_dir = _log(tmp_path / "auth.log", 50_000), tmp_path / "data"
    read = [0]

    def progress(size: int) -> None:  # the signal comes after some 25,000 lines were read
        read[0] += 1
        if read[0] == 25_000:
            pipeline.stop.event.set()

    pipeline = Pipeline(sqlite_store, data_dir=data_dir, progress=progress)
    options = IngestOptions(batch_size=5000)
    with pytest.raises(Stopped) as stopped:
        pipeline.ingest_file(log, options)
    stored = sqlite_store.count(Query())
    assert stored == _checkpointed(data_dir)  # nothing read past what is stored, nothing stored past it
    assert 0 < stored <= 20_000  # the batches before the 25,000th line; none begun after the stop
    assert [s.note for s in stopped.value.summaries] == [STOPPED_NOTE]
    assert stopped.value.summaries[0].receipt.created == stored  # what the summary says is what was stored
    summary = Pipeline(sqlite_store, data_dir=data_dir).ingest_file(log, options)  # the next run
    assert (summary.receipt.created, summary.receipt.duplicates) == (50_000 - stored, 0)  # the rest, once
    assert sqlite_store.count(Query()) == 50_000


class _Down:
    """A store that refuses every write."""

    def write(self, events: object) -> WriteReceipt:
        raise StoreError("connection refused")

    def delete(self, ids: object, *, replaced_by: object = None) -> int:
        raise StoreError("connection refused")

    def refresh(self) -> None:
        raise StoreError("connection refused")


def _events(count: int) -> list[Event]:
    return [Event(id=f"e{i}", timestamp=datetime(2026, 12, 4, 10, 0, i % 60, tzinfo=UTC), dataset="t",
                  fields={"message": f"line {i} " + "x" * 200}) for i in range(count)]


def test_a_stop_ends_a_wait_for_room_in_a_full_spool(tmp_path: Path) -> None:
    pipeline = Pipeline(_Down(), data_dir=tmp_path, spool_max_bytes=64 << 10, retry_seconds=0.5)
    timer = threading.Timer(1.0, pipeline.stop.event.set)
    timer.start()
    begun = time.monotonic()
    try:
        with pytest.raises(Stopped):
            pipeline.deliver(_events(5000))  # far more than 64 KiB: it waits for room
    finally:
        timer.cancel()
    assert time.monotonic() - begun < 10  # was: a wait with no end but the store's return


class _Stopping:
    """A store that takes one write, and a stop is asked meanwhile."""

    def __init__(self, stop: StopRequest) -> None:
        self.stop, self.ids = stop, list[str]()

    def write(self, events: list[Event]) -> WriteReceipt:
        self.ids.extend(e.id for e in events)
        self.stop.event.set()
        return WriteReceipt(created=len(events))

    def delete(self, ids: object, *, replaced_by: object = None) -> int:
        return 0

    def refresh(self) -> None:
        pass


def test_a_stop_ends_a_drain_of_the_spool_between_two_batches(tmp_path: Path) -> None:
    spooling = Pipeline(_Down(), data_dir=tmp_path)
    spooling.deliver(_events(12_000))  # the store down: all of it spooled
    pipeline = Pipeline(_Down(), data_dir=tmp_path)
    pipeline.sink = sink = _Stopping(pipeline.stop)  # type: ignore[assignment]
    with pytest.raises(Stopped):
        pipeline.drain()
    assert len(sink.ids) == 5000  # the spool's drain batch under way, acknowledged; no more
    sink.stop = StopRequest()  # nobody asks the next run to stop
    assert Pipeline(sink, data_dir=tmp_path).drain() == 7000  # type: ignore[arg-type]
    assert sorted(sink.ids) == sorted(e.id for e in _events(12_000))  # the rest, nothing twice


def test_a_stop_does_not_cut_the_rest_of_a_file_moved_away(tmp_path: Path, sqlite_store: SqliteStore) -> None:
    # R11ab-1: logrotate's olddir moved the followed log to another folder with lines unread; the
    # follower reads them from the descriptor it held open. A stop cut that read at a batch's end and
    # then closed the descriptor, its only way to the file: 0 of 200,000 stored, the next run could
    # not find them. The read runs to the file's end; the stop then ends the poll.
    logs, old = tmp_path / "log", tmp_path / "old"
    logs.mkdir()
    old.mkdir()
    log, data_dir = _log(logs / "auth.log", 10), tmp_path / "data"
    read = [0]

    def progress(size: int) -> None:  # the signal comes when 1,000 lines of the moved file were read
        read[0] += 1
        if read[0] == 1_010:
            follower.pipeline.stop.event.set()

    follower = Follower(Pipeline(sqlite_store, data_dir=data_dir, progress=progress), [str(log)],
                        lambda _path: IngestOptions(batch_size=500))
    follower.pipeline.stop = StopRequest()
    assert sum(s.records for s in follower.poll()) == 10
    with log.open("a") as out:  # written after the last poll, then moved away unread
        out.write("".join(f"Dec 10 06:00:01 LabSZ sshd[{i}]: Failed password for v{i} from 10.0.0.2 port {i} ssh2\n"
                          for i in range(30_000)))
    log.rename(old / "auth.log")
    log.write_text("")  # logrotate's create
    follower.poll()  # the poll's only path: it ends with the moved file's read
    follower.pipeline.held.close()  # as Follower.run does when it ends
    assert follower.pipeline.stop.is_set() and read[0] > 1_010, (read, sqlite_store.count(Query()))
    assert sqlite_store.count(Query()) == 30_010  # before: 10 + at most a batch or two
