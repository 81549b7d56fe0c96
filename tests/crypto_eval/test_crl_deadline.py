"""A distribution point that trickles its status line and headers (review R16, HIGH 1): the whole
download, headers included, ends at the fetch deadline, and the process exits although such a
server never stops sending (no fetch thread is joined at interpreter exit). Real http servers on
loopback."""

from __future__ import annotations

import socket
import subprocess
import sys
import textwrap
import time

from govsoc.crypto_eval.crl_fetch import CrlFetcher
from tests.servers.listener import listening


def _header_trickle(conn: socket.socket) -> None:
    """The status line, then one header byte every 0.2 s for 30 s (each read gets a byte in time)."""
    conn.settimeout(5)
    conn.recv(4096)
    conn.sendall(b"HTTP/1.1 200 OK\r\n")
    for _ in range(150):
        conn.sendall(b"X")
        time.sleep(0.2)


def test_trickled_headers_end_at_the_fetch_deadline() -> None:
    with listening(_header_trickle) as port:
        url = f"http://127.0.0.1:{port}/int.crl"
        fetcher = CrlFetcher(timeout=1.0, deadline=1.5)
        started = time.monotonic()
        assert fetcher.wait([url], time.monotonic() + 10) == []
        elapsed = time.monotonic() - started
    assert elapsed < 4.0, elapsed
    assert fetcher.get(url) == (None, "CRL未在限定时间内传完")


def test_a_fetch_still_running_does_not_hold_interpreter_exit() -> None:
    # the caller's budget ends (0.5 s) while the download may go on for 60 s: the process exits at once
    with listening(_header_trickle) as port:
        program = textwrap.dedent(f"""
            import time
            from govsoc.crypto_eval.crl_fetch import CrlFetcher
            fetcher = CrlFetcher(timeout=5.0, deadline=60.0)
            print(fetcher.wait(["http://127.0.0.1:{port}/int.crl"], time.monotonic() + 0.5))
        """)
        started = time.monotonic()
        done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=30)
        elapsed = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"['http://127.0.0.1:{port}/int.crl']"
    assert elapsed < 10.0, elapsed


def test_a_fetch_running_at_the_budget_end_is_cancelled_then() -> None:
    # review R16 LOW: a download still running when the endpoint's budget ends went on to its own
    # deadline (up to ~13 s an endpoint); now its socket is shut at the budget, which the server sees
    closed_after: list[float] = []

    def trickle_until_closed(conn: socket.socket) -> None:
        conn.settimeout(5)
        conn.recv(4096)
        try:
            conn.sendall(b"HTTP/1.1 200 OK\r\n")
            for _ in range(100):
                conn.sendall(b"X")
                time.sleep(0.1)
        except OSError:  # the client shut the connection down
            closed_after.append(time.monotonic())

    with listening(trickle_until_closed) as port:
        url = f"http://127.0.0.1:{port}/int.crl"
        fetcher = CrlFetcher(timeout=5.0, deadline=20.0)
        budget_end = time.monotonic() + 1.0
        assert fetcher.wait([url], budget_end) == [url]
        deadline = time.monotonic() + 5
        while not closed_after and time.monotonic() < deadline:
            time.sleep(0.05)
        while url not in fetcher.cache and time.monotonic() < deadline:
            time.sleep(0.05)
    assert closed_after and closed_after[0] - budget_end < 1.0, closed_after
    assert fetcher.get(url) == (None, "端点的吊销检查时间预算耗尽，下载已取消")
