"""kill -9 of `govsoc ingest` in each window where an unterminated last line's copy (flagged
``partial``) is in the store, or is being replaced, and the checkpoint does not say so yet
(R11i-1). A real child process kills itself with SIGKILL at the named point (core.crashpoint:
a window between the store's acknowledgement and a checkpoint save is microseconds wide), the
line is completed, a second run finishes: the store holds every line once, the completed one
unflagged. The id set is computed here from the file, independently of govsoc's code (as in
tests/collectors/test_crash.py), on SQLite and on Elasticsearch."""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from govsoc.collectors import IngestOptions, Pipeline
from govsoc.core.config import ElasticsearchSettings
from govsoc.store.base import Query, Store
from govsoc.store.sqlite import SqliteStore
from tests.collectors.test_crash import GOVSOC, expected_ids


def sshd(i: int) -> bytes:
    return (f"Dec 10 07:{i // 60 % 60:02d}:{i % 60:02d} web2 sshd[{i}]: Failed password for u{i} from "
            f"10.3.0.{i % 250} port {i} ssh2\n").encode()


#: Complete lines before the unterminated one: more than the 1 KiB fingerprint, so the file's
#: identity is that of its first KiB whatever is appended (expected_ids computes it so).
HEAD = b"".join(sshd(i) for i in range(40))
LAST = sshd(40)


class Run:
    """`govsoc ingest LOG` as a child process with one store (SQLite, or an Elasticsearch prefix)."""

    def __init__(self, tmp_path: Path, config: str, opened: Callable[[], Store]) -> None:
        self.log, self.home = tmp_path / "auth.log", tmp_path / "home"
        self.config = tmp_path / "govsoc.yaml"
        self.config.write_text(f"data_dir: {self.home}\n{config}", encoding="utf-8")
        self.opened = opened

    def ingest(self, crash_at: str | None = None, *args: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "GOVSOC_HOME": str(self.home), "GOVSOC_ES_URL": ""}
        env.pop("GOVSOC_CRASH_AT", None)
        if crash_at:
            env["GOVSOC_CRASH_AT"] = crash_at
        done = subprocess.run([GOVSOC, "--config", str(self.config), "ingest", *args, str(self.log)], env=env,
                              capture_output=True, text=True, timeout=300)
        if crash_at:
            assert done.returncode == -signal.SIGKILL, f"not killed at {crash_at}: {done.returncode} {done.stderr}"
        else:
            assert done.returncode == 0, done.stderr
        return done

    def append(self, data: bytes) -> None:
        with self.log.open("ab") as out:
            out.write(data)

    def stored(self) -> dict[str, list[str]]:
        """Every stored event: id -> its flags (ids listed once per stored copy)."""
        store = self.opened()
        try:
            store.refresh()
            events = list(store.search(Query()))
        finally:
            store.close()
        ids = [e.id for e in events]
        assert len(ids) == len(set(ids)), "an id stored twice"
        return {e.id: list(e.get("govsoc.flags") or []) for e in events}

    def assert_every_line_once(self) -> None:
        """The store holds exactly the file's lines, each once, none flagged partial."""
        stored = self.stored()
        assert set(stored) == expected_ids(self.log), (len(stored), len(expected_ids(self.log)))
        assert not [i for i, flags in stored.items() if "partial" in flags]


@pytest.fixture(params=["sqlite", pytest.param("elasticsearch", marks=pytest.mark.es)])
def run(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Run]:
    if request.param == "sqlite":
        yield Run(tmp_path, "", lambda: SqliteStore(tmp_path / "home" / "events.db"))
        return
    from govsoc.store.elasticsearch import ElasticsearchStore

    env = request.getfixturevalue("es_env")
    settings = ElasticsearchSettings(url=env["GOVSOC_ES_URL"], index_prefix=f"govsoc-test-{uuid.uuid4().hex[:10]}",
                                     number_of_replicas=0)
    yield Run(tmp_path, f"store:\n  backend: elasticsearch\n  elasticsearch:\n    url: {settings.url}\n"
                        f"    index_prefix: {settings.index_prefix}\n    number_of_replicas: 0\n",
              lambda: ElasticsearchStore(settings))
    store = ElasticsearchStore(settings)
    try:
        store.drop_all()
    finally:
        store.close()


