"""Windows EVTX files: a Source yielding one record per event, and the ``windows.evtx`` parser.

Stage: collectors (source + parse). EVTX is a binary chunked format, not lines; the records are
read with ``evtx`` (pyevtx-rs, the Rust EVTX parser's Python bindings), which renders each record
as JSON (``Event.System``, ``Event.EventData`` / ``Event.UserData``, attributes under
``#attributes``). A record's position is its EventRecordID, so its event id is the same on every
read of the file; the pipeline keeps the last acknowledged one as the file's checkpoint, and a
later read decodes only the chunks after it. The record JSON is kept as ``event.original``;
normalisation follows Winlogbeat (collectors.windows.winlog).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from govsoc.collectors.base import FILE_ORIGIN, ParseContext, RawRecord, parsers, record_digest
from govsoc.collectors.files.identity import open_content
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


#: EVTX layout: a 4 KiB file header, then 64 KiB chunks, each starting with "ElfChnk\0" and
#: stating the first and last EventRecordID it holds (u64 at bytes 24 and 32).
FILE_HEADER_BYTES = 4096
CHUNK_BYTES = 65536
CHUNK_MAGIC = b"ElfChnk\x00"
_CHUNK_IDS = struct.Struct("<QQ")


class EvtxFileSource:
    """The event records of one EVTX file in EventRecordID order, origin ``file://<absolute path>``.

    Records the EVTX reader cannot decode are skipped and counted in ``unreadable`` (with the
    first reasons in ``errors``), so one damaged chunk does not lose the rest of the file.

    ``resume(after, digest)`` makes it a resumable source (collectors.base.ResumableSource): only
    the chunks that hold records after EventRecordID ``after`` are decoded, provided the record
    ``after`` is still there with the same content (``digest``); otherwise, as for a log that
    was cleared or replaced, the whole file is read (its ids are stable: nothing is stored twice).
    Chunks are read in EventRecordID order, so a wrapped ring (newest chunks before the oldest
    in the file) still yields ids in order and a checkpoint is one id.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.unreadable = 0
        self.errors: list[str] = []
        self._after = 0
        self._digest: str | None = None
        #: Whether the last records() resumed after a checkpoint (False: the whole file was read).
        self.resumed = False

    def resume(self, after: int, digest: str | None) -> None:
        """Read only records after EventRecordID ``after``, whose record had ``digest``."""
        self._after, self._digest = after, digest

    def state(self) -> str:
        """A digest of the file's header, size and modification time: equal means unchanged."""
        location = Location(path=str(self.path))
        try:
            with open_content(self.path) as handle:
                st = os.fstat(handle.fileno())
                header = handle.read(FILE_HEADER_BYTES)
        except OSError as e:
            raise ParseError(f"cannot read: {e.strerror}", location=location) from e
        return hashlib.sha256(header + f"{st.st_size}:{st.st_mtime_ns}".encode()).hexdigest()[:32]

    def records(self) -> Iterator[RawRecord]:
        """One record per event: its JSON rendering, at offset = EventRecordID."""
        try:
            import evtx  # the Rust reader is imported only when EVTX files are read
        except ImportError as e:
            raise ParseError("reading EVTX needs the evtx package: pip install 'evtx>=0.14'",
                             location=Location(path=str(self.path))) from e
        origin = FILE_ORIGIN + str(self.path.resolve())
        location = Location(path=str(self.path))
        # Opened as every log is (identity.open_content): the checks of the read it is part of (no
        # link where none may be, the log's folder as checked, the owner) hold for EVTX too; the
        # reader is given this descriptor, never the path to open again.
        with open_content(self.path) as handle:
            yield from self._records(evtx, handle, origin, location)

    def _records(self, evtx: Any, handle: BinaryIO, origin: str, location: Location) -> Iterator[RawRecord]:
        """records() of the file open as ``handle``."""
        try:
            header = handle.read(FILE_HEADER_BYTES)
            chunks = _chunks(handle)
        except OSError as e:
            raise ParseError(f"cannot read: {e.strerror}", location=location) from e
        if header[:len(EVTX_MAGIC)] != EVTX_MAGIC:
            raise ParseError("not an EVTX file (no ElfFile header)", location=location)
        after = self._after if any(first <= self._after <= last for first, last, _ in chunks) else 0
        self.resumed = after > 0
        for record in self._read(evtx, self._stream(handle, header, chunks, after), origin, location):
            if record.offset < after:
                continue
            if record.offset == after:
                if record_digest(record.data) != self._digest:  # not the log the checkpoint is of
                    break
                after = -1  # checked: every further record is new
                continue
            if after > 0:  # the checkpoint's record is not where its chunk says: read it all
                break
            yield record
        else:
            if after <= 0:
                return
        self.resumed = False
        yield from self._read(evtx, self._stream(handle, header, chunks, 0), origin, location)

    @staticmethod
    def _stream(handle: BinaryIO, header: bytes, chunks: list[tuple[int, int, int]], after: int) -> BinaryIO:
        """The file for the reader: ``handle`` from its start, or its header and the chunks
        holding records from ``after`` on, in EventRecordID order."""
        wanted = sorted((first, position) for first, last, position in chunks if last >= after)
        if after == 0 and [p for _, p in wanted] == sorted(p for _, _, p in chunks):
            handle.seek(0)
            return handle
        buffer = io.BytesIO()
        buffer.write(header)
        for _, position in wanted:
            handle.seek(position)
            buffer.write(handle.read(CHUNK_BYTES))
        buffer.seek(0)
        return buffer

    def _read(self, evtx: Any, stream: BinaryIO, origin: str, location: Location) -> Iterator[RawRecord]:
        try:
            reader = evtx.PyEvtxParser(stream)
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


def _chunks(handle: BinaryIO) -> list[tuple[int, int, int]]:
    """(first EventRecordID, last EventRecordID, file position) of every chunk with a header."""
    found: list[tuple[int, int, int]] = []
    position = FILE_HEADER_BYTES
    while True:
        handle.seek(position)
        head = handle.read(40)
        if len(head) < 40:
            return found
        if head[:len(CHUNK_MAGIC)] == CHUNK_MAGIC:
            first, last = _CHUNK_IDS.unpack_from(head, 24)
            found.append((first, last, position))
        position += CHUNK_BYTES


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
            fields["log.file.path"] = record.file_path_text
        try:
            event = Event(id=record.event_id(), timestamp=when, dataset=dataset, fields=fields)
            event.to_document()  # data names that nest under one another ("a" and "a.b") cannot be stored
        except ValueError as e:
            raise ParseError(f"not a storable event: {e}") from e
        yield event
