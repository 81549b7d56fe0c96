"""Third review of issue 16, finding 12: the per-host cap was keyed by the host as written, so
2130706433, 0x7f000001 and 127.1 (inet_aton spellings of 127.0.0.1) each had a cap of their own.
It is now keyed by the resolved address. The listener counts the most connections it held at once
(a count, not a time)."""

from __future__ import annotations

import socket
import threading
import time

from govsoc.crypto_eval.probes.runner import Target, run_probes
from tests.servers.listener import listening

SPELLINGS = ("127.0.0.1", "2130706433", "0x7f000001", "127.1", "127.0.1")


def test_the_per_host_cap_holds_across_spellings_of_one_address() -> None:
    lock = threading.Lock()
    state = {"open": 0, "peak": 0}

    def hold(conn: socket.socket) -> None:
        with lock:
            state["open"] += 1
            state["peak"] = max(state["peak"], state["open"])
        try:
            time.sleep(0.3)  # keeps the connection open so that concurrent probes overlap
        finally:
            # counted out before the prompt goes: the probe that reads it may end, and the next
            # one connect and be counted, before this thread runs again (a peak of 3 was seen
            # under load, the cap holding: the CI-equivalent of 2026-12-06)
            with lock:
                state["open"] -= 1
        conn.sendall(b"\xff\xfd\x18Password: ")

    with listening(hold) as port:
        targets = [Target(host=h, port=port, protocol="telnet", server_name=f"v{n}.test")
                   for h in SPELLINGS for n in range(2)]
        reports = run_probes(targets, question_timeout=2.0, per_host=2)
    assert all(r.cleartext is not None and r.cleartext.service == "telnet" for r in reports)
    assert state["peak"] <= 2
