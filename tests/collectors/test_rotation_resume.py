"""Generations rotated between two reads of a path are read when the file read before no longer
anchors them (R11f N4, N1): a run stopped in the middle generation, a rotation during a late
poll, a file read before rotated past `rotate N`. Real logrotate, the pipeline called directly
so that each interruption falls where the test puts it."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from govsoc.collectors import IngestOptions, Pipeline
from govsoc.collectors.follow import Follower, finish_predecessors
from govsoc.core.event import Event
from govsoc.store.base import Query
from govsoc.store.sqlite import SqliteStore
from tests.collectors.test_rotation import govsoc, logrotate, new_in, rotating_follower, write
from tests.collectors.test_rotation import stored as stored_in


class Killed(BaseException):
    """What a kill -9 is to the run: nothing after it happens (no handler catches it)."""


class KilledAfter:
    """The store, killing the run at its ``writes``-th write of a batch holding ``marker``."""

    def __init__(self, store: SqliteStore, marker: str, writes: int) -> None:
        self.store, self.marker, self.left = store, marker, writes

    def write(self, events: list[Event]) -> Any:
        if any(self.marker in str(e.get("event.original")) for e in events):
            self.left -= 1
            if self.left == 0:
                raise Killed
        return self.store.write(events)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)


def originals(store: SqliteStore) -> list[str]:
    return [str(e.get("event.original")) for e in store.search(Query())]


def one_shot(pipeline: Pipeline, log: Path, options: IngestOptions) -> list[tuple[str, int]]:
    """What `govsoc ingest auth.log` does with the path: its predecessors, then the file."""
    done = [*finish_predecessors(pipeline, log, options), pipeline.ingest_file(log, options)]
    return [(Path(s.source).name, s.receipt.created) for s in done]


def test_a_run_killed_in_the_middle_generation_is_resumed_by_the_next(tmp_path: Path,
                                                                      sqlite_store: SqliteStore) -> None:
    # R11f N4 (k1): the run read the rest of the file read before (auth.log.3), was killed
    # while reading auth.log.2, and every later run read the live file only: the rest of
    # auth.log.2 and all of auth.log.1 were never read, silently (52,500 of 402,500).
    logs = tmp_path / "log"
    logs.mkdir()
    log = logs / "auth.log"
    options = IngestOptions(batch_size=100)
    write(log, 0, 1000)
    Pipeline(sqlite_store, data_dir=tmp_path / "state").ingest_file(log, options)
    write(log, 1000, 500)
    for start in (1500, 2500, 3500):  # auth.log.2: 1500-2499, auth.log.1: 2500-3499, auth.log: 3500-3599
        logrotate(logs, log, "create")
        write(log, start, 1000 if start < 3500 else 100)
    killed = Pipeline(KilledAfter(sqlite_store, "sshd[1799]", 1), data_dir=tmp_path / "state")  # type: ignore[arg-type]
    with pytest.raises(Killed):
        one_shot(killed, log, options)
    assert len(originals(sqlite_store)) == 1700  # auth.log.3's rest and two batches of auth.log.2
    notices: list[str] = []
    resumed = Pipeline(sqlite_store, data_dir=tmp_path / "state", notice=notices.append)
    assert one_shot(resumed, log, options) == [("auth.log.2", 800), ("auth.log.1", 1000), ("auth.log", 100)]
    stored = originals(sqlite_store)
    assert len(stored) == len(set(stored)) == 3600
    assert one_shot(resumed, log, options) == [("auth.log", 0)]  # nothing left, nothing read twice
    assert notices == []


@pytest.mark.parametrize("method", [("create",), ("copytruncate",), ("create", "compress", "delaycompress")])
def test_a_rotation_during_a_late_poll_leaves_no_generation_unread(tmp_path: Path, sqlite_store: SqliteStore,
                                                                   method: tuple[str, ...]) -> None:
    # R11f N4 (race2.py): the late poll listed auth.log.2 (the rest of the file read before) and
    # auth.log.1; logrotate rotated once more after that rest was read, so the name auth.log.1
    # held the next generation, and the one the listing meant (now auth.log.3) was never read.
    logs = tmp_path / "log"
    logs.mkdir()
    log = logs / "auth.log"
    # rotated on once, in the first read of the late poll
    follower, rotate_during_the_next_read = rotating_follower(sqlite_store, tmp_path / "state", log, method,
                                                              then_write=(1000, 100))
    write(log, 0, 400)
    follower.poll()
    write(log, 400, 100)
    logrotate(logs, log, *method)
    write(log, 500, 300)  # the generation between
    logrotate(logs, log, *method)
    write(log, 800, 200)
    rotate_during_the_next_read()
    follower.poll()
    follower.poll()
    stored = originals(sqlite_store)
    assert len(stored) == len(set(stored)) == 1100


def test_generations_beside_a_file_rotated_past_rotate_n_are_read(tmp_path: Path, sqlite_store: SqliteStore) -> None:
    # R11f N1 (b1): the file read before was rotated beyond `rotate 2` (deleted); the two
    # generations beside the live file were written after it and were neither read nor named.
    logs = tmp_path / "log"
    logs.mkdir()
    log = logs / "auth.log"
    write(log, 0, 1000)
    pipeline = Pipeline(sqlite_store, data_dir=tmp_path / "state")
    pipeline.ingest_file(log)
    write(log, 1000, 500)  # lost with the file: logrotate deletes it
    for start in (1500, 2500, 3500):
        logrotate(logs, log, "create", "rotate 2")
        write(log, start, 1000)
    assert sorted(p.name for p in logs.glob("auth.log*")) == ["auth.log", "auth.log.1", "auth.log.2"]
    assert one_shot(pipeline, log, IngestOptions()) == [("auth.log.2", 1000), ("auth.log.1", 1000), ("auth.log", 1000)]
    stored = originals(sqlite_store)
    assert len(stored) == len(set(stored)) == 4000


@pytest.mark.parametrize("method", [("create",), ("create", "compress"), ("copytruncate",)])
def test_a_quiet_log_written_and_rotated_between_runs_is_read(tmp_path: Path, method: tuple[str, ...]) -> None:
    # R11f N5 (e2): a daily `govsoc ingest auth.log` just after the daily logrotate finds the log
    # empty every time; what was written during the day is rotated before the next run. Nothing
    # read from the path was known, so no generation was read and nothing was said: 0 of 300.
    logs, home = tmp_path / "log", tmp_path / "home"
    logs.mkdir()
    log = logs / "auth.log"
    log.touch()
    for day in range(3):
        assert "auth.log: empty, nothing to read" in govsoc(home, "ingest", str(log))
        write(log, day * 100, 100)
        logrotate(logs, log, *method)
    out = govsoc(home, "ingest", str(log))
    assert "auth.log.1" in out and new_in(out) == 100  # the day just rotated; the earlier ones by their runs
    lines = stored_in(home)
    assert len(lines) == len(set(lines)) == 300
    assert new_in(govsoc(home, "ingest", str(logs / "auth.log*"))) == 0  # nothing left, nothing twice


def test_follow_started_on_an_empty_log_reads_its_first_generation(tmp_path: Path, sqlite_store: SqliteStore) -> None:
    # R11f N5 (e1, f1): --follow polled the empty auth.log; 100 lines, logrotate, 100 lines, and
    # the next poll read the new auth.log only: the first generation (auth.log.1) never read.
    logs = tmp_path / "log"
    logs.mkdir()
    log = logs / "auth.log"
    log.touch()
    notices: list[str] = []
    follower = Follower(Pipeline(sqlite_store, data_dir=tmp_path / "state", notice=notices.append), [str(log)],
                        lambda _path: IngestOptions())
    follower.poll()
    write(log, 0, 100)
    logrotate(logs, log, "create")
    write(log, 100, 100)
    assert sorted((Path(s.source).name, s.receipt.created) for s in follower.poll()) == [("auth.log", 100),
                                                                                        ("auth.log.1", 100)]
    stored = originals(sqlite_store)
    assert len(stored) == len(set(stored)) == 200
    assert notices == []


def test_history_older_than_the_first_look_is_not_read(tmp_path: Path, sqlite_store: SqliteStore) -> None:
    # The rule of N5 takes only what was written after the path was first looked at: rotated
    # files already there (weeks of history) still need to be named, as before.
    logs = tmp_path / "log"
    logs.mkdir()
    log = logs / "auth.log"
    write(logs / "auth.log.1", 0, 50)
    old = time.time() - 86400
    os.utime(logs / "auth.log.1", (old, old))
    log.touch()
    pipeline = Pipeline(sqlite_store, data_dir=tmp_path / "state")
    assert one_shot(pipeline, log, IngestOptions()) == [("auth.log", 0)]
    write(log, 50, 10)
    assert one_shot(pipeline, log, IngestOptions()) == [("auth.log", 10)]


@pytest.mark.parametrize("how", ["utime", "cp -p"])
def test_generations_whose_writer_keeps_their_time_behind_are_read(tmp_path: Path, sqlite_store: SqliteStore,
                                                                    how: str) -> None:
    # R11i-6: generations written after the last look, beside a file read before and rotated past
    # `rotate 2`, were taken by their modification time: a writer that keeps it behind (utime)
    # or a copy that keeps it (cp -p, logrotate's `copy`) made them look older, and they were
    # skipped without a word (2000 of 3000 lines lost). Their change time cannot be set back.
    logs = tmp_path / "log"
    logs.mkdir()
    log = logs / "auth.log"
    write(log, 0, 1000)
    pipeline = Pipeline(sqlite_store, data_dir=tmp_path / "state")
    pipeline.ingest_file(log)
    write(log, 1000, 500)  # lost with the file: logrotate deletes it
    for start in (1500, 2500, 3500):
        logrotate(logs, log, "create", "rotate 2")
        write(log, start, 1000)
    behind = time.time() - 3600  # an hour before the last look
    for name in ("auth.log.1", "auth.log.2"):
        rotated = logs / name
        if how == "cp -p":  # a copy put in its place, its time kept
            copy = logs / "copy"
            os.utime(rotated, (behind, behind))
            assert subprocess.run(["cp", "-p", str(rotated), str(copy)]).returncode == 0
            os.replace(copy, rotated)
        else:
            os.utime(rotated, (behind, behind))
    assert one_shot(pipeline, log, IngestOptions()) == [("auth.log.2", 1000), ("auth.log.1", 1000), ("auth.log", 1000)]
    stored = originals(sqlite_store)
    assert len(stored) == len(set(stored)) == 4000


def test_a_first_generation_modified_before_the_first_look_is_said_and_counted(tmp_path: Path,
                                                                               sqlite_store: SqliteStore) -> None:
    # R11i-6, where no file read from the path is known: a rotated file is taken when modified
    # after the path's first look (history beside the log is not). One whose writer kept its
    # time before that look was skipped without a word; it is now named and counted.
    logs = tmp_path / "log"
    logs.mkdir()
    log = logs / "auth.log"
    log.touch()
    notices: list[str] = []
    pipeline = Pipeline(sqlite_store, data_dir=tmp_path / "state", notice=notices.append)
    follower = Follower(pipeline, [str(log)], lambda _path: IngestOptions())
    follower.poll()
    write(log, 0, 100)
    logrotate(logs, log, "create")
    behind = time.time() - 3600
    os.utime(logs / "auth.log.1", (behind, behind))
    write(log, 100, 100)
    assert [(Path(s.source).name, s.receipt.created) for s in follower.poll()] == [("auth.log", 100)]
    (said,) = [n for n in notices if "auth.log.1: not read as a generation of" in n]
    assert "name it to read it" in said
    (record,) = [r for r in pipeline.paths.all() if r.path.endswith("auth.log.1")]
    assert record.refused == 1
    follower.poll()
    assert len([n for n in notices if "auth.log.1: not read" in n]) == 1  # said once, not every poll


def test_a_generation_an_older_rule_stopped_as_binary_is_read_on_after_rotation(tmp_path: Path,
                                                                                sqlite_store: SqliteStore) -> None:
    # R11j-9/-11: the rule of 8 KiB windows stopped a text log for good at a hostile line
    # ("binary", Checkpoint.binary_rule 2), and the file, unchanged since, was not judged again.
    # Rotated since, the generation read before at the path is read on from where that rule
    # stopped (BINARY_RULE 3), its hostile field kept as groups, and the new file after it.
    logs = tmp_path / "log"
    logs.mkdir()
    log = logs / "auth.log"
    options = IngestOptions()
    write(log, 0, 300)
    pipeline = Pipeline(sqlite_store, data_dir=tmp_path / "state")
    pipeline.ingest_file(log, options)
    stopped_at = log.stat().st_size
    with log.open("ab") as out:
        out.write(b"Dec 10 07:05:00 web1 app[7]: request body " + b"\x01\x02\n\x03" * 20_000 + b" end\n")
    write(log, 300, 300)
    # what the old rule left: the file read up to the hostile line, "binary" there
    (checkpoint,) = pipeline.checkpoints.all()
    assert checkpoint.offset == stopped_at
    old = checkpoint.to_json() | {"binary": "binary data (51% control bytes in 8192 bytes)",
                                  "binary_at": stopped_at, "binary_rule": 2, "size": log.stat().st_size}
    (pipeline.checkpoints.folder / f"{checkpoint.identity}.json").write_text(json.dumps(old))
    logrotate(logs, log, "create")
    write(log, 1000, 10)
    fresh = Pipeline(sqlite_store, data_dir=tmp_path / "state")
    one_shot(fresh, log, options)
    stored = originals(sqlite_store)
    assert len(stored) == len(set(stored))
    expected = {f"web1 sshd[{i}]:" for i in (*range(600), *range(1000, 1010))}
    assert expected <= {s.split(" ", 3)[3].split(" Failed")[0] for s in stored if "sshd[" in s}
