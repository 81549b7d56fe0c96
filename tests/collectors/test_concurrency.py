"""Concurrent work on one store and one state folder: two `govsoc ingest` processes, a `govsoc detect`
and a `govsoc retention` at the same time (all finish, nothing is lost, retention drops exactly the old
events); two runs over one file (the second waits for the first's checkpoint, R11e F4)."""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from govsoc.collectors import checkpoints
from govsoc.collectors.checkpoints import Checkpoint, CheckpointStore
from govsoc.collectors.files.identity import FINGERPRINT_BYTES, fingerprint, look
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


def waiting_on(lock: Path) -> int:
    """How many processes wait for a flock on ``lock`` (Linux /proc/locks: blocked requests are
    listed with "->", the file as MAJOR:MINOR:INODE)."""
    inode = f":{lock.stat().st_ino} "
    return sum(1 for line in Path("/proc/locks").read_text().splitlines() if "->" in line and inode in line)


def test_a_second_ingest_of_a_source_waits_and_resumes_from_the_firsts_checkpoint(tmp_path: Path) -> None:
    # R11e F4: two `govsoc ingest` of one file at once: the second re-parsed the whole file
    # (its own registration, kept unwritten, came before the first run's checkpoint) and its
    # counters replaced the first's: status said created 0, duplicates N of N events created.
    home, log = tmp_path / "home", tmp_path / "auth.log"
    write(log, 30_000, datetime.now(UTC) - timedelta(days=1), "hosta")
    folder = home / "state" / "sources"
    folder.mkdir(parents=True)
    lock = folder / f"{fingerprint(log.read_bytes()[:FINGERPRINT_BYTES])}.lock"
    env = {**os.environ, "GOVSOC_HOME": str(home), "GOVSOC_CONFIG": ""}
    with lock.open("a") as held:  # both runs register the file, then wait for its lock: they overlap for sure
        fcntl.flock(held, fcntl.LOCK_EX)
        runs = [subprocess.Popen([GOVSOC, "ingest", str(log)], env=env, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True) for _ in range(2)]
        deadline = time.monotonic() + 120
        while waiting_on(lock) < 2:
            assert time.monotonic() < deadline and all(r.poll() is None for r in runs), "the runs did not wait"
            time.sleep(0.05)
        fcntl.flock(held, fcntl.LOCK_UN)
    outputs = [r.communicate(timeout=600) for r in runs]
    assert [r.returncode for r in runs] == [0, 0], outputs
    lines = sorted(out.splitlines()[0] for out, _err in outputs)
    # one run read the file; the other waited for its checkpoint and found nothing new
    assert "auth.log: 30000 records, 30000 accepted (30000 new" in lines[0]
    assert "auth.log: unchanged since the last run" in lines[1]
    status = subprocess.run([GOVSOC, "status", "--format", "json"], env=env, capture_output=True, text=True)
    (row,) = json.loads(status.stdout)["sources"]
    assert (row["records"], row["created"], row["duplicates"], row["stored"]) == (30_000, 30_000, 0, 30_000)
    with SqliteStore(home / "events.db") as store:
        assert store.count(Query()) == 30_000


def test_a_large_files_positions_do_not_keep_the_group_waiting(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    # The checkpoints of files read to their end wait to be written together, and their
    # sources' locks with them (R11e F4): a large file read next, whose positions are written at
    # once, wrote none of them until the run ended, so a second run waited for all of it.
    monkeypatch.setattr(checkpoints, "GROUP_SECONDS", 0.2)
    store = CheckpointStore(tmp_path / "sources")
    small = Checkpoint(identity="small", fingerprint="f", fingerprint_bytes=1, path="small.log")
    large = Checkpoint(identity="large", fingerprint="g", fingerprint_bytes=1, path="large.log")
    with store.grouped():
        with store.lock("small"):
            store.save(small, can_wait=True)
        assert not (tmp_path / "sources" / "small.json").exists()
        time.sleep(0.3)  # more than GROUP_SECONDS: a lower bound, not a race
        store.save(large)  # a batch of the large file: written at once, and the group with it
        assert (tmp_path / "sources" / "small.json").exists()
        with (tmp_path / "sources" / "small.lock").open("a") as other:  # another run may take it now
            fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)


def test_a_registration_written_between_anothers_match_and_register_is_that_files(tmp_path: Path) -> None:
    # CI on e6e5a04 (1 in 2-8 runs of the test above): two runs of one new file. Run A registered
    # it (kept unwritten in its group) and let the registry lock go; run B, holding it, matched the
    # file to nothing; A wrote its registration as it waited for the file's lock; B then found the
    # file's identity taken and registered the same file as a new generation: two checkpoints, one
    # read whole, the other said "moved away, lines not read" and counted refused.
    log = tmp_path / "auth.log"
    write(log, 200, datetime.now(UTC) - timedelta(days=1), "hosta")
    a, b = CheckpointStore(tmp_path / "sources"), CheckpointStore(tmp_path / "sources")
    with a.grouped():
        registered_by_a = a.register(look(log), "linux.auth")
        assert b.match(look(log)) is None  # not written yet: B sees no checkpoint of the file
        a.flush()  # A waits for the file's lock: its group is written first (_wait_for)
        registered_by_b = b.register(look(log), "linux.auth")
    assert registered_by_b.identity == registered_by_a.identity
    assert sorted(p.name for p in (tmp_path / "sources").glob("*.json")) == [f"{registered_by_a.identity}.json"]


def test_a_new_file_with_a_known_files_first_bytes_is_still_a_generation_of_its_own(tmp_path: Path) -> None:
    # the other side of the test above: register() re-matches before taking a new generation, and a
    # file whose first bytes only are another's (another inode, the other still at its path) is new
    first, second = tmp_path / "a.log", tmp_path / "b.log"
    write(first, 200, datetime.now(UTC) - timedelta(days=1), "hosta")
    second.write_bytes(first.read_bytes()[:FINGERPRINT_BYTES] + b"other content\n")
    store = CheckpointStore(tmp_path / "sources")
    one = store.register(look(first), "linux.auth")
    two = store.register(look(second), "linux.auth")
    assert one.identity != two.identity and two.offset == 0
