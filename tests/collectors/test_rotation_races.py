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
from tests.collectors.test_rotation import govsoc, logrotate, new_in, stored, write


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


def gzip_copy(path: Path, target: Path, part: float = 1.0) -> None:
    """What `gzip -k` (or logrotate's compress, before it removes the original) leaves: the
    compressed copy beside the original, cut at ``part`` while it is still being written."""
    data = gzip.compress(path.read_bytes())
    target.write_bytes(data[:int(len(data) * part)])


def test_compression_window_stores_nothing_twice(tmp_path: Path, pipeline: Pipeline,
                                                 sqlite_store: SqliteStore) -> None:
    # R11 F8: while auth.log.1 and auth.log.1.gz both existed, the .gz was taken for another file
    # with the same first bytes (the plain original still at the checkpoint's path) and stored whole.
    log, one, packed = tmp_path / "auth.log", tmp_path / "auth.log.1", tmp_path / "auth.log.1.gz"
    one.write_bytes(lines(0, 2000))
    log.write_bytes(lines(10_000, 100))
    assert [pipeline.ingest_file(p).receipt.created for p in (log, one)] == [100, 2000]
    with log.open("ab") as out:
        out.write(lines(20_000, 50))
    gzip_copy(one, packed, part=0.5)  # logrotate's gzip under way
    assert [pipeline.ingest_file(p).receipt.created for p in (log, one, packed)] == [50, 0, 0]
    gzip_copy(one, packed)  # gzip -k done, the original still there
    assert [pipeline.ingest_file(p).receipt.created for p in (log, one, packed)] == [0, 0, 0]
    one.unlink()  # compression done
    assert [pipeline.ingest_file(p).receipt.created for p in (log, packed)] == [0, 0]
    stored = originals(sqlite_store)
    assert len(stored) == len(set(stored)) == 2150


def test_compressed_file_with_the_same_start_is_still_a_file_of_its_own(tmp_path: Path, pipeline: Pipeline,
                                                                         sqlite_store: SqliteStore) -> None:
    # the other side of F8: a .gz that only shares the plain file's first KiB is read whole
    first, other = tmp_path / "a.log", tmp_path / "b.log"
    first.write_bytes(lines(0, 300))
    other.write_bytes(lines(0, 20) + lines(5000, 200))
    assert pipeline.ingest_file(first).receipt.created == 300
    gzip_copy(other, tmp_path / "b.log.gz")
    assert pipeline.ingest_file(tmp_path / "b.log.gz").receipt.created == 220


def test_copytruncate_of_a_file_with_a_fixed_header_stores_nothing_twice(tmp_path: Path) -> None:
    # R11 F1: the truncated file keeps its inode and, with its header written again, the old
    # checkpoint's fingerprint: the copy was taken for another file with the same start, stored
    # whole a second time, and the old file said to be "rotated away".
    logs, home = tmp_path / "log", tmp_path / "home"
    logs.mkdir()
    log, pattern = logs / "auth.log", str(logs / "auth.log*")
    header = b"".join(b"# govsoc test log, fixed banner line %02d -------------------------------------------\n" % i
                      for i in range(16))  # 1.4 KiB, more than the fingerprint's 1 KiB
    log.write_bytes(header)
    write(log, 0, 1000)
    assert new_in(govsoc(home, "ingest", pattern)) == 1016
    logrotate(logs, log, "copytruncate")
    with log.open("ab") as out:
        out.write(header)  # the program writes its banner again
    write(log, 5000, 300)
    out = govsoc(home, "ingest", pattern)
    assert new_in(out) == 316 and "rotated away" not in out
    stored_lines = stored(home)
    assert len(stored_lines) == 1332 and len(set(stored_lines)) == 1316  # the banner's 16 lines twice, in 2 files


def test_copytruncate_during_a_read_stores_nothing_twice(tmp_path: Path, sqlite_store: SqliteStore) -> None:
    # R11 F2, second trigger: copytruncate during the read, the program then writing past the
    # reader's position. The checkpoint's tail was taken from the new content (by path, then by
    # the same descriptor), so the copy did not match it and was stored whole a second time; and
    # the reader went on into the new content as if it were the old file's.
    log, one = tmp_path / "auth.log", tmp_path / "auth.log.1"
    log.write_bytes(lines(0, 3000))
    state = tmp_path / "state"
    read = 0

    def copytruncate_midway(size: int) -> None:
        nonlocal read
        read += size
        if read >= size * 1000 and not one.exists():
            one.write_bytes(log.read_bytes())
            with log.open("r+b") as out:
                out.truncate(0)
            log.write_bytes(lines(10_000, 4000))  # longer than the read position

    rotating = Pipeline(sqlite_store, data_dir=state, progress=copytruncate_midway)
    assert rotating.ingest_file(log, IngestOptions(batch_size=500)).receipt.created == 3000
    again = Pipeline(sqlite_store, data_dir=state)
    created = {p.name: again.ingest_file(p).receipt.created for p in (one, log)}
    assert created == {"auth.log.1": 0, "auth.log": 4000}
    stored = originals(sqlite_store)
    assert len(stored) == len(set(stored)) == 7000


@pytest.mark.parametrize("copied", [True, False])  # copytruncate; an admin's `: > auth.log` (no copy)
def test_truncation_below_the_read_position_is_said_and_stores_no_fragment(tmp_path: Path, sqlite_store: SqliteStore,
                                                                           copied: bool) -> None:
    # R11e F1: truncated under the reader to less than its position, the file's next read gave
    # b"" and was taken as its end: the start of the line cut at the end of the chunk read was
    # stored as the file's unterminated last line (flagged partial), and nothing said the file
    # changed during the read.
    log, one = tmp_path / "auth.log", tmp_path / "auth.log.1"
    log.write_bytes(lines(0, 30_000))  # 3 MiB: several chunks, a line cut at the end of the first
    state = tmp_path / "state"
    read = 0

    def truncate_midway(size: int) -> None:
        nonlocal read
        read += size
        if read >= 100_000 and log.stat().st_size:
            if copied:
                one.write_bytes(log.read_bytes())
            with log.open("r+b") as out:
                out.truncate(0)

    summary = Pipeline(sqlite_store, data_dir=state, progress=truncate_midway).ingest_file(log)
    assert summary.partial == 0
    assert summary.read_error is not None and "the file changed before byte" in summary.read_error
    first = originals(sqlite_store)
    assert len(first) == len(set(first)) == summary.receipt.created
    assert set(first) <= {line.decode() for line in lines(0, 30_000).splitlines()}  # whole lines only
    if copied:  # the rest is read from the copy, once
        assert Pipeline(sqlite_store, data_dir=state).ingest_file(one).receipt.created == 30_000 - len(first)
        stored = originals(sqlite_store)
        assert len(stored) == len(set(stored)) == 30_000
