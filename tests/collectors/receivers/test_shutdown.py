"""Stopping the receivers with a backlog (SIGTERM while senders are faster than the store):
reading stops at once, back-pressure holds, and every accepted message ends up stored or in the
spool (replayed into the store by the next start); only what even the spool cannot take would be
counted as dropped. The delivery thread has ended when stop returns, so the store may be closed."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

from govsoc.collectors import Pipeline
from govsoc.collectors.receivers import Handoff
from govsoc.store.base import Query
from govsoc.store.sqlite import SqliteStore

from .conftest import Start, udp_send

LINE = b"<38>Nov 30 10:00:%02d web01 sshd[%d]: Failed password for root from 192.0.2.10 port %d ssh2\n"
BACKLOG = 5_000


def _replayed(tmp_path: Path, store: SqliteStore) -> int:
    """What the store holds after the next start replays the spool."""
    Pipeline(store, data_dir=tmp_path).drain()
    store.refresh()
    return store.count(Query())


def test_stop_with_a_tcp_backlog_spools_what_was_accepted_and_reads_no_more(receivers: Start, store,  # type: ignore[no-untyped-def]
                                                                           tmp_path) -> None:
    handoff = Handoff(max_messages=BACKLOG)
    rs = receivers({"name": "tcp", "transport": "tcp", "listen": "127.0.0.1:0", "parser": "linux.auth"},
                   handoff=handoff)
    total = 20 * BACKLOG  # far more than the queue, the kernel buffers, or the store in the stop's second
    sent = [0]

    def send() -> None:
        with socket.create_connection(rs.addresses["tcp"]) as sock:
            try:
                for start in range(0, total, 1000):
                    sock.sendall(b"".join(LINE % (n % 60, n, n) for n in range(start, start + 1000)))
                    sent[0] = start + 1000
            except OSError:  # reset by the stopping receiver: the rest was not accepted
                pass

    sender = threading.Thread(target=send)
    sender.start()
    deadline = time.monotonic() + 20
    while not handoff.pauses and time.monotonic() < deadline:
        time.sleep(0.01)
    assert handoff.pauses  # the queue filled and the connection stopped reading
    rs.stop(timeout=0.2)  # as SIGTERM does, with less patience for the store
    sender.join(20)
    counters = rs.counters[0]
    assert not rs._thread.is_alive()  # type: ignore[union-attr]
    with socket.socket() as probe:  # the listener is closed
        assert probe.connect_ex(rs.addresses["tcp"]) != 0
    # reading stopped at once: about the queue and what the delivery took meanwhile, not all that was sent
    assert counters.accepted < total // 2
    assert counters.spooled > 0  # the stop's 0.2 s could not store it all
    assert counters.dropped == 0
    assert counters.stored + counters.spooled == counters.accepted == counters.received
    assert store.count(Query()) == counters.stored
    assert _replayed(tmp_path, store) == counters.accepted  # each once: event ids are unique


def test_stop_under_udp_waits_for_delivery_before_the_store_closes(receivers: Start, store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    handoff = Handoff(max_messages=BACKLOG)
    rs = receivers({"name": "udp", "transport": "udp", "listen": "127.0.0.1:0", "parser": "linux.auth"},
                   handoff=handoff)
    udp_send(rs.addresses["udp"], *(LINE % (n % 60, n, n) for n in range(BACKLOG)))
    rs.stop(timeout=0.2)
    assert not rs._thread.is_alive()  # type: ignore[union-attr]
    counters = rs.counters[0]
    assert counters.accepted > 0 and counters.dropped == 0
    assert counters.stored + counters.spooled == counters.accepted
    assert _replayed(tmp_path, store) == counters.accepted
