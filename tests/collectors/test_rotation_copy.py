"""A poll between logrotate's copy and its truncate (copytruncate), or after a ``copy`` that
leaves the log as it is: the copy beside the log holds lines read, or to be read, from the log
itself; it is not a new file (CI of stop 35's predecessor: 68 events stored for 56 lines)."""

from __future__ import annotations

import gzip
import json
import os
import shutil
from pathlib import Path

import pytest

from govsoc.collectors import IngestOptions, Pipeline
from govsoc.collectors.follow import Follower
from govsoc.store.base import Query
from govsoc.store.sqlite import SqliteStore
from tests.collectors.test_rotation import logrotate, write


def followed(folder: Path, store: SqliteStore, lines: int, pattern: str = "auth.log") -> tuple[Path, Follower]:
    """auth.log in ``folder`` with ``lines`` lines, and a follower of ``pattern`` that read them."""
    log = folder / "auth.log"
    follower = Follower(Pipeline(store, data_dir=folder / "state"), [str(folder / pattern)],
                        lambda _path: IngestOptions())
    write(log, 0, lines)
    follower.poll()
    return log, follower


def originals(store: SqliteStore) -> list[str]:
    return [str(e.get("event.original")) for e in store.search(Query())]


def numbers(store: SqliteStore) -> list[int]:
    return sorted(int(line.split("sshd[")[1].split("]")[0]) for line in originals(store))


def truncate(log: Path) -> None:
    with log.open("r+b") as out:  # logrotate's copytruncate: the same inode, emptied
        out.truncate(0)


def put_in_place(copy: Path, folder: Path, *, compress: bool) -> None:
    """A copy made aside put beside its log in ``folder``, gzipped (logrotate's copytruncate + compress) or not."""
    if compress:
        with copy.open("rb") as plain, gzip.open(folder / f"{copy.name}.gz", "wb") as packed:
            shutil.copyfileobj(plain, packed)
    else:
        os.rename(copy, folder / copy.name)


@pytest.mark.parametrize(("pattern", "copied"), [("auth.log", 1.0), ("auth.log*", 1.0), ("auth.log", 0.5)])
def test_a_poll_between_the_copy_and_the_truncate_stores_each_line_once(tmp_path: Path, sqlite_store: SqliteStore,
                                                                        pattern: str, copied: float) -> None:
    # The poll in the window: auth.log.1 is the copy, auth.log not truncated yet. The copy was
    # taken for a rotated file never read, registered anew and read whole: lines 0-39, read from
    # auth.log before, stored twice (its identity is not auth.log's: other event ids). With the
    # glob `auth.log*`, auth.log.1 is a followed path of its own: the same; ``copied`` 0.5: the
    # poll sees the copy half written (logrotate copies in blocks).
    copy = tmp_path / "auth.log.1"
    log, follower = followed(tmp_path, sqlite_store, 40, pattern)
    write(log, 40, 10)  # not read yet when logrotate copies
    data = log.read_bytes()
    copy.write_bytes(data[:int(len(data) * copied) + 7] if copied < 1 else data)
    said = follower.poll()
    # R11o-3: the copy's line said "empty, nothing to read" for a 4 KiB file
    if pattern == "auth.log*":
        assert {s.line() for s in said if s.source.endswith("auth.log.1")} == {
            f"{copy}: a copy of a log still at its path (logrotate copy or copytruncate under way): "
            "its lines are read there"}
    copy.write_bytes(data)
    truncate(log)
    write(log, 50, 5)
    follower.poll()
    follower.poll()
    assert numbers(sqlite_store) == list(range(55))


def test_logrotates_copy_leaves_the_log_and_is_not_read_again(tmp_path: Path, sqlite_store: SqliteStore) -> None:
    # logrotate's ``copy``: the log stays as it is and grows on; the copy holds lines of the log
    log, follower = followed(tmp_path, sqlite_store, 30)
    write(log, 30, 5)
    shutil.copy2(log, tmp_path / "auth.log.1")
    for start in (35, 40):
        follower.poll()
        write(log, start, 5)
    follower.poll()
    assert numbers(sqlite_store) == list(range(45))


