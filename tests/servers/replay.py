"""A server that answers every connection with the same recorded bytes, whatever it is asked: a
real server's flight with one field broken (issue 16 review: a certificate of X.509 version 7
aborted whole 密评 runs). Not part of the product."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager

from govsoc.crypto_eval.probes.tls import server_flight_done
from tests.servers.listener import listening


def record_flight(port: int, hello: bytes) -> bytes:
    """The first flight a loopback server sends back to ``hello``."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
        conn.sendall(hello)
        data = b""
        while not server_flight_done(data):
            chunk = conn.recv(65536)
            if not chunk:
                break
            data += chunk
    return data


@contextmanager
def replaying(answer: bytes) -> Iterator[int]:
    """Serve ``answer`` after the first bytes of every connection; yields the port."""

    def serve_one(conn: socket.socket) -> None:
        conn.settimeout(5)
        if conn.recv(5):
            conn.sendall(answer)
            conn.settimeout(1)
            conn.recv(1)

    with listening(serve_one) as port:
        yield port
