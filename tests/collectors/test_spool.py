"""The durable spool: what is accepted comes out once, damaged bytes are counted and never
replayed, and the store's absence sends batches to it and back."""

from __future__ import annotations

import json
import socket
import struct
import subprocess
import sys
import threading
import time
import zlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govsoc.collectors import IngestOptions, Pipeline
from govsoc.collectors.spool import MAGIC, ScanStats, Spool, decode, encode, scan
from govsoc.core.event import Event
from govsoc.core.sink import WriteReceipt
from govsoc.store.base import Query, Store
from govsoc.store.sqlite import SqliteStore


def event(n: int, text: str = "x") -> Event:
    return Event(id=f"e{n}", timestamp=datetime(2025, 12, 10, 6, 0, n % 60, tzinfo=UTC), dataset="t",
                 fields={"message": f"{text} {n}", "source.port": n})


class Collecting:
    """A sink that keeps what it is given: the spool's only collaborator, at a pure-logic seam."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def write(self, events: object) -> WriteReceipt:
        batch = list(events)  # type: ignore[call-overload]
        self.events.extend(batch)
        return WriteReceipt(created=len(batch))

    def delete(self, ids: object, *, replaced_by: object = None) -> int:
        return 0

    def refresh(self) -> None:
        pass


def test_round_trip_keeps_fields_and_order(tmp_path: Path) -> None:
    spool = Spool(tmp_path)
    assert spool.append([event(1, "中文 \x00 nul"), event(2)])
    assert spool.append([event(3)])
    sink = Collecting()
    result = spool.drain(sink)
    assert [e.id for e in sink.events] == ["e1", "e2", "e3"]
    assert sink.events[0] == event(1, "中文 \x00 nul")
    assert (result.events, result.corrupt_records) == (3, 0)
    assert spool.is_empty() and spool.drain(Collecting()).events == 0



def test_pending_bytes_while_a_drain_removes_a_segment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """CI (stop 29): is_empty() asked while a drain (holding the lock) removed the segment it had
    listed raised FileNotFoundError. A segment gone between the listing and its size owes nothing;
    the one still there is counted whole."""
    spool = Spool(tmp_path)
    assert spool.append([event(1), event(2)])
    still = spool._segments()
    drained = tmp_path / "segment-000000000000.spool"  # listed, then removed by the drain
    assert still and drained not in still and not drained.exists()
    monkeypatch.setattr(spool, "_segments", lambda: [drained, *still])
    assert spool.pending_bytes() == sum(p.stat().st_size for p in still) > 0
    assert not spool.is_empty()


def test_torn_tail_is_counted_and_skipped(tmp_path: Path) -> None:
    # Vector #17644: a crash mid-append must not replay garbage
    spool = Spool(tmp_path)
    spool.append([event(1), event(2)])
    (segment,) = tmp_path.glob("segment-*.spool")
    torn = encode(event(3))
    with segment.open("ab") as out:
        out.write(torn[: len(torn) // 2])
    sink = Collecting()
    result = spool.drain(sink)
    assert [e.id for e in sink.events] == ["e1", "e2"]
    assert result.corrupt_records == 1 and result.corrupt_bytes == len(torn) // 2


def test_a_damaged_record_in_the_middle_costs_only_itself(tmp_path: Path) -> None:
    blob = bytearray(encode(event(1)) + encode(event(2)) + encode(event(3)))
    second = len(encode(event(1)))
    blob[second + 20] ^= 0xFF  # flip a payload byte of the second record: its crc fails
    stats = ScanStats()
    good = [decode(payload).id for _s, _e, payload in scan(bytes(blob), stats)]
    assert good == ["e1", "e3"] and stats.corrupt_records == 1


def test_full_spool_refuses_and_writes_nothing(tmp_path: Path) -> None:
    spool = Spool(tmp_path, max_bytes=len(encode(event(1))) * 2)
    assert spool.append([event(1), event(2)])
    assert not spool.append([event(3)])
    sink = Collecting()
    spool.drain(sink)
    assert [e.id for e in sink.events] == ["e1", "e2"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4096), st.lists(st.integers(0, 10_000), max_size=20, unique=True))
def test_arbitrary_bytes_never_become_events(noise: bytes, numbers: list[int]) -> None:
    """Accepted records come out exactly, in order, whatever bytes surround them; bytes that are
    not a whole checksummed record never come out."""
    records = [encode(event(n)) for n in numbers]
    blob = noise + b"".join(records) + noise
    stats = ScanStats()
    found = [decode(payload).id for _s, _e, payload in scan(blob, stats)]
    # noise may contain a forged record only with a correct crc32 over valid JSON: treat any
    # extra find as a failure unless it is one of ours
    assert [x for x in found if x in {f"e{n}" for n in numbers}] == [f"e{n}" for n in numbers]
    assert len(found) == len(numbers)


@given(st.binary(max_size=2048))
def test_headers_over_noise_are_rejected(noise: bytes) -> None:
    forged = MAGIC + struct.pack(">II", len(noise), zlib.crc32(noise) ^ 1) + noise
    assert list(scan(forged, ScanStats())) == []


@pytest.mark.es
def test_store_down_spools_and_the_next_run_drains(tmp_path: Path, elastic9_store: Store) -> None:
    """A real node and a real refused connection: batches go to the spool while the store does
    not answer, the checkpoint still advances, and the next run writes them, once."""
    from elasticsearch import Elasticsearch

    log = tmp_path / "auth.log"
    log.write_bytes(b"".join(f"Dec 10 06:00:{i % 60:02d} h sshd[1]: Failed password for u{i} from 10.0.0.{i % 250} "
                             f"port {i} ssh2\n".encode() for i in range(300)))
    assert isinstance(elastic9_store, Store)
    real_client = elastic9_store.client  # type: ignore[attr-defined]
    elastic9_store.client = Elasticsearch("http://127.0.0.1:9", max_retries=0)  # type: ignore[attr-defined]
    notices: list[str] = []
    pipeline = Pipeline(elastic9_store, data_dir=tmp_path / "state", retry_seconds=0.05, notice=notices.append)
    try:
        first = pipeline.ingest_file(log, IngestOptions(batch_size=100))
    except Exception:
        raise
    finally:
        elastic9_store.client.close()  # type: ignore[attr-defined]
        elastic9_store.client = real_client  # type: ignore[attr-defined]
    assert (first.spooled, first.receipt.accepted) == (300, 0)
    assert any("store unavailable" in n for n in notices)
    again = Pipeline(elastic9_store, data_dir=tmp_path / "state")
    assert again.ingest_file(log).unchanged
    assert again.drain() == 300
    elastic9_store.refresh()
    assert elastic9_store.count(Query()) == 300
    assert again.spool.is_empty()


def test_sqlite_pipeline_drains_spool_before_new_batches(tmp_path: Path, sqlite_store: SqliteStore) -> None:
    pipeline = Pipeline(sqlite_store, data_dir=tmp_path / "state")
    pipeline.spool.append([event(1), event(2)])
    log = tmp_path / "a.log"
    log.write_bytes(b"Dec 10 06:00:00 h sshd[1]: Failed password for a from 10.0.0.1 port 1 ssh2\n")
    pipeline.ingest_file(log)
    assert sqlite_store.count(Query()) == 3 and pipeline.spool.is_empty()


def test_a_full_disk_refuses_the_batch_and_leaves_no_torn_record(tmp_path: Path) -> None:
    """A real write refused by the kernel (RLIMIT_FSIZE, as a full disk would): the batch is
    refused like a full spool (the caller waits or counts it dropped), nothing half-written stays
    behind to be reported later as damage, and the records before are intact."""
    script = f"""
