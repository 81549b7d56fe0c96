"""A full state disk does not end `govsoc ingest --follow` (R11i-4): with no room for a
checkpoint, the follower ended at once ("cannot save the checkpoint: No space left on device",
exit 1) and nothing said that it would not read on. It now says DISK FULL once, waits and tries
again, and reads on when there is room: every line stored once. A real 2 MiB tmpfs holds the
data folder; the SQLite store is elsewhere, so only checkpoints lack room."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
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
    follower = subprocess.Popen([GOVSOC, "--config", str(config), "ingest", "--follow", "--interval", "0.2",
                                 "--stop-after", "20", str(log)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, env=env)
    try:
        time.sleep(4)
        # before: ended within a second, exit 1, "cannot save the checkpoint: No space left on device"
        assert follower.poll() is None, follower.communicate()
        (disk / "filler").unlink()  # room again
        out, err = follower.communicate(timeout=60)
    finally:
        if follower.poll() is None:
            follower.kill()
            follower.wait()
    assert follower.returncode == 0, err
    assert err.count("DISK FULL") == 1, err  # said once, not at every try
    assert "room again for checkpoints" in err
    with SqliteStore(db) as store:
        originals = [str(e.get("event.original")) for e in store.search(Query())]
    assert len(originals) == len(set(originals)) == 150
    again = subprocess.run([GOVSOC, "--config", str(config), "ingest", str(log)], capture_output=True, text=True,
                           env=env, timeout=120)
    assert "unchanged since the last run" in again.stdout, again.stdout  # the checkpoint moved on
