"""One loopback accept loop for the test servers written in Python (TLS, TLCP, telnet, silent)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def listening(handle: Callable[[socket.socket], None], *, thread_per_connection: bool = True) -> Iterator[int]:
    """Accept on a free 127.0.0.1 port and give each connection to ``handle`` (which may raise
    OSError); yields the port, stops accepting when the block ends."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    stop = threading.Event()

    def one(conn: socket.socket) -> None:
        with conn:
            try:
                handle(conn)
            except OSError:
                pass

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            if thread_per_connection:
                threading.Thread(target=one, args=(conn,), daemon=True).start()
            else:
                one(conn)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield int(listener.getsockname()[1])
    finally:
        stop.set()
        thread.join(5)
        listener.close()