def test_an_older_file_that_starts_as_the_log_does_is_still_read(tmp_path: Path, sqlite_store: SqliteStore) -> None:
    # Not a copy: a rotated file longer than the log, whose first lines are the log's, written
    # after the first look: a file of its own, read whole, as before (its first three lines are
    # the log's by their text, two events each: one per file).
    log, follower = followed(tmp_path, sqlite_store, 3)
    older = tmp_path / "auth.log.1"
    older.write_bytes(log.read_bytes())
    write(older, 3, 7)
    os.utime(older)
    follower.poll()
    follower.poll()
    assert numbers(sqlite_store) == [0, 0, 1, 1, 2, 2, *range(3, 10)]


def test_the_same_bytes_in_another_folder_are_a_source_of_their_own(tmp_path: Path,
                                                                    sqlite_store: SqliteStore) -> None:
    # two hosts' logs (or a test's two fixtures) that hold the same lines: each is read (the copy
    # rule is for the log's rotated names only; tests/cli/test_ingest_classification.py saw it)
    log, follower = followed(tmp_path, sqlite_store, 10)
    other = tmp_path / "other"
    other.mkdir()
    (other / "auth.log").write_bytes(log.read_bytes())
    (tmp_path / "auth.log.old").write_bytes(log.read_bytes())  # not a name logrotate gives
    pipeline = follower.pipeline
    assert pipeline.ingest_file(other / "auth.log").receipt.created == 10
    assert pipeline.ingest_file(tmp_path / "auth.log.old").receipt.created == 10


def test_a_copy_judged_once_is_judged_again_when_the_log_changed(tmp_path: Path, sqlite_store: SqliteStore) -> None:
    # R11o-4: a file once found to be a copy of the log stayed one for the process while its own
    # state was unchanged, whatever the log became: whoever may write the log made auth.log hold
    # auth.log.1's lines while auth.log.1 was polled, and put it back; auth.log.1's 20 lines were
    # never stored (0 of 20) until a restart. One process following both (as `--follow auth.log
    # auth.log.1`: two patterns, polled one after the other).
    log, rotated = tmp_path / "auth.log", tmp_path / "auth.log.1"
    log.write_bytes(b"Dec 10 07:")  # no line yet: registered with a 10-byte fingerprint
    pipeline = Pipeline(sqlite_store, data_dir=tmp_path / "state")
    live, other = (Follower(pipeline, [str(p)], lambda _path: IngestOptions()) for p in (log, rotated))
    live.poll()
    write(rotated, 0, 20)
    with log.open("r+b") as out:  # the same inode: auth.log.1's bytes, then its own
        out.write(rotated.read_bytes() + b"Dec 10 07:")
    other.poll()
    with log.open("r+b") as out:
        out.truncate(10)
    for _ in range(2):
        other.poll()
        live.poll()
    assert numbers(sqlite_store) == list(range(20))


@pytest.mark.parametrize("options", [
    # R11o-5: auth.log.1 is a plain copy (copied()), auth.log.2.gz made from it at the next
    # rotation took the live log's checkpoint through compressed_copy(): every line stored twice
    ("copy", "compress", "delaycompress"),
    # the copy compressed at once (auth.log.1.gz), no plain copy left: passed before too (a guard)
    ("copy", "compress"),
])
@pytest.mark.parametrize("restart", [
    False,  # one follower of the glob, polling on
    True,  # a new follower at each round: the judgment comes from the files, not from the process
])
def test_logrotates_compressed_copies_are_not_read_again(tmp_path: Path, sqlite_store: SqliteStore,
                                                         options: tuple[str, ...], restart: bool) -> None:
    logs = tmp_path / "log"
    logs.mkdir()
    log = logs / "auth.log"
    pipeline = Pipeline(sqlite_store, data_dir=tmp_path / "state")
    follower = Follower(pipeline, [str(logs / "auth.log*")], lambda _path: IngestOptions())
    written = 0
    for _ in range(4):
        write(log, written, 10)
        written += 10
        follower.poll()
        logrotate(logs, log, *options)
        write(log, written, 5)  # the log grows on after its copy
        written += 5
        if restart:
            follower = Follower(Pipeline(sqlite_store, data_dir=tmp_path / "state"), [str(logs / "auth.log*")],
                                lambda _path: IngestOptions())
        follower.poll()
        follower.poll()
    assert any(p.suffix == ".gz" for p in logs.iterdir())
    assert numbers(sqlite_store) == list(range(written))


