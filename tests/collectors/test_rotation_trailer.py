"""A gzip copy of a log (logrotate's copytruncate + compress) told by its trailer, not decompressed.

A checkpoint keeps the CRC-32 of the content read before its position (collectors.files.read_past.CRC), folded
per chunk by the reader (collectors.files.lines.ReadStats.crc). A gzip file's trailer states the CRC-32 and the
length of its content (RFC 1952 2.3.1): a copy whose trailer states what one checkpoint read is that read's
copy, found in one pread of 8 bytes. Before (RRR11ba-1), each new copy was decompressed up to the checkpoint's
position, everything read: about 3 s per 150 MB copy in the run after a rotation, once per log rotated."""

from __future__ import annotations

import collections
import gzip
import io
import json
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from govsoc.collectors import IngestOptions, Pipeline
from govsoc.collectors.files.lines import ReadStats, read_lines
from govsoc.collectors.follow import Follower
from govsoc.store.sqlite import SqliteStore
from tests.collectors.test_rotation_copy import originals
from tests.collectors.test_rotation_twin_copies import BANNER, copytruncate

#: Lines enough for several of the reader's 1 MiB chunks: the CRC is carried from chunk to chunk.
LINES = 30_000


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the bytes of gzip content decompressed from now on (GzipFile.read and read1)."""
    counted = [0]

    def counts(method: Callable[..., bytes]) -> Callable[..., bytes]:
        def counted_read(self: gzip.GzipFile, *args: Any) -> bytes:
            data = method(self, *args)
            counted[0] += len(data)
            return data
        return counted_read

    monkeypatch.setattr(gzip.GzipFile, "read", counts(gzip.GzipFile.read))
    monkeypatch.setattr(gzip.GzipFile, "read1", counts(gzip.GzipFile.read1))
    return counted


def _setting(tmp_path: Path, store: SqliteStore) -> tuple[Path, Callable[[], None], list[str]]:
    logs = tmp_path / "logs"
    logs.mkdir()
    written: list[str] = []

    def run() -> None:  # a one-shot run: a new process's follower, one poll
        Follower(Pipeline(store, data_dir=tmp_path / "state"), [str(logs / "*.log*")],
                 lambda _path: IngestOptions()).poll()

    lines = [*BANNER, *(f"app request {k} handled with a body long enough to fill chunks" for k in range(LINES))]
    (logs / "app.log").write_text("".join(f"{line}\n" for line in lines))
    written.extend(lines)
    return logs, run, written


def test_a_gzip_copy_of_what_was_read_is_told_by_its_trailer(tmp_path: Path, sqlite_store: SqliteStore,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    logs, run, written = _setting(tmp_path, sqlite_store)
    run()
    copytruncate(logs / "app.log", compress=True, delay=False)
    size = len(gzip.decompress((logs / "app.log.1.gz").read_bytes()))
    (logs / "app.log").write_text("".join(f"{line}\n" for line in [*BANNER, "app request after handled"]))
    written.extend([*BANNER, "app request after handled"])
    counted = _counting(monkeypatch)
    run()
    # its first bytes looked at (a fingerprint), never its content up to the position: 2.6 MB on 73b8afd3
    assert counted[0] < 64 * 1024 < size
    got, expected = collections.Counter(originals(sqlite_store)), collections.Counter(written)
    assert (sorted(expected - got), sorted(got - expected)) == ([], [])  # none lost, none twice


def test_a_checkpoint_written_without_a_crc_still_loads_and_tells_its_copy(
        tmp_path: Path, sqlite_store: SqliteStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """A checkpoint of an older version keeps no CRC: the copy is then compared by its content (decompressed),
    as before, and taken by its log's checkpoint all the same."""
    logs, run, written = _setting(tmp_path, sqlite_store)
    run()
    files = list((tmp_path / "state" / "state" / "sources").glob("*.json"))
    assert len(files) == 1
    record = json.loads(files[0].read_text())
    assert "crc" in record["kept"]  # written by this version: what an older one did not write
    del record["kept"]["crc"]
    files[0].write_text(json.dumps(record))
    copytruncate(logs / "app.log", compress=True, delay=False)
    (logs / "app.log").write_text("".join(f"{line}\n" for line in BANNER))
    written.extend(BANNER)
    counted = _counting(monkeypatch)
    run()
    assert counted[0] > 1_000_000  # compared by content: the copy decompressed
    got, expected = collections.Counter(originals(sqlite_store)), collections.Counter(written)
    assert (sorted(expected - got), sorted(got - expected)) == ([], [])


@pytest.mark.parametrize("chunk_size", [
    7,        # lines cut by chunks everywhere: a position inside a chunk folds its first bytes
    1 << 20,  # the reader's own chunk: one chunk holds all
])
def test_the_crc_at_each_line_end_is_that_of_the_content_before_it(chunk_size: int) -> None:
    content = b"".join(b"line %d of a log\r\n" % k if k % 3 else b"\n" for k in range(200))
    stats = ReadStats(crcs=((0, 0),))
    crcs = {record.end or 0: stats.crc(record.end or 0)  # asked as the tracker does: its chunk still held
            for record in read_lines(io.BytesIO(content), origin="test", stats=stats, chunk_size=chunk_size)}
    assert len(crcs) > 100
    assert crcs == {end: zlib.crc32(content[:end]) for end in crcs}
    assert stats.crc(len(content)) == zlib.crc32(content)
    # inside the one chunk held, known; else its bytes no longer held: not known, never a wrong CRC
    assert stats.crc(5) == (zlib.crc32(content[:5]) if chunk_size > len(content) else None)
