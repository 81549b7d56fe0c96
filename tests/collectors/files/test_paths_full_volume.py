"""Path records on a FULL volume (R11h R3): a real tmpfs of 16 KiB filled to its last block, where
creating an empty file still succeeds (it needs an inode, no data block)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from govsoc.collectors.files.paths import PathRecords
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
