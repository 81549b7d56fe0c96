"""The flow events govsoc stores for a capture, as the agreement tests compare them with Zeek's
logs: the capture is ingested as `govsoc ingest -p network.pcap` does (collectors.Pipeline, the
network.pcap parser, ECS mapping, coercion) into a real SQLite store and read back from it, so a
change anywhere between the flow table and the stored event shows in the comparison.

One ingest per capture per test session (the conn.log and protocol tests share it); the store is
deleted once its events are read."""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path

from govsoc.collectors import Pipeline
from govsoc.collectors.pipeline import IngestOptions
from govsoc.core.event import Event
from govsoc.store.base import Query
from govsoc.store.sqlite import SqliteStore

DATASET = "network.flow"


def stored_flows(trace: Path) -> tuple[Event, ...]:
    """The flow events of :func:`stored_events` (not the events of a flow's later transactions)."""
    return tuple(event for event in stored_events(trace) if "connection" in event.fields.get("event.type", ()))


@functools.cache
def stored_events(trace: Path) -> tuple[Event, ...]:
    """The network.flow events a fresh store holds after ingesting ``trace`` (problems, which the
    pipeline keeps as pipeline_error events, left out), in the store's order: flows and the
    later DNS/HTTP transactions of a flow (collectors.flows.transactions)."""
    with tempfile.TemporaryDirectory(prefix="govsoc-stored-") as folder:
        home = Path(folder)
        store = SqliteStore(home / "events.db")
        try:
            Pipeline(store, data_dir=home / "data").ingest_file(trace, IngestOptions(parser="network.pcap"))
            return tuple(event for event in store.search(Query())
                         if event.dataset == DATASET and event.fields.get("event.kind") == "event")
        finally:
            store.close()
