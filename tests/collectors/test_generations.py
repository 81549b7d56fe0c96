"""Which rotated files a path run of a log reads as its generations (collectors.generations): an
application's own files beside its log, named in logrotate's ``extension`` form (app.1.log,
app-2026-12-03.log, worker.3.log) are no generations of it unless a checkpoint shows a rotation
made them (R11r-1, R11r-2, R11r-6), yet are read where lines would be lost without them (R11s-1,
R11s-2). Real files, real logrotate, one Pipeline as a path run uses it."""

from __future__ import annotations

from pathlib import Path

import pytest

from govsoc.collectors import IngestOptions, Pipeline
from govsoc.collectors.follow import finish_predecessors
from govsoc.store.base import Query
from govsoc.store.sqlite import SqliteStore
from tests.collectors.test_rotation import logrotate, write


def path_run(pipeline: Pipeline, log: Path) -> list[str]:
    """What a one-shot `govsoc ingest LOG` reads: the files rotated from it, then it; their names."""
    done = finish_predecessors(pipeline, log, IngestOptions(final=True))
    done.append(pipeline.ingest_file(log, IngestOptions(final=True)))
    return [Path(s.source).name for s in done if s.receipt.created]


@pytest.mark.parametrize(("own", "read_by_a_glob"), [
    ("app-2026-12-03.log", False),  # R11r-1 A5: the app's own day file, never named, was read whole
    ("app.1.log", False),  # R11r-1 A5b: an instance's log, shaped as a generation, read too
    ("app.3.log", True),  # R11r-2 A2: read by an earlier glob where it is, then tailed as a generation
])
def test_an_applications_own_file_beside_the_log_is_not_read_by_a_path_run(
        tmp_path: Path, sqlite_store: SqliteStore, own: str, read_by_a_glob: bool) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    log, mine = logs / "app.log", logs / own
    pipeline = Pipeline(sqlite_store, data_dir=tmp_path / "state")
    write(log, 0, 100)
    write(mine, 1000, 40)
    if read_by_a_glob:
        pipeline.ingest_file(mine, IngestOptions(final=True))
    assert path_run(pipeline, log) == ["app.log"]
    write(log, 100, 10)
    write(mine, 1040, 10)
    assert path_run(pipeline, log) == ["app.log"]
    logrotate(logs, log, "create")  # app.log -> app.log.1: what the path's own file became is read
    write(log, 110, 5)
    write(mine, 1050, 5)
    assert path_run(pipeline, log) == ["app.log"]
    assert sqlite_store.count(Query()) == 115 + (40 if read_by_a_glob else 0)


def test_a_generation_proven_by_its_checkpoint_is_read_and_the_one_between_too(
        tmp_path: Path, sqlite_store: SqliteStore) -> None:
    # logrotate's own `extension .log`, two rotations between runs: app.log -> app.1.log -> app.2.log
    # is the file read before (its checkpoint was at app.log), app.1.log the generation between,
    # never read, newer than it: both read (R11q-4 kept)
    logs = tmp_path / "logs"
    logs.mkdir()
    log = logs / "app.log"
    pipeline = Pipeline(sqlite_store, data_dir=tmp_path / "state")
    write(log, 0, 100)
    assert path_run(pipeline, log) == ["app.log"]
    write(log, 100, 10)
    logrotate(logs, log, "create", "extension .log")
    write(log, 110, 20)
    logrotate(logs, log, "create", "extension .log")
    write(log, 130, 5)
    assert path_run(pipeline, log) == ["app.2.log", "app.1.log", "app.log"]
    assert sqlite_store.count(Query()) == 135


@pytest.mark.parametrize("instances", [
    ("worker.1.log", "worker.3.log"),  # R11r-2 A2: instances 1 and 3, no 2: "worker.2.log: not found"
    ("worker.8443.log",),  # R11r-6 P8: a port's log; 8,441 names said missing before b4efa63's bound
])
def test_no_generation_is_said_missing_for_an_applications_own_files(
        tmp_path: Path, sqlite_store: SqliteStore, instances: tuple[str, ...]) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    log = logs / "worker.log"
    notices: list[str] = []
    pipeline = Pipeline(sqlite_store, data_dir=tmp_path / "state", notice=notices.append)
    for at, name in enumerate(("worker.log", *instances)):  # a glob run reads each where it is
        write(logs / name, 1000 * at, 30)
        pipeline.ingest_file(logs / name, IngestOptions(final=True))
    for at, name in enumerate(("worker.log", *instances)):
        write(logs / name, 1000 * at + 30, 5)
    logrotate(logs, log, "create")
    write(log, 35, 5)
    assert path_run(pipeline, log) == ["worker.log.1", "worker.log"]
    assert notices == []


