"""A followed log moved out of its folder (collectors.files.held): logrotate's ``olddir`` (R11h R4)
and a re-pointed deployment link (R11h R11). A follower holds the file it read open and reads it
to its end wherever it went; a one-shot run, which holds nothing, says it and counts it."""

from __future__ import annotations

from pathlib import Path

import pytest

from govsoc.collectors import IngestOptions, Pipeline
from govsoc.collectors import follow as follow_module
from govsoc.collectors.follow import Follower
from govsoc.store.base import Query
from govsoc.store.sqlite import SqliteStore
from tests.collectors.test_rotation import logrotate, write


def _pids(store: SqliteStore) -> list[int]:
    return sorted(int(str(e.get("process.pid"))) for e in store.search(Query()))


def _olddir(folder: Path, log: Path, method: str) -> None:
    """logrotate (real) with ``olddir``: the rotated file goes to folder/old."""
    (folder / "old").mkdir(exist_ok=True)
    logrotate(folder, log, method, f"olddir {folder / 'old'}")


def _repoint(app: Path) -> None:
    """A deployment's `current` link re-pointed from releases/v1 to releases/v2 (ln -sfn)."""
    (app / "current.new").symlink_to(app / "releases" / "v2", target_is_directory=True)
    (app / "current.new").rename(app / "current")


@pytest.fixture
def deployment(tmp_path: Path) -> Path:
    app = tmp_path / "app"
    for release in ("v1", "v2"):
        (app / "releases" / release).mkdir(parents=True)
    (app / "current").symlink_to(app / "releases" / "v1", target_is_directory=True)
    return app


@pytest.mark.parametrize("how", ["olddir create", "olddir copytruncate", "re-pointed link"])
def test_a_followed_log_moved_to_another_folder_is_read_to_its_end(tmp_path: Path, sqlite_store: SqliteStore,
                                                                   deployment: Path, how: str) -> None:
    # R11h R4 / R11: the lines written between the last poll and the move (2 here) were never read
    # and nothing was said: the rotated file is not beside the path, where rotated files are looked for.
    if how == "re-pointed link":
        log, old = deployment / "current" / "app.log", deployment / "releases" / "v1" / "app.log"
    else:
        log = old = tmp_path / "log" / "app.log"
        log.parent.mkdir()
    write(old, 0, 3)
    notices: list[str] = []
    pipeline = Pipeline(sqlite_store, data_dir=tmp_path / "state", notice=notices.append)
    follower = Follower(pipeline, [str(log)], lambda _p: IngestOptions(year=2026))
    follower.poll()
    write(old, 3, 2)  # after the poll, before the move
    if how == "re-pointed link":
        write(deployment / "releases" / "v2" / "app.log", 10, 1)
        _repoint(deployment)
    else:
        _olddir(log.parent, log, how.split()[1])
        write(log, 10, 1)
    follower.poll()
    follower.poll()
    if how == "olddir copytruncate":  # the copy is another file, the held one truncated: said, not read
        assert _pids(sqlite_store) == [0, 1, 2, 10]
        assert sum("truncated in place (by logrotate's copytruncate" in n for n in notices) == 1, notices  # R58a-8
    else:
        assert _pids(sqlite_store) == [0, 1, 2, 3, 4, 10], notices
    assert len(pipeline.held) == 1  # the file read now, nothing else kept open
    pipeline.held.close()


@pytest.mark.parametrize("how", ["olddir create", "re-pointed link"])
def test_a_log_moved_to_another_folder_between_runs_is_said_and_counted(tmp_path: Path, sqlite_store: SqliteStore,
                                                                        deployment: Path, how: str) -> None:
    # A one-shot run holds nothing between runs: what the moved file got after the last run is not
    # found beside the path. It was said by nobody (R11h R4: 4 of 6 lines, rc 0, nothing on stderr).
    if how == "re-pointed link":
        log, old = deployment / "current" / "app.log", deployment / "releases" / "v1" / "app.log"
    else:
        log = old = tmp_path / "log" / "app.log"
        log.parent.mkdir()
    write(old, 0, 3)
    notices: list[str] = []
    pipeline = Pipeline(sqlite_store, data_dir=tmp_path / "state", notice=notices.append)
    follow_module.read_path(pipeline, log, IngestOptions(year=2026), named=True)
    write(old, 3, 2)
    if how == "re-pointed link":
        write(deployment / "releases" / "v2" / "app.log", 10, 1)
        _repoint(deployment)
    else:
        _olddir(log.parent, log, "create")
        write(log, 10, 1)
    follow_module.read_path(pipeline, log, IngestOptions(year=2026), named=True)
    follow_module.read_path(pipeline, log, IngestOptions(year=2026), named=True)
    said = [n for n in notices if "no longer at app.log" in n]
    assert len(said) == 1 and "after byte" in said[0] and said[0].startswith(f"{log}: "), notices
    record = pipeline.paths.get(log)
    assert record is not None and record.refused == 1 and "olddir" in record.refusal
    assert _pids(sqlite_store) == [0, 1, 2, 10]
    assert len(pipeline.held) == 0  # a one-shot run keeps nothing open
