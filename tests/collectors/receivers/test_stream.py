"""Syslog over TCP (RFC 6587) and TLS (RFC 5425) on loopback: both framings per connection,
hostile input (5 MB frames, bad counts, binary, half-open connections), TLS with and without
client certificates, back-pressure, and a load where TCP loses nothing."""

from __future__ import annotations

import os
import socket
import ssl
import threading
import time

import pytest

from govsoc.core.errors import StoreError
from govsoc.core.event import Event
from govsoc.core.sink import WriteReceipt
from govsoc.store.base import Query

from .conftest import Pki, Start, client_context, settle, stored, wait_while_growing

LINE = b"<38>Nov 30 10:00:%02d web01 sshd[%d]: Failed password for root from 192.0.2.10 port %d ssh2"


def octets(message: bytes) -> bytes:
    return b"%d %s" % (len(message), message)


def tcp(address: tuple[str, int], payload: bytes) -> None:
    with socket.create_connection(address) as sock:
        sock.sendall(payload)


def finish(raw: socket.socket) -> None:
    """Close as a well-behaved sender does: FIN, then wait for the receiver to close (a TLS 1.3
    client closing with the server's session tickets unread sends a reset, and the receiving
    kernel then discards what it had not handed over yet)."""
    raw.shutdown(socket.SHUT_WR)
    raw.settimeout(10)
    try:
        while raw.recv(65536):
            pass
    except OSError:
        pass


def test_both_framings_found_per_connection(receivers: Start, store) -> None:  # type: ignore[no-untyped-def]
    rs = receivers({"name": "tcp", "transport": "tcp", "listen": "127.0.0.1:0"})
    multi = b"<13>Nov 30 10:00:00 app java[1]: Exception\n\tat a.b(C.java:1)"
    tcp(rs.addresses["tcp"], octets(LINE % (1, 1, 1)) + octets(multi))  # octet counting (rsyslog, syslog-ng)
    tcp(rs.addresses["tcp"], LINE % (2, 2, 2) + b"\n" + LINE % (3, 3, 3) + b"\r\n")  # newline (logger --tcp)
    settle(rs)
    rs.stop()
    originals = sorted(e.get("event.original") for e in stored(store))
    assert originals == sorted([(LINE % (1, 1, 1)).decode(), multi.decode(), (LINE % (2, 2, 2)).decode(),
                                (LINE % (3, 3, 3)).decode()])
    assert rs.counters[0].connections == 2 and rs.counters[0].framing_errors == 0


def test_hostile_streams(receivers: Start, store) -> None:  # type: ignore[no-untyped-def]
    rs = receivers({"name": "tcp", "transport": "tcp", "listen": "127.0.0.1:0", "max_message_bytes": 65536})
    address = rs.addresses["tcp"]
    big = b"<13>Nov 30 10:00:00 h p: " + b"B" * 5_000_000
    tcp(address, octets(big) + octets(LINE % (4, 4, 4)))  # a 5 MB counted frame, then a good one
    tcp(address, big + b"\n" + LINE % (5, 5, 5) + b"\n")  # a 5 MB line, then a good one
    tcp(address, octets(LINE % (6, 6, 6)) + b"12x <13>junk" + octets(LINE % (7, 7, 7)))  # a bad count
    tcp(address, os.urandom(3000) + b"\n" + LINE % (8, 8, 8) + b"\n")  # binary, newline framed
    settle(rs)
    rs.stop()
    events = stored(store)
    originals = {e.get("event.original") for e in events}
    for n in (4, 5, 6, 7, 8):
        assert (LINE % (n, n, n)).decode() in originals
    truncated = [e for e in events if "truncated" in (e.get("govsoc.flags") or [])]
    assert len(truncated) == 2 and all(len(e.get("event.original")) == 65536 for e in truncated)
    counters = rs.counters[0]
    assert counters.truncated == 2 and counters.framing_errors == 1
    assert counters.skipped_bytes >= 2 * (len(big) - 65536)


def test_half_open_connection_is_closed_and_its_partial_frame_kept(receivers: Start, store) -> None:  # type: ignore[no-untyped-def]
    rs = receivers({"name": "tcp", "transport": "tcp", "listen": "127.0.0.1:0", "idle_timeout": 0.5})
    sock = socket.create_connection(rs.addresses["tcp"])
    sock.sendall(octets(LINE % (9, 9, 9)) + b"500 <13>Nov 30 10:00:00 h p: cut here")  # then silence
    started = time.monotonic()
    sock.settimeout(5)
    assert sock.recv(10) == b""  # the receiver closed it
    assert time.monotonic() - started < 3
    sock.close()
    rs.stop()
    events = {e.get("event.original"): e for e in stored(store)}
    assert (LINE % (9, 9, 9)).decode() in events
    assert events["<13>Nov 30 10:00:00 h p: cut here"].get("govsoc.flags") == ["torn"]


