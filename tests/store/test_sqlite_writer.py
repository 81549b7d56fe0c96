"""The SQLite store's writer process (govsoc.store.sqlite_writer): a large write is inserted by
a child process and must store exactly what the same write stores in-process, count duplicates
and refusals the same way, and survive the child's death without losing or doubling events."""

from __future__ import annotations

import gc
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from govsoc.core.errors import StoreError
from govsoc.core.event import Event, make_id
from govsoc.store import sqlite as sqlite_module
from govsoc.store.base import Query
from govsoc.store.sqlite import _CHUNK, _TRANSACTION, SqliteStore
from govsoc.store.sqlite_rows import unstored
from tests.conftest import need

T0 = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)
#: Above the size at which a write goes through the writer process (sqlite._PROCESS_MIN), and
#: not a multiple of its chunk, so that the last chunk is a short one.
LARGE = 2_600


def events(count: int, start: int = 0) -> list[Event]:
    """Events of several shapes (dictionary per shape), with the values coercion changes or
    sets aside, a lone surrogate, and every 500th one not storable (a field under a value)."""
    made = []
    for n in range(start, start + count):
        line = f"Mar  4 12:00:{n % 60:02d} h{n % 5} sshd[{n}]: Failed password for u{n % 13} from 10.0.{n % 250}.1"
        fields: dict[str, Any] = {"event.original": line, "message": line[28:], "host.name": f"h{n % 5}",
                                  "user.name": f"u{n % 13}", "source.ip": f"10.0.{n % 250}.1",
                                  "event.category": ["authentication"], "process.pid": str(n)}
        if n % 3 == 1:
            fields["source.bytes"] = "abc" if n % 2 else n  # a misfit set aside, or a number
        if n % 7 == 2:
            fields["message"] = "bad \ud83d half"  # replaced, the original kept
        if n % 500 == 499:
            fields.update({"labels": 1, "labels.x": "y"})  # refused: "labels.x" under a value
        made.append(Event(id=make_id("writer", n), timestamp=T0 + timedelta(seconds=n), dataset="test.writer",
                          fields=fields))
    return made


def documents(store: SqliteStore) -> dict[str, dict[str, Any]]:
    """Every stored event as its document, less the write time."""
    found = {}
    for event in store.search(Query()):
        doc = event.to_document()
        doc["event"].pop("ingested")
        found[event.id] = doc
    return found


def storable(batch: list[Event]) -> int:
    return sum("labels" not in e.fields for e in batch)


def test_a_large_write_stores_in_the_writer_process_what_a_write_here_stores(tmp_path: Path) -> None:
    batch = events(LARGE)
    refused = {e.id for e in batch if "labels" in e.fields}
    child, here = SqliteStore(tmp_path / "child.db"), SqliteStore(tmp_path / "here.db", writer_process=False)
    try:
        receipt = child.write(batch)
        assert child.writer_pid is not None and child.writer_pid != os.getpid()
        assert here.write(batch) == receipt
        assert (receipt.created, receipt.duplicates) == (storable(batch), 0)
        assert {event_id for event_id, _ in receipt.rejected} == refused
        assert here.writer_pid is None
        assert documents(child) == documents(here)
        # the same batch again: every storable event is a duplicate
        again = child.write(batch)
        assert (again.created, again.duplicates, len(again.rejected)) == (0, storable(batch), len(refused))
    finally:
        child.close()
        here.close()


