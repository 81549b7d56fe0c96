"""Two `govsoc ingest` processes, a `govsoc detect` and a `govsoc retention` at the same time on
one SQLite store: all finish, nothing is lost, retention drops exactly the old events."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from govsoc.store.base import Query
from govsoc.store.sqlite import SqliteStore

GOVSOC = str(Path(sys.executable).with_name("govsoc"))


def write(log: Path, count: int, day: datetime, host: str) -> None:
    with log.open("wb") as out:
        for i in range(count):
            out.write(f"{day:%b} {day.day:2d} {i // 3600 % 24:02d}:{i // 60 % 60:02d}:{i % 60:02d} {host} sshd[{i}]: "
                      f"Failed password for u{i % 50} from 10.3.{i % 200}.{i % 250} port {i} ssh2\n".encode())


def test_ingest_detect_and_retention_at_the_same_time(tmp_path: Path) -> None:
    home = tmp_path / "home"
    logs = tmp_path / "logs"
    logs.mkdir()
    today = datetime.now(UTC)
    yesterday = today - timedelta(days=1)
    first, second, old = logs / "a.log", logs / "b.log", tmp_path / "old.log"
    write(first, 15000, yesterday, "hosta")
    write(second, 15000, yesterday, "hostb")
    write(old, 2000, yesterday, "hostold")
    env = {**os.environ, "GOVSOC_HOME": str(home), "GOVSOC_CONFIG": ""}
    seeded = subprocess.run([GOVSOC, "ingest", "--year", "2020", str(old)], env=env, capture_output=True, text=True)
    assert seeded.returncode == 0, seeded.stderr
    year = ["--year", str(yesterday.astimezone(UTC).year)]
    commands = [
        [GOVSOC, "ingest", *year, str(first)],
        [GOVSOC, "ingest", *year, str(logs)],  # both files: the first one overlaps the other process
        [GOVSOC, "detect"],
        [GOVSOC, "retention"],
    ]
    processes = [subprocess.Popen(c, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for c in commands]
    results = [p.communicate(timeout=600) for p in processes]
    for command, process, (_out, err) in zip(commands[:2] + commands[3:], processes[:2] + processes[3:],
                                             results[:2] + results[3:], strict=True):
        assert process.returncode == 0, f"{command[1:]}: {err}"
    assert "; dropped 2000 events before" in results[3][0]
    with SqliteStore(home / "events.db") as store:
        assert store.count(Query(terms={"host.name": ("hosta",)})) == 15000
        assert store.count(Query(terms={"host.name": ("hostb",)})) == 15000
        assert store.count(Query(terms={"host.name": ("hostold",)})) == 0
    detect_error = results[2][1]
    assert processes[2].returncode == 0, f"detect: {detect_error}"
