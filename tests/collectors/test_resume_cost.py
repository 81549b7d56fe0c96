"""What resuming costs: an unchanged source is one look at its first bytes and one checkpoint
lookup, whatever the number of other sources (issue 11: a folder of thousands of unchanged files
was O(N²) checkpoint scans plus two fsyncs per file)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from govsoc.collectors import IngestOptions, Pipeline
from govsoc.collectors.checkpoints import RACY_SECONDS
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


def resume_cpu_per_file(pipeline: Pipeline, paths: list[Path]) -> float:
    """CPU seconds per unchanged file, the least of five passes (process time, so that other
    processes' load does not count)."""
    time.sleep(RACY_SECONDS + 0.1)  # past the window in which a folder listing is not trusted
    passes = []
    for _ in range(5):
        began = time.process_time()
        for path in paths:
            assert pipeline.ingest_file(path, IngestOptions()).unchanged
        passes.append((time.process_time() - began) / len(paths))
    return min(passes)


def test_an_unchanged_file_costs_the_same_among_many_sources(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "events.db")
    pipeline = Pipeline(store, data_dir=tmp_path / "data")
    first = make_files(tmp_path / "a", 60)
    for path in first:
        pipeline.ingest_file(path, IngestOptions())
    few = resume_cpu_per_file(pipeline, first)
    for path in make_files(tmp_path / "b", 540):
        pipeline.ingest_file(path, IngestOptions())
    many = resume_cpu_per_file(pipeline, first)
    store.close()
    # The same 60 files, with 60 and then 600 checkpoints on disk: a scan of every checkpoint per
    # file made the second pass over 4x dearer; a lookup by fingerprint leaves it the same.
    assert many < 2.5 * few, (few, many)


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
