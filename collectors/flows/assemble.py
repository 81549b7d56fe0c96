"""A capture stream to finished flows: reader -> decoders -> flow table, chunk by chunk.

Two engines give the same flows: the compiled one (collectors.flows.native, numba) decodes the
common case and keeps the table in native code, handing other packets to the per-packet decoder;
the pure-Python one (collectors.flows.table) decodes every packet in Python. ``engine="auto"``
takes the compiled one when numba is installed and the capture is large enough to repay loading
it (:func:`choose_engine`). Memory stays bounded by one chunk (a few MiB) plus the open flows.
"""

from __future__ import annotations

import io
import os
import stat
import sys
from collections.abc import Iterator
from importlib.util import find_spec
from typing import TYPE_CHECKING, Any, BinaryIO

from govsoc.collectors.flows.carry import (
    HeldFragments,
    dump_flows,
    dump_fragments,
    dump_problems,
    dump_segments,
    load_flows,
    load_fragments,
    load_problems,
    load_segments,
)
from govsoc.collectors.flows.decode import Decoder
from govsoc.collectors.flows.flow import Flow
from govsoc.collectors.flows.pcap import CUT_RECORD, CaptureReader, Chunk, Problems
from govsoc.collectors.flows.table import MAX_FLOWS, SAMPLE_BUDGET, FlowTable

if TYPE_CHECKING:
    from govsoc.collectors.flows.native import NativeEngine

#: Captures under this size are read by the pure-Python engine unless the compiled one already
#: ran in this process: importing numba and loading its cached machine code costs about 1.6 s of
#: CPU (compiling it, on the first use after installing, about 11 s), what the Python engine
#: needs for some 150,000 packets; 16 MiB holds 30,000 to 150,000 packets.
NATIVE_FROM_BYTES = 16 << 20


def native_available() -> bool:
    """Whether the compiled engine can run: numpy and numba installed (the ``pcap`` extra). A
    plain ``pip install .`` has neither and reads captures with the pure-Python engine. Looked up
    without importing them."""
    try:
        return find_spec("numpy") is not None and find_spec("numba") is not None
    except (ImportError, ValueError):
        return False


def native_warm() -> bool:
    """Whether the compiled engine already ran in this process (its code is loaded)."""
    native = sys.modules.get("govsoc.collectors.flows.native")
    return bool(getattr(native, "warm", False))


def choose_engine(stream: BinaryIO, *, warm: bool | None = None) -> str:
    """``native`` or ``python`` for ``engine="auto"``: the compiled engine when it is installed
    and either loaded already or worth loading (a capture of NATIVE_FROM_BYTES or more, or of a
    size nobody can tell: a pipe, a live capture)."""
    if not native_available():
        return "python"
    if native_warm() if warm is None else warm:
        return "native"
    size = _size_left(stream)
    return "native" if size is None or size >= NATIVE_FROM_BYTES else "python"


def _size_left(stream: BinaryIO) -> int | None:
    """Bytes from the stream's position to its end, when it is a regular file or in memory."""
    try:
        status = os.fstat(stream.fileno())
        return status.st_size - stream.tell() if stat.S_ISREG(status.st_mode) else None
    except (AttributeError, OSError, io.UnsupportedOperation):
        pass
    if isinstance(stream, io.BytesIO):
        return len(stream.getbuffer()) - stream.tell()
    return None