def test_killed_after_the_partial_copy_is_stored(run: Run) -> None:
    # R11i-1: the store took the batch with the partial copy, the checkpoint never said so; the
    # completed line was then stored beside the copy, for good (41 lines, 42 events).
    run.log.write_bytes(HEAD + LAST[:25])
    run.ingest("partial-stored")
    run.append(LAST[25:])
    run.ingest()
    run.assert_every_line_once()


def test_killed_after_the_partial_copy_is_noted_and_before_it_is_stored(run: Run) -> None:
    # the note written ahead names a copy the store never took: superseding it deletes nothing,
    # and the lines before it (in the same batch, not stored either) are read again
    run.log.write_bytes(HEAD + LAST[:25])
    run.ingest("partial-noted")
    assert not run.stored()
    run.append(LAST[25:])
    run.ingest()
    run.assert_every_line_once()


def test_killed_after_the_partial_copy_is_stored_then_read_again_unchanged(run: Run) -> None:
    # the killed run's copy is the next run's copy (same bytes, same id): stored once, flagged,
    # and replaced when the line is completed
    run.log.write_bytes(HEAD + LAST[:25])
    run.ingest("partial-stored")
    run.ingest()
    assert [flags for flags in run.stored().values() if "partial" in flags] == [["partial"]]
    run.append(LAST[25:] + sshd(41))
    run.ingest()
    run.assert_every_line_once()


def test_killed_after_a_grown_partial_copy_is_stored(run: Run) -> None:
    # the line grew but is still unterminated: the new copy was stored, the checkpoint still
    # named the old one, which the completed line replaced; the new copy stayed
    run.log.write_bytes(HEAD + LAST[:25])
    run.ingest()
    run.append(LAST[25:50])
    run.ingest("partial-stored")
    run.append(LAST[50:])
    run.ingest()
    run.assert_every_line_once()


def test_killed_twice_after_partial_copies_are_stored(run: Run) -> None:
    # two killed runs, each leaving a copy the checkpoint does not name (the second run wrote its
    # own before it read past the first's)
    run.log.write_bytes(HEAD + LAST[:25])
    run.ingest("partial-stored")
    run.append(LAST[25:50])
    run.ingest("partial-stored")
    run.append(LAST[50:] + sshd(41)[:10])
    run.ingest("partial-stored")
    run.append(sshd(41)[10:])
    run.ingest()
    run.assert_every_line_once()


def test_killed_after_the_completed_line_is_stored(run: Run) -> None:
    # the completed line is in the store, the checkpoint still names the copy it replaces
    run.log.write_bytes(HEAD + LAST[:25])
    run.ingest()
    run.append(LAST[25:])
    run.ingest("completed-stored")
    run.ingest()
    run.assert_every_line_once()


def test_killed_after_the_completed_line_replaced_a_copy_the_checkpoint_never_named(run: Run) -> None:
    run.log.write_bytes(HEAD + LAST[:25])
    run.ingest("partial-stored")
    run.append(LAST[25:])
    run.ingest("completed-stored")
    run.ingest()
    run.assert_every_line_once()


@pytest.mark.parametrize("point", [
    "superseded-recorded",  # the checkpoint names the copy to delete, the store has not deleted it
    "superseded-deleted",  # the store deleted it, the checkpoint still names it
])
def test_killed_while_the_partial_copy_is_deleted(run: Run, point: str) -> None:
    run.log.write_bytes(HEAD + LAST[:25])
    run.ingest()
    run.append(LAST[25:])
    run.ingest(point)
    run.ingest()
    run.assert_every_line_once()



def hostile_line() -> bytes:
    """One sshd line whose user name holds 9 KiB of control bytes with a raw newline every 20-90
    bytes, as sshd logs a client's field unescaped: one logged line, stored as two records, its
    first line (sshd's, parsed: R11l-1) and the field's lines after it, one record flagged garbled
    (collectors.files.lines)."""
    rng = random.Random(10)
    field = bytearray()
    while len(field) < 9000:
        field += bytes(rng.choice(b"\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17")
                       for _ in range(rng.randrange(20, 90)))
        field += b"\n"
    return b"Dec 10 07:01:40 web2 sshd[100]: Invalid user " + bytes(field[:-1]) + b" from 10.9.9.9 port 4444\n"