def test_generations_missing_between_are_said_in_one_line(tmp_path: Path, sqlite_store: SqliteStore) -> None:
    # four rotations since the read, auth.log.1..3 deleted before any run: one line, not one per
    # generation (R11r-6: thousands of lines drown the one that matters)
    logs = tmp_path / "logs"
    logs.mkdir()
    log = logs / "auth.log"
    notices: list[str] = []
    pipeline = Pipeline(sqlite_store, data_dir=tmp_path / "state", notice=notices.append)
    write(log, 0, 10)
    pipeline.ingest_file(log)
    for start in (10, 20, 30, 40):
        logrotate(logs, log, "create")
        write(log, start, 10)
    for gone in ("auth.log.1", "auth.log.2", "auth.log.3"):
        (logs / gone).unlink()
    assert path_run(pipeline, log) == ["auth.log"]
    assert len(notices) == 1, notices
    assert notices[0].startswith(f"{logs / 'auth.log.1'}: not found") and "3 missing" in notices[0]


def test_generations_beside_a_log_whose_read_file_was_deleted_are_read(
        tmp_path: Path, sqlite_store: SqliteStore) -> None:
    # R11s-1: `extension .log`, `rotate 1`, two rotations between runs: the file read before was
    # deleted by logrotate; app.1.log, the generation after it, lay beside the log unread, unsaid
    logs = tmp_path / "logs"
    logs.mkdir()
    log = logs / "app.log"
    pipeline = Pipeline(sqlite_store, data_dir=tmp_path / "state")
    write(log, 0, 10)
    assert path_run(pipeline, log) == ["app.log"]
    write(log, 10, 10)
    logrotate(logs, log, "create", "extension .log", "rotate 1")
    write(log, 20, 10)
    logrotate(logs, log, "create", "extension .log", "rotate 1")  # the read file (lines 0-19) deleted
    write(log, 30, 10)
    assert sorted(p.name for p in logs.glob("app*.log")) == ["app.1.log", "app.log"]
    assert path_run(pipeline, log) == ["app.1.log", "app.log"]
    assert sqlite_store.count(Query()) == 40 - 10  # lines 10-19 went with the deleted file (said)


def test_a_quiet_logs_first_generation_under_an_extension_name_is_read(
        tmp_path: Path, sqlite_store: SqliteStore) -> None:
    # R11s-2 (R11f N5 in the extension form): the log was empty at the first run, then written and
    # rotated to app.1.log before the next: its 10 lines were never read, nothing said
    logs = tmp_path / "logs"
    logs.mkdir()
    log = logs / "app.log"
    log.touch()
    pipeline = Pipeline(sqlite_store, data_dir=tmp_path / "state")
    assert path_run(pipeline, log) == []
    write(log, 0, 10)
    logrotate(logs, log, "create", "extension .log")
    write(log, 10, 5)
    assert path_run(pipeline, log) == ["app.1.log", "app.log"]
    assert sqlite_store.count(Query()) == 15


def test_a_file_read_through_a_folder_link_since_removed_is_read_on_as_a_generation(
        tmp_path: Path, sqlite_store: SqliteStore) -> None:
    # R11s-6: read as link/app.log (link -> real/), rotated by `extension .log` to real/app.1.log,
    # the link removed and the log read by its real path: the checkpoint's folder could not be
    # compared, so app.1.log was no proven generation and its last 10 lines were skipped, unsaid
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to(real)
    log = real / "app.log"
    pipeline = Pipeline(sqlite_store, data_dir=tmp_path / "state")
    write(log, 0, 30)
    assert path_run(pipeline, tmp_path / "link" / "app.log") == ["app.log"]
    write(log, 30, 10)
    logrotate(real, log, "create", "extension .log")
    write(log, 40, 5)
    (tmp_path / "link").unlink()
    assert path_run(pipeline, log) == ["app.1.log", "app.log"]
    assert sqlite_store.count(Query()) == 45
