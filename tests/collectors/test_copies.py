"""A copy of a log judged so while the log held its bytes stays known as one after the log is
truncated (collectors.copies' marks, R11o-1): real logrotate, real `govsoc ingest` processes,
kills."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import pytest

from govsoc.collectors import IngestOptions, Pipeline, checkpoint_file, copies
from govsoc.collectors.files.identity import FileView, look
from govsoc.collectors.follow import Follower
from govsoc.collectors.registration import REGISTRY_LOCK
from govsoc.store.base import Query
from govsoc.store.sqlite import SqliteStore
from tests.collectors.test_rotation import GOVSOC, logrotate, stored, write


def numbers(home: Path) -> list[int]:
    return sorted(int(line.split("sshd[")[1].split("]")[0]) for line in stored(home))


def ingest(home: Path, pattern: str, crash_at: str = "") -> int:
    """A one-shot `govsoc ingest` of ``pattern``; its exit status (-9: killed at ``crash_at``)."""
    done = subprocess.run([GOVSOC, "ingest", pattern], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "GOVSOC_HOME": str(home), "GOVSOC_CONFIG": "",
                               "GOVSOC_CRASH_AT": crash_at})
    assert done.returncode in (0, -9), done.stderr
    return done.returncode


def killed_copytruncate(logs: Path, run: Callable[[str], None], compress: tuple[str, ...]) -> None:
    """app.log read; a copytruncate killed between its copy and its truncate (the copy app.log.1,
    the log not truncated; ``run("copy")`` sees it); the log grows on; two normal copytruncate
    rotations, the log growing between: 120 lines in all."""
    log = logs / "app.log"
    write(log, 0, 50)
    run("")
    shutil.copy(log, logs / "app.log.1")
    run("copy")
    write(log, 50, 50)
    run("")
    for start in (100, 110):
        logrotate(logs, log, "copytruncate", *compress)
        write(log, start, 10)
        run("")


@pytest.mark.parametrize("compress", [
    (),  # the stale copy becomes app.log.2: lines 0-49 were stored twice
    ("compress",),  # logrotate moves the stale plain app.log.1 aside (app.log.1-<hour>.backup): read whole too
])
def test_a_copy_left_by_a_killed_copytruncate_is_not_read_by_later_runs(tmp_path: Path,
                                                                         compress: tuple[str, ...]) -> None:
    logs, home = tmp_path / "log", tmp_path / "home"
    logs.mkdir()
    codes: list[int] = []
    killed_copytruncate(logs, lambda _when: codes.append(ingest(home, str(logs / "app.log*"))), compress)
    assert codes == [0] * 5
    assert numbers(home) == list(range(120))


@pytest.mark.parametrize("compress", [
    (),  # as above, each round a follower started again (a restart): lines 0-49 stored twice
    ("compress",),  # the same with compression
])
def test_a_copy_left_by_a_killed_copytruncate_is_not_read_by_a_restarted_follower(
        tmp_path: Path, sqlite_store: SqliteStore, compress: tuple[str, ...]) -> None:
    logs = tmp_path / "log"
    logs.mkdir()

    def run(_when: str) -> None:
        follower = Follower(Pipeline(sqlite_store, data_dir=tmp_path / "state"), [str(logs / "app.log*")],
                            lambda _path: IngestOptions())
        follower.poll()
        follower.poll()

    killed_copytruncate(logs, run, compress)
    assert sorted(int(str(e.get("event.original")).split("sshd[")[1].split("]")[0])
                  for e in sqlite_store.search(Query())) == list(range(120))


@pytest.mark.parametrize("crash_at", [
    "copy-judged",  # killed after the copy was judged, before its mark was saved: judged again next run
    "copy-marked",  # killed right after its mark was saved: the mark is whole (atomic write)
])
def test_a_kill_while_a_copy_is_marked_loses_nothing_and_stores_nothing_twice(tmp_path: Path, crash_at: str) -> None:
    logs, home = tmp_path / "log", tmp_path / "home"
    logs.mkdir()
    codes: list[int] = []
    killed_copytruncate(logs, lambda when: codes.append(ingest(home, str(logs / "app.log*"),
                                                               crash_at if when == "copy" else "")), ())
    assert codes[1] == -9  # the crash point was reached
    assert numbers(home) == list(range(120))


def test_a_copy_is_compared_outside_the_registry_lock_and_the_log_opened_once(
        tmp_path: Path, sqlite_store: SqliteStore, monkeypatch: pytest.MonkeyPatch) -> None:
    # R11o-6: the whole comparison of a copy with its log (~1 s per 200 MB) ran under the registry
    # lock, which every other file's registration (other processes' too) waits for; and copied()
    # opened the log by name twice per judgment (_still_elsewhere, then _copy_of): 3 with match's
    log = tmp_path / "app.log"
    write(log, 0, 10)
    pipeline = Pipeline(sqlite_store, data_dir=tmp_path / "state")
    pipeline.ingest_file(log)
    write(log, 10, 2000)
    copy = tmp_path / "app.log.1"
    shutil.copyfile(log, copy)
    registry = pipeline.checkpoints.folder / f"{REGISTRY_LOCK}.lock"
    free_while_compared: list[bool] = []
    compare = copies.copy_extent

    def copy_extent(view: FileView, original: BinaryIO) -> tuple[int, str | None] | None:
        with registry.open("a") as other:  # as another process would: a lock of its own
            try:
                fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
                free_while_compared.append(True)
                fcntl.flock(other, fcntl.LOCK_UN)
            except BlockingIOError:
                free_while_compared.append(False)
        return compare(view, original)

    monkeypatch.setattr(copies, "copy_extent", copy_extent)
    opened: list[str] = []
    monkeypatch.setattr(checkpoint_file, "open", lambda path, *a: opened.append(str(path)) or open(path, *a),
                        raising=False)
    for _look in range(2):  # judged, then asked again at the next look
        opened.clear()
        assert pipeline.known(look(copy), IngestOptions()) == (None, None)
        assert opened == [str(log), str(log)]  # match's look at the log, the comparison (or its check)
    assert free_while_compared == [True]


@pytest.mark.parametrize("content", [
    b'{"log": "x", "marks": [{"folder": "/logs", "size": 1e999, "tail": null}]}',  # int(inf): OverflowError
    b"[" * 100_000,  # json's decoder recursed out (RecursionError)
    b'{"log": "x", "marks": [{"folder": "/logs", "size": -5, "tail": [1, 2]}]}',  # no size, no digest
    b'{"log": "x", "marks": [{"folder": "/logs", "size": true, "tail": {"a": 1}}]}',  # a bool is no size
    b'{"log": "x", "marks": [{"folder": 7, "size": 5, "tail": null}]}',  # a folder that is no text
    b'{"log": "x", "marks": []}' + b" " * (copies.MARKS_BYTES + 1),  # more than marks take: not read
])
def test_a_damaged_marks_file_is_said_and_holds_none(tmp_path: Path, content: bytes) -> None:
    # R11q-1: a marks file damaged (a crash, a full disk, whoever may write the state folder) stopped
    # every later run of the folder with "internal error" (OverflowError, RecursionError): the log's
    # new lines were never read until someone deleted the file
    (tmp_path / "x.json").write_bytes(content)
    said: list[str] = []
    assert copies.CopyMarks(tmp_path, said.append).of("x") == []
    assert len(said) == 1 and "damaged copy marks" in said[0]


#: A start-up banner over FINGERPRINT_BYTES that the application writes at the top of each new log:
#: every generation of the log has one fingerprint (R11p's harness)
BANNER = "".join(f"# GovPortal 政务服务平台 audit log, format v3.2, line {i:02d}: fields time host prog[pid] message\n"
                 for i in range(14))


@pytest.mark.parametrize("rewrite", [
    False,  # create + compress, two rotations between two runs of `govsoc ingest app.log` (R11p S2z)
    True,  # the application rewrites its log, then copytruncate + compress (R11p S1z)
])
def test_an_unread_generation_compressed_at_once_is_read(tmp_path: Path, rewrite: bool) -> None:
    # R11p-8: the unread generation, gzipped by logrotate at once and opening with the log's banner,
    # matched the older generation's checkpoint (a compressed file was taken as holding what was read
    # of it without a look) and was "read" from that one's position past its end: 0 records, lines
    # 100-129 never stored (on 5edafa7 and after F11r's copies alike)
    logs, home = tmp_path / "logs", tmp_path / "home"
    logs.mkdir()
    log = logs / "app.log"
    log.write_text(BANNER, encoding="utf-8")
    write(log, 0, 100)
    ingest(home, str(log))
    if rewrite:
        log.write_text(BANNER, encoding="utf-8")
        write(log, 100, 30)
        logrotate(logs, log, "copytruncate", "compress")
        write(log, 130, 10)
    else:
        logrotate(logs, log, "create", "compress")
        log.write_text(BANNER, encoding="utf-8")
        write(log, 100, 30)
        logrotate(logs, log, "create", "compress")
        log.write_text(BANNER, encoding="utf-8")
        write(log, 130, 10)
    ingest(home, str(log))
    ingest(home, str(logs / "app.log*"))
    # the banner's lines are stored too (kept unparsed), once a generation: counted apart
    lines = [line for line in stored(home) if "sshd[" in line]
    assert sorted(int(line.split("sshd[")[1].split("]")[0]) for line in lines) == list(range(140))


@pytest.mark.parametrize("crash_at", [
    "",  # the copy judged and marked, the log's 20 new lines read (R11q-9's K5n)
    "copy-marked",  # the run killed right after the mark, the log read short of the copy's end (K5)
    "copy-judged",  # killed before the mark was saved: nothing says the copy is one (K5, no mark)
])
def test_a_marked_copy_rotated_on_by_a_rename_does_not_take_the_logs_checkpoint(tmp_path: Path,
                                                                                 crash_at: str) -> None:
    # R11q-9: a copy beside the log (`cp`, logrotate's `copy`), judged and marked a copy, then an
    # ordinary rename rotation (the copy -> app.log.2, the log -> app.log.1): the copy was matched to
    # the log's checkpoint by its bytes before its mark was looked at, and the log itself, app.log.1,
    # read again from byte 0: 120 lines stored twice. Killed at the mark (K5), the mark does not hold
    # (R11o-4: the log was read short of the copy's end), and the copy took the checkpoint by its bytes
    # although the log's own inode was still there, at app.log.1: 120 lines twice again
    logs, home = tmp_path / "logs", tmp_path / "home"
    logs.mkdir()
    log = logs / "app.log"
    write(log, 0, 100)
    ingest(home, str(logs / "app.log*"))
    write(log, 100, 20)
    shutil.copy(log, logs / "app.log.1")
    assert ingest(home, str(logs / "app.log*"), crash_at) == (-9 if crash_at else 0)
    write(log, 120, 5)
    logrotate(logs, log, "create")
    write(log, 125, 10)
    for _ in range(2):
        ingest(home, str(logs / "app.log*"))
    assert numbers(home) == list(range(135))


@pytest.mark.parametrize("compress", [
    (),  # the stale copy app.log.2 (visited first) took the log's checkpoint; app.log.1 read whole
    ("compress", "delaycompress"),  # the same with the stale copy gzipped (app.log.2.gz)
])
def test_a_copy_left_by_a_killed_copytruncate_with_no_run_before_the_next_rotation_is_not_read(
        tmp_path: Path, compress: tuple[str, ...]) -> None:
    # R11q-7: a copytruncate killed between its copy and its truncate, no `govsoc ingest` before the
    # next rotation (no mark is ever made); that rotation moves the stale copy to app.log.2 and the
    # log's own copy to app.log.1: the stale copy, exactly what was read, took the log's checkpoint
    # and app.log.1 was read from byte 0 - lines 0-49 stored twice
    logs, home = tmp_path / "logs", tmp_path / "home"
    logs.mkdir()
    log = logs / "app.log"
    write(log, 0, 50)
    ingest(home, str(logs / "app.log*"))
    shutil.copy(log, logs / "app.log.1")
    write(log, 50, 50)
    logrotate(logs, log, "copytruncate", *compress)
    write(log, 100, 10)
    for _ in range(2):
        ingest(home, str(logs / "app.log*"))
    assert numbers(home) == list(range(110))

