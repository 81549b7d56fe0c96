"""A followed log truncated in place at a chosen moment of a poll (issue 11, R11ae-1, R11ae-2):
right after the read's first chunk came back (its lines were in the file when read), right
before it (after the check before the read), or between the look that matched the checkpoint and
the read. A real Follower on SQLite; every line that was in the file when a read could reach it
is stored once, the truncated file's copy (copytruncate's app.log.1) included."""

from __future__ import annotations

import os
import re
from collections import Counter
from pathlib import Path
from typing import BinaryIO

import pytest

import govsoc.collectors.files.lines as lines_module
import govsoc.collectors.pipeline as pipeline_module
from govsoc.collectors import IngestOptions, Pipeline
from govsoc.collectors.files.lines import ReadStats
from govsoc.collectors.follow import Follower
from govsoc.store.base import Query
from govsoc.store.sqlite import SqliteStore

OLD, MORE, NEW = range(300), range(300, 500), range(1000, 1400)


def line(i: int, tag: str = "") -> bytes:
    return (f"Dec 10 07:{i // 60 % 60:02d}:{i % 60:02d} web1 sshd[{i}]: Failed password for {tag}u{i} from "
            f"10.1.0.{i % 250} port {i} ssh2\n").encode()


def change(log: Path, how: str) -> None:
    """`> app.log` (plain), then 400 new lines (regrow), or copied to app.log.1 first (copytrunc)."""
    if how == "copytrunc":
        log.with_name("app.log.1").write_bytes(log.read_bytes())
    os.truncate(log, 0)
    if how != "plain":
        with open(log, "ab") as f:
            f.write(b"".join(line(i, "n") for i in NEW))


def stored(store: SqliteStore) -> Counter[int]:
    found = (re.search(r"sshd\[(\d+)\]", str(e.get("event.original"))) for e in store.search(Query()))
    return Counter(int(m.group(1)) for m in found if m)


@pytest.mark.parametrize(("where", "how", "unreadable"), [
    # R11ae-1: truncated right after read() returned lines 300-499: they were in the file, kept
    ("read", "plain", ()),
    ("read", "regrow", ()),
    # the chunk kept, read to the old content's end: app.log.1 matches it there, nothing twice
    ("read", "copytrunc", ()),
    # truncated after the check before the read, then read: the chunk holds the new content at the
    # old position (the same bytes there when read again): dropped, the new file read from 0
    ("in", "regrow", MORE),
    # ... and the read keeps nothing: app.log.1 read on from the old checkpoint (R11ae-2)
    ("in", "copytrunc", ()),
    # truncated before the read: lines 300-499 were never readable from app.log
    ("look", "plain", MORE),
    # the read starts in the new content: dropped (it was read on under the old checkpoint)
    ("look", "regrow", MORE),
    # R11ae-2: the read kept nothing, the checkpoint keeps the old content's tail: app.log.1 is
    # read on from it (300-499), not from 0 as a new file (0-299 twice)
    ("look", "copytrunc", ()),
])
def test_a_log_truncated_during_a_poll_stores_each_readable_line_once(
        tmp_path: Path, sqlite_store: SqliteStore, monkeypatch: pytest.MonkeyPatch, where: str, how: str,
        unreadable: range | tuple[int, ...]) -> None:
    log = tmp_path / "app.log"
    log.write_bytes(b"".join(line(i) for i in OLD))
    follower = Follower(Pipeline(sqlite_store, data_dir=tmp_path / "state"), [str(log)],
                        lambda _path: IngestOptions())
    follower.poll()
    with open(log, "ab") as f:
        f.write(b"".join(line(i) for i in MORE))
    armed = [1]
    read, opened = lines_module._read, pipeline_module.open_content

    def read_then_change(stream: BinaryIO, size: int, stats: ReadStats) -> bytes:
        if where == "in" and armed and armed.pop():
            change(log, how)
        data = read(stream, size, stats)
        if data and armed and armed.pop():
            change(log, how)
        return data

    def change_then_open(path: Path) -> BinaryIO:
        if path == log and armed and armed.pop():
            change(log, how)
        return opened(path)

    if where in ("read", "in"):
        monkeypatch.setattr(lines_module, "_read", read_then_change)
    else:
        monkeypatch.setattr(pipeline_module, "open_content", change_then_open)
    for _ in range(4):
        follower.poll()
    counts = stored(sqlite_store)
    expected = [*OLD, *(n for n in MORE if n not in unreadable), *(() if how == "plain" else NEW)]
    twice = sorted(n for n, c in counts.items() if c > 1)
    lost = [n for n in expected if not counts[n]]
    assert (twice[:3], len(twice), lost[:3], len(lost)) == ([], 0, [], 0)
    assert sum(counts.values()) == len(expected)


CHUNK, BACKLOG, B, C = 8192, range(300, 900), range(1000, 1700), range(2000, 2100)


def copytruncate(log: Path, new: bytes) -> None:
    """logrotate's copytruncate (app.log.1 -> .2 first), then the writer appends ``new``."""
    one = log.with_name("app.log.1")
    if one.exists():
        os.rename(one, log.with_name("app.log.2"))
    one.write_bytes(log.read_bytes())
    os.truncate(log, 0)
    with open(log, "ab") as f:
        f.write(new)