def test_allow_list_and_connection_limit(receivers: Start, store) -> None:  # type: ignore[no-untyped-def]
    rs = receivers({"name": "tcp", "transport": "tcp", "listen": "127.0.0.1:0", "allow": ["127.0.0.1/32"],
                    "max_connections": 1})
    with socket.socket() as refused:  # from 127.0.0.2: outside the allow-list, reset at connect
        refused.bind(("127.0.0.2", 0))
        refused.connect(rs.addresses["tcp"])
        refused.settimeout(5)
        with pytest.raises((ConnectionResetError, BrokenPipeError)):
            for _ in range(3):  # the reset may reach this side after the first send
                refused.sendall(LINE % (1, 1, 1) + b"\n")
                assert refused.recv(10) == b""
    with socket.create_connection(rs.addresses["tcp"]) as first:
        first.sendall(LINE % (2, 2, 2) + b"\n")
        time.sleep(0.3)
        with socket.create_connection(rs.addresses["tcp"]) as second:  # over max_connections
            second.settimeout(5)
            try:
                assert second.recv(10) == b""
            except ConnectionResetError:
                pass
    rs.stop()
    assert [e.get("event.original") for e in stored(store)] == [(LINE % (2, 2, 2)).decode()]
    assert rs.counters[0].refused == {"sender_not_allowed": 1, "too_many_connections": 1}


def test_tls_octet_counting(receivers: Start, store, pki: Pki) -> None:  # type: ignore[no-untyped-def]
    rs = receivers({"name": "tls", "transport": "tls", "listen": "127.0.0.1:0",
                    "tls": {"cert": pki.server_cert, "key": pki.server_key}})
    gbk = "<190>Nov 30 10:00:00 fw01 sshd[1]: Failed password for 张三 from 192.0.2.7 port 1 ssh2".encode("gbk")
    with socket.create_connection(rs.addresses["tls"]) as raw, \
            client_context(pki).wrap_socket(raw, server_hostname="127.0.0.1", do_handshake_on_connect=False) as tls:
        tls.do_handshake()
        tls.sendall(octets(LINE % (1, 1, 1)) + octets(gbk))
        finish(tls)
    rs.stop()
    assert sorted(e.get("user.name") for e in stored(store)) == ["root", "张三"]
    assert rs.counters[0].connections == 1


def test_tls_client_certificates(receivers: Start, store, pki: Pki) -> None:  # type: ignore[no-untyped-def]
    rs = receivers({"name": "tls", "transport": "tls", "listen": "127.0.0.1:0",
                    "tls": {"cert": pki.server_cert, "key": pki.server_key, "client_ca": pki.ca}})
    address = rs.addresses["tls"]
    with socket.create_connection(address) as raw, \
            client_context(pki, with_cert=True).wrap_socket(raw, server_hostname="127.0.0.1",
                                                            do_handshake_on_connect=False) as tls:
        tls.do_handshake()
        tls.sendall(octets(LINE % (1, 1, 1)))
        finish(tls)
    with socket.create_connection(address) as raw:  # plain TCP sent to the TLS port
        raw.settimeout(5)
        raw.sendall(octets(LINE % (2, 2, 2)))
        try:
            raw.recv(100)  # the server answers with an alert, or closes
        except ConnectionResetError:
            pass
    with socket.create_connection(address) as raw:  # TLS without a client certificate
        raw.settimeout(5)
        with client_context(pki).wrap_socket(raw, server_hostname="127.0.0.1", do_handshake_on_connect=False) as tls:
            try:
                tls.do_handshake()
                tls.sendall(octets(LINE % (3, 3, 3)))
                assert tls.recv(10) == b""  # TLS 1.3: the refusal arrives after the client's handshake ends
            except (ssl.SSLError, ConnectionResetError, BrokenPipeError):
                pass
    time.sleep(0.3)
    rs.stop()
    assert [e.get("event.original") for e in stored(store)] == [(LINE % (1, 1, 1)).decode()]
    assert rs.counters[0].refused.get("tls_handshake") == 2