import resource, signal, sys
from datetime import UTC, datetime
from pathlib import Path
from govsoc.collectors.spool import Spool, ScanStats, scan
from govsoc.core.event import Event
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000))
spool = Spool(Path({str(tmp_path)!r}))
batch = lambda b: [Event(id=f"e{{b}}-{{i}}", timestamp=datetime(2025, 12, 10, tzinfo=UTC), dataset="t",
                         fields={{"message": "x" * 200}}) for i in range(100)]
accepted = 0
for b in range(20):
    if not spool.append(batch(b)):
        break
    accepted += 100
(segment,) = Path({str(tmp_path)!r}).glob("segment-*.spool")
stats = ScanStats()
found = sum(1 for _ in scan(segment.read_bytes(), stats))
print(accepted, found, stats.corrupt_records, b)
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    accepted, found, corrupt, stopped_at = map(int, done.stdout.split())
    assert 0 < accepted == found and corrupt == 0 and stopped_at < 19


class Refusing(Collecting):
    """Takes every other event and asks for the rest again later (what Elasticsearch's 429 and
    503 item statuses become), until it is told to recover."""

    def __init__(self) -> None:
        super().__init__()
        self.recovered = False

    def write(self, events: object) -> WriteReceipt:
        batch = list(events)  # type: ignore[call-overload]
        if self.recovered:
            return super().write(batch)
        taken = batch[::2]
        self.events.extend(taken)
        return WriteReceipt(created=len(taken), retry=tuple(e.id for e in batch[1::2]))


