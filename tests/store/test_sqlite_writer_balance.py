"""Which chunks of a large SQLite write the parent builds into rows (govsoc.store.sqlite_writer.Balance):
a share moved by the two processes' CPU, so that neither sets the pace alone (issue 11's ingest
speed), with what is stored unchanged whoever builds the rows."""

from __future__ import annotations

import os
import pickle
from collections import deque
from pathlib import Path
from typing import Any

import pytest

from govsoc.core.errors import StoreError
from govsoc.core.sink import WriteReceipt
from govsoc.store import sqlite_writer
from govsoc.store.sqlite import _CHUNK, _TRANSACTION, SqliteStore
from govsoc.store.sqlite_writer import Balance, WriterProcess
from tests.store.test_sqlite_writer import documents, events, spied_rows_of, storable


@pytest.mark.parametrize(("share", "built"), [
    (4, [1, 3, 5, 7, 9, 11, 13, 15]),  # half: every other chunk from the second (the earlier fixed rule)
    (0, []),  # none: the child builds every chunk
    (8, list(range(16))),  # all: the child only deflates and inserts
    (2, [3, 7, 11, 15]),  # a quarter, spread evenly
    (3, [2, 5, 7, 10, 13, 15]),  # three eighths: never two in a row
])
def test_a_share_builds_that_many_chunks_in_each_eight_spread_evenly(share: int, built: list[int]) -> None:
    balance = Balance(share)
    assert [asked for asked in range(16) if balance.here()] == built


def test_chunks_are_counted_across_writes() -> None:
    # R11bi-4: writes of two chunks each, at a quarter: counted afresh each write, none was
    # ever built here; counted across writes, one chunk in four is.
    balance = Balance(2)
    built = [[balance.here() for _ in range(2)] for _write in range(8)]
    assert sum(map(sum, built)) == 4


@pytest.mark.parametrize(("parent", "child", "after"), [
    (10.0, 5.0, 3),  # the parent busier: it builds fewer
    (5.0, 10.0, 5),  # the child busier: the parent builds more
    (10.0, 9.8, 4),  # within the slack: unchanged
    (9.8, 10.0, 4),
])
def test_the_share_moves_an_eighth_toward_the_side_with_cpu_to_spare(parent: float, child: float, after: int) -> None:
    balance = Balance(4)
    balance.weigh(child_cpu=100.0, parent_cpu=50.0)  # the first weighing only marks
    assert balance.share == 4
    balance.weigh(child_cpu=100.0 + child, parent_cpu=50.0 + parent)
    assert balance.share == after


def test_the_share_stays_within_none_and_all() -> None:
    low, high = Balance(0), Balance(8)
    for n in range(3):
        low.weigh(child_cpu=float(n), parent_cpu=10.0 * n)  # the parent always busier
        high.weigh(child_cpu=10.0 * n, parent_cpu=float(n))  # the child always busier
    assert (low.share, high.share) == (0, 8)
    assert not any(low.here() for _ in range(16)) and all(high.here() for _ in range(16))


@pytest.mark.parametrize("parent_busier", [True, False])
def test_a_real_writer_moves_the_work_to_the_side_with_cpu_to_spare(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parent_busier: bool) -> None:
    # The child's answers carry its real CPU seconds. This process is made to look busier
    # (an hour of CPU a write) or idle (none): after the first write, which only marks where
    # the two stand, the share falls to none built here, or rises to all, one eighth a write,
    # and what is stored (new events each write) stays what a write here stores.
    clock = [0.0]

    def cpu() -> float:
        clock[0] += 3600.0 if parent_busier else 0.0
        return clock[0]

    monkeypatch.setattr(sqlite_writer.time, "process_time", cpu)
    built = spied_rows_of(monkeypatch)
    child, here = SqliteStore(tmp_path / "child.db"), SqliteStore(tmp_path / "here.db", writer_process=False)
    try:
        shares = []
        for write in range(7):
            batch = events(8 * _CHUNK, start=write * 8 * _CHUNK)  # eight chunks a write
            built.clear()
            receipt = child.write(batch)
            shares.append(len(built))
            assert (receipt.created, receipt.duplicates) == (storable(batch), 0)
            assert receipt == here.write(batch)
        assert shares == ([4, 4, 3, 2, 1, 0, 0] if parent_busier else [4, 4, 5, 6, 7, 8, 8])
        assert documents(child) == documents(here)
    finally:
        child.close()
        here.close()


def _cpu_seconds(pid: int) -> float:
    """A process's user + system CPU seconds, as the kernel counts them (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="the kernel's count of a process's CPU: Linux")
def test_what_is_weighed_is_the_childs_cpu_when_it_answered_last(tmp_path: Path) -> None:
    # A write of three transactions: the CPU weighed is the child's at its last answer, in
    # seconds (not its first answer's, not in other units): what the kernel counts for it, less
    # the little it spends after answering.
    store = SqliteStore(tmp_path / "child.db")
    try:
        store.write(events(3 * _TRANSACTION))
        writer = store._writer
        assert writer is not None and writer.balance._mark is not None
        counted = _cpu_seconds(writer.pid)
        assert counted > 0.3  # three transactions: enough CPU for the first answer's to differ
        assert counted - 0.1 <= writer.balance._mark[1] <= counted + 0.02
    finally:
        store.close()


def test_an_answer_without_the_childs_cpu_is_taken_and_nothing_weighed(tmp_path: Path) -> None:
    # A child started from govsoc files of an earlier version answers (receipt, error): the
    # receipt counts and the share stays unweighed; a failed transaction still raises.
    def answering(*answers: tuple[Any, ...]) -> WriterProcess:
        read, write = os.pipe()
        for answer in answers:
            sqlite_writer._write(write, pickle.dumps(answer))
        os.close(write)
        writer = WriterProcess.__new__(WriterProcess)  # no child: its answers are in the pipe
        writer._in, writer._broken, writer.path = read, False, tmp_path / "x.db"
        writer._sent, writer.transactions = deque((n, 5) for n in range(1, len(answers) + 1)), len(answers)
        writer._answered, writer._claimed = {}, 0
        writer.balance = Balance()
        return writer

    old = answering((WriteReceipt(created=3), None))
    assert old.wait() == WriteReceipt(created=3, duplicates=2)
    assert old.balance._mark is None
    failed = answering((WriteReceipt(created=3), None, 1.5), (None, "disk full", 2.5))
    with pytest.raises(StoreError, match="disk full"):
        failed.wait()
    assert failed.balance._mark is not None and failed.balance._mark[1] == 2.5
