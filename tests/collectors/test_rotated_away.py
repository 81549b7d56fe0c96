"""A file read before and no longer at its path nor beside it is said lost at the end of a run or
poll (collectors.rotated_away), once the other paths of the run had their look: its copy in
olddir, a copy of what was read, or itself in olddir named later in the run (R11q-5: "lines ...
were not read" said for a copytruncate whose copy was known and nothing lost). Real logrotate,
real `govsoc ingest` processes; every line stored once."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from govsoc.collectors import IngestOptions, Pipeline
from govsoc.collectors.follow import Follower
from govsoc.store.base import Query
from govsoc.store.sqlite import SqliteStore
from tests.collectors.test_copies import numbers
from tests.collectors.test_copies_elsewhere import ingest
from tests.collectors.test_rotation import logrotate, write

#: The notice of a file read before that is gone with lines unread (follow's wording).
LOST = "were not read"


def _copy_marked_then_truncated(logs: Path, old: Path, run: list[str], home: Path) -> None:
    """A copytruncate by hand: app.log (100 lines) read; its copy put in ``old``; 50 lines more,
    read by a run of ``run`` (the copy judged one and marked, the log read past its end); the
    truncate; 10 lines."""
    log = logs / "app.log"
    write(log, 0, 100)
    ingest(home, str(log))
    (old / "app.log.1").write_bytes(log.read_bytes())
    write(log, 100, 50)
    ingest(home, *run)
    os.truncate(log, 0)
    write(log, 150, 10)


@pytest.mark.parametrize("where", [
    "olddir",  # R11q-2's O2 shape: the marked copy in old/, the log named first (said lost, 160 of 160)
    "beside",  # the marked copy beside the log, shorter than what was read (said lost, 160 of 160)
])
def test_a_copytruncate_whose_copy_is_marked_is_not_said_lost(tmp_path: Path, where: str) -> None:
    logs, home = tmp_path / "logs", tmp_path / "home"
    old = logs / "old" if where == "olddir" else logs
    old.mkdir(parents=True, exist_ok=True)
    run = [str(logs / "app.log"), str(old / "app.log*")] if where == "olddir" else [str(logs / "app.log*")]
    _copy_marked_then_truncated(logs, old, run, home)
    said = ingest(home, *run)
    assert numbers(home) == list(range(160)), said
    assert LOST not in said


@pytest.mark.parametrize("method", [
    "copytruncate",  # the copy in old/ read from the log's checkpoint after the log's path was said lost
    "create",  # the log itself renamed into old/, read to its end there after its path was said lost
])
def test_a_log_rotated_into_the_olddir_named_later_in_the_run_is_not_said_lost(tmp_path: Path, method: str) -> None:
    logs, home = tmp_path / "logs", tmp_path / "home"
    old = logs / "old"
    old.mkdir(parents=True)
    log = logs / "app.log"
    write(log, 0, 100)
    ingest(home, str(log))
    write(log, 100, 10)  # after the run, before the rotation: read from old/
    logrotate(logs, log, method, f"olddir {old}")
    write(log, 110, 5)
    said = ingest(home, str(log), str(old / "app.log*"))
    assert numbers(home) == list(range(115)), said
    assert LOST not in said


def test_a_log_rotated_into_an_olddir_the_run_does_not_name_is_still_said_lost(tmp_path: Path) -> None:
    # the guard: judged at the end of the run, the notice still comes when nothing of the run found
    # the file (lines 100-109 are in old/app.log.1, which this run does not read)
    logs, home = tmp_path / "logs", tmp_path / "home"
    old = logs / "old"
    old.mkdir(parents=True)
    log = logs / "app.log"
    write(log, 0, 100)
    ingest(home, str(log))
    write(log, 100, 10)
    logrotate(logs, log, "create", f"olddir {old}")
    write(log, 110, 5)
    said = ingest(home, str(log))
    assert said.count(LOST) == 1 and "after byte" in said, said
    assert numbers(home) == [*range(100), *range(110, 115)]


def test_a_follower_of_a_copytruncate_into_olddir_whose_copy_is_marked_says_nothing_lost(
        tmp_path: Path, sqlite_store: SqliteStore) -> None:
    # the O2 shape under --follow: the held file is the truncated log (not read again), the copy in
    # old/, followed by the same poll, known by its mark: nothing lost, nothing to say
    logs = tmp_path / "logs"
    old = logs / "old"
    old.mkdir(parents=True)
    log = logs / "app.log"
    notices: list[str] = []
    follower = Follower(Pipeline(sqlite_store, data_dir=tmp_path / "state", notice=notices.append),
                        [str(log), str(old / "app.log*")], lambda _path: IngestOptions())
    write(log, 0, 100)
    follower.poll()
    shutil.copyfile(log, old / "app.log.1")
    write(log, 100, 50)
    follower.poll()
    os.truncate(log, 0)
    write(log, 150, 10)
    follower.poll()
    follower.poll()
    follower.pipeline.held.close()
    pids = sorted(int(str(e.get("event.original")).split("sshd[")[1].split("]")[0])
                  for e in sqlite_store.search(Query()))
    assert pids == list(range(160))
    assert not [n for n in notices if LOST in n], notices
