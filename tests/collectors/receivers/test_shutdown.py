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
from govsoc.collectors.receivers import Handoff, ReceiverSet
from govsoc.core.config import ReceiverSettings
from govsoc.store.base import Query
from govsoc.store.sqlite import SqliteStore

from .conftest import Start, udp_send

LINE = b"<38>Nov 30 10:00:%02d web01 sshd[%d]: Failed password for root from 192.0.2.10 port %d ssh2\n"
BACKLOG = 5_000


def _replayed(tmp_path: Path, store: SqliteStore, *settings: ReceiverSettings) -> int:
    """What the store holds after the next start of ``settings`` parsed the shutdown spool and
    drained the event spool."""
    again = ReceiverSet(list(settings), Pipeline(store, data_dir=tmp_path, retry_seconds=0.2), data_dir=tmp_path)
    again.start()
    deadline = time.monotonic() + 120
    while not again.backlog.is_empty() and time.monotonic() < deadline:
        time.sleep(0.05)
    again.stop()
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
    assert _replayed(tmp_path, store, ReceiverSettings(name="tcp", transport="tcp", listen="127.0.0.1:0",
                                                       parser="linux.auth")) == counters.accepted  # each once


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
    assert _replayed(tmp_path, store, ReceiverSettings(name="udp", transport="udp", listen="127.0.0.1:0",
                                                       parser="linux.auth")) == counters.accepted


def test_a_stop_with_a_backlog_parses_at_most_a_batch_and_the_restart_stores_each_message_once(  # type: ignore[no-untyped-def]
        store, tmp_path) -> None:
    """Issue 13: a daemon's stop with 200,000 queued messages took 73 s, parsing each into the
    event spool. Now the backlog goes to the shutdown spool unparsed: the stop parses at most
    the batch in hand and one more, whatever the backlog, and the next start stores every
    message once, with the ids it would have had (a replay run twice adds nothing)."""
    import shutil

    total, batch = 20_000, 25
    settings = [ReceiverSettings(name="tcp", transport="tcp", listen="127.0.0.1:0", parser="linux.auth")]

    def start(batch_size: int) -> ReceiverSet:
        made = ReceiverSet(settings, Pipeline(store, data_dir=tmp_path, retry_seconds=0.2), data_dir=tmp_path,
                           batch_size=batch_size)
        made.start()
        return made

    first = start(batch)
    with socket.create_connection(first.addresses["tcp"]) as sock:
        for begin in range(0, total, 1000):
            sock.sendall(b"".join(LINE % (n % 60, n, n) for n in range(begin, begin + 1000)))
    deadline = time.monotonic() + 60
    while first.counters[0].received < total and time.monotonic() < deadline:
        time.sleep(0.01)
    counters = first.counters[0]
    assert counters.received == total
    assert len(first.handoff) > 20 * batch  # a backlog: the delivery parses far slower than TCP reads
    first.stop()
    assert first.worker.parsed_at_stop <= 2 * batch  # the work of the stop does not grow with the backlog
    assert counters.spooled_unparsed >= total - counters.records > 0
    assert counters.dropped == 0
    assert counters.stored + counters.spooled == counters.accepted == total
    assert store.count(Query()) == counters.events_stored
    kept = tmp_path / "kept"
    shutil.copytree(first.backlog.folder, kept)

    again = ReceiverSettings(name="tcp", transport="tcp", listen="127.0.0.1:0", parser="linux.auth")
    assert _replayed(tmp_path, store, again) == total
    assert len({event.id for event in store.search(Query())}) == total
    folder = first.backlog.folder
    assert first.backlog.is_empty()
    shutil.rmtree(folder)  # the same backlog replayed again (a start killed in the middle of its replay)
    shutil.copytree(kept, folder)
    assert _replayed(tmp_path, store, again) == total
