"""A copy the follower read past before logrotate's truncate (copytruncate; collectors.files.read_past):
found by the positions the reads of its log started from, whatever the batches, not by another file that
only shares the log's first bytes, and once found no dearer to look at than an unchanged file."""

from __future__ import annotations

import gzip
import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from govsoc.collectors import IngestOptions, Pipeline
from govsoc.collectors.files.identity import look
from govsoc.collectors.files.read_past import content_tails, copy_unchanged, with_copy
from govsoc.collectors.follow import Follower
from govsoc.store.base import Query
from govsoc.store.sqlite import SqliteStore
from tests.collectors.test_rotation import write
from tests.collectors.test_rotation_copy import numbers, originals, put_in_place, truncate
from tests.collectors.test_rotation_trailer import settled_at_once


def follower_of(folder: Path, store: SqliteStore, pattern: str, batch_size: int = 20_000) -> Follower:
    return Follower(Pipeline(store, data_dir=folder / "state"), [str(folder / pattern)],
                    lambda _path: IngestOptions(batch_size=batch_size))


def copy_read_past(folder: Path, log: Path, follower: Follower, reads: tuple[int, ...], *, compress: bool) -> None:
    """logrotate's copytruncate with the follower reading past the copy's end: the copy made (put in place
    only after the truncate: copy and truncate are milliseconds apart), a poll per count of ``reads`` lines
    written after it, the truncate, the copy (gzipped or not) beside the log."""
    aside = folder / "aside"
    aside.mkdir()
    shutil.copyfile(log, aside / "auth.log.1")
    written = len(numbers_in(log))
    for count in reads:
        write(log, written, count)
        written += count
        follower.poll()
    truncate(log)
    put_in_place(aside / "auth.log.1", folder, compress=compress)


def numbers_in(log: Path) -> list[bytes]:
    return log.read_bytes().splitlines()


