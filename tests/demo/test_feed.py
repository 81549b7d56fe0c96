"""The demo's receivers spool what they could not store before they stopped (the store was busy,
or the delivery thread was behind on a loaded machine): the demo writes that spool to its store
before detection runs. A city demo on a loaded machine once stored 2,286 of 4,561 TCP lines and
left the rest in the spool, so its planted H3C brute force went undetected."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from govsoc.collectors import Pipeline
from govsoc.core.errors import StoreError
from govsoc.core.event import Event
from govsoc.demo.feed import _replay_spool, feed_syslog
from govsoc.store.base import Query
from govsoc.store.sqlite import SqliteStore


def test_what_the_receivers_spooled_is_written_to_the_store(tmp_path: Path) -> None:
    with SqliteStore(tmp_path / "events.db") as store:
        pipeline = Pipeline(store, data_dir=tmp_path, retry_seconds=2.0)
        # The store failed just before: for its back-off every batch goes to the spool, and the
        # receivers stop before it runs out.
        pipeline._went_down(StoreError("database is locked"))
        udp = [f"<134>Nov 30 10:00:{i % 60:02d} fw{i} %%10SHELL/5/CMDRECORD(s)[{i}]: udp line {i}".encode()
               for i in range(200)]
        tcp = [f"<134>Nov 30 10:01:{i % 60:02d} sw{i} %%10SHELL/5/CMDRECORD(s)[{i}]: tcp line {i}".encode()
               for i in range(300)]
        results = feed_syslog(pipeline, tmp_path, udp, tcp, timezone="Asia/Shanghai")
        assert [r.received for r in results] == [200, 300]
        assert [r.stored for r in results] == [200, 300]
        assert store.count(Query()) == 500
        assert pipeline.spool.is_empty()


def test_replaying_waits_out_the_back_off_of_a_store_that_failed(tmp_path: Path) -> None:
    with SqliteStore(tmp_path / "events.db") as store:
        pipeline = Pipeline(store, data_dir=tmp_path, retry_seconds=0.2)
        assert pipeline.spool.append([Event(id="held", timestamp=datetime(2026, 11, 30, tzinfo=UTC), dataset="t",
                                            fields={"message": "held while the store was down"})])
        pipeline._went_down(StoreError("the store did not answer"))  # as a failed write leaves it
        assert pipeline.drain() == 0  # in its back-off, a plain drain writes nothing
        assert _replay_spool(pipeline)
        assert store.count(Query()) == 1
