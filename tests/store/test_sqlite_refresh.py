"""A store's refresh (the query planner's statistics: PRAGMA optimize) beside another
connection's writes. ANALYZE reads, then writes: a commit in between made the write fail at once
with "database is locked" (no busy handler for a stale WAL snapshot), and a watcher's refresh
beside a live capture's writes failed a test run (session 22). Statistics are a hint: the refresh
is tried again, or left to the next one, never an error."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from govsoc.core.event import Event
from govsoc.store.base import Query
from govsoc.store.sqlite import SqliteStore


def test_refresh_beside_a_writer_never_fails(tmp_path: Path) -> None:
    store, writer = SqliteStore(tmp_path / "events.db"), SqliteStore(tmp_path / "events.db")
    stop, written = threading.Event(), [0]

    def write() -> None:
        batch = 0
        while not stop.is_set():
            writer.write([Event(id=f"e{batch}-{j}", timestamp=datetime(2026, 1, 1, tzinfo=UTC), dataset="x",
                                fields={"message": f"line {batch}"}) for j in range(5)])
            batch += 1
            written[0] = batch * 5

    thread = threading.Thread(target=write)
    thread.start()
    try:
        while written[0] < 50:  # the writer is under way
            time.sleep(0.001)
        started, deadline = written[0], time.monotonic() + 60
        refreshes = 0  # the first of these failed, on the code before; on a loaded machine the writer
        while (refreshes < 300 or written[0] <= started) and time.monotonic() < deadline:  # may lag: go on
            store.refresh()
            refreshes += 1
        during = written[0]
    finally:
        stop.set()
        thread.join()
    assert during > started  # the refreshes ran while rows were being committed
    assert store.count(Query()) == written[0]
    store.close()
    writer.close()
