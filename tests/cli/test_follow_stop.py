"""`govsoc ingest --follow` stopped by a signal (issue 11, R11w-5): a follower is stopped by
systemd, `kill` or a closed terminal (SIGTERM, SIGHUP) as often as by Ctrl-C. What it read is
stored and its checkpoint saved before it ends, exit 0; the next run stores the rest, each line
once. Real processes on a temporary GOVSOC_HOME with the SQLite store.

Before F11g only SIGINT was handled: SIGTERM and SIGHUP killed the follower in the middle of its
poll (rc -15 / -1), the batch under way unstored; a follower restarted that way before each poll
ended never stored anything (R11w: `shift_follow.py --restart` 0 of 210 under load)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

GOVSOC = str(Path(sys.executable).with_name("govsoc"))
#: More than two batches (IngestOptions.batch_size 20,000): a poll of it takes seconds, so a
#: signal sent once the follower has registered the file lands in the middle of that poll.
LINES = 45_000


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVSOC_ES")}
    return {**env, "GOVSOC_HOME": str(home), "GOVSOC_CONFIG": "", "PYTHONUNBUFFERED": "1"}


class Log:
    """A log whose lines are all different (request N), counted as written."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.written = 0

    def write(self, n: int) -> None:
        with self.path.open("a") as out:
            out.writelines(f"Dec  4 10:00:00 host app[42]: request {self.written + i} handled\n" for i in range(n))
        self.written += n


def _stored(home: Path) -> int:
    done = subprocess.run([GOVSOC, "events", "--count"], env=_env(home), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return int(done.stdout.split()[0])


def _checkpointed(home: Path) -> int:
    """The lines the checkpoints say were read and stored (a line makes one event here)."""
    return sum(json.loads(p.read_text())["line"] for p in (home / "state" / "sources").glob("*.json"))


def _registered(home: Path, before: set[str], timeout: float = 90.0) -> None:
    """Wait until the follower registered a new source (it does so as it begins to read it)."""
    deadline = time.monotonic() + timeout
    sources = home / "state" / "sources"
    while time.monotonic() < deadline:
        if sources.is_dir() and {p.name for p in sources.glob("*.json")} - before:
            return
        time.sleep(0.02)
    raise AssertionError("the follower registered no source")


def _sources(home: Path) -> set[str]:
    return {p.name for p in (home / "state" / "sources").glob("*.json")}


def _follow(folder: Path, home: Path, out: Path) -> subprocess.Popen[bytes]:
    with out.open("ab") as said:  # the child keeps its own copy of the descriptor
        return subprocess.Popen([GOVSOC, "ingest", "--follow", "--interval", "0.2", str(folder / "app.log*")],
                                env=_env(home), stdout=said, stderr=subprocess.STDOUT)


def _stop(follower: subprocess.Popen[bytes], sig: signal.Signals) -> int:
    follower.send_signal(sig)
    try:
        return follower.wait(timeout=120)
    finally:
        if follower.poll() is None:
            follower.kill()
            follower.wait()


@pytest.mark.parametrize("sig", [
    signal.SIGTERM,  # systemd's stop, `kill`, a harness: was the default action, rc -15, the poll's batch lost
    signal.SIGHUP,   # a closed terminal or ssh session: was the default action, rc -1
    signal.SIGINT,   # Ctrl-C: handled before too; the same contract
])
def test_a_signal_during_a_poll_stores_what_it_read_and_exits_0(tmp_path: Path, sig: signal.Signals) -> None:
    home, log = tmp_path / "home", Log(tmp_path / "app.log")
    log.write(LINES)
    follower = _follow(tmp_path, home, tmp_path / "follower.out")
    _registered(home, set())
    rc = _stop(follower, sig)
    out = (tmp_path / "follower.out").read_text()
    assert rc == 0, out
    assert "accepted" in out.splitlines()[-1], out  # the closing line: it ended the orderly way
    # the read ended at a batch's end (F11m, R11z-1: not at the poll's): what the checkpoint says is stored
    assert _stored(home) == _checkpointed(home), out
    _follow_briefly(tmp_path, home)
    assert _stored(home) == log.written, out  # the next run stored the rest, once


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_followers_stopped_during_each_poll_and_restarted_store_each_line_once(tmp_path: Path,
                                                                               sig: signal.Signals) -> None:
    # a service restarted while it reads (R11w shift_follow --restart): each follower stopped as it
    # begins to read what was written since the last one: the rest of the log read before, rotated
    # by rename since (nothing deleted), and the new file at the log's name
    home, log = tmp_path / "home", Log(tmp_path / "app.log")
    after_each: list[tuple[int, int, int]] = []
    for run in range(4):
        log.write(LINES // 2)
        if run:
            os.rename(log.path, tmp_path / f"app.log.{run}")
            log.write(LINES // 2)
        before = _sources(home) if (home / "state" / "sources").is_dir() else set()
        follower = _follow(tmp_path, home, tmp_path / "follower.out")
        _registered(home, before)
        rc = _stop(follower, sig)
        after_each.append((rc, _stored(home), _checkpointed(home)))
    out = (tmp_path / "follower.out").read_text()
    # each stop ended a read at a batch's end (F11m: not at the poll's), what its checkpoints say stored
    assert after_each == [(0, stored, stored) for _, stored, _ in after_each], out
    _follow_briefly(tmp_path, home)
    assert _stored(home) == log.written, out  # what each stop left, in the log and its rotated files, once


def test_a_signal_during_start_up_loses_nothing(tmp_path: Path) -> None:
    # stopped before its first look (during its imports): nothing was read, so nothing may be lost;
    # the next follower reads the file from its start, not from its end
    home, log = tmp_path / "home", Log(tmp_path / "app.log")
    log.write(1000)
    for delay in (0.0, 0.2, 0.5):
        follower = _follow(tmp_path, home, tmp_path / "early.out")
        time.sleep(delay)
        _stop(follower, signal.SIGTERM)
    log.write(10)
    _follow_briefly(tmp_path, home)
    assert _stored(home) == log.written


def _follow_briefly(folder: Path, home: Path) -> None:
    """A follower that ends by --stop-after (no signal), its first poll read to the end."""
    done = subprocess.run([GOVSOC, "ingest", "--follow", "--interval", "0.2", "--stop-after", "3",
                           str(folder / "app.log*")], env=_env(home), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
