"""Copies of a log wherever logrotate puts them (collectors.copies, R11q-2..4): in its ``olddir``
folder, in the log's folder reached by another spelling (a symbolic link), under logrotate's
``extension`` names. Real logrotate, real `govsoc ingest` processes; each line stored once."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.collectors.test_copies import BANNER, numbers
from tests.collectors.test_rotation import GOVSOC, logrotate, stored, write


def ingest(home: Path, *patterns: str) -> str:
    """A one-shot `govsoc ingest` of ``patterns``; what it said."""
    done = subprocess.run([GOVSOC, "ingest", *patterns], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "GOVSOC_HOME": str(home), "GOVSOC_CONFIG": ""})
    assert done.returncode == 0, done.stderr
    return done.stdout + done.stderr


@pytest.mark.parametrize("options", [
    ("copy",),  # R11q-2 O1: the copy in old/ was stored again whole (100 of 110 twice)
    ("copytruncate",),  # held before (the copy, as long as what was read, matches the log's checkpoint): kept
])
def test_a_copy_in_the_olddir_folder_is_not_read_again(tmp_path: Path, options: tuple[str, ...]) -> None:
    logs, home = tmp_path / "logs", tmp_path / "home"
    old = logs / "old"
    old.mkdir(parents=True)
    log = logs / "app.log"
    write(log, 0, 100)
    ingest(home, str(log))  # old/ is empty yet: a glob matching nothing is an error
    logrotate(logs, log, *options, f"olddir {old}")
    write(log, 100, 10)
    said = ingest(home, str(log), str(old / "app.log*"))
    assert numbers(home) == list(range(110)), said


def test_a_copy_in_an_olddir_holding_a_link_named_as_the_log_is_not_read_again(tmp_path: Path) -> None:
    # R11s-5: a convenience link old/app.log -> ../app.log made old/ "a folder with its own log",
    # so every `copy` there was read whole again (240 stored of 75 after three rotations)
    logs, home = tmp_path / "logs", tmp_path / "home"
    old = logs / "old"
    old.mkdir(parents=True)
    log = logs / "app.log"
    write(log, 0, 30)
    ingest(home, str(log))
    (old / "app.log").symlink_to("../app.log")
    for start in (30, 45, 60):
        write(log, start, 10)
        logrotate(logs, log, "copy", "rotate 4", f"olddir {old}")
        write(log, start + 10, 5)
        said = ingest(home, str(log), str(old / "app.log.*"))
        assert numbers(home) == list(range(start + 15)), said


def test_a_copy_in_the_logs_folder_reached_by_its_real_path_is_not_read_again(tmp_path: Path) -> None:
    # R11q-3 L1: the log read through a link to its folder (/var/log/portal -> /data/logs/portal),
    # a `copy` rotation, then a run by the real path: its folder compared as spelled, the copy
    # was not judged one and stored again whole (100 of 110 twice)
    logs, home = tmp_path / "logs", tmp_path / "home"
    logs.mkdir()
    (tmp_path / "varlog").symlink_to(logs)
    log = logs / "app.log"
    write(log, 0, 100)
    ingest(home, str(tmp_path / "varlog" / "app.log"))
    logrotate(logs, log, "copy")
    write(log, 100, 10)
    said = ingest(home, str(logs / "app.log*"))
    assert numbers(home) == list(range(110)), said
    write(log, 110, 5)  # the mark, made by the real path, holds by the link's path too
    said = ingest(home, str(tmp_path / "varlog" / "app.log*"))
    assert numbers(home) == list(range(115)), said


@pytest.mark.parametrize("options", [
    ("copy", "extension .log"),  # R11q-4 E1: app.log -> app.1.log, stored again whole (100 twice)
    ("copy", "extension .log", "dateext", "dateformat -%Y%m%d"),  # E2: app.log -> app-YYYYMMDD.log
    ("copy", "extension .log", "compress"),  # app.1.log.gz: held before (taken as the log's gzip copy): kept
])
def test_a_copy_under_an_extension_name_is_not_read_again(tmp_path: Path, options: tuple[str, ...]) -> None:
    logs, home = tmp_path / "logs", tmp_path / "home"
    logs.mkdir()
    log = logs / "app.log"
    write(log, 0, 100)
    ingest(home, str(logs / "app*.log*"))
    logrotate(logs, log, *options)
    write(log, 100, 10)
    said = ingest(home, str(logs / "app*.log*"))
    assert numbers(home) == list(range(110)), said


def test_a_rename_rotation_under_an_extension_name_is_read_to_its_end(tmp_path: Path) -> None:
    # logrotate `create` + `extension .log` renames the log to app.1.log: a run of the log's path
    # looks for the file read before beside it under a rotated name; not found, its last lines
    # were said lost ("no longer at app.log nor beside it") and not read
    logs, home = tmp_path / "logs", tmp_path / "home"
    logs.mkdir()
    log = logs / "app.log"
    write(log, 0, 100)
    ingest(home, str(log))
    write(log, 100, 10)
    logrotate(logs, log, "create", "extension .log")
    write(log, 110, 5)
    said = ingest(home, str(log))
    assert numbers(home) == list(range(115)), said
    assert "not read" not in said


def test_a_copy_in_the_olddir_folder_seen_before_the_truncate_stays_known_after_it(tmp_path: Path) -> None:
    # R11q-2 (O2 with old/ named by the run in between): copytruncate into old/ by hand, a run while
    # the log still holds the copy's bytes and reads past its end, then the truncate: the copy's
    # mark, made in old/, says what it is once the log no longer can (on b8a10ad: 100 twice)
    logs, home = tmp_path / "logs", tmp_path / "home"
    old = logs / "old"
    old.mkdir(parents=True)
    log = logs / "app.log"
    write(log, 0, 100)
    ingest(home, str(log))
    (old / "app.log.1").write_bytes(log.read_bytes())  # copytruncate's copy ...
    write(log, 100, 50)
    ingest(home, str(log), str(old / "app.log*"))
    os.truncate(log, 0)  # ... and its truncate
    write(log, 150, 10)
    said = ingest(home, str(log), str(old / "app.log*"))
    assert numbers(home) == list(range(160)), said


def test_a_rotated_file_in_another_hosts_folder_is_that_hosts_not_a_copy(tmp_path: Path) -> None:
    # R11r-5: a collection tree by host; nodeB's rotated app.log.1 holds, byte for byte, the first
    # 15 lines (> 1 KB) of nodeA's live app.log. nodeB has its own app.log: its app.log.1 is that
    # log's rotation, not logrotate's olddir copy of nodeA's (on 86d4d88 refused as "a copy of a log
    # still at its path" and never stored). The other side, a folder without a log of that name
    # (olddir), stays a copy: test_a_copy_in_the_olddir_folder_is_not_read_again.
    logs, home = tmp_path / "logs", tmp_path / "home"
    node_a, node_b = logs / "nodeA", logs / "nodeB"
    node_a.mkdir(parents=True)
    node_b.mkdir()
    write(node_b / "app.log.1", 0, 15)
    write(node_b / "app.log", 100, 1)
    write(node_a / "app.log", 0, 44)
    ingest(home, str(node_a / "app.log*"))
    said = ingest(home, str(logs / "*" / "app.log*"))
    assert numbers(home) == sorted([*range(44), *range(15), 100]), said
    assert "a copy" not in said


@pytest.mark.parametrize("compress", [
    (),  # R11r-4 K4o: the stale copy, moved on to old/app.log.2, was read whole (50 of 110 twice)
    ("compress", "delaycompress"),  # K4oz: old/app.log.2.gz took the checkpoint a run later (50 twice)
])
def test_a_stale_copy_in_the_olddir_folder_is_not_read(tmp_path: Path, compress: tuple[str, ...]) -> None:
    # a copytruncate into old/ killed after its copy, no run, then the next copytruncate: the stale
    # copy's bytes are the first of the newer copy, which carries the log's checkpoint (R11q-7 in olddir)
    logs, home = tmp_path / "logs", tmp_path / "home"
    old = logs / "old"
    old.mkdir(parents=True)
    log = logs / "app.log"
    write(log, 0, 50)
    ingest(home, str(log))
    (old / "app.log.1").write_bytes(log.read_bytes())
    write(log, 50, 50)
    logrotate(logs, log, "copytruncate", f"olddir {old}", *compress)
    write(log, 100, 10)
    for _ in range(2):
        said = ingest(home, str(log), str(old / "app.log*"))
        assert numbers(home) == list(range(110)), said



def test_a_rewritten_log_copytruncated_into_the_olddir_folder_is_read(tmp_path: Path) -> None:
    # the application rewrites its log in place (the same inode, its > 1 KB banner again, 30 new
    # lines), then a copytruncate into old/: the copy has the checkpoint's first bytes and holds
    # less than was read, the log's inode is still at its path, truncated - as a copy of what was
    # read (R11r-3's O2) would; only its bytes past the first KB tell it holds new lines (8bd7f68
    # judged it such a copy: lines 100-129 never stored)
    logs, home = tmp_path / "logs", tmp_path / "home"
    old = logs / "old"
    old.mkdir(parents=True)
    log = logs / "app.log"
    log.write_text(BANNER, encoding="utf-8")
    write(log, 0, 100)
    ingest(home, str(log))
    log.write_text(BANNER, encoding="utf-8")
    write(log, 100, 30)
    logrotate(logs, log, "copytruncate", f"olddir {old}")
    write(log, 130, 10)
    for _ in range(2):
        said = ingest(home, str(log), str(old / "app.log*"))
        lines = [line for line in stored(home) if "sshd[" in line]  # the banner's lines apart
        assert sorted(int(line.split("sshd[")[1].split("]")[0]) for line in lines) == list(range(140)), said