class Decompressed:
    """Counts the content bytes gzip decompresses (every reader of a .gz goes through _GzipReader.read)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.bytes = 0
        read = gzip._GzipReader.read  # type: ignore[attr-defined]

        def counted(reader: object, size: int = -1) -> bytes:
            data: bytes = read(reader, size)
            self.bytes += len(data)
            return data

        monkeypatch.setattr(gzip._GzipReader, "read", counted)  # type: ignore[attr-defined]


def test_a_gzip_copy_read_past_costs_no_decompression_once_found(tmp_path: Path, sqlite_store: SqliteStore,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    # RR11al-4: the copy, shorter than the position, was decompressed at every poll while it stayed (to count
    # its content, to check its tails, to seek to the position): 6 times its content a poll. An unchanged file
    # costs its look (the first 8 KiB decompressed).
    log = tmp_path / "auth.log"
    follower = follower_of(tmp_path, sqlite_store, "auth.log*")
    write(log, 0, 3000)
    follower.poll()
    copy_read_past(tmp_path, log, follower, (40,), compress=True)
    write(log, 3040, 20)
    follower.poll()  # the copy found: read past, nothing read
    follower.poll()
    content = (tmp_path / "aside" / "auth.log.1").stat().st_size
    decompressed = Decompressed(monkeypatch)
    for _ in range(3):
        follower.poll()
    assert decompressed.bytes < content  # less than one decompression of the copy for 3 polls
    assert numbers(sqlite_store) == list(range(3060))  # each once


@pytest.mark.parametrize(("reads", "batch_size"), [
    ((200,), 10),  # RR11al-2: one read of 20 batches past the copy's end: its end was 5+ saves back
    ((50, 50, 50), 10),  # three reads of 5 batches: the copy's end the first read's start, 15 saves back
])
@pytest.mark.parametrize("compress", [True, False])
def test_a_copy_read_past_in_many_batches_is_not_read_again(tmp_path: Path, sqlite_store: SqliteStore,
                                                            reads: tuple[int, ...], batch_size: int,
                                                            compress: bool) -> None:
    # the positions kept were the last 4 saves: 300 lines stored twice
    log = tmp_path / "auth.log"
    follower = follower_of(tmp_path, sqlite_store, "auth.log*", batch_size)
    write(log, 0, 300)
    follower.poll()
    copy_read_past(tmp_path, log, follower, reads, compress=compress)
    written = 300 + sum(reads)
    write(log, written, 20)
    follower.poll()
    follower.poll()
    assert numbers(sqlite_store) == list(range(written + 20))  # each once


def test_the_copy_is_found_after_a_read_that_did_not_pass_its_end(tmp_path: Path,
                                                                  sqlite_store: SqliteStore) -> None:
    # RR11al-6: two reads between copy and truncate, the first passing the copy's end: only the earlier of the
    # two positions kept is inside the copy (EARLIER_KEPT = 1 kept the later one: 300 lines twice)
    log = tmp_path / "auth.log"
    follower = follower_of(tmp_path, sqlite_store, "auth.log*")
    write(log, 0, 300)
    follower.poll()
    copy_read_past(tmp_path, log, follower, (40, 40), compress=False)
    write(log, 380, 20)
    follower.poll()
    follower.poll()
    assert numbers(sqlite_store) == list(range(400))  # each once


def test_another_file_opening_with_the_logs_banner_is_read(tmp_path: Path, sqlite_store: SqliteStore) -> None:
    # RR11al-6: the log gone (deleted), a file under one of its rotated names opening with the same banner (its
    # first KiB the same), shorter than the log's position, its own lines after it: no copy of the log (the
    # bytes before the positions differ). Taken for a copy on the fingerprint alone, its 20 lines were lost.
    banner = b"".join(f"==== billing-svc 3.2.1 startup: setting {k:02d} = default ====\n".encode() for k in range(24))
    log, other = tmp_path / "app.log", tmp_path / "app.log.1"
    log.write_bytes(banner)
    follower = follower_of(tmp_path, sqlite_store, "app.log*")
    for start in (0, 30, 60):
        write(log, start, 30)
        follower.poll()
    read_to = log.stat().st_size
    log.unlink()
    other.write_bytes(banner)
    write(other, 1000, 20)
    assert other.stat().st_size < read_to
    follower.poll()
    follower.poll()
    got = sorted(int(o.split("sshd[")[1].split("]")[0]) for o in originals(sqlite_store) if "sshd[" in o)
    assert got == [*range(90), *range(1000, 1020)]  # each once, none lost


@pytest.mark.parametrize("field", ["device", "inode", "size", "ctime"])
def test_a_copy_found_read_past_is_unchanged_only_while_each_part_of_its_state_is(tmp_path: Path, field: str) -> None:
    # RR11an-2: kept["copy"] is the copy's device, inode, size and change time; while a look shows all four the
    # same, the copy is taken as unchanged and not read. A copy written since (another size, another change
    # time), or another file on its inode number once it was deleted (a new change time, perhaps the same size),
    # is not: its lines would never be read. A state of device and inode only passed every test.
    copy = tmp_path / "auth.log.1"
    write(copy, 0, 30)
    seen = look(copy)
    kept = with_copy(None, seen)
    assert copy_unchanged(kept, look(copy))  # looked at again, nothing written: the same
    assert not copy_unchanged(kept, replace(seen, **{field: getattr(seen, field) + 1}))


def test_a_copy_found_read_past_and_written_since_is_not_unchanged(tmp_path: Path) -> None:
    copy = tmp_path / "auth.log.1"
    write(copy, 0, 30)
    kept = with_copy(None, look(copy))
    write(copy, 30, 1)  # one line more on the same inode
    assert not copy_unchanged(kept, look(copy))



def test_a_gzip_file_its_trailer_cannot_tell_is_decompressed_once_while_it_stays(
        tmp_path: Path, sqlite_store: SqliteStore, monkeypatch: pytest.MonkeyPatch) -> None:
    # R52a-2: a .gz on its checkpoint's inode is compared by content unless its trailer states the read; with a
    # checkpoint kept without a CRC (an older govsoc's) it was decompressed at every poll while it stayed: ten
    # of 20,000 lines, 161 ms of CPU a poll against 28. Its digests are kept by the file's state.
    settled_at_once(monkeypatch)
    body = "".join(f"Dec  7 06:00:00 host sshd[{k}]: line {k} of the copy\n" for k in range(20_000))
    (tmp_path / "app.log.1.gz").write_bytes(gzip.compress(body.encode()))
    follower_of(tmp_path, sqlite_store, "*.gz").poll()
    for state in (tmp_path / "state").rglob("*.json"):  # the CRC an older govsoc did not keep
        saved = json.loads(state.read_text(encoding="utf-8"))
        if isinstance(saved, dict) and isinstance(saved.get("kept"), dict) and saved["kept"].pop("crc", None):
            state.write_text(json.dumps(saved), encoding="utf-8")
    follower = follower_of(tmp_path, sqlite_store, "*.gz")  # a new process
    follower.poll()
    decompressed = Decompressed(monkeypatch)
    for _ in range(3):
        follower.poll()
    assert decompressed.bytes < len(body)  # less than one decompression of the copy for 3 polls
    assert sqlite_store.count(Query()) == 20_000  # each line once


def test_the_digests_kept_of_a_gzip_file_are_those_of_the_file_read(tmp_path: Path) -> None:
    # The hook's read of _TAILS: the digests of a view whose file another replaced at the path since (none: the
    # file read is not the one viewed) were kept under the new file's state, and its own look then got none.
    path, other = tmp_path / "auth.log.2.gz", tmp_path / "other.gz"
    path.write_bytes(gzip.compress(b"first file\n" * 100))
    old = look(path)
    other.write_bytes(gzip.compress(b"second file\n" * 100))
    other.rename(path)  # another inode at the path
    assert content_tails(old, {110}) == {}  # the viewed file is gone: nothing of it
    assert content_tails(look(path), {110}) == content_tails(look(path), {110}) != {}
