"""SqliteStore.begin_write: a large write handed to the writer process, its commit waited for
later, while the next write is handed over (issue 11). Each write's receipt is its own, a failed
transaction fails only its own write, a lost pipe fails every write still waited for, and what
is stored is what writes one after the other store."""

from __future__ import annotations

import os
import pickle
import sqlite3
import subprocess
import sys
import time
from collections import deque
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from govsoc.collectors import Pipeline
from govsoc.collectors.base import ParseContext, parsers
from govsoc.collectors.summary import IngestSummary
from govsoc.core.errors import StoreError
from govsoc.core.sink import WriteReceipt, Written
from govsoc.store import sqlite_writer
from govsoc.store.sqlite import SqliteStore
from govsoc.store.sqlite_writer import Balance, WriterProcess
from tests.collectors.test_delivery_depth import Lines
from tests.store.test_sqlite_writer import LARGE, _kill, documents, events, storable


def _stored(path: Path) -> int:
    with sqlite3.connect(path, timeout=30) as db:
        return int(db.execute("SELECT count(*) FROM events").fetchone()[0])


def test_a_write_begun_after_another_is_committed_before_the_first_is_waited_for(tmp_path: Path) -> None:
    first, second = events(LARGE), events(LARGE, start=LARGE)
    store = SqliteStore(tmp_path / "later.db")
    try:
        wait_first = store.begin_write(first)
        wait_second = store.begin_write(second)
        # the child goes on with the second write while nobody has taken the first's answer
        for _ in range(600):
            if _stored(store.path) == storable(first) + storable(second):
                break
            time.sleep(0.05)
        assert _stored(store.path) == storable(first) + storable(second)
        one, two = wait_first(), wait_second()
        assert (one.created, one.duplicates, len(one.rejected)) == (storable(first), 0, LARGE - storable(first))
        assert (two.created, two.duplicates, len(two.rejected)) == (storable(second), 0, LARGE - storable(second))
        assert {i for i, _ in one.rejected} == {e.id for e in first if "labels" in e.fields}
        assert {i for i, _ in two.rejected} == {e.id for e in second if "labels" in e.fields}
        again = store.begin_write(first)
        assert again().duplicates == storable(first)
    finally:
        store.close()
    one_by_one = SqliteStore(tmp_path / "sequential.db", writer_process=False)
    try:
        one_by_one.write(first)
        one_by_one.write(second)
        assert documents(SqliteStore(tmp_path / "later.db")) == documents(one_by_one)
    finally:
        one_by_one.close()


def test_a_small_write_is_done_when_begun(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "small.db")
    try:
        begun = store.begin_write(events(10))
        assert isinstance(begun, Written) and _stored(store.path) == storable(events(10))
        assert begun().created == storable(events(10))
    finally:
        store.close()


def _answering(tmp_path: Path, *answers: tuple[object, ...]) -> WriterProcess:
    """A writer whose child's answers to transactions 1, 2, ... (5 rows each) are in a pipe."""
    read, write = os.pipe()
    for answer in answers:
        sqlite_writer._write(write, pickle.dumps(answer))
    os.close(write)
    writer = WriterProcess.__new__(WriterProcess)  # no child: an ended process stands for it
    writer._process = subprocess.Popen([sys.executable, "-c", "pass"])
    writer._process.wait()
    writer._in, writer._broken, writer.path, writer.balance = read, False, tmp_path / "x.db", Balance()
    writer._sent, writer.transactions = deque((n, 5) for n in range(1, len(answers) + 1)), len(answers)
    writer._answered, writer._claimed = {}, 0
    return writer


def test_each_write_takes_its_own_answers_whichever_is_waited_for_first(tmp_path: Path) -> None:
    writer = _answering(tmp_path, (WriteReceipt(created=3), None, 1.0), (WriteReceipt(created=5), None, 2.0),
                        (WriteReceipt(created=1), None, 3.0))
    assert writer.wait(1, 3) == WriteReceipt(created=6, duplicates=4)  # reads 1's answer, keeps it
    assert writer.wait(0, 1) == WriteReceipt(created=3, duplicates=2)


def test_a_failed_transaction_fails_its_own_write_only(tmp_path: Path) -> None:
    writer = _answering(tmp_path, (None, "database or disk is full", 1.0), (WriteReceipt(created=5), None, 2.0))
    with pytest.raises(StoreError, match="disk is full"):
        writer.wait(0, 1)
    assert writer.wait(1, 2) == WriteReceipt(created=5)


