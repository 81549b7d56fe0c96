"""Path records on a FULL volume (R11h R3): a real tmpfs of 16 KiB filled to its last block, where
creating an empty file still succeeds (it needs an inode, no data block)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from govsoc.collectors import IngestOptions, Pipeline
from govsoc.collectors import follow as follow_module
from govsoc.collectors.files.paths import PathRecords
from govsoc.store.sqlite import SqliteStore
from tests.conftest import need


@pytest.fixture
def full_volume(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "paths"
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16k,mode=755", "tmpfs", str(folder)],
                             capture_output=True).returncode == 0
    need(mounted, "mounting a tmpfs needs root (CAP_SYS_ADMIN)")
    try:
        fill = os.open(folder / "fill", os.O_WRONLY | os.O_CREAT)
        try:
            while os.write(fill, b"\0" * 4096):
                pass
        except OSError:  # ENOSPC: full
            pass
        finally:
            os.close(fill)
        (folder / "empty").write_bytes(b"")  # the volume still takes an empty file
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_writable_is_false_on_a_full_volume_and_a_failed_record_leaves_no_file(full_volume: Path) -> None:
    # R11h R3: writable() probed with an empty file, which a full volume accepts: the fail-closed
    # guard passed and a link at a new path was read (V13 V5 on a full disk); each failed record
    # write left its empty .tmp file behind.
    notices: list[str] = []
    records = PathRecords(full_volume, notice=notices.append)
    assert records.writable() is False
    assert "No space left on device" in (records.failure or "")
    before = set(os.listdir(full_volume))
    records.look(full_volume.parent / "app.log", "file")
    assert set(os.listdir(full_volume)) == before  # neither the record nor a 0-byte .tmp
    assert len(notices) == 1


@pytest.fixture
def read_only_records(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "state" / "state" / "paths"
    folder.mkdir(parents=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=16k", "tmpfs", str(folder)],
                             capture_output=True).returncode == 0
    need(mounted, "mounting a tmpfs needs root (CAP_SYS_ADMIN)")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_roots_link_in_a_root_only_folder_is_read_when_records_cannot_be_written(
        tmp_path: Path, read_only_records: Path, sqlite_store: SqliteStore) -> None:
    # R11h R9: with path records unwritable, admit() refused every link at a path with no record,
    # even root's own link in a folder only root may write (nobody else can have put it there):
    # the log was not read and the run said 0 accepted, rc 0.
    need(os.geteuid() == 0, "the link and its folder must be root's")
    logs, data = tmp_path / "var" / "log", tmp_path / "data"
    logs.mkdir(parents=True)
    data.mkdir()
    os.chmod(logs, 0o755)
    (data / "app.log").write_bytes(b"Jan  1 00:00:01 h sshd[1]: a\nJan  1 00:00:02 h sshd[2]: b\n")
    (logs / "app.log").symlink_to(data / "app.log")
    pipeline = Pipeline(sqlite_store, data_dir=tmp_path / "state")
    assert pipeline.paths.writable() is False
    summaries = follow_module.read_path(pipeline, logs / "app.log", IngestOptions(year=2026), named=True)
    assert [(s.error, s.receipt.created) for s in summaries] == [(None, 2)]
    os.chmod(logs, 0o777)  # anyone may write the folder: the guard needs the record, refused
    (logs / "app.log").unlink()
    (logs / "app.log").symlink_to(data / "app.log")
    assert follow_module.read_path(Pipeline(sqlite_store, data_dir=tmp_path / "state"), logs / "app.log",
                                   IngestOptions(year=2026), named=True) == []
