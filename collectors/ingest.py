"""The ingest pipeline: source -> parse -> normalise (enrich) -> store, with nothing dropped.

A record no parser understands becomes a parse-failure event (ECS ``event.kind:
pipeline_error``) that keeps the raw record and the reason, so it is stored and countable. Events
the store refuses are written, with the reason, to a rejects file named in the summary.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from govsoc.collectors.base import ParseContext, Parser, RawRecord, parsers
from govsoc.collectors.files.lines import LineFileSource
from govsoc.core.errors import GovsocError, Location
from govsoc.core.event import Event, make_id
from govsoc.core.inventory import Inventory
from govsoc.core.sink import EventSink, WriteReceipt

_BATCH = 5000


@dataclass(slots=True)
class IngestSummary:
    """What an ingest run did, for the one-line summary and `govsoc status`."""

    source: str
    records: int = 0
    events: int = 0
    parse_failures: int = 0
    receipt: WriteReceipt = field(default_factory=WriteReceipt)
    rejects_path: Path | None = None
    first_failures: list[str] = field(default_factory=list)

    def line(self) -> str:
        """The closing line: accepted, rejected and where the rejects went."""
        where = f" -> {self.rejects_path}" if self.rejects_path else ""
        return (f"{self.source}: {self.records} records, {self.receipt.accepted} accepted "
                f"({self.receipt.created} new, {self.receipt.duplicates} already stored), "
                f"{self.parse_failures} unparsed kept as pipeline_error events, "
                f"{len(self.receipt.rejected)} rejected{where}")


def failure_event(record: RawRecord, parser: Parser, error: GovsocError, fallback_time: datetime) -> Event:
    """The event that stands for a record its parser did not understand; its time is when the
    record was received, else ``fallback_time`` (for a file, its modification time)."""
    fields: dict[str, Any] = {
        "event.kind": "pipeline_error",
        "event.original": record.text(),
        "message": record.text(),
        "error.message": error.message,
        "govsoc.parse_error": error.message,
        "log.offset": record.offset,
    }
    if record.file_path:
        fields["log.file.path"] = record.file_path
    return Event(id=make_id(record.origin, record.offset), dataset=parser.dataset,
                 timestamp=record.received or fallback_time, fields=fields)


def ingest_file(path: Path, *, parser_id: str, store: EventSink, inventory: Inventory | None = None,
                timezone: str = "Asia/Shanghai", rejects_dir: Path | None = None,
                progress: Callable[[int], None] | None = None) -> IngestSummary:
    """Read, parse, enrich and store one log file."""
    parser = parsers.get(parser_id)()
    source = LineFileSource(path)
    try:
        mtime = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
    except OSError as e:
        raise GovsocError(f"cannot read: {e.strerror}", location=Location(path=str(path))) from e
    context = ParseContext(timezone=ZoneInfo(timezone), reference=mtime)
    summary = IngestSummary(source=str(path))

    def events() -> Iterator[Event]:
        for record in source.records():
            summary.records += 1
            if progress is not None:
                progress(len(record.data) + 1)
            try:
                parsed = list(parser.parse(record, context))
            except GovsocError as e:
                summary.parse_failures += 1
                if len(summary.first_failures) < 5:
                    summary.first_failures.append(f"{path}:{record.line}: {e.message}")
                parsed = [failure_event(record, parser, e, mtime)]
            for event in parsed:
                summary.events += 1
                yield _enriched(event, inventory)

    for batch in _batches(events(), _BATCH):
        receipt = store.write(batch)
        summary.receipt += receipt
        if receipt.rejected and rejects_dir is not None:
            summary.rejects_path = _write_rejects(rejects_dir, path, batch, receipt)
    store.refresh()
    return summary


def _enriched(event: Event, inventory: Inventory | None) -> Event:
    if inventory is None:
        return event
    extra = inventory.enrich(event.fields)
    if not extra:
        return event
    return Event(id=event.id, timestamp=event.timestamp, dataset=event.dataset, fields={**event.fields, **extra})


def _batches(items: Iterable[Event], size: int) -> Iterator[list[Event]]:
    batch: list[Event] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _write_rejects(folder: Path, source: Path, batch: list[Event], receipt: WriteReceipt) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{source.name}.rejects.jsonl"
    reasons = dict(receipt.rejected)
    with target.open("a", encoding="utf-8") as out:
        for event in batch:
            if event.id in reasons:
                out.write(json.dumps({"id": event.id, "reason": reasons[event.id],
                                      "original": event.get("event.original")}, ensure_ascii=False) + "\n")
    return target