def test_events_the_store_asks_to_retry_are_spooled_then_written(tmp_path: Path) -> None:
    sink = Refusing()
    pipeline = Pipeline(sink, data_dir=tmp_path, retry_seconds=0)  # type: ignore[arg-type]
    delivery = pipeline.deliver([event(n) for n in range(6)])
    assert (delivery.receipt.created, delivery.spooled, delivery.receipt.retry) == (3, 3, ())
    assert pipeline.drain() == 0  # still refusing: the spooled batch stays
    sink.recovered = True
    assert pipeline.drain() == 3
    assert sorted({e.id for e in sink.events}) == [f"e{n}" for n in range(6)]  # a store keeps repeats once


def test_a_full_spool_drops_network_events_and_counts_them(tmp_path: Path) -> None:
    class Down(Collecting):
        def write(self, events: object) -> WriteReceipt:
            from govsoc.core.errors import StoreError
            raise StoreError("connection refused")

    pipeline = Pipeline(Down(), data_dir=tmp_path, spool_max_bytes=len(encode(event(1))) * 3)  # type: ignore[arg-type]
    assert pipeline.deliver([event(1), event(2)], on_full="drop").spooled == 2
    dropped = pipeline.deliver([event(3), event(4)], on_full="drop")
    assert (dropped.spooled, dropped.dropped) == (0, 2)


def test_a_drain_cut_short_by_the_store_counts_what_it_drained(tmp_path: Path) -> None:
    class FailsOnSecondBatch(Collecting):
        def write(self, events: object) -> WriteReceipt:
            from govsoc.core.errors import StoreError
            if self.events:
                raise StoreError("connection refused")
            return super().write(events)

    sink = FailsOnSecondBatch()
    pipeline = Pipeline(sink, data_dir=tmp_path, retry_seconds=0)  # type: ignore[arg-type]
    assert pipeline.spool.append([event(n) for n in range(7000)])  # drained in batches of 5,000
    assert pipeline.drain() == 5000 and pipeline.drained == 5000
    totals = pipeline.spool.totals()
    assert (totals.drained_events, totals.corrupt_records) == (5000, 0) and totals.last_drained
    rest = Collecting()
    again = Pipeline(rest, data_dir=tmp_path)  # type: ignore[arg-type]
    assert again.drain() == 2000 and [e.id for e in rest.events] == [f"e{n}" for n in range(5000, 7000)]
    assert pipeline.spool.totals().drained_events == 7000 and pipeline.spool.is_empty()


