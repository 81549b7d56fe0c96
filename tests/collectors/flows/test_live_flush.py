"""Review 14 finding 5: a live source's finished flows are not held until --batch fills: with
``flush_seconds`` the pipeline delivers a batch whose first event has waited that long with the
next record (govsoc capture passes 1 s). The source here checks the real SQLite store between
its records: the first flow must be stored before the third is read, although the batch size is
200."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from govsoc.collectors import IngestSummary, Pipeline, parsers
from govsoc.collectors.base import ParseContext, RawRecord
from govsoc.store.base import Query
from govsoc.store.sqlite import SqliteStore


def _flow(n: int) -> bytes:
    return json.dumps({"event.start": f"2024-01-01T00:00:0{n}.000000Z", "source.ip": f"10.0.0.{n}",
                       "destination.ip": "10.0.0.53", "network.transport": "udp"}).encode()


class _Source:
    def __init__(self, store: SqliteStore) -> None:
        self.store = store
        self.seen: list[int] = []

    def records(self) -> Iterator[RawRecord]:
        for n in (1, 2, 3):
            if n == 2:
                time.sleep(0.3)  # the first flow has waited past flush_seconds when the second comes
            if n == 3:
                self.store.refresh()
                self.seen.append(self.store.count(Query()))
            yield RawRecord(data=_flow(n), origin="capture://test", offset=n, identity="t",
                            received=datetime.now(UTC))


def test_a_live_batch_is_delivered_after_flush_seconds(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "events.db")
    try:
        source = _Source(store)
        summary = IngestSummary(source="capture://test")
        Pipeline(store, data_dir=tmp_path / "data").run(
            source, parsers.get("network.pcap")(), ParseContext(timezone=ZoneInfo("UTC"), reference=datetime.now(UTC)),
            summary, batch_size=200, on_full="drop", flush_seconds=0.2)
        assert source.seen == [2]  # flows 1 and 2 stored before flow 3 was read
        store.refresh()
        assert store.count(Query()) == 3 and summary.receipt.created == 3
    finally:
        store.close()