@pytest.mark.parametrize("then", [
    "written on",  # the log goes on being written
    "deleted",     # the log removed after its truncate (a service taken away): RR11ap-1, 300 of 340 twice
    "created anew",  # removed and created again, a new inode at its name: RR11ap-2
])
@pytest.mark.parametrize("compress", [
    True,   # copytruncate + compress: auth.log.1.gz, shorter than the position read (R11aj lr_compress.py)
    False,  # copytruncate alone: auth.log.1, the same
])
def test_a_copy_the_follower_read_past_before_the_truncate_is_not_read_again(tmp_path: Path, sqlite_store: SqliteStore,
                                                                            compress: bool, then: str) -> None:
    # logrotate copies the log, the writer appends 10 lines, a poll reads them (the copy not yet
    # seen: copy and truncate are milliseconds apart), then the truncate. The copy is shorter than
    # the log's checkpoint: it was taken for a new file and read whole (lines 0-39 stored twice).
    log, follower = followed(tmp_path, sqlite_store, 40, "auth.log*")
    aside = tmp_path / "aside"
    aside.mkdir()
    shutil.copyfile(log, aside / "auth.log.1")
    write(log, 40, 10)
    follower.poll()
    truncate(log)
    put_in_place(aside / "auth.log.1", tmp_path, compress=compress)
    if then != "written on":
        log.unlink()
    if then != "deleted":
        write(log, 50, 20)
    follower.poll()
    follower.poll()
    assert numbers(sqlite_store) == list(range(50 if then == "deleted" else 70))  # each once


@pytest.mark.parametrize("name", [
    "worker.1.log",  # a live name that looks rotated: no inode recorded under its log's name (RR11al-1)
    "auth.log",
])
def test_a_log_truncated_and_written_again_with_its_banner_is_no_copy_of_itself(tmp_path: Path,
                                                                                sqlite_store: SqliteStore,
                                                                                name: str) -> None:
    # a service writing the same banner (no times in it) at each start, its log truncated in place and written
    # again, shorter than the position read: the file read itself was taken for its own copy (read_past), the
    # lines before the old position counted read: 10 of 70 lost for worker.1.log
    log = tmp_path / name
    banner = b"".join(f"==== billing-svc 3.2.1 startup: setting {k:02d} = default ====\n".encode() for k in range(12))
    log.write_bytes(banner)
    follower = Follower(Pipeline(sqlite_store, data_dir=tmp_path / "state"), [str(tmp_path / "*.log")],
                        lambda _path: IngestOptions())
    follower.poll()
    for start in (0, 30):
        write(log, start, 30)
        follower.poll()
    truncate(log)
    with log.open("ab") as out:
        out.write(banner)
    write(log, 60, 10)
    follower.poll()
    follower.poll()
    got = sorted(int(o.split("sshd[")[1].split("]")[0]) for o in originals(sqlite_store) if "sshd[" in o)
    assert got == list(range(70))  # each once, none lost


#: The fields of a stored checkpoint that 8d23116 (the last version released before read_past) knows: a field it
#: does not know makes it quarantine the checkpoint and read the file again (RR11al-3: the earlier positions were a
#: field of their own: 500 lines read again after a downgrade). New state goes into ``kept``.
RELEASED_FIELDS = {"binary", "binary_at", "binary_rule", "counters", "device", "final", "fingerprint",
                   "fingerprint_bytes", "identity", "inode", "kept", "line", "lived_device", "lived_inode", "offset",
                   "padding", "parser", "partial", "path", "pending", "provisional", "sent", "size", "state",
                   "superseded", "tail", "updated"}


def test_the_earlier_positions_are_kept_where_an_older_version_keeps_them(tmp_path: Path,
                                                                          sqlite_store: SqliteStore) -> None:
    log, follower = followed(tmp_path, sqlite_store, 40)
    for start in (40, 50, 60):
        write(log, start, 10)
        follower.poll()
    stored = [json.loads(p.read_text()) for p in (tmp_path / "state").rglob("sources/*.json")]
    assert stored and all(set(checkpoint) <= RELEASED_FIELDS for checkpoint in stored)
    assert any(checkpoint["kept"] and checkpoint["kept"].get("earlier") for checkpoint in stored)
