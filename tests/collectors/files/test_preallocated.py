"""A log its writer preallocates (some appliances and databases: the file is made its full size of
NUL bytes first, then each line is written in place from offset 0 on, pwrite): its size never
changes, and its first KiB changes until it is written (R11ae nulhead: 64 of 77 lines never read,
8 stored twice, one-shot and --follow alike)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from govsoc.collectors import IngestOptions, Pipeline
from govsoc.collectors.files.padding import written_head
from govsoc.store.base import Query
from govsoc.store.sqlite import SqliteStore

#: Between runs, how many lines the writer adds: the first runs see the first KiB part NUL.
WRITES = (3, 5, 5, 20, 20, 20)


def line(i: int) -> bytes:
    return b"Dec 10 07:00:%02d web1 sshd[%d]: Failed password for u%d from 10.1.0.1 port %d ssh2\n" % (
        i % 60, i, i, i)


@pytest.mark.parametrize("final", [
    True,   # one-shot runs, each a new pipeline (`govsoc ingest` by cron)
    False,  # one pipeline polling (`govsoc ingest --follow`)
])
def test_each_line_of_a_preallocated_log_is_stored_once(tmp_path: Path, sqlite_store: SqliteStore,
                                                        final: bool) -> None:
    log = tmp_path / "app.log"
    fd = os.open(log, os.O_RDWR | os.O_CREAT, 0o644)
    os.ftruncate(fd, 256 * 1024)
    written: list[bytes] = []
    options = IngestOptions(parser="linux.auth", year=2024, final=final)
    pipeline = Pipeline(sqlite_store, data_dir=tmp_path / "state")
    try:
        for count in WRITES:
            for _ in range(count):
                os.pwrite(fd, line(len(written)), sum(map(len, written)))
                written.append(line(len(written)))
            if final:
                pipeline = Pipeline(sqlite_store, data_dir=tmp_path / "state")
            pipeline.ingest_file(log, options)
    finally:
        os.close(fd)
    stored = sorted(str(e.get("event.original")).encode() + b"\n" for e in sqlite_store.search(Query()))
    assert stored == sorted(written)  # each line once: none lost, none twice
    assert os.path.getsize(log) == 256 * 1024  # the writer never grew it: the size told nothing


@pytest.mark.parametrize(("head", "length"), [
    (b"abc" + b"\x00" * 2000, 3),           # preallocated: the NULs are not written yet
    (b"a" * 1500, 1024),                     # a long head: FINGERPRINT_BYTES, as before
    (b"abc", 3),                             # a short file: all its bytes, as before
    (b"a\x00b" + b"\x00" * 10, 3),           # a NUL inside the written bytes is theirs
    (b"\x00" * 2000, 1024),                  # all NUL (a crash's padding at the start): as before
    (b"", 0),                                # empty: as before
])
def test_the_fingerprint_leaves_out_the_nul_bytes_ending_the_head(head: bytes, length: int) -> None:
    assert written_head(head) == length
