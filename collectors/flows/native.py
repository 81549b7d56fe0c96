"""The fast path: the flow table and the common-case packet decoder compiled to native code
with numba (a registry package, extra ``pcap``), over whole chunks of the capture at once.

The kernel walks a chunk's packets in order. Ethernet (up to two VLAN tags), Linux cooked and
raw-IP frames carrying IPv4 (unfragmented) or IPv6 (no extension header) with TCP or UDP are
decoded and counted in native code; the kernel stops at any other packet (tunnels, fragments,
ICMP, damage), which Python decodes with collectors.flows.decode and feeds back, one hit at a
time, into the same native table, so each flow lives in one place and sees its packets in
order. The table keeps Zeek's semantics exactly as collectors.flows.tcp and .table do (a test
holds the two engines to the same flows on every corpus trace and on generated traffic).

State is a set of arrays indexed by flow slot (two endpoint rows per slot: originator,
responder); slots are reused through a free list, so memory follows the open flows, not the
file. Finished flows come back as collectors.flows.flow.Flow objects.

This module holds the engine (NativeEngine); the layout of its arrays is collectors.flows.
native_layout, the compiled functions are native_tcp (TCP state machine), native_table (the flow
table) and native_kernel (the packet kernels), compiled by native_compile; native_release turns
ended slots back into Flow objects.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from govsoc.collectors.flows.decode import UDP, Hit
from govsoc.collectors.flows.flow import Flow, merged_tunnels
from govsoc.collectors.flows.native_compile import _compile
from govsoc.collectors.flows.native_compile import available as available
from govsoc.collectors.flows.native_compile import walker as walker
from govsoc.collectors.flows.native_layout import (
    C_DELAY,
    C_DNS_LIMIT,
    C_DNS_PACKETS,
    C_DONE,
    C_FREE,
    C_HTTP_HEAD,
    C_HTTP_LIMIT,
    C_HTTP_PACKETS,
    C_PEAK,
    C_PLAIN_LIMIT,
    C_SAMPLE_LIMIT,
    C_SAMPLE_PACKETS,
    C_SAMPLE_PLAIN,
    C_SAMPLES,
    CLOSED,
    CSEQ,
    EP_FIELDS,
    FIRST,
    FLAST,
    FLIPPED,
    FLOW_FIELDS,
    FSTART,
    HISTORY_BYTES,
    LIVE,
    R_SLOW,
    R_SWEEP,
    SBYTES,
    TAGGED,
    TMO,
    V4_MARK,
    lookups,
)
from govsoc.collectors.flows.native_layout import C_SWEEP as C_SWEEP
from govsoc.collectors.flows.native_release import _release
from govsoc.collectors.flows.sampling import (
    HTTP_MAGIC,
    SAMPLE_DNS_LIMIT,
    SAMPLE_DNS_PACKETS,
    SAMPLE_HTTP_HEAD,
    SAMPLE_HTTP_LIMIT,
    SAMPLE_HTTP_PACKETS,
    SAMPLE_LIMIT,
    SAMPLE_PACKETS,
    SAMPLE_PLAIN,
    SAMPLE_PLAIN_LIMIT,
    sample_max,
)
from govsoc.collectors.flows.slots import KHASH, KHASH2
from govsoc.collectors.flows.table import (
    CLOSE_DELAY,
    EVICT_PART,
    MAX_FLOWS,
    NOT_FLOWS,
    NS,
    SAMPLE_BUDGET,
    SWEEP_SECONDS,
)

#: set when a NativeEngine is made: the compiled code is loaded (collectors.flows.assemble)
warm = False


#: The fewest packets a kernel call is given when the table is (nearly) full.
MIN_SPAN = 256


class NativeEngine:
    """The compiled flow table over a capture's chunks (see the module docstring)."""

    def __init__(self, *, capacity: int = 4096, close_delay: int = CLOSE_DELAY, max_flows: int = MAX_FLOWS,
                 sample_budget: int = SAMPLE_BUDGET) -> None:
        global warm
        #: payload sample bytes the open flows hold at most (FlowTable.sample_budget), checked
        #: after each kernel call: passed by at most what one call kept
        self.sample_budget = max(1, sample_budget)
        self.held_bytes = 0
        #: open flows past which the least recently active are ended early (FlowTable.max_flows),
        #: checked before each kernel call, which gets no more packets than there is room for
        #: (at least MIN_SPAN): the table holds at most this plus MIN_SPAN
        self.max_flows = max(1, max_flows)
        #: (packet number, flows ended early then, "flows" or "bytes") each time the table was full
        self.evictions: list[tuple[int, int, str]] = []
        self.fn = _compile()
        warm = True
        self.F = np.zeros((capacity, FLOW_FIELDS), dtype=np.int64)
        self.E = np.zeros((2 * capacity, EP_FIELDS), dtype=np.int64)
        self.H = np.zeros((capacity, HISTORY_BYTES), dtype=np.uint8)
        self.free = np.arange(capacity - 1, -1, -1, dtype=np.int64)
        self.C = np.zeros(18, dtype=np.int64)
        self.C[C_FREE] = capacity
        self.C[C_DELAY] = close_delay * NS
        self.C[C_SAMPLE_PACKETS] = SAMPLE_PACKETS
        self.C[C_SAMPLE_LIMIT], self.C[C_SAMPLE_PLAIN] = SAMPLE_LIMIT, SAMPLE_PLAIN
        self.C[C_PLAIN_LIMIT] = SAMPLE_PLAIN_LIMIT
        self.C[C_DNS_PACKETS], self.C[C_DNS_LIMIT] = SAMPLE_DNS_PACKETS, SAMPLE_DNS_LIMIT
        self.C[C_HTTP_PACKETS] = SAMPLE_HTTP_PACKETS
        self.C[C_HTTP_HEAD], self.C[C_HTTP_LIMIT] = SAMPLE_HTTP_HEAD, SAMPLE_HTTP_LIMIT
        self.K = lookups()
        #: the slot tables (collectors.flows.slots): by key, then VLAN-tagged flows by 5-tuple
        self.D = np.zeros(2 * _cells(capacity), dtype=np.int64)
        self.done = np.zeros(1024, dtype=np.int64)
        self.samples = np.zeros((1024, 5), dtype=np.int64)
        #: slot -> its payload samples as (from the originator the flow was created with, seq,
        #: bytes); those of a flow flipped since are turned round when it is released
        self.sampled: dict[int, list[tuple[bool, int, bytes]]] = {}
        self.tunnels: dict[int, tuple[str, ...]] = {}
        self.vlans: dict[int, tuple[int, ...]] = {}
        self.vnets: dict[int, int] = {}
        self.native_packets = 0

    @property
    def peak_open(self) -> int:
        """The most flow slots in use at once so far (open flows, and ended ones not yet handed
        over): the table's memory follows it, not the size of the file."""
        return int(self.C[C_PEAK])

    # -- capacity ----------------------------------------------------------------------------
    def _room(self, packets: int) -> None:
        """Make sure ``packets`` new flows and ended flows fit."""
        if len(self.done) < packets + 1:
            self.done = np.zeros(2 * packets + 1, dtype=np.int64)
            self.samples = np.zeros((2 * packets + 1, 5), dtype=np.int64)
        if self.C[C_FREE] >= packets + 1:
            return
        old = len(self.F)
        new = max(2 * old, old + packets + 1)
        self.F = np.concatenate([self.F, np.zeros((new - old, FLOW_FIELDS), dtype=np.int64)])
        self.E = np.concatenate([self.E, np.zeros((2 * (new - old), EP_FIELDS), dtype=np.int64)])
        self.H = np.concatenate([self.H, np.zeros((new - old, HISTORY_BYTES), dtype=np.uint8)])
        top = int(self.C[C_FREE])
        free = np.zeros(new, dtype=np.int64)
        free[:top] = self.free[:top]
        added = np.arange(new - 1, old - 1, -1, dtype=np.int64)
        free[top:top + len(added)] = added
        self.free = free
        self.C[C_FREE] = top + len(added)
        self.D = np.zeros(2 * _cells(new), dtype=np.int64)
        self.fn["_slots_rebuild"](self.D, self.F, LIVE, KHASH, 0)
        self.fn["_slots_rebuild"](self.D, self.F, TAGGED, KHASH2, len(self.D) >> 1)

    # -- packets -----------------------------------------------------------------------------
    def run(self, chunk: Any, decode: Any, out: list[Flow]) -> None:
        """Count one chunk's packets; flows that ended go to ``out``, in the order they ended."""
        with _collector_paused():
            self._run(chunk, decode, out)

    def _run(self, chunk: Any, decode: Any, out: list[Flow]) -> None:
        data = chunk.data if isinstance(chunk.data, np.ndarray) else np.frombuffer(chunk.data, dtype=np.uint8)
        starts = np.asarray(chunk.starts, dtype=np.int64)
        caplens = np.asarray(chunk.caplens, dtype=np.int64)
        wirelens = np.asarray(chunk.wirelens, dtype=np.int64)
        times = np.asarray(chunk.times, dtype=np.int64)
        linktypes = np.asarray(chunk.linktypes, dtype=np.int64)
        kernel, count = self.fn["_kernel"], len(starts)
        i = 0
        while i < count:
            if len(self.free) - self.C[C_FREE] >= self.max_flows:
                self._evict(int(times[i - 1] if i else times[0]), chunk.first_number + i, out)
            # a kernel call creates at most one flow a packet: no more packets than there is room
            end = min(count, i + max(MIN_SPAN, self.max_flows - (len(self.free) - int(self.C[C_FREE]))))
            self._room(end - i)
            self.C[C_DONE] = self.C[C_SAMPLES] = 0
            stop, why = kernel(self.K, data, starts[:end], caplens, wirelens, times, linktypes, chunk.first_number, i,
                               self.F, self.E, self.H, self.D, self.C, self.free, self.done, self.samples)
            self.native_packets += stop - i
            self._collect(data, out)
            if self.held_bytes > self.sample_budget:
                self._evict_bytes(chunk.first_number + stop - 1, out)
            i = stop
            if why == R_SWEEP:
                self.sweep(int(times[i - 1]), out)
            elif why == R_SLOW:
                self._slow(chunk, i, decode, out)
                i += 1

    def _slow(self, chunk: Any, i: int, decode: Any, out: list[Flow]) -> None:
        number, start, ts = chunk.first_number + i, chunk.starts[i], chunk.times[i]
        packet = bytes(chunk.data[start:start + chunk.caplens[i]])  # the chunk's buffer is reused
        for hit in decode(chunk.linktypes[i], packet, number, chunk.offsets[i], ts,
                          whole=chunk.caplens[i] >= chunk.wirelens[i]):
            if hit.proto in NOT_FLOWS:
                continue
            self.add_hit(hit, ts, number, out)

    def add_hit(self, hit: Hit, ts: int, number: int, out: list[Flow]) -> None:
        """Count one hit of the per-packet decoder."""
        if len(self.free) - self.C[C_FREE] > self.max_flows:
            self._evict(ts, number, out)
        self._room(1)
        self.C[C_DONE] = self.C[C_SAMPLES] = 0
        shi, slo = _halves(hit.src)
        dhi, dlo = _halves(hit.dst)
        vlan = hit.vlan
        data = hit.data
        dns_response = hit.proto == UDP and len(data) >= 12 and bool(data[2] & 0x80)
        multicast = (len(hit.dst) == 4 and 224 <= hit.dst[0] <= 239) or (len(hit.dst) == 16 and hit.dst[0] == 0xFF)
        slot, side, created, sample = self.fn["_add_hit"](
            self.K, self.F, self.E, self.H, self.D, self.C, self.free, self.done, hit.proto, shi, slo, hit.sport, dhi,
            dlo, hit.dport, int(len(hit.src) == 16), hit.ip_bytes, hit.payload, hit.flags, hit.seq, hit.ack, hit.window,
            ts, number, dns_response, multicast, vlan[0] if vlan else 0, vlan[1] if len(vlan) > 1 else 0,
            min(len(vlan), 2), hit.seg, len(data), sample_max(data, hit.proto, hit.sport, hit.dport) if data else 0,
            bytes(data[:4]) in HTTP_MAGIC)
        self._collect(b"", out)
        if created:
            self.tunnels.pop(slot, None)
            self.vlans.pop(slot, None)
            self.vnets.pop(slot, None)
            if hit.tunnel:
                self.tunnels[slot] = hit.tunnel
            if len(vlan) > 2:
                self.vlans[slot] = vlan
            if hit.vnet:
                self.vnets[slot] = hit.vnet
        elif hit.tunnel:  # each direction's tunnel labels (endpoints, ports, TEID) may differ
            kept = self.tunnels.get(slot, ())
            if hit.tunnel != kept:
                self.tunnels[slot] = merged_tunnels(kept, hit.tunnel)
        if sample:
            self.sampled.setdefault(slot, []).append((side == int(self.F[slot, FLIPPED]), hit.seq,
                                                      bytes(data[:sample])))
            self.held_bytes += sample
            if self.held_bytes > self.sample_budget:
                self._evict_bytes(number, out)
        if ts >= self.C[C_SWEEP]:
            self.sweep(ts, out)

    def _collect(self, data: Any, out: list[Flow]) -> None:
        """After a kernel call: keep its payload samples (copied out of the chunk's buffer, which
        the reader reuses), hand over the flows it ended."""
        sampled = self.sampled
        count = int(self.C[C_SAMPLES])
        if count:
            self.held_bytes += int(self.samples[:count, 3].sum())
            for slot, tag, at, length, seq in self.samples[:count].tolist():
                sample = (tag == 0, seq, data[at:at + length].tobytes())
                kept = sampled.get(slot)
                if kept is None:
                    sampled[slot] = [sample]
                else:
                    kept.append(sample)
        _release(self, self.done[:int(self.C[C_DONE])].copy(), out)
        self.C[C_DONE] = self.C[C_SAMPLES] = 0

    def sweep(self, now: int, out: list[Flow]) -> None:
        """End flows idle past their time-out or closed past the close delay (FlowTable.sweep)."""
        self.C[C_SWEEP] = now + SWEEP_SECONDS * NS
        F = self.F
        live = F[:, LIVE] == 1
        idle = now - F[:, FLAST] > F[:, TMO]
        closed = (F[:, CLOSED] != 0) & (now - F[:, CLOSED] > self.C[C_DELAY])
        slots = np.nonzero(live & (idle | closed))[0]
        slots = slots[np.argsort(F[slots, CSEQ], kind="stable")]
        self.fn["_forget"](self.F, self.D, self.C, slots)
        _release(self, slots, out)

    def _evict(self, now: int, number: int, out: list[Flow]) -> None:
        """The table is full (FlowTable._evict): the idle flows end, then the least recently
        active (oldest last packet, then oldest first packet) down to MAX_FLOWS less a tenth."""
        self.sweep(now, out)
        F = self.F
        slots = np.nonzero(F[:, LIVE] == 1)[0]
        target = self.max_flows - max(1, self.max_flows // EVICT_PART)
        if len(slots) <= target:
            return
        early = slots[np.lexsort((F[slots, FIRST], F[slots, FLAST]))[:len(slots) - target]]
        self.fn["_forget"](self.F, self.D, self.C, early)
        _release(self, early, out)
        self.evictions.append((number, len(early), "flows"))

    def _evict_bytes(self, number: int, out: list[Flow]) -> None:
        """The open flows' samples passed the budget (FlowTable._evict_bytes): the least recently
        active flows holding samples end until a tenth of it is free."""
        F = self.F
        slots = np.nonzero((F[:, LIVE] == 1) & (F[:, SBYTES] > 0))[0]
        slots = slots[np.lexsort((F[slots, FIRST], F[slots, FLAST]))]
        target = self.sample_budget - max(1, self.sample_budget // EVICT_PART)
        freed = np.cumsum(F[slots, SBYTES])
        early = slots[:int(np.searchsorted(freed, self.held_bytes - target)) + 1]
        self.fn["_forget"](self.F, self.D, self.C, early)
        _release(self, early, out)
        self.evictions.append((number, len(early), "bytes"))

    def flush(self, out: list[Flow]) -> None:
        """Every flow still open, oldest first (FlowTable.flush)."""
        with _collector_paused():
            self._flush(out)

    def _flush(self, out: list[Flow]) -> None:
        F = self.F
        slots = np.nonzero(F[:, LIVE] == 1)[0]
        slots = slots[np.lexsort((F[slots, CSEQ], F[slots, FIRST], F[slots, FSTART]))]
        self.fn["_forget"](self.F, self.D, self.C, slots)
        _release(self, slots, out)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector held off while one chunk's flows and samples are made.
    They hold no reference cycles, but each allocation counts towards a collection, and the
    collections that follow scan every object of the process (numba's among them): two thirds of
    the time spent making flow objects went there. Collection resumes after the chunk."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _cells(rows: int) -> int:
    """Cells of the slot table for a flow matrix of ``rows`` rows: a power of two, twice as many."""
    return 1 << (2 * rows - 1).bit_length()


def _halves(address: bytes) -> tuple[int, int]:
    """An address as the two int64 halves the kernel keys on (IPv4: a mark and the address)."""
    if len(address) == 4:
        return V4_MARK, int.from_bytes(address, "big")
    return int.from_bytes(address[:8], "big", signed=True), int.from_bytes(address[8:], "big", signed=True)