HOSTILE = hostile_line()
#: Where the first run's file ends: 4 bytes into one of the hostile line's raw-newline lines,
#: some 4 KiB into it (R11j-10's cut). The lines before it make the file longer than the 8 KiB
#: the reader judges control bytes over (collectors.files.binary.WINDOW): a shorter file's are
#: read as lines (R11j-2).
CUT = HOSTILE.index(b"\n", 4000) + 5
BEFORE = b"".join(sshd(i) for i in range(100))
AFTER = b"".join(sshd(i) for i in range(101, 121))


def expected_with_hostile(log: Path) -> set[str]:
    """The ids of the file's records, computed as expected_ids does, with the hostile logged line
    two records: its first line, and the lines after it as one (its bytes without its newline)."""
    data = log.read_bytes()
    identity = hashlib.sha256(data[:1024]).hexdigest()[:32]
    start = data.index(HOSTILE)
    at = start + HOSTILE.index(b"\n") + 1
    ids = {i for i in expected_ids(log) if i not in _line_ids(identity, data, at, start + len(HOSTILE))}
    digest = hashlib.sha1(HOSTILE[at - start:-1]).hexdigest()[:16]
    return ids | {hashlib.sha256(f"{identity}\x1f{at}\x1f{digest}".encode()).hexdigest()[:32]}


def _line_ids(identity: str, data: bytes, start: int, stop: int) -> set[str]:
    """The ids expected_ids gives the newline-split lines between ``start`` and ``stop``."""
    ids, offset = set(), start
    for line in data[start:stop].split(b"\n")[:-1]:
        digest = hashlib.sha1(line).hexdigest()[:16]
        ids.add(hashlib.sha256(f"{identity}\x1f{offset}\x1f{digest}".encode()).hexdigest()[:32])
        offset += len(line) + 1
    return ids


@pytest.mark.parametrize(("first", "second"), [
    # R11j-10: the cut run was stored as a complete garbled record (4,074 of its 9,092 bytes);
    # killed before the checkpoint, the next run read it again, whole, with another id
    ("partial-stored", None),
    # the cut copy's checkpoint saved; the whole line stored, killed before the checkpoint said so
    (None, "completed-stored"),
    # no kill: the checkpoint after the cut copy, the next run stored the rest of the field as
    # another record and kept the cut one (the logged line in two pieces)
    (None, None),
])
def test_the_files_end_inside_a_hostile_logged_line(run: Run, first: str | None, second: str | None) -> None:
    run.log.write_bytes(BEFORE + HOSTILE[:CUT])
    run.ingest(first)
    run.append(HOSTILE[CUT:] + AFTER)
    run.ingest(second)
    if second is not None:
        run.ingest()
    stored = run.stored()
    assert set(stored) == expected_with_hostile(run.log), (len(stored), len(expected_with_hostile(run.log)))
    assert not [i for i, flags in stored.items() if "partial" in flags]
    assert sorted(flags for flags in stored.values() if flags) == [["garbled"]]


@pytest.mark.es
def test_killed_after_the_partial_copy_is_spooled(tmp_path: Path, es_env: dict[str, str]) -> None:
    # The store refused (a real refused connection): the copy went to the durable spool, and the
    # run was killed before its checkpoint said so. The next run, the store back, drains the
    # copy into the store at its start, and the completed line must still replace it.
    from govsoc.store.elasticsearch import ElasticsearchStore

    settings = ElasticsearchSettings(url=es_env["GOVSOC_ES_URL"], index_prefix=f"govsoc-test-{uuid.uuid4().hex[:10]}",
                                     number_of_replicas=0)
    layout = f"    index_prefix: {settings.index_prefix}\n    number_of_replicas: 0\n    request_timeout: 5\n"
    run = Run(tmp_path, f"store:\n  backend: elasticsearch\n  elasticsearch:\n    url: http://127.0.0.1:9\n{layout}",
              lambda: ElasticsearchStore(settings))
    try:
        run.log.write_bytes(HEAD + LAST[:25])
        run.ingest("partial-stored")
        assert list((run.home / "spool").glob("*")), "nothing was spooled"
        run.config.write_text(f"data_dir: {run.home}\nstore:\n  backend: elasticsearch\n  elasticsearch:\n"
                              f"    url: {settings.url}\n{layout}", encoding="utf-8")
        run.append(LAST[25:])
        done = run.ingest()
        assert "drained" in done.stdout + done.stderr
        run.assert_every_line_once()
    finally:
        store = ElasticsearchStore(settings)
        try:
            store.drop_all()
        finally:
            store.close()


