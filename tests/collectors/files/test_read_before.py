"""The read guard's lead (collectors.files.read_before.ReadGuard, issue 11): the bytes before each
chunk of a plain file are read in the chunk's pread and must be those the file held before the
check (R11aj-2: two of its mechanisms had no test that fails without them)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

import pytest

import govsoc.collectors.files.lines as lines_module
import govsoc.collectors.files.read_before as read_before_module
from govsoc.collectors import IngestOptions, Pipeline
from govsoc.collectors.files.identity import open_content
from govsoc.collectors.files.lines import ReadStats, read_lines
from govsoc.collectors.files.read_before import LEAD
from govsoc.collectors.follow import Follower
from govsoc.store.sqlite import SqliteStore
from tests.collectors.test_truncation_window import BACKLOG, OLD, B, C, copytruncate, ids, line, stored


@pytest.mark.parametrize("chunk_size", [
    16, 40, LEAD - 1,  # shorter than the lead: the bytes before the next chunk span several chunks
    LEAD, 100,         # at least the lead: one chunk's last bytes are the next one's lead
])
def test_chunks_shorter_than_the_lead_read_every_line(tmp_path: Path, chunk_size: int) -> None:
    # R11aj M4: a chunk's last LEAD bytes alone as the next lead (not joined to the bytes held
    # before it) gave a lead shorter than the next read's: 0, 1 and 2 of 200 lines at 16, 40, 63
    log = tmp_path / "app.log"
    log.write_bytes(b"".join(line(i) for i in range(200)))
    stats = ReadStats()
    with open_content(log) as stream:
        records = list(read_lines(stream, origin="file://app.log", chunk_size=chunk_size, stats=stats))
    assert ([r.data + b"\n" for r in records], stats.error) == ([line(i) for i in range(200)], None)


def test_the_first_lead_is_read_before_the_check(tmp_path: Path, sqlite_store: SqliteStore,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    # A copytruncate right after the check before the read (the old content copied to app.log.1,
    # B written), the first chunk read from B, then a second copytruncate (B to app.log.1, C).
    # The lead read before the check is the old content's, so B's chunk is not taken for it. Read
    # after the check (R11aj M1), the lead is B's and agrees with the chunk: kept as read before
    # the change, B's lines were stored under the old checkpoint and again from B's copy.
    log = tmp_path / "app.log"
    log.write_bytes(b"".join(line(i) for i in OLD))
    follower = Follower(Pipeline(sqlite_store, data_dir=tmp_path / "state"), [str(log)],
                        lambda _path: IngestOptions())
    follower.poll()
    with open(log, "ab") as f:
        f.write(b"".join(line(i) for i in BACKLOG))
    with changes_at_the_first_read(monkeypatch, log):
        follower.poll()
    for _ in range(3):
        follower.poll()
    seen = set().union(*(ids(path.read_bytes()) for path in tmp_path.glob("app.log*")))
    counts = stored(sqlite_store)
    assert (sorted(n for n, c in counts.items() if c > 1)[:3], sorted(seen - set(counts))[:3]) == ([], [])
    assert set(counts) == seen == {*OLD, *BACKLOG, *B, *C}


@contextmanager
def changes_at_the_first_read(monkeypatch: pytest.MonkeyPatch, log: Path) -> Iterator[None]:
    """A copytruncate to B right after the check before the first read, one to C right after it."""
    check, read, armed = read_before_module.unchanged, lines_module._read, [True, True]

    def check_then_change(*args: object) -> bool:
        held = check(*args)  # type: ignore[arg-type]
        if armed[0]:
            armed[0] = False
            copytruncate(log, b"".join(line(i) for i in B))
        return held

    def read_then_change(stream: BinaryIO, size: int, stats: ReadStats) -> bytes:
        data = read(stream, size, stats)
        if data and not armed[0] and armed[1]:
            armed[1] = False
            copytruncate(log, b"".join(line(i) for i in C))
        return data

    monkeypatch.setattr(read_before_module, "unchanged", check_then_change)
    monkeypatch.setattr(lines_module, "_read", read_then_change)
    yield
    monkeypatch.setattr(read_before_module, "unchanged", check)
    monkeypatch.setattr(lines_module, "_read", read)
