"""Rotation races found by the hostile review R11 (/work/findings/R11.md): a rotation while a
file is being read, and logrotate's compression window. Real files, real renames and gzip
copies, exact counts of what is stored."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from govsoc.collectors import IngestOptions, Pipeline
from govsoc.store.base import Query
from govsoc.store.sqlite import SqliteStore
from tests.collectors.test_pipeline import lines


@pytest.fixture
def pipeline(tmp_path: Path, sqlite_store: SqliteStore) -> Pipeline:
    return Pipeline(sqlite_store, data_dir=tmp_path / "state")


def originals(store: SqliteStore) -> list[str]:
    return [str(e.get("event.original")) for e in store.search(Query())]


def test_rename_rotation_during_a_read_stores_nothing_twice(tmp_path: Path, sqlite_store: SqliteStore) -> None:
    # R11 F2: the checkpoint's tail digest was taken by path at save time, i.e. from the NEXT
    # file once a rotation had renamed the one being read; the old file then no longer matched
    # its checkpoint and was stored whole a second time.
    log, one, two = tmp_path / "auth.log", tmp_path / "auth.log.1", tmp_path / "auth.log.2"
    log.write_bytes(lines(0, 100))
    state = tmp_path / "state"
    assert Pipeline(sqlite_store, data_dir=state).ingest_file(log).receipt.created == 100
    with log.open("ab") as out:
        out.write(lines(100, 3000))
    log.rename(one)
    log.write_bytes(lines(10_000, 4000))  # the next file, longer than the read position

    read = 0

    def rotate_midway(size: int) -> None:  # logrotate rename+create while auth.log.1 is read
        nonlocal read
        read += size
        if read >= size * 1000 and not two.exists():
            one.rename(two)
            log.rename(one)
            log.write_bytes(b"")

    rotating = Pipeline(sqlite_store, data_dir=state, progress=rotate_midway)
    assert rotating.ingest_file(one, IngestOptions(batch_size=500)).receipt.created == 3000
    assert two.exists()
    again = Pipeline(sqlite_store, data_dir=state)
    created = {p.name: again.ingest_file(p).receipt.created for p in (two, one, log)}
    assert created == {"auth.log.2": 0, "auth.log.1": 4000, "auth.log": 0}
    stored = originals(sqlite_store)
    assert len(stored) == len(set(stored)) == 7100
