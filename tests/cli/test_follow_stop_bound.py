"""`govsoc ingest --follow` stops in bounded time (issue 11, R11z-1): a stop signal ends the read
at the end of the batch under way (at most 20,000 events: stored, checkpointed), not at the end of
the whole poll, and ends a wait for room in the spool at once, the batch waiting left after the
checkpoint. What the checkpoint says is what the store holds; the next run stores the rest, each
line once. Real processes on a temporary GOVSOC_HOME; the store SQLite, or, to be down, an
Elasticsearch URL nothing listens on (refused at once).

Before (F11g, e460e88) the stop was looked at between polls only: a poll lasts as long as the
file's unread part (R11z f1: a 1,000,000-line first read still running 178 s after SIGTERM), or
for ever while it waits for spool room with the store down; systemd kills after 90 s."""

from __future__ import annotations

import importlib.util
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from tests.cli.test_follow_stop import GOVSOC, Log, _checkpointed, _env, _follow, _registered, _stored
from tests.conftest import need

#: Ten batches (IngestOptions.batch_size 20,000): a poll of it outlasts the stop by far.
BIG = 200_000
#: How long a follower may take to end after the signal: generous for a loaded machine; a stop
#: costs at most the batches under way (some 4 s here), a poll to the end or a wait many times that.
BOUND = 30.0


def _stopped(follower: subprocess.Popen[bytes], sig: signal.Signals) -> tuple[int | None, float]:
    """Send ``sig``; the exit code and the seconds it took, None when it outlasted BOUND (killed)."""
    follower.send_signal(sig)
    begun = time.monotonic()
    try:
        return follower.wait(timeout=BOUND), time.monotonic() - begun
    except subprocess.TimeoutExpired:
        follower.kill()
        follower.wait()
        return None, time.monotonic() - begun


def _closed_port() -> int:
    """A local port nothing listens on (bound, then let go)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def _rest(home: Path, log: Log) -> None:
    """A one-shot run on the same data folder (SQLite) stores what the stopped follower left."""
    done = subprocess.run([GOVSOC, "ingest", str(log.path)], env=_env(home), capture_output=True, text=True,
                          timeout=900)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("sig", [
    signal.SIGTERM,  # systemctl stop / restart: a hang past TimeoutStopSec ends in SIGKILL
    signal.SIGHUP,   # a closed session
])
def test_a_stop_during_a_big_first_read_ends_at_the_batch_under_way(tmp_path: Path, sig: signal.Signals) -> None:
    home, log = tmp_path / "home", Log(tmp_path / "app.log")
    log.write(BIG)
    follower = _follow(tmp_path, home, tmp_path / "follower.out")
    _registered(home, set())  # it begins to read: ten batches ahead of it
    rc, took = _stopped(follower, sig)
    out = (tmp_path / "follower.out").read_text()
    assert (rc, took < BOUND) == (0, True), f"rc {rc} after {took:.1f} s\n{out}"
    assert "accepted" in out.splitlines()[-1], out  # the closing line: it ended the orderly way
    stored = _stored(home)
    assert stored == _checkpointed(home), out  # nothing read past what is stored, nothing stored past it
    assert stored <= BIG // 2, out  # it stopped at a batch, not at the end of the poll (was: all 200,000)
    _rest(home, log)
    assert _stored(home) == log.written  # the rest, once


def test_a_stop_while_waiting_for_room_in_the_spool_ends_the_wait(tmp_path: Path) -> None:
    need(importlib.util.find_spec("elasticsearch") is not None, "the es extra is not installed (pip install .[es])")
    home, log = tmp_path / "home", Log(tmp_path / "app.log")
    log.write(60_000)  # more than the spool's 1 MiB holds
    config = tmp_path / "down.yaml"
    config.write_text(f"data_dir: {home}\nstore:\n  backend: elasticsearch\n  elasticsearch:\n"
                      f"    url: http://127.0.0.1:{_closed_port()}\n    index_prefix: govsoc-test-down\n"
                      f"collectors:\n  spool_max_bytes: {1 << 20}\n", encoding="utf-8")
    with (tmp_path / "follower.out").open("wb") as said:
        follower = subprocess.Popen([GOVSOC, "--config", str(config), "ingest", "--follow", "--interval", "0.2",
                                     str(log.path)], env=_env(home), stdout=said, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while "spool full" not in (tmp_path / "follower.out").read_text() and time.monotonic() < deadline:
        time.sleep(0.05)
    out = (tmp_path / "follower.out").read_text()
    assert "spool full" in out, out
    rc, took = _stopped(follower, signal.SIGTERM)
    out = (tmp_path / "follower.out").read_text()
    assert (rc, took < BOUND) == (0, True), f"rc {rc} after {took:.1f} s (was: waiting for ever)\n{out}"
    assert "still spooled" in out.splitlines()[-1], out
    assert _checkpointed(home) == 0  # the batch that waited was not acknowledged: read again
    _rest(home, log)  # the store answers (here SQLite): the spool drained, the file read from its checkpoint
    assert _stored(home) == log.written  # nothing lost, what was spooled and read again stored once


def test_followers_stopped_at_once_again_and_again_make_progress(tmp_path: Path) -> None:
    # a service restarted over and over while it reads a backlog (R11w-5: restart_loop.py, main
    # 60,100 of 170,400 after 8 stops, no progress after the 3rd): each follower is stopped as soon
    # as it begins to read, yet each stores at least a batch and the next goes on from there
    home, log = tmp_path / "home", Log(tmp_path / "app.log")
    log.write(240_000)  # twelve batches: three stops take at most two or three each
    after_each: list[int] = []
    for _ in range(3):
        follower = _follow(tmp_path, home, tmp_path / "follower.out")
        _registered_progress(home, after_each[-1] if after_each else 0)
        rc, took = _stopped(follower, signal.SIGTERM)
        out = (tmp_path / "follower.out").read_text()
        assert (rc, took < BOUND) == (0, True), f"rc {rc} after {took:.1f} s\n{out}"
        after_each.append(_stored(home))
        assert after_each[-1] == _checkpointed(home), out
    assert after_each == sorted(set(after_each)), after_each  # each stop kept what it read, each run read more
    assert after_each[-1] < log.written, after_each  # stopped each time before the end of its poll
    _rest(home, log)
    assert _stored(home) == log.written


def _registered_progress(home: Path, before: int, timeout: float = 90.0) -> None:
    """Wait until the follower's checkpoints passed ``before`` lines (its first batch is stored)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (home / "state" / "sources").is_dir():
            try:
                if _checkpointed(home) > before:
                    return
            except (OSError, ValueError):  # a checkpoint being replaced
                pass
        time.sleep(0.02)
    raise AssertionError(f"the follower stored nothing past {before} lines")