def test_a_lost_pipe_fails_every_write_still_waited_for(tmp_path: Path) -> None:
    # transaction 1 answered before the child ended: its write stands; 2 and 3 never answered
    writer = _answering(tmp_path, (WriteReceipt(created=5), None, 1.0))
    writer._sent.extend([(2, 5), (3, 5)])
    writer.transactions = 3
    with pytest.raises(StoreError, match="writer process ended"):
        writer.wait(1, 2)
    with pytest.raises(StoreError, match="writer process ended"):  # never an empty receipt
        writer.wait(2, 3)
    assert writer.wait(0, 1) == WriteReceipt(created=5)


def test_a_write_waited_for_after_its_writer_was_replaced_fails_and_takes_no_other_answer(tmp_path: Path) -> None:
    # Its writer killed after it was handed over, the next write starts a new writer (whose pipes
    # may take the old ones' descriptor numbers): the first write's wait gets the answer its
    # child gave before it died, or fails (it is sent again: stored once by id), and never reads
    # the new writer's answer as its own (R11bk-1: it took it, and the second write hung).
    first, second = events(LARGE), events(LARGE + 1000, start=LARGE)  # told apart by their counts
    store = SqliteStore(tmp_path / "replaced.db")
    try:
        wait_first = store.begin_write(first)
        old = store.writer_pid
        assert old is not None
        _kill(store, old)
        wait_second = store.begin_write(second)
        assert store.writer_pid not in (None, old)
        try:  # answered before the kill (taken at the close) or lost with the child
            taken = wait_first().created
        except StoreError as e:
            assert "writer process" in e.message
            taken = None
        assert taken in (None, storable(first))  # never the second write's answer
        assert wait_second().created == storable(second)
        store.write(first)  # sent again, as the pipeline's spool would
        assert _stored(store.path) == storable(first) + storable(second)
    finally:
        store.close()


def test_an_ingest_hands_each_batch_over_before_the_previous_commit_is_waited_for(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Through the pipeline into a real store: when a batch's commit is waited for, the next
    # batch's transaction is sent already (the child never waits between batches), and that
    # wait reads no answer but its own (the next batch's checkpoint does not wait for the next
    # commit).
    seen: list[tuple[int, int, int]] = []  # (transactions sent, the write's last, left unanswered after)
    committed = SqliteStore._committed

    def spy(self: SqliteStore, writer: WriterProcess, after: int, through: int, refused: WriteReceipt) -> WriteReceipt:
        sent = writer.transactions
        receipt = committed(self, writer, after, through, refused)
        seen.append((sent, through, len(writer._sent)))
        return receipt

    monkeypatch.setattr(SqliteStore, "_committed", spy)
    batch = 2500  # through the writer process (sqlite._PROCESS_MIN) and the delivery thread
    store = SqliteStore(tmp_path / "ingest.db")
    try:
        context = ParseContext(timezone=ZoneInfo("UTC"), reference=datetime(2025, 12, 31, tzinfo=UTC))
        summary = IngestSummary(source="handed")
        Pipeline(store, data_dir=tmp_path / "state").run(Lines(4 * batch), parsers.get("linux.auth")(), context,
                                                         summary, batch_size=batch)
        assert summary.receipt.created == _stored(store.path) == 4 * batch
    finally:
        store.close()
    assert [through for _, through, _ in seen] == [1, 2, 3, 4]
    for sent, through, unanswered in seen[:3]:
        assert sent == through + 1, seen  # the next batch handed over first
        assert unanswered == 1, seen  # and its answer left for its own wait
    assert seen[3][2] == 0


def test_a_writer_with_answers_to_come_is_in_step(tmp_path: Path) -> None:
    # A transaction failed (a full disk) while the next write was handed over: the writer is
    # kept, so that the next write gets its answer (not ended for a failure of another write).
    writer = _answering(tmp_path, (None, "database or disk is full", 1.0))
    writer._process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        writer._sent.append((2, 5))
        writer.transactions, writer._open = 2, 0
        with pytest.raises(StoreError, match="disk is full"):
            writer.wait(0, 1)
        assert writer.in_step()
        writer._open = 3  # a chunk held for a commit never sent: a write that stopped half-way
        assert not writer.in_step()
    finally:
        writer._process.kill()
        writer._process.wait()
