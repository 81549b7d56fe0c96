"""A capture stream to finished flows: reader -> decoders -> flow table, chunk by chunk.

Memory stays bounded by one chunk (a few MiB) plus the open flows.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from govsoc.collectors.flows.decode import Decoder
from govsoc.collectors.flows.pcap import CaptureReader, Problems
from govsoc.collectors.flows.table import Flow, FlowTable


class FlowAssembler:
    """Reads one capture into flows; after ``flows()`` is exhausted, ``problems`` and the
    counters say what was read and what was skipped."""

    def __init__(self, stream: BinaryIO, *, table: FlowTable | None = None) -> None:
        self.reader = CaptureReader(stream)
        self.problems: Problems = self.reader.problems
        self.decoder = Decoder(self.problems)
        self.table = table or FlowTable()

    @property
    def packets(self) -> int:
        """Packets read so far."""
        return self.reader.packets

    def flows(self) -> Iterator[Flow]:
        """Each flow as it ends, then every flow still open at the end of the capture."""
        table, decode = self.table, self.decoder.decode
        add = table.add
        for chunk in self.reader.chunks():
            data, starts, caplens, times, linktypes, offsets = (chunk.data, chunk.starts, chunk.caplens, chunk.times,
                                                                chunk.linktypes, chunk.offsets)
            for i in range(len(chunk)):
                number = chunk.first_number + i
                start = starts[i]
                for hit in decode(linktypes[i], data[start:start + caplens[i]], number, offsets[i]):
                    add(hit, times[i], number)
            yield from table.finished()
        yield from table.flush()
