"""pcap/pcapng files as a record source for the ingest pipeline, and the ``network.pcap``
parser that turns its records into flow events (issue 14).

The source reads the capture to its end and yields one record per finished flow, in the order
flows end, at offsets 1, 2, 3...: the same capture gives the same records every time, so event
ids (the capture's identity, the offset, the record digest) are stable and a re-ingested pcap
stores nothing twice. A record holds the flow's ECS fields as JSON. Each problem the reader or
the decoders met (a damaged record, a header cut short) follows as a record of its own that the
parser refuses, so the pipeline keeps it as a ``pipeline_error`` event naming the packet number,
its byte offset and the reason; ``unreadable`` counts them all.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from govsoc.collectors.base import FILE_ORIGIN, ParseContext, RawRecord, parsers
from govsoc.collectors.flows.assemble import FlowAssembler
from govsoc.collectors.flows.ecs import flow_fields
from govsoc.collectors.flows.pcap import CaptureError
from govsoc.core.errors import Location, ParseError
from govsoc.core.event import Event, make_id

#: Bytes of the file's head that, with its size, identify a capture.
IDENTITY_BYTES = 1 << 20
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
        self._after = 0
        self._digest: str | None = None

    def identity(self) -> str:
        """The capture's identity: a digest of its first MiB and its size."""
        with self.path.open("rb") as handle:
            head = handle.read(IDENTITY_BYTES)
        return make_id("pcap", hashlib.sha256(head).hexdigest(), self.path.stat().st_size)

    def state(self) -> str:
        """Changes whenever the file does (size, modification time, head)."""
        st = self.path.stat()
        return make_id(self.identity(), st.st_mtime_ns)

    def resume(self, after: int, digest: str | None) -> None:
        """Yield only the records after offset ``after`` (when that record is still the same)."""
        self._after, self._digest = after, digest

    def records(self) -> Iterator[RawRecord]:
        """One record per flow, then one per problem."""
        origin = FILE_ORIGIN + str(self.path.resolve())
        location = Location(path=str(self.path))
        try:
            identity = self.identity()
            handle = self.path.open("rb")
        except OSError as e:
            raise ParseError(f"cannot read: {e.strerror}", location=location) from e
        with handle:
            assembler = FlowAssembler(handle)
            offset = 0
            try:
                for flow in assembler.flows():
                    offset += 1
                    data = json.dumps(flow_fields(flow), sort_keys=True, separators=(",", ":")).encode()
                    record = RawRecord(data=data, origin=origin, offset=offset, identity=identity)
                    if offset > self._after:
                        yield record
            except CaptureError as e:
                raise ParseError(str(e), location=location) from e
            self.packets = assembler.packets
            problems = assembler.problems
            self.unreadable = problems.total
            for problem in problems.kept:
                offset += 1
                self.errors.append(str(problem))
                if offset > self._after:
                    yield RawRecord(data=PROBLEM_PREFIX + str(problem).encode(), origin=origin, offset=offset,
                                    identity=identity)
            dropped = problems.total - len(problems.kept)
            if dropped:
                offset += 1
                text = f"{dropped} more problems not listed: " + ", ".join(
                    f"{reason} x{count}" for reason, count in problems.counts.most_common())
                if offset > self._after:
                    yield RawRecord(data=PROBLEM_PREFIX + text.encode(), origin=origin, offset=offset,
                                    identity=identity)


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
            fields["log.file.path"] = record.file_path
        yield Event(id=record.event_id(), timestamp=start, dataset=DATASET, fields=fields)
