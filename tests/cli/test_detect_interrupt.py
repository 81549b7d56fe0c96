"""Ctrl-C stops `govsoc detect` on SQLite (R12d N3): a real process, a real SIGINT.

A KeyboardInterrupt raised inside one of the store's SQL functions (where a scan spends its
time) was swallowed by sqlite3 as "user-defined function raised exception"; the combined scan
then counted as failed and each rule was run again alone, so the pass ran to its end and the
command said it succeeded (exit 0)."""

from __future__ import annotations

import os
import resource
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
    # The whole pass, uninterrupted (start-up included), measured in CPU seconds of the child:
    # Ctrl-C is sent when the interrupted run has used half of them and must stop it well before
    # the other half. Wall time was the measure first, and a pass timed at one load and
    # interrupted at another failed under CI's load (stop 30): CPU seconds do not move with it.
    command = [sys.executable, "-c", "import sys; from govsoc.cli import main; sys.exit(main())",
               "detect", "--no-builtin", str(tmp_path / "scan.yml")]
    before = children_cpu()
    whole = subprocess.run(command, env={**os.environ, "GOVSOC_HOME": str(home)}, capture_output=True, text=True,
                           timeout=600)
    assert whole.returncode == 0, whole.stderr
    took = children_cpu() - before
    fresh_store(filled, home)  # the same events again, no alert yet
    before = children_cpu()
    # SIGINT as a terminal gives it: a suite started in the background of a non-interactive shell
    # (`cmd &`) runs with SIGINT ignored, which its children inherit, and Python then installs no
    # KeyboardInterrupt handler (the CI-equivalent runs of stop 30 failed so: the pass ran on)
    process = subprocess.Popen(command, env={**os.environ, "GOVSOC_HOME": str(home)}, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))  # noqa: PLW1509
    deadline = time.monotonic() + 600
    while process_cpu(process.pid) < took / 2:  # well inside the pass (its start-up included)
        assert process.poll() is None and time.monotonic() < deadline, "the pass ended before half its CPU"
        time.sleep(0.02)
    at = process_cpu(process.pid)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=600)
    used = children_cpu() - before
    assert process.returncode == 130, (out, err)
    assert "interrupted" in err and "rules run" not in out
    print(f"whole pass {took:.1f} s of CPU; SIGINT at {at:.1f} s, stopped at {used:.1f} s")
    # stopped within a quarter of the whole pass's CPU after the signal: the pass did not run on
    assert used - at < took / 4, (at, used, took)


def children_cpu() -> float:
    """CPU seconds of every child this process has waited for."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def process_cpu(pid: int) -> float:
    """CPU seconds a running process (all its threads) has used so far (proc(5): utime, stime)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