@pytest.mark.es
def test_a_partial_copy_still_in_the_spool_is_deleted_after_it_is_drained(tmp_path: Path,
                                                                          elastic9_store: Store) -> None:
    # No crash: the copy and then the completed line went to the spool (the store refused), the
    # checkpoint named the copy to delete; the store came back and the next look at the file
    # (unchanged; a poll of `govsoc ingest --follow`, or a one-shot run whose store returned after
    # its first drain) deleted the copy from the store before the spool put it there, for good.
    from elasticsearch import Elasticsearch

    log = tmp_path / "auth.log"
    log.write_bytes(HEAD + LAST[:25])
    real_client = elastic9_store.client  # type: ignore[attr-defined]
    elastic9_store.client = Elasticsearch("http://127.0.0.1:9", max_retries=0)  # type: ignore[attr-defined]
    pipeline = Pipeline(elastic9_store, data_dir=tmp_path / "state", retry_seconds=0.05, max_backoff=0.05)
    try:
        assert pipeline.ingest_file(log).spooled == 41
        with log.open("ab") as out:
            out.write(LAST[25:])
        assert pipeline.ingest_file(log).spooled == 1
    finally:
        elastic9_store.client.close()  # type: ignore[attr-defined]
        elastic9_store.client = real_client  # type: ignore[attr-defined]
    time.sleep(0.2)  # the back-off ran out: the store is tried again
    assert pipeline.ingest_file(log).unchanged
    pipeline.drain()
    assert pipeline.spool.is_empty()
    elastic9_store.refresh()
    events = list(elastic9_store.search(Query()))
    assert len(events) == len({e.id for e in events})
    assert {e.id for e in events} == expected_ids(log)
    assert not [e for e in events if "partial" in (e.get("govsoc.flags") or [])]


