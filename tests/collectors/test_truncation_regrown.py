"""A followed log truncated in place (`> app.log`, copytruncate's truncate) while its writer keeps
appending, the file regrown past the read position before the read (issue 11): a real writer
thread, a real Follower on SQLite; every line written after the truncation is stored once."""

from __future__ import annotations

import os
import re
import threading
import time
from collections import Counter
from pathlib import Path
from typing import BinaryIO

import pytest

import govsoc.collectors.pipeline as pipeline_module
from govsoc.collectors import IngestOptions, Pipeline
from govsoc.collectors.follow import Follower
from govsoc.store.base import Query
from govsoc.store.sqlite import SqliteStore

FIRST = 300  # lines written, then read by the first poll, before the truncation


def line(i: int) -> bytes:
    return (f"Dec 10 07:{i // 60 % 60:02d}:{i % 60:02d} web1 sshd[{i}]: Failed password for u{i} from "
            f"10.1.0.{i % 250} port {i} ssh2\n").encode()


class Writer(threading.Thread):
    """Appends numbered lines with O_APPEND, as a logger does; truncates the log in place when
    asked, between two writes, so that the first line after the truncation is known."""

    def __init__(self, log: Path) -> None:
        super().__init__(daemon=True)
        self.log, self.written, self.after = log, 0, -1
        self.go, self.stop, self.cut, self.cut_done = (threading.Event() for _ in range(4))

    def run(self) -> None:
        fd = os.open(self.log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            while not self.stop.is_set():
                if self.written >= FIRST and not self.go.wait(0.01):
                    continue
                if self.cut.is_set() and not self.cut_done.is_set():
                    os.truncate(self.log, 0)
                    self.after = self.written
                    self.cut_done.set()
                os.write(fd, line(self.written))
                self.written += 1
                if self.written % 5 == 0:
                    time.sleep(0.001)  # fast, not a busy loop holding the GIL
        finally:
            os.close(fd)


def stored_numbers(store: SqliteStore) -> Counter[int]:
    found = (re.search(r"sshd\[(\d+)\]", str(e.get("event.original"))) for e in store.search(Query()))
    return Counter(int(m.group(1)) for m in found if m)


@pytest.mark.parametrize("regrown", [2, 40])  # KiB past the read position when the read starts
def test_a_log_truncated_and_regrown_before_the_read_stores_each_line_once(
        tmp_path: Path, sqlite_store: SqliteStore, monkeypatch: pytest.MonkeyPatch, regrown: int) -> None:
    # Issue 11: the poll looked at the file (same first bytes, same bytes before the checkpoint),
    # then the writer's log was truncated and regrew past the checkpoint before the read opened
    # it: the read went on from the old position inside the new content, under the old file's
    # checkpoint, and the next poll read the new content from 0 as a new file.
    log = tmp_path / "app.log"
    writer = Writer(log)
    writer.start()
    while writer.written < FIRST:
        time.sleep(0.01)
    opened = pipeline_module.open_content
    armed: list[int] = []

    def truncating_open(path: Path) -> BinaryIO:
        if armed and armed.pop() and path == log:
            old = log.stat().st_size
            writer.cut.set()
            assert writer.cut_done.wait(10)
            while log.stat().st_size < old + regrown * 1024:
                time.sleep(0.001)
        return opened(path)

    monkeypatch.setattr(pipeline_module, "open_content", truncating_open)
    follower = Follower(Pipeline(sqlite_store, data_dir=tmp_path / "state"), [str(log)],
                        lambda _path: IngestOptions())
    follower.poll()
    assert sum(stored_numbers(sqlite_store).values()) == FIRST
    writer.go.set()
    while writer.written < FIRST + 100:
        time.sleep(0.001)
    armed.append(1)
    follower.poll()  # the truncation comes between this poll's look and its read
    for _ in range(3):
        follower.poll()
    writer.stop.set()
    writer.join(10)
    for _ in range(2):
        follower.poll()
    counts = stored_numbers(sqlite_store)
    twice = sorted(n for n, c in counts.items() if c > 1)
    lost = [n for n in [*range(FIRST), *range(writer.after, writer.written)] if not counts[n]]
    assert (twice[:5], len(twice), lost[:5], len(lost)) == ([], 0, [], 0)
    # lines written after the first read and truncated before any read are gone from the file
    assert not any(counts[n] for n in range(FIRST, writer.after))
