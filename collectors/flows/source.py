"""pcap/pcapng files as a record source for the ingest pipeline, and the ``network.pcap``
parser that turns its records into flow events (issue 14).

The source reads the capture to its end and yields one record per finished flow, in the order
flows end, at offsets 1, 2, 3...: the same capture gives the same records every time, so event
ids (the capture's identity, the offset, the record digest) are stable and a re-ingested pcap
stores nothing twice. A record holds the flow's ECS fields as JSON. Each problem the reader or
the decoders met (a damaged record, a header cut short) follows as a record of its own that the
parser refuses, so the pipeline keeps it as a ``pipeline_error`` event naming the packet number,
its byte offset and the reason; ``unreadable`` counts them all.

A capture still being written (tcpdump -w, a ring buffer) grows between two ingests. Its
identity is a digest of its first IDENTITY_BYTES, not of its size, so it keeps it as it grows
(``recognise``) and a copy of it anywhere has it too; a capture still shorter than that has the
digest of all of it, and every record it gives is provisional until the grown head replaces them
(review 14b finding 7); the flows that ended inside what was read are final, while those flushed at its
end and the problem records (a record cut short at the end among them) are provisional
(collectors.base.GrowingSource): a re-ingest of the grown capture reads it again, skips the final
records and yields the rest as one ingest of the whole capture would, and the pipeline deletes
the provisional events it does not produce again. A flow stored cut at the old end and then
continued is so updated, never stored twice, and the store ends holding the events of one ingest
of the whole capture, ids included.
"""

from __future__ import annotations

import binascii
import gzip
import hashlib
import json
import os
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO, cast

from govsoc.collectors.base import FILE_ORIGIN, ParseContext, RawRecord, parsers
from govsoc.collectors.files.identity import open_bytes, open_content, tail_digest
from govsoc.collectors.flows.assemble import FlowAssembler
from govsoc.collectors.flows.ecs import flow_fields
from govsoc.collectors.flows.pcap import CaptureError
from govsoc.collectors.flows.transactions import LATER, later_events
from govsoc.core.errors import Location, ParseError
from govsoc.core.event import Event, make_id

#: Bytes of the file's head that identify a capture (all of it when shorter): not its size, so
#: a capture still being written keeps its identity as it grows.
IDENTITY_BYTES = 64 << 10
#: Leading bytes of problem records (never the start of a flow's JSON).
PROBLEM_PREFIX = b"capture problem: "
DATASET = "network.flow"