class Silent:
    """A listener that accepts connections and never answers: what an unreachable host costs
    (a request time-out per try), counting the tries."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0), backlog=128)
        self.server.settimeout(0.1)
        self.accepted: list[socket.socket] = []
        self.times: list[float] = []  # when each connection came (monotonic seconds)
        self.running = True
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.getsockname()[1]}"

    def _accept(self) -> None:
        while self.running:
            try:
                self.accepted.append(self.server.accept()[0])
                self.times.append(time.monotonic())
            except TimeoutError:
                continue

    def tries(self, gap: float = 0.1) -> int:
        """How many tries came. A try may open several connections (the store sends bulk chunks
        from two threads, the second once its chunk is built), all within the client's 0.1 s
        time-out of the first; the next try comes after that time-out and a back-off."""
        return sum(1 for n, t in enumerate(self.times) if n == 0 or t - self.times[n - 1] > gap)

    def close(self) -> None:
        self.running = False
        self.thread.join()
        for connection in self.accepted:
            connection.close()
        self.server.close()


@pytest.mark.es
def test_a_store_that_does_not_answer_is_tried_once_per_backoff(tmp_path: Path, elastic9_store: Store) -> None:
    """Seen: with the store down, every batch after a 2 s pause paid the store's time-out before
    it went to the spool. Now the batches go straight to the spool and the store is tried again
    after a back-off that doubles with each failure."""
    from elasticsearch import Elasticsearch

    silent = Silent()
    real_client = elastic9_store.client  # type: ignore[attr-defined]
    elastic9_store.client = Elasticsearch(silent.url, request_timeout=0.1, max_retries=0)  # type: ignore[attr-defined]
    notices: list[str] = []
    pipeline = Pipeline(elastic9_store, data_dir=tmp_path, retry_seconds=0.02, max_backoff=2.0,
                        notice=notices.append)
    spooled, n, began = 0, 0, time.monotonic()
    try:
        while time.monotonic() - began < 5:
            spooled += pipeline.deliver([event(n + k) for k in range(20)]).spooled
            n += 20
    finally:
        elastic9_store.client.close()  # type: ignore[attr-defined]
        elastic9_store.client = real_client  # type: ignore[attr-defined]
        silent.close()
    assert spooled == n > 0
    # A try every 0.02 s + 0.1 s time-out was over 20 tries in 5 s; a back-off doubling up to 2 s:
    # about 8. Tries, not connections: the store sends a batch's chunks from two threads.
    assert 0 < silent.tries() <= 12, (silent.tries(), [round(t - silent.times[0], 3) for t in silent.times])
    assert sum("store unavailable" in m for m in notices) == 1
    time.sleep(pipeline.max_backoff)  # the store answers again: the next try drains the spool
    assert pipeline.drain() == n
    assert notices[-1].startswith("store answers again after")


def test_a_failed_refresh_is_said_with_the_batch_it_sends_to_the_spool(tmp_path: Path) -> None:
    """CI, session 58: SQLite's optimize after a write failed on a full disk, and the follower said
    "store unavailable, spooling to ..." at once, for no batch: the next found no room in the spool
    (said as DISK FULL). The refresh's failure is said with the first batch spooled after it."""
    from govsoc.core.errors import StoreError

    class RefreshFails(Collecting):
        down = False

        def write(self, events: object) -> WriteReceipt:
            if self.down:
                raise StoreError("write failed: database or disk is full")
            return super().write(events)

        def refresh(self) -> None:
            self.down = True
            raise StoreError("optimize failed: database or disk is full")

    said: list[str] = []
    pipeline = Pipeline(RefreshFails(), data_dir=tmp_path, retry_seconds=0)  # type: ignore[arg-type]
    pipeline.notice = said.append  # type: ignore[method-assign]
    assert pipeline.deliver([event(1)]).receipt.created == 1
    pipeline.refresh()
    assert said == []  # before: "store unavailable, spooling to ..." with nothing spooled
    assert pipeline.deliver([event(2)]).spooled == 1
    assert len(said) == 1 and said[0].startswith("store unavailable, spooling to ") and "optimize failed" in said[0]


def test_a_recovery_from_an_unsaid_failure_says_its_cause(tmp_path: Path) -> None:
    """R59a-10: a refresh failed (not said: no batch was spooled), the next write worked, and the
    follower said "store answers again" for an outage it never named."""
    from govsoc.core.errors import StoreError

    class RefreshFailsOnce(Collecting):
        failed = False

        def refresh(self) -> None:
            if not self.failed:
                self.failed = True
                raise StoreError("optimize failed: disk I/O error")

    said: list[str] = []
    pipeline = Pipeline(RefreshFailsOnce(), data_dir=tmp_path, retry_seconds=0)  # type: ignore[arg-type]
    pipeline.notice = said.append  # type: ignore[method-assign]
    pipeline.refresh()
    assert pipeline.deliver([event(1)]).receipt.created == 1
    assert len(said) == 1 and said[0].startswith("store answers again after ")
    assert said[0].endswith("(it had failed: optimize failed: disk I/O error)")


def test_events_the_store_refuses_at_a_drain_go_to_the_rejects_file(tmp_path: Path) -> None:
    """R59a-8: refusals met while the spool drained were in no rejects file and no count: the
    event was gone unsaid and the run exited 0."""
    from govsoc.core.errors import StoreError

    class DownThenRefusing(Collecting):
        down = True

        def write(self, events: object) -> WriteReceipt:
            if self.down:
                raise StoreError("connection refused")
            batch = list(events)  # type: ignore[call-overload]
            taken = [e for e in batch if e.id != "e2"]
            self.events.extend(taken)
            return WriteReceipt(created=len(taken), rejected=tuple((e.id, "mapping conflict") for e in batch
                                                                   if e.id == "e2"))

    sink, said = DownThenRefusing(), []
    pipeline = Pipeline(sink, data_dir=tmp_path, retry_seconds=0, notice=said.append)  # type: ignore[arg-type]
    assert pipeline.deliver([event(n) for n in range(4)]).spooled == 4
    sink.down = False
    assert pipeline.drain() == 4 and pipeline.drain_rejected == 1
    (record,) = [json.loads(line) for line in (tmp_path / "rejects" / "spool.rejects.jsonl").read_text().splitlines()]
    assert (record["id"], record["reason"]) == ("e2", "mapping conflict")
    assert any(s.startswith("spool: 1 drained events refused by the store (mapping conflict) -> ") for s in said)