class FlowAssembler:
    """Reads one capture into flows; after ``flows()`` is exhausted, ``problems`` and the
    counters say what was read and what was skipped."""

    def __init__(self, stream: BinaryIO, *, engine: str = "auto", table: FlowTable | None = None,
                 resume: dict[str, Any] | None = None, max_flows: int = MAX_FLOWS,
                 sample_budget: int = SAMPLE_BUDGET) -> None:
        self.reader = CaptureReader(stream)
        self.problems: Problems = self.reader.problems
        self.decoder = Decoder(self.problems)
        self.table = table or FlowTable(max_flows=max_flows, sample_budget=sample_budget)
        self.max_flows, self.sample_budget = max_flows, sample_budget
        #: flows ended early because the table was full (FlowTable.evictions)
        self.evicted = 0
        if resume is not None:  # what ``carried()`` gave at the end of an earlier read of the same pcap
            self.reader.start = (int(resume["position"]), int(resume["packets"]), int(resume["seconds"]))
            self.reader.packets = int(resume["packets"])
            load_problems(resume["problems"], self.problems)
            # the table's own order (creation: first packet), which its sweeps keep
            self.table.restore(load_flows(resume["flows"]))
            self.table.next_sweep = int(resume["next_sweep"])
            load_fragments(resume["fragments"], self.decoder.reassembler)
            load_segments(resume.get("segments", [[], [], []]), self.decoder.segments)
            engine = "python"  # the compiled engine's table is not restored from flows
        if engine == "auto":
            engine = choose_engine(stream)
        self.engine = engine
        if engine == "native":
            from govsoc.collectors.flows.native import walker

            self.reader.walker = walker()
        #: packets the compiled kernel decoded itself (the others went through the Python decoder)
        self.native_packets = 0
        #: the most flows the compiled engine held open at once
        self.peak_open = 0
        #: set when the capture has ended and the flows still open are being flushed: those are
        #: cut at the end of what was read (a file still being written may continue them)
        self.flushing = False
        self._engine: NativeEngine | None = None
        #: the flows open at the end of the capture (flushed), and the table's next sweep then
        self._open: list[Flow] = []
        self._next_sweep = 0
        #: the problems and held fragments as they were when the capture ended, before its end
        #: gave up the fragments of datagrams not yet whole (a grown file may complete them)
        self._problems_at_end: Problems | None = None
        self._fragments_at_end: HeldFragments | None = None

    @property
    def packets(self) -> int:
        """Packets read so far."""
        return self.reader.packets

    def flows(self) -> Iterator[Flow]:
        """Each flow as it ends, then every flow still open at the end of the capture."""
        if self.engine == "native":
            yield from self._native()
            return
        table, decode = self.table, self.decoder.decode
        add = table.add
        for chunk in self.reader.chunks():
            data, starts, caplens, times, linktypes, offsets, wirelens = (
                chunk.data, chunk.starts, chunk.caplens, chunk.times, chunk.linktypes, chunk.offsets, chunk.wirelens)
            for i in range(len(chunk)):
                number = chunk.first_number + i
                start = starts[i]
                for hit in decode(linktypes[i], data[start:start + caplens[i]], number, offsets[i], times[i],
                                  whole=caplens[i] >= wirelens[i]):
                    add(hit, times[i], number)
            if table.evictions:
                self._evicted(table.evictions, chunk)
            yield from table.finished()
        self.flushing = True
        self.peak_open = table.peak_open
        self._next_sweep = table.next_sweep
        self._end()
        for flow in table.flush():
            self._open.append(flow)
            yield flow

    def _native(self) -> Iterator[Flow]:
        from govsoc.collectors.flows.native import C_SWEEP, NativeEngine

        engine = self._engine = NativeEngine(max_flows=self.max_flows, sample_budget=self.sample_budget)
        out: list[Flow] = []
        for chunk in self.reader.chunks():
            engine.run(chunk, self.decoder.decode, out)
            if engine.evictions:
                self._evicted(engine.evictions, chunk)
            self.native_packets = engine.native_packets
            self.peak_open = engine.peak_open
            yield from out
            out.clear()
        self.peak_open = engine.peak_open
        self.flushing = True
        self._next_sweep = int(engine.C[C_SWEEP])
        self._end()
        engine.flush(out)
        self._open = list(out)
        yield from out

    def _evicted(self, evictions: list[tuple[int, int, str]], chunk: Chunk) -> None:
        """Count the flows the full table (its open flows, or their samples' bytes) ended early
        in ``chunk``, each time as a problem."""
        for number, count, full in evictions:
            self.evicted += count
            index = min(max(0, number - chunk.first_number), len(chunk) - 1)
            bound = (f"{self.max_flows:,} open flows" if full == "flows"
                     else f"{self.sample_budget / (1 << 20):,.0f} MiB of payload samples held")
            self.problems.add(number, chunk.offsets[index] if len(chunk) else 0,
                              f"flow table full ({bound}): the {count:,} least recently active "
                              f"ended early, each stored as ended here", kind="flow table full")
        evictions.clear()

    def _end(self) -> None:
        """The end of the capture: what a grown file would go on from is kept, then the
        fragments of datagrams not yet whole are given up (each a problem)."""
        problems = self.problems
        self._problems_at_end = Problems(kept=list(problems.kept), counts=problems.counts.copy(),
                                         uncounted=problems.uncounted.copy())
        self._fragments_at_end = HeldFragments(self.decoder.reassembler)
        self.decoder.finish()

    def expire(self, now: int) -> list[Flow]:
        """The flows idle past their time-out (or closed past the close delay) at ``now`` (ns),
        taken out of the table: a live capture's clock on a quiet link, where no packet comes
        to move capture time on. Call it only between chunks (from the stream's read)."""
        if self.engine == "native":
            out: list[Flow] = []
            if self._engine is not None:
                self._engine.sweep(now, out)
            return out
        self.table.sweep(now)
        return self.table.finished()

    def carried(self) -> dict[str, Any] | None:
        """After ``flows()`` ran out on a pcap: what a later read of the same file, grown, needs to
        go on from its last whole record (``resume``), or None when that cannot be carried (a
        pcapng, damage that made the reader skip the rest, more open flows or held fragments
        than collectors.flows.carry bounds). The open flows and the fragments of datagrams not
        yet whole are carried as they were before the end flushed or gave them up, and so are
        the problems (a datagram given up only because the capture ended is not a problem of the
        grown file, nor is the record cut short at the end, if any)."""
        end = self.reader.end
        if end is None or self._problems_at_end is None or self._fragments_at_end is None:
            return None
        flows = dump_flows(self._open)
        fragments = dump_fragments(self._fragments_at_end)
        segments = dump_segments(self.decoder.segments)
        if flows is None or fragments is None or segments is None:
            return None
        problems = dump_problems(self._problems_at_end)
        position, seconds, cut = end
        if cut:  # the last problem counted is that cut record
            counts = problems["counts"]
            counts["truncated record"] -= 1
            if not counts["truncated record"]:
                del counts["truncated record"]
            # kept, it is the last one at that offset (packets of the last chunk, decoded after
            # the reader met the cut, may have added problems after it)
            cuts = [i for i, (_, offset, reason) in enumerate(problems["kept"])
                    if offset == position and reason.startswith(CUT_RECORD)]
            if cuts:
                del problems["kept"][cuts[-1]]
        return {"position": position, "packets": self.reader.packets, "seconds": seconds, "problems": problems,
                "flows": flows, "fragments": fragments, "segments": segments, "next_sweep": self._next_sweep}
