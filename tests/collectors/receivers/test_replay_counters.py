"""What a receiver's counters say after a stop with a backlog and the start that replays it
(R11v-5): the messages counted spooled at the stop are stored by the next start, and the
receiver's life totals (`govsoc status`: stored / spooled per receiver and per sender) must say
so, instead of the first run's split for ever (stored 32,000, spooled 68,000 with 100,000 in the
store). A replay made again (a start killed in the middle of its replay) moves nothing twice."""

from __future__ import annotations

import json
import shutil
import socket
import time
from pathlib import Path

from govsoc.collectors import Pipeline
from govsoc.collectors.receivers import ReceiverSet
from govsoc.core.config import ReceiverSettings
from govsoc.store.base import Query
from govsoc.store.sqlite import SqliteStore

from .test_shutdown import LINE, _replayed

TOTAL, BATCH = 6_000, 25


def _life(tmp_path: Path) -> tuple[dict[str, int], dict[str, int]]:
    """The receiver's life counters and its one sender's, as `govsoc status` reads them."""
    data = json.loads((tmp_path / "state" / "receivers" / "tcp.json").read_text(encoding="utf-8"))
    [sender] = data["senders"].values()
    return data["counters"], sender


def test_the_replayed_backlog_is_counted_stored(store: SqliteStore, tmp_path: Path) -> None:
    settings = ReceiverSettings(name="tcp", transport="tcp", listen="127.0.0.1:0", parser="linux.auth")
    first = ReceiverSet([settings], Pipeline(store, data_dir=tmp_path, retry_seconds=0.2), data_dir=tmp_path,
                        batch_size=BATCH)
    first.start()
    with socket.create_connection(first.addresses["tcp"]) as sock:
        sock.sendall(b"".join(LINE % (n % 60, n, n) for n in range(TOTAL)))
    deadline = time.monotonic() + 60
    while first.counters[0].received < TOTAL and time.monotonic() < deadline:
        time.sleep(0.01)
    first.stop()
    counters, _sender = _life(tmp_path)
    assert counters["spooled"] > 0 and counters["stored"] + counters["spooled"] == TOTAL  # a backlog was spooled
    kept = tmp_path / "kept"
    shutil.copytree(first.backlog.folder, kept)

    assert _replayed(tmp_path, store, settings) == TOTAL
    counters, sender = _life(tmp_path)
    # before: stored and spooled as the first run left them
    assert (counters["stored"], counters["spooled"]) == (TOTAL, 0)
    assert (sender["stored"], sender["spooled"]) == (TOTAL, 0)
    assert counters["events_stored"] == store.count(Query()) == TOTAL

    shutil.rmtree(first.backlog.folder)  # the same backlog replayed again: nothing counted twice
    shutil.copytree(kept, first.backlog.folder)
    assert _replayed(tmp_path, store, settings) == TOTAL
    counters, sender = _life(tmp_path)
    assert (counters["stored"], counters["spooled"]) == (TOTAL, 0)
    assert (sender["stored"], sender["spooled"]) == (TOTAL, 0)
