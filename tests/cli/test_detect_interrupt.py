"""Ctrl-C stops `govsoc detect` on SQLite (R12d N3): a real process, a real SIGINT.

A KeyboardInterrupt raised inside one of the store's SQL functions (where a scan spends its
time) was swallowed by sqlite3 as "user-defined function raised exception"; the combined scan
then counted as failed and each rule was run again alone, so the pass ran to its end and the
command said it succeeded (exit 0)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from govsoc.core.event import Event, make_id
from govsoc.store.sqlite import SqliteStore

T0 = datetime(2026, 5, 1, tzinfo=UTC)
EVENTS = 120_000
RULES = 150


def rule(n: int) -> str:
    return (f"title: scan {n}\nid: 00000000-0000-4000-8000-{n:012d}\nlogsource: {{product: linux, service: sshd}}\n"
            f"level: low\ndetection: {{s: {{message|contains: 'tok{n} '}}, condition: s}}\n")


def fill(path: Path) -> None:
    with SqliteStore(path) as store:
        store.write(Event(id=make_id("int", n), timestamp=T0 + timedelta(milliseconds=n), dataset="linux.auth",
                          fields={"event.module": "linux", "process.name": "sshd",
                                  "message": f"Failed password for user{n % 400:03d} port {n} tok{n % 997} "})
                    for n in range(EVENTS))


def fresh_store(filled: Path, home: Path) -> None:
    """The events of ``filled`` in the home's store, no alert yet: a copy of the closed file (the
    second fill took as long as the first, most of it waiting on the disk)."""
    for suffix in ("", "-wal", "-shm"):
        (home / f"events.db{suffix}").unlink(missing_ok=True)
        if Path(f"{filled}{suffix}").exists():
            shutil.copyfile(f"{filled}{suffix}", home / f"events.db{suffix}")


def test_ctrl_c_stops_a_detection_pass_on_sqlite(tmp_path: Path, home: Path) -> None:
    filled = tmp_path / "filled.db"
    fill(filled)
    home.mkdir(parents=True, exist_ok=True)
    fresh_store(filled, home)
    (tmp_path / "scan.yml").write_text("---\n".join(rule(n) for n in range(RULES)), encoding="utf-8")
    began = time.monotonic()
    # the whole pass, uninterrupted (start-up included): Ctrl-C must take a fraction of it
    command = [sys.executable, "-c", "import sys; from govsoc.cli import main; sys.exit(main())",
               "detect", "--no-builtin", str(tmp_path / "scan.yml")]
    whole = subprocess.run(command, env={**os.environ, "GOVSOC_HOME": str(home)}, capture_output=True, text=True,
                           timeout=600)
    assert whole.returncode == 0, whole.stderr
    took = time.monotonic() - began
    fresh_store(filled, home)  # the same events again, no alert yet
    process = subprocess.Popen(command, env={**os.environ, "GOVSOC_HOME": str(home)}, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    time.sleep(took / 2)  # well inside the pass (its start-up included)
    sent = time.monotonic()
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=600)
    stopped = time.monotonic() - sent
    assert process.returncode == 130, (out, err)
    assert "interrupted" in err and "rules run" not in out
    print(f"whole pass {took:.1f} s; stopped {stopped:.2f} s after SIGINT")
    assert stopped < took / 4, (stopped, took)