def ids(data: bytes) -> set[int]:
    return {int(n) for n in re.findall(rb"sshd\[(\d+)\]: [^\n]*\n", data)}


@pytest.mark.parametrize("k", [1, 2, 3])
@pytest.mark.parametrize("second", [
    # R11ah-1: chunk K read from B (copytruncate just before it); then a second change of B's range:
    # another copytruncate (B to app.log.1), B rewritten in place, B's NULs filled (an mmap writer).
    # Each kept chunk K as read before the change: B's lines under the old checkpoint, then the old
    # content's copy read from 0 (old lines twice) and B read again as a new file
    "copytrunc", "rewrite", "fill",
    # no second change: chunk K dropped (the same bytes on re-read), B read from 0 once
    "none",
    # `> app.log` right after read K only: chunk K was read from the old content: kept (its lines
    # are gone from disk after it; 5e99e32 dropped them: lost)
    "plainafter",
])
def test_a_truncation_during_a_poll_of_several_chunks_stores_each_line_once(
        tmp_path: Path, sqlite_store: SqliteStore, monkeypatch: pytest.MonkeyPatch, k: int, second: str) -> None:
    poll_with_changes(tmp_path, sqlite_store, monkeypatch, k, second, OLD, looked_at=True)


@pytest.mark.parametrize("looked_at", [True, False])
@pytest.mark.parametrize("second", ["copytrunc", "rewrite", "fill", "none", "plainafter"])
def test_a_truncation_before_the_first_chunk_of_a_file_read_from_its_start_stores_each_line_once(
        tmp_path: Path, sqlite_store: SqliteStore, monkeypatch: pytest.MonkeyPatch, second: str,
        looked_at: bool) -> None:
    # R11aj-1 (HIGH, of F11u 5d22f4ea): a file registered empty (looked at) or never looked at, read
    # from byte 0: no bytes stand before its first chunk, so a chunk read from the new content after
    # a copytruncate, changed again, was kept (10,973 lines twice; 0 on 21297ae, whose first read
    # returned the old bytes buffered at the open)
    poll_with_changes(tmp_path, sqlite_store, monkeypatch, 1, second, range(0), looked_at=looked_at)


def poll_with_changes(tmp_path: Path, sqlite_store: SqliteStore, monkeypatch: pytest.MonkeyPatch, k: int,
                      second: str, old: range, *, looked_at: bool) -> None:
    """``old`` lines polled (when ``looked_at``), BACKLOG appended, then a copytruncate to B just
    before read ``k`` of the next poll and ``second`` just after it: each line stored once."""
    log = tmp_path / "app.log"
    log.write_bytes(b"".join(line(i) for i in old))
    follower = Follower(Pipeline(sqlite_store, data_dir=tmp_path / "state"), [str(log)],
                        lambda _path: IngestOptions())
    if looked_at:
        follower.poll()
    with open(log, "ab") as f:
        f.write(b"".join(line(i) for i in BACKLOG))
    read, calls, seen = lines_module._read, [0], set[int]()

    def change_around_read_k(stream: BinaryIO, size: int, stats: ReadStats) -> bytes:
        calls[0] += 1
        at, text = stats.read_to, b"".join(line(i) for i in B)
        if calls[0] == k and second == "fill":  # a restarted writer: its text, then NULs it fills in place
            copytruncate(log, text[:at + CHUNK // 2] + b"\0" * (8 * CHUNK))
        elif calls[0] == k and second != "plainafter":
            copytruncate(log, text)
        data = read(stream, min(size, CHUNK), stats)
        if calls[0] != k or not data:
            return data
        if second == "plainafter":  # the lines this read reached (after 64 bytes before it, or not) were read
            lead = 0 if data.startswith(os.pread(stream.fileno(), 64, at)) else min(64, at)
            seen.update(ids(log.read_bytes()[:at - lead + len(data)]))
            os.truncate(log, 0)
        elif second == "copytrunc":
            copytruncate(log, b"".join(line(i) for i in C))
        elif second == "rewrite":
            with open(log, "r+b") as f:
                now = os.pread(f.fileno(), len(data), at)
                f.seek(at)
                f.write(now.replace(b"Failed", b"FAILED"))
        elif second == "fill":
            with open(log, "r+b") as f:
                f.seek(at + CHUNK // 2)
                f.write(text[at + CHUNK // 2:at + 9 * CHUNK // 2])
        return data

    monkeypatch.setattr(lines_module, "_read", change_around_read_k)
    for _ in range(4):
        follower.poll()
    for name in ("app.log", "app.log.1", "app.log.2"):
        if (tmp_path / name).exists():
            seen |= ids((tmp_path / name).read_bytes())
    counts = stored(sqlite_store)
    twice = sorted(n for n, c in counts.items() if c > 1)
    lost = sorted(seen - set(counts))
    assert (twice[:3], len(twice), lost[:3], len(lost)) == ([], 0, [], 0)
    assert set(counts) == seen