def test_killed_after_a_growing_captures_provisional_flows_are_stored(run: Run, corpus: Path,
                                                                      tmp_path: Path) -> None:
    # The same window for a capture still being written (collectors.base.GrowingSource): the flows
    # open at its end are stored provisional, and replaced once the grown capture continues them.
    # Killed after the store took them and before the checkpoint named them, the grown capture's
    # read stored the continued flows beside them. The peer: one ingest of the whole capture.
    whole = (corpus / "zeek" / "traces" / "ssh" / "ssh.pcap").read_bytes()
    peer = tmp_path / "whole.pcap"
    peer.write_bytes(whole)
    store = SqliteStore(tmp_path / "whole.db")
    try:
        Pipeline(store, data_dir=tmp_path / "whole-data").ingest_file(peer, IngestOptions(parser="network.pcap"))
        expected = {e.id for e in store.search(Query())}
    finally:
        store.close()
    run.log = tmp_path / "growing.pcap"
    run.log.write_bytes(whole[:len(whole) // 2])
    run.ingest("provisional-stored", "--parser", "network.pcap")
    run.log.write_bytes(whole)
    run.ingest(None, "--parser", "network.pcap")
    assert set(run.stored()) == expected


def test_follow_killed_after_a_rotated_files_partial_copy_is_stored(run: Run) -> None:
    # `govsoc ingest --follow` waits for a live file's unterminated line, but reads a file rotated
    # away to its end (final) and stores its last line flagged partial. Killed there, and the
    # writer that still held the rotated file finishing its line (rename-and-create rotation,
    # before the application reopens its log): the next run stored the line beside the copy.
    run.log.write_bytes(HEAD + LAST[:25])
    sources = run.home / "state" / "sources"
    env = {**os.environ, "GOVSOC_HOME": str(run.home), "GOVSOC_ES_URL": "", "GOVSOC_CRASH_AT": "partial-stored"}
    follower = subprocess.Popen([GOVSOC, "--config", str(run.config), "ingest", "--follow", "--interval", "0.2",
                                 "--stop-after", "120", str(run.log)], env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not any(json.loads(p.read_text(encoding="utf-8")).get("offset") == len(HEAD)
                      for p in sources.glob("*.json")):
            assert follower.poll() is None and time.monotonic() < deadline, "the follower did not read the lines"
            time.sleep(0.1)
        rotated = run.log.with_name("auth.log.1")
        run.log.rename(rotated)
        run.log.write_bytes(sshd(50))
        _, err = follower.communicate(timeout=60)
    finally:
        if follower.poll() is None:
            follower.kill()
            follower.wait()
    assert follower.returncode == -signal.SIGKILL, err
    with rotated.open("ab") as out:
        out.write(LAST[25:])
    run.ingest(None, str(rotated))
    stored = run.stored()
    assert set(stored) == expected_ids(rotated) | expected_ids(run.log)
    assert not [i for i, flags in stored.items() if "partial" in flags]


@pytest.mark.parametrize("point", ["completed-stored", "superseded-recorded"])
def test_a_judged_copy_deleted_by_the_run_after_a_kill_is_said_replaced(run: Run, tmp_path: Path, point: str) -> None:
    # R56b-1: a closed burst keeps, for the partial copy it was judged with, the events of its
    # completed line (Alert.judged_copies), which Store.delete is told. Killed after the
    # completed line was stored, or after the checkpoint named the copy to delete, the next run
    # deletes it and still says what replaced it.
    from govsoc.core.alert import TriageChange
    from govsoc.rules import detect
    from tests.rules.test_incremental import BURST_ID, RULES, ruleset, sshd_at

    rules = ruleset(tmp_path, RULES)
    last = sshd_at(180)
    run.log.write_bytes(sshd_at(0) + sshd_at(60) + sshd_at(120) + last[:-5])
    run.ingest(None, "--year", "2026", "--timezone", "UTC")
    store = run.opened()
    try:
        store.refresh()
        detect(store, rules)
        (burst,) = store.alerts(rule_id=BURST_ID)
        assert burst.event_count == 4
        store.update_alert(burst.id, TriageChange(status="closed"))
        copy = next(e.id for e in store.search(Query()) if "partial" in (e.get("govsoc.flags") or []))
    finally:
        store.close()
    run.append(last[-5:])
    run.ingest(point, "--year", "2026", "--timezone", "UTC")
    run.ingest(None, "--year", "2026", "--timezone", "UTC")
    store = run.opened()
    try:
        store.refresh()
        stored = {e.id: e for e in store.search(Query())}
        assert copy not in stored and len(stored) == 4
        (completed,) = [i for i, e in stored.items() if e.timestamp == burst.end]
        kept = store.alert(burst.id)
        assert kept is not None and kept.status == "closed" and kept.judged_copies == ((copy, (completed,)),)
        detect(store, rules)  # the completed line comes back to the burst: not new
        kept = store.alert(burst.id)
        assert kept is not None and kept.status == "closed" and kept.event_count == 4
    finally:
        store.close()


@pytest.mark.parametrize("edit", [{"kept": {"replaced_by": None}}, {"kept": {"replaced_by": {"COPY": None}}},
                                  {"kept": {"replaced_by": {"COPY": [[1], 5, None]}}},
                                  {"kept": {"replaced_by": [1]}}, {"counters": None}])
def test_a_hand_edited_replaced_by_neither_fails_the_ingest_nor_keeps_the_copy(run: Run, edit: dict[str, Any]) -> None:
    # Seen (R57a-5): "replaced_by": null (or a copy's ids null, a number, a list) in the checkpoint
    # of a file ending in a partial line made every later ingest of the file fail ("internal
    # error: TypeError"), the copy kept beside its completed line; "counters": null the same.
    # What is not a list of ids is left out; the copy is deleted.
    run.log.write_bytes(HEAD + LAST[:25])
    run.ingest()
    (copy,) = [i for i, flags in run.stored().items() if "partial" in flags]
    (checkpoint,) = [p for p in (run.home / "state" / "sources").glob("*.json")]
    data = json.loads(checkpoint.read_text())
    assert data["partial"]["ids"] == [copy] and not (data["kept"] or {}).get("replaced_by")
    edit = json.loads(json.dumps(edit).replace("COPY", copy))
    data.update({**edit, "kept": {**(data["kept"] or {}), **edit["kept"]}} if "kept" in edit else edit)
    checkpoint.write_text(json.dumps(data))
    run.append(LAST[25:])
    done = run.ingest()
    assert "internal error" not in done.stderr
    run.assert_every_line_once()