class Outage:
    """The real store behind a switch: while ``down`` it fails as an unreachable store does."""

    def __init__(self, store) -> None:  # type: ignore[no-untyped-def]
        self.store, self.down = store, True
        #: Writes the store took: the pipeline found it back (its back-off, up to 30 s, run out).
        self.writes = 0

    def write(self, events: list[Event]) -> WriteReceipt:
        if self.down:
            raise StoreError("connection refused")
        receipt = self.store.write(events)
        self.writes += 1
        return receipt  # type: ignore[no-any-return]

    def delete(self, ids: object, *, replaced_by: object = None) -> int:
        return self.store.delete(ids)  # type: ignore[no-any-return]

    def refresh(self) -> None:
        if not self.down:
            self.store.refresh()


def test_store_down_goes_to_the_spool_and_back(receivers: Start, store) -> None:  # type: ignore[no-untyped-def]
    sink = Outage(store)
    rs = receivers({"name": "tcp", "transport": "tcp", "listen": "127.0.0.1:0"}, sink=sink)
    tcp(rs.addresses["tcp"], b"".join(LINE % (n % 60, n, n) + b"\n" for n in range(500)))
    deadline = time.monotonic() + 10
    while rs.counters[0].spooled < 500 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert rs.counters[0].spooled == 500 and store.count(Query()) == 0
    sink.down = False
    deadline = time.monotonic() + 10
    while store.count(Query()) < 500 and time.monotonic() < deadline:
        time.sleep(0.1)
    rs.stop()
    assert store.count(Query()) == 500
    assert rs.pipeline.spool.is_empty()


def test_tcp_under_load_loses_nothing(receivers: Start, store) -> None:  # type: ignore[no-untyped-def]
    """100,000 messages (GOVSOC_RECEIVER_LOAD=200000 for the issue's size; about 25 s on two
    idle cores) over 4 connections at full speed, two octet-counted and two newline-framed,
    through a small hand-off queue so that back-pressure (connections paused and resumed) is
    part of the run: stored = sent."""
    from govsoc.collectors.receivers import Handoff

    total, connections = int(os.environ.get("GOVSOC_RECEIVER_LOAD", "100000")), 4
    handoff = Handoff(max_messages=5000)
    rs = receivers({"name": "tcp", "transport": "tcp", "listen": "127.0.0.1:0", "parser": "linux.auth"},
                   handoff=handoff)
    each = total // connections

    def send(c: int) -> None:
        framed = c % 2 == 0
        chunk = []
        with socket.create_connection(rs.addresses["tcp"]) as sock:
            for n in range(each):
                line = LINE % (n % 60, c, n)
                chunk.append(octets(line) if framed else line + b"\n")
                if len(chunk) == 1000:
                    sock.sendall(b"".join(chunk))
                    chunk = []
            sock.sendall(b"".join(chunk))

    threads = [threading.Thread(target=send, args=(c,)) for c in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wait_while_growing(lambda: rs.counters[0].stored, each * connections)
    rs.stop(timeout=120)
    counters = rs.counters[0]
    assert handoff.pauses > 0  # the senders were faster than the store: back-pressure was part of the run
    assert counters.received == counters.accepted == counters.stored == each * connections
    assert store.count(Query()) == each * connections


def test_shutdown_with_the_store_down_and_the_spool_full_is_quick_and_counted(receivers: Start, store,  # type: ignore[no-untyped-def]
                                                                              tmp_path) -> None:
    """TCP senders are held back while nothing can take their messages; SIGTERM still ends the
    receivers within seconds, and what could go nowhere is counted as dropped, not lost silently."""
    from govsoc.collectors import Pipeline
    from govsoc.collectors.receivers import ReceiverSet
    from govsoc.core.config import ReceiverSettings

    sink = Outage(store)
    pipeline = Pipeline(sink, data_dir=tmp_path / "small", spool_max_bytes=20_000, retry_seconds=0.2)
    rs = ReceiverSet([ReceiverSettings(name="tcp", transport="tcp", listen="127.0.0.1:0")], pipeline,
                     data_dir=tmp_path / "small")
    rs.start()
    tcp(rs.addresses["tcp"], b"".join(LINE % (n % 60, n, n) + b"\n" for n in range(2000)))
    time.sleep(1.0)
    started = time.monotonic()
    rs.stop()
    assert time.monotonic() - started < 10
    counters = rs.counters[0]
    assert counters.received == counters.accepted == 2000
    assert counters.dropped > 0  # a batch goes into the spool whole or not at all
    assert counters.spooled + counters.dropped == 2000
    assert store.count(Query()) == 0
