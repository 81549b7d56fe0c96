"""FileTracker.acknowledged (collectors.files.tracker): the batch's ids are gathered only when a
copy noted ahead (a partial line's, Checkpoint.pending or Checkpoint.partial) may be among them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from govsoc.collectors import IngestOptions, Pipeline
from govsoc.collectors.files.tracker import FileTracker
from govsoc.core.event import Event
from govsoc.store.base import Query
from govsoc.store.sqlite import SqliteStore


def sshd(i: int) -> bytes:
    return f"Dec 10 06:{i // 60 % 60:02d}:{i % 60:02d} LabSZ sshd[{i}]: Failed password for u{i} from 10.0.0.1 " \
           f"port {i} ssh2\n".encode()


class _Watched(list[Event]):
    """A batch that counts the walks over it."""

    walks = 0

    def __iter__(self) -> Iterator[Event]:
        _Watched.walks += 1
        return super().__iter__()


@pytest.fixture
def watched(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each batch FileTracker.acknowledged is given is walked as a _Watched (the walks acknowledged makes)."""
    acknowledged = FileTracker.acknowledged

    def spied(self: FileTracker, last: Any, delivery: Any, batch: list[Event], where: Any = None) -> None:
        acknowledged(self, last, delivery, _Watched(batch), where)

    _Watched.walks = 0
    monkeypatch.setattr(FileTracker, "acknowledged", spied)


@pytest.mark.usefixtures("watched")
def test_a_batch_of_whole_lines_is_not_walked_for_its_ids(tmp_path: Path) -> None:
    """No partial line noted or stored: the checkpoint moves without a set of the batch's ids (a
    walk over 20,000 events a batch, 0.6 us a line of the ingest process: F11at)."""
    log = tmp_path / "auth.log"
    log.write_bytes(b"".join(sshd(i) for i in range(300)))
    store = SqliteStore(tmp_path / "events.db")
    try:
        summary = Pipeline(store, data_dir=tmp_path / "state").ingest_file(log, IngestOptions(batch_size=100))
        assert (summary.receipt.created, store.count(Query())) == (300, 300)
    finally:
        store.close()
    assert _Watched.walks == 0


@pytest.mark.usefixtures("watched")
def test_a_completed_partial_line_still_replaces_its_copy(tmp_path: Path) -> None:
    """The ids are still looked at where they tell something: a partial line's copy is replaced by
    the completed line (its own id differs), one event kept."""
    log = tmp_path / "auth.log"
    whole = sshd(1)
    log.write_bytes(sshd(0) + whole[:40])
    store = SqliteStore(tmp_path / "events.db")
    try:
        pipeline = Pipeline(store, data_dir=tmp_path / "state")
        pipeline.ingest_file(log, IngestOptions())  # one-shot: the unterminated line stored flagged partial
        assert store.count(Query()) == 2
        log.write_bytes(sshd(0) + whole)
        summary = pipeline.ingest_file(log, IngestOptions())
        assert summary.replaced_partial == 1
        assert store.count(Query()) == 2
        assert [e.get("event.original") for e in store.search(Query()) if "partial" in (e.get("govsoc.flags") or [])] \
            == []
    finally:
        store.close()
    assert _Watched.walks > 0