def spied_rows_of(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The sizes of the chunks whose rows this process builds (sqlite.rows_of), as they are built."""
    built: list[int] = []
    rows_of = sqlite_module.rows_of

    def spy(chunk: Any, ingested: str) -> Any:
        built.append(len(chunk))
        return rows_of(chunk, ingested)

    monkeypatch.setattr(sqlite_module, "rows_of", spy)
    return built


def test_the_parent_builds_the_rows_of_every_other_chunk_and_both_halves_store_the_same(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Issue 11: the writer process spent 39 us an event against the parser's 15 (rows built
    # there, after a pickle of each event's dict each way); some chunks are built where the
    # events are, and sent as rows: half of them in a new writer's first write (then as many as
    # keep the two processes even: test_sqlite_writer_balance). What is stored, counted and
    # refused stays that of a write here.
    built_here = spied_rows_of(monkeypatch)
    batch = events(4 * _CHUNK + 100)  # five chunks, every 500th event refused
    child, here = SqliteStore(tmp_path / "child.db"), SqliteStore(tmp_path / "here.db", writer_process=False)
    try:
        receipt = child.write(batch)
        assert built_here == [_CHUNK, _CHUNK]  # the 2nd and the 4th; the child builds the others
        assert receipt == here.write(batch)  # refusals in the same order
        assert (receipt.created, receipt.duplicates) == (storable(batch), 0)
        assert documents(child) == documents(here)
        again = child.write(batch)
        assert (again.created, again.duplicates, len(again.rejected)) == (0, storable(batch), len(receipt.rejected))
    finally:
        child.close()
        here.close()


def test_a_small_write_starts_no_process(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "events.db")
    try:
        assert store.write(events(10)).created == 10
        assert store.writer_pid is None
    finally:
        store.close()


def _kill(store: SqliteStore, pid: int) -> None:
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while store.writer_pid == pid and time.monotonic() < deadline:
        time.sleep(0.01)


def test_a_writer_killed_between_writes_is_replaced(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "events.db")
    try:
        first_batch, second_batch = events(LARGE), events(LARGE, start=LARGE)
        store.write(first_batch)
        first = store.writer_pid
        assert first is not None
        _kill(store, first)
        assert store.write(second_batch).created == storable(second_batch)
        assert store.writer_pid not in (None, first)
        assert store.count(Query()) == storable(first_batch) + storable(second_batch)
    finally:
        store.close()


def _kill_once_committed(path: Path, before: int, pid: int) -> None:
    """SIGKILL the writer once its first chunk of the write is committed (read on a connection
    of this test's own)."""
    db = sqlite3.connect(path)
    try:
        deadline = time.monotonic() + 120
        while db.execute("SELECT COUNT(*) FROM events").fetchone()[0] <= before and time.monotonic() < deadline:
            time.sleep(0.005)
    finally:
        db.close()
    os.kill(pid, signal.SIGKILL)


def test_a_writer_killed_during_a_write_fails_it_and_the_retry_stores_it_once(tmp_path: Path) -> None:
    # two transactions: the kill comes after the first committed, before the second did
    batch, warm = events(2 * _TRANSACTION), events(LARGE, start=100_000)
    store = SqliteStore(tmp_path / "events.db")
    try:
        store.write(warm)  # the writer runs
        pid = store.writer_pid
        assert pid is not None
        killer = threading.Thread(target=_kill_once_committed, args=(tmp_path / "events.db", storable(warm), pid))
        killer.start()
        # how it ended, in words (R11j-3: "ended (None)", its status not waited for)
        with pytest.raises(StoreError, match=r"writer process ended \(killed by SIGKILL\)"):
            store.write(batch)
        killer.join()
        assert 0 < store.count(Query()) - storable(warm) < storable(batch)  # some chunks were committed
        receipt = store.write(batch)  # what the pipeline does: the batch again (from its spool)
        assert receipt.created + receipt.duplicates == storable(batch)
        assert store.count(Query()) == storable(batch) + storable(warm)
    finally:
        store.close()


def test_a_store_dropped_without_close_ends_its_writer(tmp_path: Path) -> None:
    # The child is waited for when its store goes (no process left behind, no "subprocess is
    # still running" warning, which this suite's filterwarnings=error would turn into a failure).
    store = SqliteStore(tmp_path / "events.db")
    store.write(events(LARGE))
    pid = store.writer_pid
    assert pid is not None
    del store
    gc.collect()
    with pytest.raises(ProcessLookupError):  # ended and reaped, not a zombie
        os.kill(pid, 0)


def test_a_write_that_stops_half_way_leaves_nothing_held_for_the_next(tmp_path: Path) -> None:
    # Chunks of one write are held by the child until the write's commit; a write that stops
    # between two chunks (here: an event whose value cannot be handed over, a function, in its
    # third chunk, one sent as events: in a chunk built here it is refused, as by a write here)
    # must not leave its first chunks to be committed with the next write.
    broken = events(LARGE * 2)
    at = 2 * _CHUNK + 10
    broken[at] = Event(id=broken[at].id, timestamp=T0, dataset="test.writer",
                       fields={"message": "x", "labels.handler": lambda: None})
    store = SqliteStore(tmp_path / "events.db")
    try:
        with pytest.raises(Exception):  # noqa: B017 - whatever pickle raises for a function
            store.write(broken)
        assert store.count(Query()) == 0
        batch = events(LARGE, start=50_000)
        receipt = store.write(batch)
        assert (receipt.created, receipt.duplicates) == (storable(batch), 0)
        assert store.count(Query()) == storable(batch)
    finally:
        store.close()


#: A large write through the writer process, traced: its four chunks of 2,500 events each make
#: new compression dictionaries (a shape common in a chunk gets its own).
_TRACED_WRITE = """
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from govsoc.core.event import Event, make_id
from govsoc.store.sqlite import SqliteStore

def batch(start):
    t0 = datetime(2026, 3, 4, tzinfo=UTC)
    return [Event(id=make_id("traced", n), timestamp=t0 + timedelta(seconds=n), dataset="test.traced",
                  fields={"message": f"Failed password for u{n % 13} from 10.0.{n % 250}.1",
                          "process.pid": n, "event.category": ["authentication"], f"shape{n % 3}": "x"})
            for n in range(start, start + 10_000)]

store = SqliteStore(Path(sys.argv[1]))
store.write(batch(0))
open(sys.argv[2] + "-start", "w").close()
store.write(batch(10_000))
open(sys.argv[2] + "-end", "w").close()
store.close()
"""


def _traced_wal_syncs(tmp_path: Path, program: str) -> list[str]:
    """The WAL syncs of the writer process of ``program`` (run with the store's path and a marker
    prefix; any process it started but its own) between its openings of <marker>-start and
    <marker>-end."""
    need(shutil.which("strace") is not None, "strace is needed to count the writer's syncs")
    trace, mark = tmp_path / "trace.txt", tmp_path / "mark"
    done = subprocess.run(["strace", "-f", "-qq", "-y", "-o", str(trace), "-e", "trace=fsync,fdatasync,openat",
                           sys.executable, "-c", program, str(tmp_path / "events.db"), str(mark)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    calls = trace.read_text(errors="replace").splitlines()
    start = next(n for n, call in enumerate(calls) if f"{mark}-start" in call)
    end = next(n for n, call in enumerate(calls) if f"{mark}-end" in call)
    own = calls[start].split()[0]  # strace -f begins each line with the process id
    return [call for call in calls[start:end]
            if "sync(" in call and "events.db-wal>" in call and call.split()[0] != own]


def test_a_large_write_syncs_the_wal_once(tmp_path: Path) -> None:
    # synchronous=FULL syncs the WAL at each commit: the write's rows are one transaction, one
    # fdatasync. Each chunk's new compression dictionaries were committed on their own before
    # its rows were deflated, and synced too: five syncs a 10,000-event write (four chunks), on
    # the writer process's path (P11b 1). A dictionary needs no sync of its own: the rows that
    # use it commit after it in the same WAL, and their sync makes both durable.
    wal_syncs = _traced_wal_syncs(tmp_path, _TRACED_WRITE)
    assert len(wal_syncs) == 1, wal_syncs
    store = SqliteStore(tmp_path / "events.db", writer_process=False)
    try:
        assert store.count(Query()) == 20_000
        assert store._db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL, as opened
    finally:
        store.close()


def test_pages_rewritten_by_many_writes_are_copied_into_the_file_once_per_256_mib(tmp_path: Path) -> None:
    # A checkpoint copies into the file the last version of every page the WAL holds. In a large
    # store a 10,000-event write changes most leaf pages of the random-keyed indexes (id,
    # source.ip: 46 MiB of WAL a write at 1,000,000 events), and a checkpoint every 64 MiB
    # copied nearly every write's pages again (P11d 1). Here 2,048 one-page rows stand for those
    # leaves: twelve transactions rewrite them all (96 MiB of WAL), which a checkpoint every
    # 256 MiB leaves in the WAL, to be copied once; every 64 MiB they were copied after the
    # eighth and the WAL restarted.
    store = SqliteStore(tmp_path / "events.db", writer_process=False)
    try:
        db, wal = store._db, tmp_path / "events.db-wal"
        db.execute("CREATE TABLE leaves (k INTEGER PRIMARY KEY, v BLOB)")
        db.executemany("INSERT INTO leaves VALUES (?, randomblob(3900))", [(k,) for k in range(2048)])
        for _ in range(12):
            db.execute("UPDATE leaves SET v = randomblob(3900)")
        busy, frames, copied = db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        assert busy == 0 and frames == copied >= 13 * 2048, (frames, copied)  # no checkpoint ran before
        # the WAL restarts after this complete checkpoint, and its file is cut back to 64 MiB:
        # what a bulk ingest needed is not what the open store keeps on disk
        assert wal.stat().st_size > 96 << 20
        db.execute("UPDATE leaves SET v = randomblob(3900) WHERE k < 10")
        assert wal.stat().st_size <= 64 << 20
        assert db.execute("SELECT count(*) FROM leaves").fetchone()[0] == 2048
    finally:
        store.close()


#: An ingest of 20,000 sshd lines (distinct addresses and users) into a new store, traced.
_TRACED_INGEST = """
import sys
from pathlib import Path
from govsoc.collectors.pipeline import ingest_file
from govsoc.store.sqlite import SqliteStore

db, mark = Path(sys.argv[1]), sys.argv[2]

def ingest(name, count):
    log = db.with_name(name)
    log.write_text("".join(f"Dec 10 {n // 3600 % 24:02d}:{n // 60 % 60:02d}:{n % 60:02d} h sshd[{n}]: Failed "
                           f"password for u{n % 301} from 10.{n % 199}.{n % 251}.{n % 97} port {n} ssh2\\n"
                           for n in range(count)))
    summary = ingest_file(log, parser_id="linux.auth", store=store, data_dir=db.with_name("data"), timezone="UTC")
    assert summary.receipt.created == count, summary

store = SqliteStore(db)
ingest("first.log", 2_000)  # starts the writer process (its store's creation commits too)
open(mark + "-start", "w").close()
ingest("auth.log", 20_000)
open(mark + "-end", "w").close()
store.close()
"""


def test_an_ingest_of_20000_lines_is_one_transaction(tmp_path: Path) -> None:
    # Each transaction of a large store changes about a page of its random-keyed indexes (id,
    # source.ip) per row: at 1,000,000 events a 10,000-row transaction wrote 7,386 bytes of WAL
    # and checkpoint an event, a 20,000-row one 4,749 (the pages shared by its rows are written
    # once; P11d 2). An ingest batch is one write and one transaction: 20,000 lines, one commit,
    # one WAL sync (two at batches of 10,000).
    wal_syncs = _traced_wal_syncs(tmp_path, _TRACED_INGEST)
    assert len(wal_syncs) == 1, wal_syncs
    store = SqliteStore(tmp_path / "events.db", writer_process=False)
    try:
        assert store.count(Query()) == 22_000
    finally:
        store.close()


def _chunk(batch: list[Event]) -> list[Any]:
    return [unstored(e) for e in batch]


def test_the_writer_inserts_each_chunk_as_it_comes_and_commits_them_together(tmp_path: Path) -> None:
    # P11j: the child held a write's chunks and inserted all 20,000 rows when the last one came
    # (about 0.4 s on a quiet machine), while the parent, its batch sent, waited for the answer
    # and then its parser for the parent's next hand-over: a stall every batch. Each chunk is now
    # inserted as it comes, in a transaction committed with the write's last chunk; readers see
    # nothing before that commit.
    store = SqliteStore(tmp_path / "events.db", writer_process=False)
    reader = sqlite3.connect(tmp_path / "events.db")
    try:
        first, second = events(_CHUNK), events(_CHUNK, start=_CHUNK)
        assert store.insert_unstored(_chunk(first), ingested="2026-03-04T12:00:00Z", commit=False) is None
        assert store._db.execute("SELECT count(*) FROM events").fetchone()[0] == storable(first)
        assert reader.execute("SELECT count(*) FROM events").fetchone()[0] == 0
        receipt = store.insert_unstored(_chunk(second), ingested="2026-03-04T12:00:00Z", commit=True)
        assert receipt is not None
        assert (receipt.created, receipt.duplicates, len(receipt.rejected)) == (
            storable(first) + storable(second), 0, 2 * _CHUNK - storable(first) - storable(second))
        assert reader.execute("SELECT count(*) FROM events").fetchone()[0] == receipt.created
    finally:
        reader.close()
        store.close()


def test_a_chunk_that_fails_rolls_back_its_write_and_forgets_its_dictionaries(tmp_path: Path) -> None:
    # A write's chunks are inserted as they come (above): one that fails drops the write whole,
    # and the compression dictionaries its first chunks made, rolled back with it, are never
    # used again (a row deflated against a dictionary no codecs row holds could not be read).
    store = SqliteStore(tmp_path / "events.db", writer_process=False)
    try:
        store._db.execute("CREATE TEMP TRIGGER boom BEFORE INSERT ON events WHEN NEW.dataset = 'test.boom' "
                          "BEGIN SELECT RAISE(ABORT, 'boom'); END")
        first = events(_CHUNK)
        broken = [Event(id=make_id("boom", n), timestamp=T0, dataset="test.boom", fields={"message": "x"})
                  for n in range(10)]
        assert store.insert_unstored(_chunk(first), ingested="2026-03-04T12:00:00Z", commit=False) is None
        with pytest.raises(StoreError, match="boom"):
            store.insert_unstored(_chunk(broken), ingested="2026-03-04T12:00:00Z", commit=True)
        store.discard_held()
        assert not store._db.in_transaction
        assert store.count(Query()) == 0
        assert store._db.execute("SELECT count(*) FROM codecs").fetchone()[0] == 0
        receipt = store.insert_unstored(_chunk(first), ingested="2026-03-04T12:00:00Z", commit=True)
        assert receipt is not None and receipt.created == storable(first)
        here = SqliteStore(tmp_path / "here.db", writer_process=False)
        try:
            here.write(first)
            assert documents(store) == documents(here)
        finally:
            here.close()
    finally:
        store.close()


def test_the_writer_process_imports_no_configuration() -> None:
    """The child imports what its start-up line imports, and that reads no configuration: pydantic
    and YAML, which govsoc.store's open_store needs, cost every large write's child a tenth of a
    second of CPU at start (issue 11: 0.5 us a line of a 200,000-line ingest)."""
    # what the child's line (sqlite_writer._CHILD) and its main() import, before any store file is opened
    probe = ("import sys; from govsoc.store.sqlite_writer import main; from govsoc.store.sqlite import SqliteStore; "
             "print(sorted(m for m in sys.modules if m in ('pydantic', 'yaml', 'govsoc.core.config')))")
    shown = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert shown.stdout.strip() == "[]"


def test_a_message_is_sent_without_a_copy_of_it() -> None:
    """A chunk's pickle (about a megabyte) goes into the pipe as it is, its length before it: not
    copied into a new buffer of its size first (issue 11: an allocation whose pages fault in, per
    chunk). The reader gets the length and every byte, whatever the pipe takes at a time."""
    import tracemalloc

    from govsoc.store import sqlite_writer

    payload = bytes(range(256)) * 16_384  # 4 MiB: more than a pipe holds, so writes are partial
    read_fd, write_fd = os.pipe()
    received = bytearray(4 + len(payload))  # read into in place: the reader allocates nothing traced

    def read() -> None:
        view, at = memoryview(received), 0
        while at < len(received):
            at += os.readv(read_fd, [view[at:]])

    reader = threading.Thread(target=read)
    reader.start()
    tracemalloc.start()
    try:
        sqlite_writer._write(write_fd, payload)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        reader.join()
        os.close(read_fd)
        os.close(write_fd)
    assert received == len(payload).to_bytes(4, "big") + payload
    assert peak < len(payload) // 4  # 73b8afd3: the length and the payload joined, a copy of 4 MiB


def test_a_message_arrives_whole_without_writev(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where os.writev is missing (Windows) the length and payload go as one buffer: the same bytes."""
    from govsoc.store import sqlite_writer

    monkeypatch.setattr(sqlite_writer, "_writev", None)
    payload = bytes(range(256)) * 4_096  # 1 MiB
    read_fd, write_fd = os.pipe()
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(sqlite_writer._read_exactly(read_fd, 4 + len(payload))))
    reader.start()
    try:
        sqlite_writer._write(write_fd, payload)
    finally:
        reader.join()
        os.close(read_fd)
        os.close(write_fd)
    assert got == [len(payload).to_bytes(4, "big") + payload]


@pytest.mark.parametrize("call", ["writev", "write"])
def test_a_message_arrives_whole_however_little_each_write_takes(monkeypatch: pytest.MonkeyPatch, call: str) -> None:
    """A pipe may take any part of what it is given (a signal, a full pipe): here each call takes
    1-7 bytes, so writes end inside the length, across its end and inside the payload. Every byte
    arrives once and in order (R11bd-1: the pipe tests above never saw a partial write)."""
    import random

    from govsoc.store import sqlite_writer

    payload = bytes(range(256)) * 8 + b"the end"
    chooser, sent = random.Random(11), bytearray()

    def take(buffers: list[bytes | memoryview]) -> int:
        assert len(sent) < 4 + len(payload), "more bytes sent than the message holds"
        want, taken = chooser.randint(1, 7), 0
        for buffer in buffers:
            part = bytes(buffer[:want - taken])
            sent.extend(part)
            taken += len(part)
            if taken == want:
                break
        return taken

    if call == "writev":
        monkeypatch.setattr(sqlite_writer, "_writev", lambda _fd, buffers: take(buffers))
    else:
        monkeypatch.setattr(sqlite_writer, "_writev", None)
        monkeypatch.setattr(sqlite_writer.os, "write", lambda _fd, buffer: take([buffer]))
    sqlite_writer._write(-1, payload)
    assert bytes(sent) == len(payload).to_bytes(4, "big") + payload
