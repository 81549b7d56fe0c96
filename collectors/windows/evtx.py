"""Windows EVTX files: a Source yielding one record per event, and the ``windows.evtx`` parser.

Stage: collectors (source + parse). EVTX is a binary chunked format, not lines; the records are
read with ``evtx`` (pyevtx-rs, the Rust EVTX parser's Python bindings), which renders each record
as JSON (``Event.System``, ``Event.EventData`` / ``Event.UserData``, attributes under
``#attributes``). A record's position is its EventRecordID, so its event id is the same on every
read of the file. The record JSON is kept as ``event.original``; normalisation follows Winlogbeat
(collectors.windows.winlog).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from govsoc.collectors.base import FILE_ORIGIN, ParseContext, RawRecord, parsers
from govsoc.collectors.windows.winlog import DEFAULT_DATASET, normalise
from govsoc.core.errors import Location, ParseError
from govsoc.core.event import Event

#: The first bytes of every EVTX file ("ElfFile\0").
EVTX_MAGIC = b"ElfFile\x00"

#: The source identity of every EVTX record. An EVTX file is rewritten in place (its header, the
#: ring of chunks), so no fingerprint of the file is stable; a record is identified by itself:
#: its EventRecordID (the offset) and the digest of its content, which holds the computer, the
#: channel and the time. The same event read from a copy, an export or a later snapshot of the
#: log keeps its id, and the store keeps it once.
RECORD_IDENTITY = "windows.evtx"


class EvtxFileSource:
    """The event records of one EVTX file, in file order, origin ``file://<absolute path>``.

    Records the EVTX reader cannot decode are skipped and counted in ``unreadable`` (with the
    first reasons in ``errors``), so one damaged chunk does not lose the rest of the file.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.unreadable = 0
        self.errors: list[str] = []

    def records(self) -> Iterator[RawRecord]:
        """One record per event: its JSON rendering, at offset = EventRecordID."""
        try:
            import evtx  # the Rust reader is imported only when EVTX files are read
        except ImportError as e:
            raise ParseError("reading EVTX needs the evtx package: pip install 'evtx>=0.14'",
                             location=Location(path=str(self.path))) from e
        origin = FILE_ORIGIN + str(self.path.resolve())
        location = Location(path=str(self.path))
        try:
            with self.path.open("rb") as handle:
                magic = handle.read(len(EVTX_MAGIC))
        except OSError as e:
            raise ParseError(f"cannot read: {e.strerror}", location=location) from e
        if magic != EVTX_MAGIC:
            raise ParseError("not an EVTX file (no ElfFile header)", location=location)
        try:
            reader = evtx.PyEvtxParser(str(self.path))
        except (OSError, RuntimeError) as e:
            raise ParseError(f"cannot open EVTX: {e}", location=location) from e
        iterator = iter(reader.records_json())
        while True:
            try:
                item = next(iterator)
            except StopIteration:
                return
            except (RuntimeError, ValueError, OSError) as e:  # a damaged record or chunk
                self.unreadable += 1
                if len(self.errors) < 5:
                    self.errors.append(str(e).splitlines()[0] if str(e) else type(e).__name__)
                continue
            if not isinstance(item, dict):
                continue
            yield RawRecord(data=str(item["data"]).encode("utf-8"), origin=origin, identity=RECORD_IDENTITY,
                            offset=int(item["event_record_id"]))


@parsers.register("windows.evtx")
class WindowsEvtxParser:
    """Windows events from EVTX records (as EvtxFileSource yields them) to ECS."""

    dataset = DEFAULT_DATASET

    def file_source(self, path: Path) -> EvtxFileSource:
        """EVTX is not lines: the pipeline reads it through this source."""
        return EvtxFileSource(path)

    def parse(self, record: RawRecord, context: ParseContext) -> Iterator[Event]:
        """One event per record; ParseError when the record is not an event's JSON rendering."""
        del context  # EVTX times are UTC FILETIMEs: no zone or year to supply
        original = record.text()
        try:
            root = json.loads(original)["Event"]
            system = root["System"]
        except (ValueError, KeyError, TypeError) as e:
            raise ParseError(f"not an EVTX event record: {type(e).__name__} {e}") from e
        when, dataset, fields = normalise(system, root.get("EventData"), root.get("UserData"))
        fields["event.original"] = original
        if record.file_path:
            fields["log.file.path"] = record.file_path
        try:
            event = Event(id=record.event_id(), timestamp=when, dataset=dataset, fields=fields)
            event.to_document()  # data names that nest under one another ("a" and "a.b") cannot be stored
        except ValueError as e:
            raise ParseError(f"not a storable event: {e}") from e
        yield event
