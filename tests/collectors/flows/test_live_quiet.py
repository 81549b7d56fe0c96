"""Review 14 finding 5, the quiet link: a live capture stores flows that ended (closed TCP
connections past Zeek's close delay) although no further packet comes to move capture time
on. Real TCP exchanges cross the veth pair test_live creates; the test then sends nothing and
waits, with a generous bound, until the real SQLite store holds them while the capture still
runs (before the fix they stayed in memory until the next packet or the end of the capture)."""

from __future__ import annotations

import socket
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from govsoc.collectors import IngestSummary, ParseContext, Pipeline, parsers
from govsoc.collectors.flows.live import LiveCapture, LiveCaptureSource
from govsoc.store.base import Query
from govsoc.store.sqlite import SqliteStore

from .test_live import PEER, _probe, veth  # noqa: F401 - veth is the fixture

pytestmark = [pytest.mark.netns, pytest.mark.capture]
#: The TCP exchanges sent; each ends with FIN from both sides.
EXCHANGES = 3


def _stored(store: SqliteStore, ports: list[int]) -> list[str]:
    """The connection states of the stored flows from our own client ports (other tests may
    send traffic to the same test addresses meanwhile)."""
    store.refresh()
    return [str(e.get("govsoc.flow.conn_state"))
            for e in store.search(Query(terms={"destination.port": (8080,), "source.port": tuple(ports)}))]


def test_flows_that_ended_are_stored_on_a_quiet_link(veth: tuple[str, str], tmp_path: Path) -> None:  # noqa: F811
    interface, _ = veth
    live = LiveCapture(interface, capture_filter=f"host {PEER}", idle_seconds=0.5)
    live.start()
    store = SqliteStore(tmp_path / "events.db")
    watcher = SqliteStore(tmp_path / "events.db")
    summary = IngestSummary(source=f"capture://{interface}")
    context = ParseContext(timezone=ZoneInfo("UTC"), reference=datetime.now(UTC))
    running = threading.Thread(target=Pipeline(store, data_dir=tmp_path / "data").run, args=(
        LiveCaptureSource(live), parsers.get("network.pcap")(), context, summary),
        kwargs={"batch_size": 200, "on_full": "drop", "flush_seconds": 0.5})
    running.start()
    try:
        deadline = time.monotonic() + 120  # the first capture of a process may compile the native engine
        while live.assembler is None or live.assembler.packets == 0:  # the capture sees packets now
            assert time.monotonic() < deadline, "the capture saw no packet"
            _probe()
            time.sleep(0.1)
        ports: list[int] = []
        for n in range(EXCHANGES):
            with socket.create_connection((PEER, 8080), timeout=5) as conn:
                ports.append(conn.getsockname()[1])
                conn.sendall(b"GET /%d HTTP/1.1\r\nHost: peer\r\n\r\n" % n)
                while conn.recv(65536):
                    pass
        # now the link is quiet: the closed connections end after the close delay (5 s) by the
        # wall clock and must reach the store without another packet
        deadline = time.monotonic() + 60
        stored = _stored(watcher, ports)
        while len(stored) < EXCHANGES and time.monotonic() < deadline:
            time.sleep(0.25)
            stored = _stored(watcher, ports)
        assert live.process is not None and live.process.poll() is None  # still capturing
        assert stored == ["SF"] * EXCHANGES, (stored, summary.receipt)
    finally:
        live.stop()
        running.join(timeout=120)
    assert not running.is_alive()
    assert _stored(watcher, ports) == ["SF"] * EXCHANGES  # stored once: the end of the capture adds none again
    watcher.close()
    store.close()
