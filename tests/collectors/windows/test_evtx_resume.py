"""EVTX checkpoints: an unchanged .evtx costs a look at its header, a grown one is read from
the record after its checkpoint (only the chunks that hold new records are decoded), and a log
that was cleared, replaced or wrapped around is read whole, nothing lost and nothing twice.

The grown logs are built from a SigmaHQ sample: its one chunk, and copies of it whose
EventRecordIDs are moved on (chunk header, each record's id, both checksums), as Windows
appends chunks to a log."""

from __future__ import annotations

import json
import os
import queue
import signal
import struct
import subprocess
import sys
import threading
import zlib
from pathlib import Path

from govsoc.collectors import IngestOptions, Pipeline
from govsoc.collectors.windows import EvtxFileSource
from govsoc.store.base import Query
from govsoc.store.sqlite import SqliteStore
from tests.conftest import CORPUS

SAMPLE = CORPUS / ("sigma/regression_data/rules/windows/file/file_event/file_event_win_hktl_netexec_file_indicators/"
                   "efc21479-9e83-41da-8cf1-122e06ba8db3.evtx")
PER_CHUNK = 7  # the sample's records: EventRecordID 1 to 7
EVTX = IngestOptions(parser="windows.evtx")


def chunk(number: int) -> bytes:
    """The sample's chunk with its EventRecordIDs moved on by ``number`` chunks."""
    data = bytearray(SAMPLE.read_bytes()[4096:4096 + 65536])
    delta = number * PER_CHUNK
    free = struct.unpack_from("<I", data, 48)[0]
    at = 512
    while at < free and data[at:at + 4] == b"**\x00\x00":
        struct.pack_into("<Q", data, at + 8, struct.unpack_from("<Q", data, at + 8)[0] + delta)
        at += struct.unpack_from("<I", data, at + 4)[0]
    for field in (8, 16, 24, 32):  # first/last record number and identifier
        struct.pack_into("<Q", data, field, struct.unpack_from("<Q", data, field)[0] + delta)
    struct.pack_into("<I", data, 52, zlib.crc32(bytes(data[512:free])))
    struct.pack_into("<I", data, 124, zlib.crc32(bytes(data[:120] + data[128:512])))
    return bytes(data)


def write_log(path: Path, numbers: list[int]) -> None:
    """A log of the given chunks, in this order in the file (a wrapped ring puts newer first)."""
    header = bytearray(SAMPLE.read_bytes()[:4096])
    struct.pack_into("<Q", header, 16, len(numbers) - 1)  # last chunk number
    struct.pack_into("<Q", header, 24, (max(numbers) + 1) * PER_CHUNK + 1)  # next record id
    struct.pack_into("<H", header, 42, len(numbers))  # chunk count
    struct.pack_into("<I", header, 124, zlib.crc32(bytes(header[:120])))
    path.write_bytes(bytes(header) + b"".join(chunk(n) for n in numbers))


def stored(store: SqliteStore) -> int:
    # The chunk copies keep the sample's rendered XML; their record headers carry the new
    # EventRecordIDs, which are the records' positions and so part of their event ids.
    return store.count(Query())


def test_unchanged_costs_nothing_and_a_grown_log_is_read_from_its_checkpoint(tmp_path: Path) -> None:
    log = tmp_path / "Sysmon.evtx"
    write_log(log, [0])
    store = SqliteStore(tmp_path / "events.db")
    pipeline = Pipeline(store, data_dir=tmp_path / "data")
    first = pipeline.ingest_file(log, EVTX)
    assert (first.records, first.receipt.created) == (PER_CHUNK, PER_CHUNK)
    again = pipeline.ingest_file(log, EVTX)  # seen: every run decoded and re-sent the whole file
    assert again.unchanged and again.records == 0 and again.offset == PER_CHUNK
    assert "unchanged since the last run (checkpoint at record 7)" in again.line()
    write_log(log, [0, 1, 2])  # Windows appended two chunks
    grown = pipeline.ingest_file(log, EVTX)
    assert (grown.records, grown.receipt.created, grown.receipt.duplicates) == (2 * PER_CHUNK, 2 * PER_CHUNK, 0)
    assert stored(store) == 3 * PER_CHUNK
    source = EvtxFileSource(log)
    source.resume(2 * PER_CHUNK, None)  # a digest that is not the record's: read whole
    assert [r.offset for r in source.records()] == list(range(1, 3 * PER_CHUNK + 1)) and not source.resumed
    store.close()


