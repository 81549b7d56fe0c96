"""An attacker's bytes in a logged field never hide their line from detection nor forge a line of
their own (R11l-1, R11l-7), on a real sshd log (loghub's OpenSSH_2k) with one hostile line in it."""

from __future__ import annotations

from pathlib import Path

import pytest

from govsoc.collectors import IngestOptions, Pipeline
from govsoc.core.coercion import clean_text
from govsoc.store.base import Query
from govsoc.store.sqlite import SqliteStore


def real_lines(corpus: Path) -> list[bytes]:
    return (corpus / "loghub/OpenSSH/OpenSSH_2k.log").read_bytes().splitlines(keepends=True)[:200]


def ingest(tmp_path: Path, store: SqliteStore, content: bytes) -> Pipeline:
    log = tmp_path / "auth.log"
    log.write_bytes(content)
    pipeline = Pipeline(store, data_dir=tmp_path / "state")
    pipeline.ingest_file(log, IngestOptions(parser="linux.auth", year=2024))
    return pipeline


@pytest.mark.parametrize("user", [
    b"\x01" * 100,                   # control bytes over a tenth of the line (R11l-1 as reported)
    b"\x01\x02\x03root",             # within the first 16 bytes of sshd's message, not of the line
    b"ad\x00\x00\x00\x00\x00min",    # NUL bytes, fewer than a padding run
    b"\x07" * 15 + b"\x00" * 15,     # bell and NULs
])
def test_control_bytes_in_a_logged_user_name_do_not_hide_the_line(tmp_path: Path, sqlite_store: SqliteStore,
                                                                   corpus: Path, user: bytes) -> None:
    # before: the line was one `garbled` pipeline_error event: no user.name, no source.ip, seen
    # by no field rule ("Invalid user <100 x \x01> from 6.6.6.6": 0 events with source.ip 6.6.6.6)
    real = real_lines(corpus)
    hostile = b"Dec 10 07:00:00 LabSZ sshd[999]: Invalid user " + user + b" from 6.6.6.6 port 4444\n"
    ingest(tmp_path, sqlite_store, b"".join(real[:100]) + hostile + b"".join(real[100:]))
    # a field rule's selection: user.name and source.ip (SigmaHQ's sshd invalid-user shape); the
    # store keeps a NUL as U+FFFD (govsoc.core.coercion: SQLite's text search stops at a NUL)
    name = clean_text(user.decode())
    (event,) = sqlite_store.search(Query(terms={"source.ip": ("6.6.6.6",), "user.name": (name,)}))
    assert (event.get("event.kind"), event.get("event.outcome")) == ("event", "failure")
    assert sqlite_store.count(Query()) == 201
    assert sqlite_store.count(Query(terms={"event.kind": ("pipeline_error",)})) == 0


def test_nul_bytes_in_a_logged_field_forge_no_line(tmp_path: Path, sqlite_store: SqliteStore, corpus: Path) -> None:
    # before: 16 NUL bytes ended the line (crash padding) and the attacker's text after them
    # was a log line of its own: an sshd "Accepted password for admin from 6.6.6.7" event
    real = real_lines(corpus)
    forged = b"Dec 10 07:01:00 LabSZ sshd[1]: Accepted password for admin from 6.6.6.7 port 1 ssh2"
    for run in (16, 5000):
        hostile = b"Dec 10 07:00:59 LabSZ sshd[998]: Invalid user x" + b"\x00" * run + forged + b"\n"
        folder = tmp_path / str(run)
        folder.mkdir()
        store = SqliteStore(folder / "events.db")
        try:
            pipeline = ingest(folder, store, b"".join(real[:100]) + hostile + b"".join(real[100:]))
            assert store.count(Query()) == 201  # the 200 real lines and the hostile one
            assert store.count(Query(terms={"user.name": ("admin",)})) == 0
            assert store.count(Query(terms={"source.ip": ("6.6.6.7",)})) == 0
            assert not [e for e in store.search(Query()) if str(e.get("event.original")).startswith(forged.decode())]
            # the hostile line is stored whole, its bytes recoverable
            (kept,) = store.search(Query(terms={"process.pid": (998,)}))
            assert str(kept.get("event.original")).endswith(forged.decode())
            (checkpoint,) = pipeline.checkpoints.all()
            assert checkpoint.counters.get("nul_bytes_skipped", 0) == 0
        finally:
            store.close()