class PcapFileSource:
    """The flows of one capture file, then its problems (see the module docstring)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.unreadable = 0
        self.errors: list[str] = []
        self.packets = 0
        #: what was read but counted in no flow (fragments of datagrams never reassembled), in
        #: words for the ingest summary, or None
        self.note: str | None = None
        #: the byte offset this read went on from (a grown capture), 0 when read from its start
        self.resumed_at = 0
        self._after = 0
        self._identity: str | None = None
        self._final = 0
        self._provisional: set[str] = set()
        self._kept: dict[str, Any] | None = None
        #: what the last read carried over (collectors.flows.carry: the open flows, where the
        #: reader stopped) with the offset of its last final record, and what this read leaves
        self._carry_in: dict[str, Any] | None = None
        self._carry_out: dict[str, Any] | None = None
        #: the file is shorter than IDENTITY_BYTES: its identity will change as it grows, so
        #: every record is provisional (superseded by the records of the longer head)
        self._short = False
        #: the file is gzip-compressed (read through gzip, never carried over)
        self._compressed = False

    def _head(self) -> tuple[int, int, str]:
        """(size, bytes hashed, digest of the first IDENTITY_BYTES or fewer of the content: of a
        gzip-compressed capture, what it decompresses to, so trace.pcap.gz is trace.pcap)."""
        size, length, head, _ = self._look()
        return size, length, head

    def _look(self) -> tuple[int, int, str, int]:
        """_head() and the modification time (ns) of the same descriptor: the file read, not the
        name looked up again (R11h R5: the folder exchanged meanwhile ended the run)."""
        with open_content(self.path) as handle:
            st = os.fstat(handle.fileno())
            head = handle.read(IDENTITY_BYTES)
            self._compressed = isinstance(handle, gzip.GzipFile)
        return st.st_size, len(head), hashlib.sha256(head).hexdigest(), st.st_mtime_ns

    def identity(self) -> str:
        """The capture's identity: a digest of its first IDENTITY_BYTES (or of all of it when it
        is shorter), unless ``recognise`` found it to be an earlier capture grown since."""
        if self._identity is None:
            _, length, head = self._head()
            self._short = length < IDENTITY_BYTES
            self._identity = make_id("pcap", head)
        return self._identity

    def state(self) -> str:
        """Changes whenever the file does (size, modification time, head)."""
        size, _, head, mtime_ns = self._look()
        return make_id(head, size, mtime_ns)

    def recognise(self, kept: dict[str, Any] | None) -> bool:
        """Whether this is the capture ``kept`` describes, unchanged or grown: as long as it was
        then, with the same first bytes and the same bytes before its old end. It then keeps
        that capture's identity; else it is a new capture (replaced, truncated, rewritten)."""
        size, length, head = self._head()
        same = False
        if kept:
            try:
                with open_bytes(self.path) as handle:
                    old_head = hashlib.sha256(handle.read(int(kept["head_bytes"]))).hexdigest()
                same = (size >= int(kept["size"]) and old_head == kept["head"]
                        and tail_digest(self.path, int(kept["size"])) == kept["tail"])
            except (KeyError, TypeError, ValueError):
                same = False
        # under IDENTITY_BYTES when last read and longer now: the same capture grown, but its
        # identity is the digest of its first IDENTITY_BYTES, as any copy of it will have (review
        # 14b finding 7); what was stored under the shorter head was all provisional and goes
        grown_head = bool(same and kept and int(kept["head_bytes"]) < length)
        self._short = length < IDENTITY_BYTES
        self._identity = str(kept["identity"]) if same and kept and not grown_head else make_id("pcap", head)
        self._kept = {"identity": self._identity, "head_bytes": length, "head": head, "size": size,
                      "tail": tail_digest(self.path, size)}
        self._carry_in = kept.get("carry") if same and kept and not grown_head else None
        return same

    def kept(self) -> dict[str, Any]:
        """The capture as ``recognise`` saw it, to recognise it next time."""
        if self._kept is None:
            self.recognise(None)
        assert self._kept is not None
        kept = dict(self._kept)
        if self._carry_out is not None:  # read to its last whole record: the grown file goes on from there
            position = int(self._carry_out["state"]["position"])
            kept.update(size=position, tail=tail_digest(self.path, position), carry=self._carry_out)
        return kept

    def final_until(self) -> int:
        """The offset of the last flow that ended before the end of the capture."""
        return self._final

    def provisional(self, event_id: str) -> bool:
        """Whether ``event_id`` is a flow flushed at the end of the capture or a problem record."""
        return event_id in self._provisional

    def resume(self, after: int, digest: str | None) -> None:
        """Yield only the records after offset ``after``. The capture is read from its start
        again (the flow table needs every packet); records up to ``after`` are skipped."""
        del digest  # records up to a final record never change while the capture is recognised
        self._after = after

    def _resumed(self, handle: BinaryIO) -> tuple[FlowAssembler, int] | None:
        """An assembler going on from the last whole record an earlier read stopped at, with the
        flows open there, and the offset of its last final record; None when nothing usable was
        carried over (then the capture is read from its start: the same records, only slower)."""
        carry = self._carry_in
        try:
            if carry is None or int(carry["final"]) > self._after:
                return None
            assembler = FlowAssembler(handle, resume=carry["state"])
            offset = self._final = int(carry["final"])
            self.resumed_at = int(carry["state"]["position"])
        except (KeyError, TypeError, ValueError, AttributeError, binascii.Error):  # a damaged checkpoint
            return None
        return assembler, offset

    def records(self) -> Iterator[RawRecord]:
        """One record per flow, then one per problem. Flows that ended inside the capture are
        final; those flushed at its end and the problem records are provisional."""
        origin = FILE_ORIGIN + str(self.path.resolve())
        location = Location(path=str(self.path))
        try:
            identity = self.identity()
        except OSError as e:
            raise ParseError(f"cannot read: {e.strerror}", location=location) from e
        # a gzip-compressed capture (tcpdump -z gzip, trace.pcap.gz) is read through gzip, as logs
        # are; it is read whole each time (no carry-over: positions are in what it decompresses to)
        handle = open_content(self.path)
        decompressed = _Decompressed(handle) if self._compressed else None
        if decompressed is not None:
            self._carry_in = None
            handle = cast(BinaryIO, decompressed)
        with handle:
            assembler, offset = self._resumed(handle) or (FlowAssembler(handle), 0)
            try:
                for flow in assembler.flows():
                    offset += 1
                    fields = flow_fields(flow)
                    data = json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()
                    record = RawRecord(data=data, origin=origin, offset=offset, identity=identity)
                    if assembler.flushing or self._short:  # the flow's event and its later transactions'
                        self._provisional.update(record.event_id(i) for i in range(len(fields.get(LATER, ())) + 1))
                    else:
                        self._final = offset
                    if offset > self._after:
                        yield record
            except CaptureError as e:
                raise ParseError(str(e), location=location) from e
            self.packets = assembler.packets
            state = None if self._short or self._compressed else assembler.carried()
            self._carry_out = {"final": self._final, "state": state} if state is not None else None
            problems = assembler.problems
            self.unreadable = problems.total
            texts = [str(problem) for problem in problems.kept]
            if decompressed is not None and decompressed.error is not None:
                texts.append(f"gzip: compressed capture cut short or damaged after {decompressed.read_bytes} bytes "
                             f"of content ({decompressed.error}): the rest is not read")
                self.unreadable += 1
            self.errors.extend(texts)
            self.note = problems.uncounted_note()
            overflow = problems.overflow_text()
            if overflow is not None:
                texts.append(overflow)
            for text in texts:
                offset += 1
                record = RawRecord(data=PROBLEM_PREFIX + text.encode(), origin=origin, offset=offset,
                                   identity=identity)
                self._provisional.add(record.event_id())
                if offset > self._after:
                    yield record