def test_a_wrapped_replaced_or_cleared_log_is_read_whole_once(tmp_path: Path) -> None:
    log = tmp_path / "Security.evtx"
    store = SqliteStore(tmp_path / "events.db")
    pipeline = Pipeline(store, data_dir=tmp_path / "data")
    write_log(log, [3, 1, 2])  # a ring that wrapped: the newest chunk is first in the file
    assert [r.offset for r in EvtxFileSource(log).records()] == list(range(PER_CHUNK + 1, 4 * PER_CHUNK + 1))
    assert pipeline.ingest_file(log, EVTX).receipt.created == 3 * PER_CHUNK
    write_log(log, [4, 5, 3])  # two more chunks overwrote the oldest: only they are new
    later = pipeline.ingest_file(log, EVTX)
    assert (later.records, later.receipt.created) == (2 * PER_CHUNK, 2 * PER_CHUNK)
    write_log(log, [0])  # cleared: record ids start again, the checkpoint's record is gone
    cleared = pipeline.ingest_file(log, EVTX)
    assert (cleared.records, cleared.receipt.created) == (PER_CHUNK, PER_CHUNK)
    assert stored(store) == 6 * PER_CHUNK
    store.close()


def test_follow_reads_what_an_evtx_gains(tmp_path: Path) -> None:
    log = tmp_path / "Sysmon.evtx"
    write_log(log, [0])
    env = {**os.environ, "GOVSOC_HOME": str(tmp_path / "home"), "GOVSOC_CONFIG": ""}
    # The log grows once the follower has read it (its first summary line), not after a fixed 3 s:
    # a loaded machine started the follower later than that and it read both chunks at once
    # (CI-equivalent run, stop 30). Stopped by SIGINT once it has read the growth.
    follower = subprocess.Popen([str(Path(sys.executable).with_name("govsoc")), "ingest", "--follow", "--interval",
                                 "0.2", "--stop-after", "600", str(log)], env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
    lines: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(target=lambda: [lines.put(text) for text in follower.stdout], daemon=True)  # type: ignore[union-attr]
    reader.start()
    reads: list[str] = []
    try:
        while len(reads) < 2:
            text = lines.get(timeout=120)
            if "records" in text:
                reads.append(text)
                if len(reads) == 1:
                    write_log(log, [0, 1])
        follower.send_signal(signal.SIGINT)
        follower.wait(timeout=120)
        reader.join(timeout=120)  # stdout read to its end by the reader alone
        err = follower.stderr.read()  # type: ignore[union-attr]
    finally:
        if follower.poll() is None:
            follower.kill()
            follower.wait()
        follower.stdout.close()  # type: ignore[union-attr]
        follower.stderr.close()  # type: ignore[union-attr]
    assert follower.returncode == 0, err
    assert f"{PER_CHUNK} records, {PER_CHUNK} accepted ({PER_CHUNK} new" in reads[1], reads


def test_status_shows_an_evtx_checkpoint_as_a_record(tmp_path: Path) -> None:
    log = tmp_path / "Sysmon.evtx"
    write_log(log, [0, 1])
    env = {**os.environ, "GOVSOC_HOME": str(tmp_path / "home"), "GOVSOC_CONFIG": ""}
    govsoc = str(Path(sys.executable).with_name("govsoc"))
    subprocess.run([govsoc, "ingest", str(log)], env=env, check=True, capture_output=True)
    done = subprocess.run([govsoc, "status", "--format", "json"], env=env, check=True, capture_output=True, text=True)
    (row,) = json.loads(done.stdout)["sources"]
    assert (row["unit"], row["checkpoint"], row["records"], row["stored"]) == ("record", 2 * PER_CHUNK, 14, 14)
