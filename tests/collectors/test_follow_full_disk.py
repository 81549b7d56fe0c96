"""A full state disk does not end `govsoc ingest --follow` (R11i-4): with no room for a
checkpoint, the follower ended at once ("cannot save the checkpoint: No space left on device",
exit 1) and nothing said that it would not read on. It now says DISK FULL once, waits and tries
again, and reads on when there is room: every line stored once. A real 2 MiB tmpfs holds the
data folder; the SQLite store is elsewhere, so only checkpoints lack room."""

from __future__ import annotations

import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import pytest

from govsoc.store.base import Query
from govsoc.store.sqlite import SqliteStore
from tests.conftest import fill_disk, need

GOVSOC = str(Path(sys.executable).with_name("govsoc"))


def sshd(i: int) -> bytes:
    return (f"Dec 10 06:{i // 60 % 60:02d}:{i % 60:02d} LabSZ sshd[{i}]: Failed password for u{i} from 10.0.0.1 "
            f"port {i} ssh2\n").encode()


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[Path]:
    need(os.geteuid() == 0 and shutil.which("mount") is not None, "a tmpfs mount needs root and mount(8)")
    folder = tmp_path / "disk"
    folder.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(folder)], check=True)
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)


@contextmanager
def following(config: Path, env: dict[str, str], stop_after: int, log: Path) -> Iterator[subprocess.Popen[str]]:
    """`govsoc ingest --follow` of ``log`` (polling every 0.2 s), killed if the block leaves it running."""
    # --year: "Dec 10" is last year whatever the day (inferred, it turns to this year two days before)
    follower = subprocess.Popen([GOVSOC, "--config", str(config), "ingest", "--year", "2025", "--follow", "--interval",
                                 "0.2", "--stop-after", str(stop_after), str(log)], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env=env)
    try:
        yield follower
    finally:
        if follower.poll() is None:
            follower.kill()
            follower.wait()


def test_follow_waits_for_room_on_a_full_state_disk(tmp_path: Path, disk: Path) -> None:
    log, db = tmp_path / "auth.log", tmp_path / "events.db"
    config = tmp_path / "govsoc.yaml"
    config.write_text(f"data_dir: {disk / 'home'}\nstore:\n  backend: sqlite\n  sqlite:\n    path: {db}\n",
                      encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVSOC_")}
    log.write_bytes(b"".join(sshd(i) for i in range(100)))
    first = subprocess.run([GOVSOC, "--config", str(config), "ingest", str(log)], capture_output=True, text=True,
                           env=env, timeout=120)
    assert first.returncode == 0, first.stderr
    fill_disk(disk)
    with log.open("ab") as out:
        out.write(b"".join(sshd(i) for i in range(100, 150)))
    with following(config, env, 300, log) as follower:
        time.sleep(4)
        # before: ended within a second, exit 1, "cannot save the checkpoint: No space left on device"
        assert follower.poll() is None, follower.communicate()
        said: list[str] = []
        stderr = follower.stderr
        assert stderr is not None
        reader = threading.Thread(target=lambda: said.extend(iter(stderr.readline, "")), daemon=True)
        reader.start()
        (disk / "filler").unlink()  # room again
        deadline = time.monotonic() + 120
        while not any("room again for checkpoints" in line for line in said) and time.monotonic() < deadline:
            time.sleep(0.1)
        follower.send_signal(signal.SIGINT)  # stops between polls: the checkpoint of that poll saved
        out = follower.communicate(timeout=60)[0]
        reader.join(timeout=10)
        err = "".join(said)
    assert follower.returncode == 0, err
    assert err.count("DISK FULL") == 1, err  # said once, not at every try
    assert "room again for checkpoints" in err
    with SqliteStore(db) as store:
        originals = [str(e.get("event.original")) for e in store.search(Query())]
    assert len(originals) == len(set(originals)) == 150
    again = subprocess.run([GOVSOC, "--config", str(config), "ingest", str(log)], capture_output=True, text=True,
                           env=env, timeout=120)
    assert "unchanged since the last run" in again.stdout, again.stdout  # the checkpoint moved on


def test_a_store_on_the_full_disk_is_said_in_one_line_without_a_traceback(tmp_path: Path, disk: Path) -> None:
    """R11j-3: the default layout, the SQLite store in the data folder on the full disk. A write
    large enough for the store's writer process (2,500 events) printed that child's tracebacks
    (three, chained: sqlite3.OperationalError, StoreError) on the shared terminal, the parent
    said "the SQLite writer process ended (None): the other end closed the pipe", and "store
    unavailable, spooling to ..." came just before "DISK FULL: no room for the spool" for the
    same batch. Now: the child's failure in words, named by the store's file, said with what
    becomes of the batch; every line stored once when room comes back."""
    log, home = tmp_path / "auth.log", disk / "home"
    config = tmp_path / "govsoc.yaml"
    config.write_text(f"data_dir: {home}\nstore:\n  backend: sqlite\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVSOC_")}
    log.write_bytes(b"".join(sshd(i) for i in range(100)))
    with following(config, env, 300, log) as follower:
        # the disk fills under a follower whose store is open (R11j's repro): its next large
        # write is the writer process's, which opens the store on the full disk
        _wait_for_rows(home / "events.db", 100)
        fill_disk(disk)
        with log.open("ab") as out:
            out.write(b"".join(sshd(i) for i in range(100, 2600)))
        time.sleep(5)
        assert follower.poll() is None, follower.communicate()
        (disk / "filler").unlink()  # room again
        _wait_for_rows(home / "events.db", 2600)
        follower.send_signal(signal.SIGINT)
        out, err = follower.communicate(timeout=90)
    assert follower.returncode == 0, err
    assert "Traceback" not in err, err  # before: 3 tracebacks of the writer process
    assert "ended (None)" not in err, err
    said = [line for line in err.splitlines() if "DISK FULL" in line]
    assert len(said) == 1, err
    # SQLite's own words for ENOSPC: SQLITE_FULL, or SQLITE_IOERR when the WAL's write failed
    # (or the planner statistics' refresh after a write, PRAGMA optimize, when the disk fills just then:
    # seen under load in a run of session 31)
    cause = rf"{re.escape(str(home / 'events.db'))}: (cannot open the SQLite store|write failed|optimize failed): " \
            r"(database or disk is full|disk I/O error)\)"
    assert re.search(cause, said[0]), err
    # the batch found no room in the spool either: no "spooling" line said before DISK FULL
    assert "spooling" not in err.split("DISK FULL")[0], err
    with SqliteStore(home / "events.db") as store:
        originals = [str(e.get("event.original")) for e in store.search(Query())]
    assert len(originals) == len(set(originals)) == 2600


def _wait_for_rows(db: Path, rows: int) -> None:
    """Wait until the store at ``db`` holds ``rows`` events (read on a connection of the test's own)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with closing(sqlite3.connect(db)) as connection:
                if connection.execute("SELECT COUNT(*) FROM events").fetchone()[0] >= rows:
                    return
        except sqlite3.Error:
            pass  # not made yet
        time.sleep(0.1)
    raise AssertionError(f"{db}: {rows} events not stored within 60 s")
