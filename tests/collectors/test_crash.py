"""kill -9 of `govsoc ingest` at random points, restarted each time until it finishes: the store
holds every line exactly once. The id set is computed here from the file, independently of
govsoc's code (sha256 fingerprint of the first KiB, byte offset, sha1 of the line)."""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from govsoc.store.base import Query
from govsoc.store.sqlite import SqliteStore

GOVSOC = str(Path(sys.executable).with_name("govsoc"))
#: The issue's size is 1,000,000 lines (GOVSOC_CRASH_TEST_LINES=1000000); the default keeps a local
#: run of the suite short.
LINES = int(os.environ.get("GOVSOC_CRASH_TEST_LINES", "40000"))
KILLS = 10


def expected_ids(log: Path) -> set[str]:
    data = log.read_bytes()
    identity = hashlib.sha256(data[:1024]).hexdigest()[:32]
    ids, offset = set(), 0
    for line in data.split(b"\n")[:-1]:
        digest = hashlib.sha1(line).hexdigest()[:16]
        ids.add(hashlib.sha256(f"{identity}\x1f{offset}\x1f{digest}".encode()).hexdigest()[:32])
        offset += len(line) + 1
    return ids


def checkpoint_offset(home: Path) -> int:
    files = list((home / "state" / "sources").glob("*.json"))
    return json.loads(files[0].read_text(encoding="utf-8"))["offset"] if files else 0


def test_kill_9_at_random_points_stores_every_line_once(tmp_path: Path) -> None:
    log, home = tmp_path / "auth.log", tmp_path / "home"
    with log.open("wb") as out:
        for i in range(LINES):
            out.write(f"Dec {10 + i // 86400} {i // 3600 % 24:02d}:{i // 60 % 60:02d}:{i % 60:02d} h{i % 7} sshd[{i}]: "
                      f"Failed password for u{i % 97} from 10.{i % 200}.0.{i % 250} port {i} ssh2\n".encode())
    env = {**os.environ, "GOVSOC_HOME": str(home), "GOVSOC_CONFIG": ""}
    chooser = random.Random(int(os.environ.get("GOVSOC_CRASH_SEED", "11")))
    # Ten random points spread over the whole file: each run is killed a random moment (within
    # a batch or so) after its checkpoint passed the next point, and the next run resumes.
    targets = sorted(chooser.uniform(0, log.stat().st_size) for _ in range(KILLS))
    offsets: list[int] = []
    for target in targets:
        process = subprocess.Popen([GOVSOC, "ingest", str(log)], env=env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        before = offsets[-1] if offsets else 0
        deadline = time.monotonic() + 1800
        while process.poll() is None and time.monotonic() < deadline and \
                (checkpoint_offset(home) <= before or checkpoint_offset(home) < target):
            time.sleep(0.05)
        time.sleep(chooser.uniform(0.0, 0.25))
        if process.poll() is not None:
            break
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        offsets.append(checkpoint_offset(home))
    done = subprocess.run([GOVSOC, "ingest", str(log)], env=env, capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, done.stderr
    # the kills landed in the middle of the file, at several different points
    assert len({o for o in offsets if 0 < o < log.stat().st_size}) >= 3, offsets
    with SqliteStore(home / "events.db") as store:
        ids = [e.id for e in store.search(Query())]
    assert len(ids) == len(set(ids)) == LINES
    assert set(ids) == expected_ids(log)
