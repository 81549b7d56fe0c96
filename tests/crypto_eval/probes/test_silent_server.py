"""A server that accepts and then says nothing is asked once per kind of question it could
answer (a ClientHello, an HTTP request), not once per TLS version, TLCP and RFC 8998 hello: ~9
time-outs per endpoint before (issue 16 review 10). Counted in connections, not seconds."""

from __future__ import annotations

import socket
import threading

import pytest

from govsoc.crypto_eval.checks.channel_view import view_of
from govsoc.crypto_eval.probes.runner import Target, run_probes
from tests.servers.listener import listening


@pytest.mark.parametrize("protocol,expected", [
    ("https", 2),  # one ClientHello, one HTTP GET
    ("tcp", 3),    # plus the sniffing wait for a greeting
])
def test_a_silent_server_is_asked_once(protocol: str, expected: int) -> None:
    connections: list[bytes] = []
    lock = threading.Lock()

    def silent(conn: socket.socket) -> None:
        with lock:  # counted on accept: the probe waits its time-out before it goes on
            connections.append(b"")
        conn.settimeout(5)
        try:
            while conn.recv(4096):
                pass
        except TimeoutError:
            pass

    with listening(silent) as port:
        (report,) = run_probes([Target(host="127.0.0.1", port=port, protocol=protocol)], question_timeout=0.3,
                               endpoint_timeout=30)
    assert not report.timed_out and report.error is None and report.tls is not None and report.tls.silent
    assert len(connections) == expected, connections
    assert view_of(report).protocol == "unknown"