class _Decompressed:
    """A gzip-compressed capture's content, whose damage or early end (a file still being
    compressed, a cut download) reads as the end of the capture: the pcap reader reports the
    record it cuts, the flows before it are kept, and ``error`` says why the content ended."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.error: str | None = None
        self.read_bytes = 0

    def read(self, size: int = -1) -> bytes:
        """Up to ``size`` bytes (all when negative), fewer at the end or where the damage starts:
        read a decompression step at a time (read1), so what came before the damage is kept."""
        want = size if size >= 0 else 1 << 62
        parts: list[bytes] = []
        got = 0
        while got < want and self.error is None:
            try:
                chunk = self.stream.read1(min(want - got, 1 << 16))  # type: ignore[attr-defined]
            except (EOFError, zlib.error, gzip.BadGzipFile) as e:
                self.error = str(e)
                break
            if not chunk:
                break
            parts.append(chunk)
            got += len(chunk)
        self.read_bytes += got
        return b"".join(parts)

    def __enter__(self) -> _Decompressed:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stream.close()


@parsers.register("network.pcap")
class PcapFlowParser:
    """Flow events from the records of :class:`PcapFileSource`."""

    dataset = DATASET

    def file_source(self, path: Path) -> PcapFileSource:
        """Captures are not lines: the pipeline reads them through this source."""
        return PcapFileSource(path)

    def parse(self, record: RawRecord, context: ParseContext) -> Iterator[Event]:
        """The flow event of one record; ParseError for a problem record (kept by the pipeline
        as a pipeline_error event) or anything that is not a flow record."""
        del context  # packet times are UTC
        if record.data.startswith(PROBLEM_PREFIX):
            raise ParseError(record.data[len(PROBLEM_PREFIX):].decode("utf-8", "replace"))
        try:
            fields = json.loads(record.data)
            start = datetime.fromisoformat(fields["event.start"].replace("Z", "+00:00")).astimezone(UTC)
        except (ValueError, KeyError, TypeError, AttributeError) as e:
            raise ParseError(f"not a flow record: {type(e).__name__} {e}") from e
        if record.file_path:
            fields["log.file.path"] = record.file_path_text
        later = later_events(fields)
        yield Event(id=record.event_id(), timestamp=start, dataset=DATASET, fields=fields)
        for number, facts in enumerate(later, start=1):  # ids: record.event_id(number) (the pipeline's)
            yield Event(id=record.event_id(number), timestamp=start, dataset=DATASET, fields=facts)
