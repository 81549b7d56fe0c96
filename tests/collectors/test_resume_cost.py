"""What resuming costs: an unchanged source is one look at its first bytes and one checkpoint
lookup, whatever the number of other sources (issue 11: a folder of thousands of unchanged files
was O(N²) checkpoint scans plus two fsyncs per file)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from govsoc.collectors import IngestOptions, Pipeline, checkpoints
from govsoc.collectors.checkpoints import RACY_SECONDS, Checkpoint
from govsoc.store.sqlite import SqliteStore


def make_files(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True)
    paths = []
    for n in range(count):
        path = folder / f"host{n:04d}.log"
        path.write_text("".join(f"Dec 10 06:55:{i:02d} host{n} sshd[{n}]: Failed password for root from "
                                f"10.0.{n % 250}.{i} port {n} ssh2\n" for i in range(n % 7 + 1)))
        paths.append(path)
    return paths


def checkpoint_reads_per_file(pipeline: Pipeline, paths: list[Path], monkeypatch: pytest.MonkeyPatch) -> float:
    """Checkpoint files read (parsed from disk) per unchanged file, over one pass: a count, not a
    time, so that the machine's load cannot make it pass or fail."""
    time.sleep(RACY_SECONDS + 0.1)  # past the window in which a folder listing is not trusted
    reads = 0
    real = checkpoints.read_checkpoint

    def counting(path: Path) -> Checkpoint | None:
        nonlocal reads
        reads += 1
        return real(path)

    monkeypatch.setattr(checkpoints, "read_checkpoint", counting)
    try:
        for path in paths:
            assert pipeline.ingest_file(path, IngestOptions()).unchanged
    finally:
        monkeypatch.setattr(checkpoints, "read_checkpoint", real)
    return reads / len(paths)


def test_an_unchanged_file_costs_the_same_among_many_sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = SqliteStore(tmp_path / "events.db")
    pipeline = Pipeline(store, data_dir=tmp_path / "data")
    first = make_files(tmp_path / "a", 60)
    for path in first:
        pipeline.ingest_file(path, IngestOptions())
    few = checkpoint_reads_per_file(pipeline, first, monkeypatch)
    for path in make_files(tmp_path / "b", 540):
        pipeline.ingest_file(path, IngestOptions())
    many = checkpoint_reads_per_file(pipeline, first, monkeypatch)
    store.close()
    # The same 60 files, with 60 and then 600 checkpoints on disk: a scan of every checkpoint per
    # file read 60 and then 600 checkpoint files per file; a lookup by fingerprint reads the
    # file's own checkpoint and a few more, the same number however many other sources there are
    # (a cache that re-read every checkpoint once per folder change already read 13 per file).
    assert few <= 3, few
    assert many <= few + 2, (few, many)


def test_an_unchanged_run_writes_no_checkpoint(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "events.db")
    pipeline = Pipeline(store, data_dir=tmp_path / "data")
    paths = make_files(tmp_path / "logs", 20)
    for path in paths:
        pipeline.ingest_file(path, IngestOptions())
    folder = tmp_path / "data" / "state" / "sources"
    before = {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in folder.iterdir()}
    again = Pipeline(store, data_dir=tmp_path / "data")
    assert all(again.ingest_file(path, IngestOptions()).unchanged for path in paths)
    # each save is a write, an fsync, a rename and an fsync of the folder: none for nothing new
    assert {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in folder.iterdir()} == before
    # a renamed file is still recognised, and its checkpoint follows it to the new name
    moved = paths[0].with_name("renamed.log")
    os.rename(paths[0], moved)
    summary = again.ingest_file(moved, IngestOptions())
    assert summary.unchanged
    assert again.checkpoints.get(summary.identity or "") is not None
    assert again.checkpoints.at_path(str(moved))[0].identity == summary.identity
    store.close()
