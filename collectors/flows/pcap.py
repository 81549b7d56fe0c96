"""pcap and pcapng capture files, read in constant memory (libpcap's file format,
draft-ietf-opsawg-pcap; pcapng, draft-ietf-opsawg-pcapng).

Both formats are read in blocks of :data:`BLOCK_BYTES`: a :class:`Chunk` holds one block's
bytes and, per packet, where its data starts, its captured and original lengths, its time in
nanoseconds and its link type, so that the batch decoder (collectors.flows.batch) can work on
whole arrays and the per-packet decoder on one packet at a time. pcap in both byte orders with
micro- or nanosecond times; pcapng with several sections and interfaces, each with its own link
type, snap length, time resolution (``if_tsresol``) and offset (``if_tsoffset``); Enhanced,
Simple and the obsolete Packet blocks; and the "modified" pcap of patched libpcaps (magic
a1b2cd34, 24-byte record headers).

Damaged files never stop the read silently: each problem is a :class:`Problem` (packet number,
file offset, reason), counted by reason, and the reader keeps every packet it can reach. A record
length that cannot be right is skipped by resynchronising on the next plausible record header.
"""

from __future__ import annotations

import io
import struct
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

#: Bytes read at a time; a chunk never holds more than this plus one record.
BLOCK_BYTES = 4 << 20
#: The largest packet libpcap itself accepts whatever the snap length says (MAXIMUM_SNAPLEN).
MAX_PACKET = 262144
#: How far to look for the next plausible record after a damaged one.
RESYNC_WINDOW = 1 << 20
#: The largest record or block read whatever the header says (memory stays bounded).
MAX_BLOCK = 16 << 20
#: A pcapng packet time (64-bit units, resolution and offset per interface) must lie in
#: [1970-01-01, 2200-01-01): beyond, it is a problem naming the packet and the packet is skipped
#: (the compiled engine holds times as int64 ns; ECS times stop at year 9999). Classic pcap's
#: 32-bit seconds cannot leave that range.
LATEST_NANOS = 7_258_118_400 * 1_000_000_000
#: The time the record walks give a packet whose sub-second field is out of range (no real time
#: is negative); _record_times reports it and carries the time before it.
BAD_TIME = -1
#: Problems kept with their details (all are counted).
MAX_PROBLEMS_KEPT = 1000
#: How the problem of a record cut short by the end of the file begins (a file being written).
CUT_RECORD = "record cut short at the end of the file"

#: pcap magic (as read little-endian) -> (byte order, nanosecond times).
PCAP_MAGIC = {
    0xA1B2C3D4: ("<", False), 0xD4C3B2A1: (">", False),
    0xA1B23C4D: ("<", True), 0x4D3CB2A1: (">", True),
    0xA1B2CD34: ("<", False), 0x34CDB2A1: (">", False),
}
#: pcap magic -> bytes of each record header where not the usual 16: Alexey Kuznetsov's
#: "modified" libpcap (a1b2cd34, tcpdump -w on patched Red Hat/SuSE systems; wireshark's
#: PCAP_MODIFIED): 16 bytes, then interface index (4), protocol (2), packet type (1) and pad (1).
RECORD_BYTES = {0xA1B2CD34: 24, 0x34CDB2A1: 24}
PCAPNG_SHB = 0x0A0D0D0A
PCAPNG_BYTE_ORDER = 0x1A2B3C4D


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong with a packet or the file: which packet (1-based; 0 = the file itself),
    where in the file, and why."""

    packet: int
    offset: int
    reason: str

    def __str__(self) -> str:
        return f"packet {self.packet} at byte {self.offset}: {self.reason}"


@dataclass(slots=True)
class Problems:
    """Every problem counted by reason; the first MAX_PROBLEMS_KEPT kept in full."""

    kept: list[Problem] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    #: packets and bytes read but counted in no flow, by what they were (collectors.flows.fragments:
    #: "datagrams", "fragments" and "fragment bytes" never reassembled, "duplicate fragments" and
    #: "duplicate fragment bytes")
    uncounted: Counter[str] = field(default_factory=Counter)

    def add(self, packet: int, offset: int, reason: str, kind: str | None = None) -> None:
        """Record one problem; ``kind`` (default: the reason) is what it is counted under."""
        self.counts[kind or reason] += 1
        if len(self.kept) < MAX_PROBLEMS_KEPT:
            self.kept.append(Problem(packet, offset, reason))

    @property
    def total(self) -> int:
        """How many problems there were."""
        return sum(self.counts.values())

    def uncounted_note(self) -> str | None:
        """What ``uncounted`` holds, in words, or None when every IP packet went into a flow."""
        u = self.uncounted
        parts = []
        if u["fragments"]:
            datagrams = f"{u['datagrams']:,} datagram{'s' * (u['datagrams'] != 1)}"
            parts.append(f"IP fragments of {datagrams} never reassembled: {u['fragments']:,} packets, "
                         f"{u['fragment bytes']:,} bytes, counted in no flow")
        if u["duplicate fragments"]:
            parts.append(f"{u['duplicate fragments']:,} duplicate IP fragments ({u['duplicate fragment bytes']:,} "
                         "bytes) counted once")
        return "; ".join(parts) or None

    def overflow_text(self) -> str | None:
        """The problem record that follows the ones kept when more were counted than kept: how
        many more, by reason, and (if any) what was counted in no flow; else None."""
        dropped = self.total - len(self.kept)
        if not dropped:
            return None
        note = self.uncounted_note()
        reasons = ", ".join(f"{reason} x{count}" for reason, count in self.counts.most_common())
        return f"{dropped} more problems not listed: {reasons}" + (f"; in all, {note}" if note else "")


@dataclass(slots=True)
class Chunk:
    """Packets whose bytes sit in one buffer. Lists are parallel, one entry per packet."""

    data: bytes
    first_number: int
    starts: list[int] = field(default_factory=list)
    caplens: list[int] = field(default_factory=list)
    wirelens: list[int] = field(default_factory=list)
    times: list[int] = field(default_factory=list)
    linktypes: list[int] = field(default_factory=list)
    offsets: list[int] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.starts)

    def packet(self, index: int) -> bytes:
        """The captured bytes of the ``index``-th packet."""
        start = self.starts[index]
        return self.data[start:start + self.caplens[index]]


class CaptureError(Exception):
    """The file is not a capture this reader knows (raised before any packet is read)."""


def capture_kind(head: bytes) -> str | None:
    """``pcap`` or ``pcapng`` from a file's first bytes, else None."""
    if len(head) >= 4:
        if struct.unpack("<I", head[:4])[0] in PCAP_MAGIC:
            return "pcap"
        if struct.unpack("<I", head[:4])[0] == PCAPNG_SHB:
            return "pcapng"
    return None


class CaptureReader:
    """Reads a pcap or pcapng stream into chunks; ``problems`` says what was skipped and where.
    ``packets`` counts the packets read, ``linktypes`` the link types met."""

    def __init__(self, stream: BinaryIO, *, block_bytes: int = BLOCK_BYTES, walker: Any = None) -> None:
        self.stream = stream
        #: a compiled record walker (collectors.flows.native.walker): chunks then hold arrays
        self.walker = walker
        self.block_bytes = block_bytes
        self.problems = Problems()
        self.packets = 0
        self.linktypes: set[int] = set()
        #: a pcap read resumed where an earlier read of the same file stopped: (byte offset of
        #: its next record, packets read before it, the seconds of the last packet's time)
        self.start: tuple[int, int, int] | None = None
        #: set at the end of a pcap read to its last whole record: (byte offset after it, the
        #: seconds of the last packet's time, whether a record cut short follows it)
        self.end: tuple[int, int, bool] | None = None

    def chunks(self) -> Iterator[Chunk]:
        """Every packet of the capture, a block at a time."""
        head = self.stream.read(4)
        kind = capture_kind(head)
        if kind is None:
            raise CaptureError("not a pcap or pcapng file (unknown magic number)")
        reader = _PcapChunks(self, head) if kind == "pcap" else _PcapngChunks(self, head)
        yield from reader.read()


class _Buffer:
    """A window on the stream: ``data`` holds the bytes from file offset ``base`` on."""

    def __init__(self, stream: BinaryIO, data: bytes, block_bytes: int) -> None:
        self.stream, self.data, self.base, self.block_bytes = stream, data, 0, block_bytes
        self.eof = False

    def fill(self, position: int, need: int) -> int:
        """Make ``need`` bytes from buffer position ``position`` available if the file has them,
        dropping what lies before it; returns the new position of the same byte."""
        if position + need <= len(self.data) or self.eof:
            return position
        self.base += position
        self.data = self.data[position:]
        while len(self.data) < need and not self.eof:
            more = self.stream.read(max(self.block_bytes, need - len(self.data)))
            if not more:
                self.eof = True
            self.data += more
        return 0


class _ArrayBuffer(_Buffer):
    """The same window kept in one reused numpy array, filled with ``readinto`` (the compiled
    walker's reader): no bytes object per block and no concatenation, one copy from the file.
    ``data`` is a view on the array, valid until the next ``fill``: whoever keeps packet bytes
    past their chunk copies them (collectors.flows.native does)."""

    def __init__(self, stream: BinaryIO, block_bytes: int) -> None:
        import numpy as np

        super().__init__(stream, b"", block_bytes)
        self.store = np.empty(2 * block_bytes, dtype=np.uint8)
        self.data = self.store[:0]  # type: ignore[assignment]
        self.readinto = getattr(stream, "readinto", None)

    def fill(self, position: int, need: int) -> int:
        """As _Buffer.fill, into the array (grown when a record needs more than it holds)."""
        import numpy as np

        if position + need <= len(self.data) or self.eof:
            return position
        self.base += position
        kept = len(self.data) - position
        room = max(2 * self.block_bytes, kept + need)
        if room > len(self.store):
            store = np.empty(room, dtype=np.uint8)
            store[:kept] = self.data[position:]
            self.store = store
        else:
            self.store[:kept] = self.data[position:]  # overlapping ranges: numpy copies safely
        size = kept
        while size < need or size < self.block_bytes:
            view = memoryview(self.store)[size:size + max(self.block_bytes, need - size)]  # type: ignore[arg-type]
            got = self._read_into(view)
            if not got:
                self.eof = True
                break
            size += got
        self.data = self.store[:size]  # type: ignore[assignment]
        return 0

    def _read_into(self, view: memoryview) -> int:
        if self.readinto is not None:
            try:
                return int(self.readinto(view) or 0)
            except (NotImplementedError, io.UnsupportedOperation):  # io.RawIOBase's default, say
                self.readinto = None
        more = self.stream.read(len(view))
        view[:len(more)] = more
        return len(more)


class _PcapChunks:
    def __init__(self, owner: CaptureReader, magic: bytes) -> None:
        self.owner = owner
        self.magic = magic
        self.last_seconds = 0
        #: the time of the last packet read (ns), carried to a packet whose own time is unusable
        self.last_time: int | None = None
        self.hsize = 16

    def read(self) -> Iterator[Chunk]:
        owner = self.owner
        header = self.magic + owner.stream.read(20)
        if len(header) < 24:
            owner.problems.add(0, 0, "file header cut short", "truncated file header")
            return
        magic = struct.unpack("<I", header[:4])[0]
        order, nanos = PCAP_MAGIC[magic]
        self.hsize = hsize = RECORD_BYTES.get(magic, 16)
        if hsize != 16:  # the compiled walker reads 16-byte record headers only
            owner.walker = None
        _, _, _, _, snaplen, linktype = struct.unpack(order + "HHiIII", header[4:])
        linktype &= 0xFFFF  # the upper bits carry FCS information
        owner.linktypes.add(linktype)
        record = struct.Struct(order + "IIII")
        scale = 1 if nanos else 1000
        units = 1_000_000_000 if nanos else 1_000_000  # the sub-second field counts below this
        limit = min(max(snaplen, MAX_PACKET), MAX_BLOCK)
        buffer = (_Buffer(owner.stream, b"", owner.block_bytes) if owner.walker is None
                  else _ArrayBuffer(owner.stream, owner.block_bytes))
        buffer.base = 24  # the buffer starts after the file header
        if owner.start is not None:  # resumed: seek to the first record not read before
            buffer.base, owner.packets, self.last_seconds = owner.start
            owner.stream.seek(buffer.base)
        position, number, want = 0, owner.packets, hsize
        while True:
            position = buffer.fill(position, want)
            data = buffer.data
            chunk = Chunk(data=data, first_number=number + 1)
            end = len(data)
            unpack = record.unpack_from
            starts, caplens, wirelens, times, offsets = (chunk.starts, chunk.caplens, chunk.wirelens, chunk.times,
                                                         chunk.offsets)
            bad: str | None = None
            want = hsize
            if owner.walker is not None:
                position, number, bad, want = self._walk(chunk, buffer, position, number, linktype, limit, snaplen,
                                                         order, nanos)
            while owner.walker is None and position + hsize <= end:
                seconds, fraction, caplen, wirelen = unpack(data, position)
                if caplen > limit or (caplen > wirelen and caplen > snaplen):
                    bad = _bad_header(caplen, wirelen, fraction, snaplen, limit)
                    break
                if position + hsize + caplen > end:
                    want = hsize + caplen
                    break
                number += 1
                starts.append(position + hsize)
                caplens.append(caplen)
                wirelens.append(wirelen)
                times.append(seconds * 1_000_000_000 + fraction * scale if fraction < units else BAD_TIME)
                offsets.append(buffer.base + position)
                position += hsize + caplen
            if len(chunk.starts):
                _record_lengths(owner.problems, chunk, snaplen)
                self.last_time = _record_times(owner.problems, chunk, buffer.base, record, nanos, self.last_time)
                self.last_seconds = int(chunk.times[-1]) // 1_000_000_000
                if owner.walker is None:
                    chunk.linktypes = [linktype] * len(starts)
                owner.packets = number
                yield chunk
            if bad is not None:
                owner.problems.add(number + 1, buffer.base + position, bad, "bad record header")
                position = self._resync(buffer, position, record, limit, nanos)
                if position < 0:
                    return
                want = hsize
                continue
            if buffer.eof:
                owner.end = (buffer.base + position, self.last_seconds, position < end)
                if position < end:
                    owner.problems.add(number + 1, buffer.base + position,
                                       f"{CUT_RECORD}: {end - position} bytes left, "
                                       f"{want} needed", "truncated record")
                return

    def _walk(self, chunk: Chunk, buffer: _Buffer, position: int, number: int, linktype: int, limit: int,
              snaplen: int, order: str, nanos: bool) -> tuple[int, int, str | None, int]:
        """The compiled walk over the buffer: the chunk's arrays filled, (position, packet number,
        why the walk stopped at a bad header or None, bytes the next record needs)."""
        import numpy as np

        data = buffer.data if isinstance(buffer.data, np.ndarray) else np.frombuffer(buffer.data, dtype=np.uint8)
        room = max(1, (len(data) - position) // 16 + 1)
        arrays = [np.empty(room, dtype=np.int64) for _ in range(5)]
        count, position, status, want = self.owner.walker(data, position, order == "<", nanos, limit, snaplen,
                                                          *arrays)
        starts, caplens, wirelens, times, positions = (a[:count] for a in arrays)
        chunk.starts, chunk.caplens, chunk.wirelens, chunk.times = starts, caplens, wirelens, times  # type: ignore[assignment]
        chunk.offsets = positions + buffer.base  # type: ignore[assignment]
        chunk.linktypes = np.full(count, linktype, dtype=np.int64)  # type: ignore[assignment]
        bad = None
        if status == 1:
            seconds, fraction, caplen, wirelen = struct.unpack_from(order + "IIII", buffer.data, position)
            bad = _bad_header(caplen, wirelen, fraction, snaplen, limit)
        return position, number + count, bad, want

    def _resync(self, buffer: _Buffer, position: int, record: struct.Struct, limit: int, nanos: bool) -> int:
        """The position of the next plausible record (its header sane and followed by another
        sane header or the end of the file), or -1."""
        position = buffer.fill(position, RESYNC_WINDOW + 32 + limit)
        data = buffer.data
        previous = self.last_seconds
        hsize = self.hsize
        for candidate in range(position + 1, min(len(data) - hsize + 1, position + RESYNC_WINDOW)):
            if _plausible(record, data, candidate, limit, nanos, previous):
                caplen = record.unpack_from(data, candidate)[2]
                after = candidate + hsize + caplen
                if after == len(data) or (after + hsize <= len(data)
                                          and _plausible(record, data, after, limit, nanos, previous)):
                    self.owner.problems.add(self.owner.packets + 1, buffer.base + candidate,
                                            f"resynchronised after skipping {candidate - position} bytes",
                                            "bytes skipped")
                    return candidate
        self.owner.problems.add(self.owner.packets + 1, buffer.base + position,
                                "no plausible record follows; the rest of the file is skipped", "rest skipped")
        return -1


def _record_lengths(problems: Problems, chunk: Chunk, snaplen: int) -> None:
    """Records read although a length in their header is wrong, each a problem naming the
    packet: a captured length over the file's snap length (libpcap reads up to its largest
    packet whatever the snap length says, and so does govsoc) or over the packet's original
    length (a packet cannot hold more than was on the wire; libpcap and tshark read it all the
    same). The packet is read whole; its flow is kept."""
    caplens, wirelens = chunk.caplens, chunk.wirelens
    snap = snaplen or MAX_PACKET  # 0: no snap length recorded
    if isinstance(caplens, list):
        damaged = [i for i, caplen in enumerate(caplens) if caplen > snap or caplen > wirelens[i]]
    else:  # the compiled walker's arrays
        import numpy as np

        damaged = np.flatnonzero((caplens > snap) | (caplens > wirelens)).tolist()
    for i in damaged:
        caplen, wirelen = int(caplens[i]), int(wirelens[i])
        if caplen > snap:
            problems.add(chunk.first_number + i, int(chunk.offsets[i]), f"captured length {caplen} over the "
                         f"file's snap length {snaplen}: read whole", "record over the snap length")
        if caplen > wirelen:
            problems.add(chunk.first_number + i, int(chunk.offsets[i]), f"captured length {caplen} over the "
                         f"original length {wirelen}: read whole", "captured over the original length")


def _record_times(problems: Problems, chunk: Chunk, base: int, record: struct.Struct, nanos: bool,
                  previous: int | None) -> int | None:
    """Packets whose sub-second field is out of range (1,000,000 µs or 10^9 ns and over; the
    walks mark them BAD_TIME): the packet is read (its lengths are sane; libpcap and libwiretap
    read it too), reported with its number and the field, and given the time of the packet
    before it, so that a bogus time never moves its flow (the whole second when no packet came
    before). Returns the time of the chunk's last packet."""
    times = chunk.times
    if isinstance(times, list):
        bad = [i for i, t in enumerate(times) if t == BAD_TIME]
    else:  # the compiled walker's arrays
        import numpy as np

        bad = np.flatnonzero(times == BAD_TIME).tolist()
    unit = "nanoseconds" if nanos else "microseconds"
    for i in bad:
        offset = int(chunk.offsets[i])
        seconds, fraction, _, _ = record.unpack_from(chunk.data, offset - base)
        before = previous if i == 0 else int(times[i - 1])
        carried = seconds * 1_000_000_000 if before is None else before
        times[i] = carried
        problems.add(chunk.first_number + i, offset,
                     f"{unit} field {fraction} out of range: read, with the time of "
                     + ("its second" if before is None else "the packet before it"), "sub-second time out of range")
    return int(times[-1]) if len(times) else previous


def _bad_header(caplen: int, wirelen: int, fraction: int, snaplen: int, limit: int) -> str:
    """Why a classic pcap record header was refused, naming the limit it was checked against:
    the file's snap length, libpcap's largest packet (a smaller snap length is not enforced by
    libpcap either) or govsoc's largest record (memory stays bounded whatever the header says)."""
    if caplen > limit:
        if limit == snaplen:
            return f"record length {caplen} over the snap length {snaplen}"
        if limit == MAX_PACKET:
            return (f"record length {caplen} over libpcap's largest packet {MAX_PACKET} "
                    f"(the snap length {snaplen} is smaller)")
        return f"record length {caplen} over the largest record read, {limit} bytes (snap length {snaplen})"
    return f"captured length {caplen} over the original length {wirelen}"


def _plausible(record: struct.Struct, data: bytes, at: int, limit: int, nanos: bool, previous: int) -> bool:
    seconds, fraction, caplen, wirelen = record.unpack_from(data, at)
    if caplen > limit or caplen > wirelen or wirelen > MAX_BLOCK or (fraction >= (10**9 if nanos else 10**6)):
        return False
    return previous == 0 or abs(seconds - previous) < 86400 * 7


class _PcapngChunks:
    """pcapng: Section Header, Interface Description, Enhanced/Simple/obsolete Packet blocks;
    every other block is skipped by its length."""

    def __init__(self, owner: CaptureReader, magic: bytes) -> None:
        self.owner = owner
        self.magic = magic
        self.order = "<"
        #: per interface of the current section: (link type, snap length, ns per unit or None, shift, offset)
        self.interfaces: list[tuple[int, int, int, int, int]] = []

    def read(self) -> Iterator[Chunk]:
        owner = self.owner
        buffer = _Buffer(owner.stream, self.magic, owner.block_bytes)
        position, number, want = 0, owner.packets, 12
        while True:
            position = buffer.fill(position, want)
            data = buffer.data
            chunk = Chunk(data=data, first_number=number + 1)
            end = len(data)
            stop: str | None = None
            want = 12
            while position + 12 <= end:
                block_type = struct.unpack_from(self.order + "I", data, position)[0]
                if block_type == PCAPNG_SHB:
                    magic = data[position + 8:position + 12]
                    if magic == b"\x4d\x3c\x2b\x1a":
                        self.order = "<"
                    elif magic == b"\x1a\x2b\x3c\x4d":
                        self.order = ">"
                    else:
                        stop = "section header with an unknown byte-order magic"
                        break
                    self.interfaces = []
                length = struct.unpack_from(self.order + "I", data, position + 4)[0]
                if length < 12 or length % 4 or length > MAX_BLOCK:
                    stop = f"block length {length} impossible"
                    break
                if position + length > end:
                    want = length
                    break
                trailing = struct.unpack_from(self.order + "I", data, position + length - 4)[0]
                if trailing != length:  # read by its leading length all the same, as tshark reads on
                    owner.problems.add(number + 1, buffer.base + position,
                                       f"block's trailing length {trailing} differs from its leading length {length}",
                                       "bad block length")
                body = position + 8
                if block_type == PCAPNG_SHB:
                    pass
                elif block_type == 1:
                    self._interface(data, body, length - 12)
                elif block_type in (6, 2, 3):
                    packet = self._packet(block_type, data, body, length - 12, number + 1, buffer.base + position)
                    if packet is not None:
                        number += 1
                        start, caplen, wirelen, ts, linktype = packet
                        chunk.starts.append(start)
                        chunk.caplens.append(caplen)
                        chunk.wirelens.append(wirelen)
                        chunk.times.append(ts)
                        chunk.linktypes.append(linktype)
                        chunk.offsets.append(buffer.base + position)
                    else:
                        number += 1
                position += length
            owner.packets = number
            if chunk.starts:
                yield chunk
            if stop is not None:
                owner.problems.add(number + 1, buffer.base + position, stop, "bad block header")
                return
            if buffer.eof:
                if position < end:
                    owner.problems.add(number + 1, buffer.base + position,
                                       f"block cut short at the end of the file: {end - position} bytes left, "
                                       f"{want} needed", "truncated block")
                return

    def _interface(self, data: bytes, body: int, size: int) -> None:
        if size < 8:
            self.owner.problems.add(0, body, "interface block too short", "bad interface block")
            self.interfaces.append((-1, 0, 1000, 0, 0))
            return
        linktype, _, snaplen = struct.unpack_from(self.order + "HHI", data, body)
        resolution, shift, offset = 1000, 0, 0  # default: microseconds
        at, stop = body + 8, body + size
        while at + 4 <= stop:
            code, length = struct.unpack_from(self.order + "HH", data, at)
            value = data[at + 4:at + 4 + length]
            if code == 0:
                break
            if code == 9 and length >= 1:
                resolution, shift = _resolution(value[0])
            elif code == 14 and length >= 8:
                offset = struct.unpack(self.order + "q", value[:8])[0]
            at += 4 + ((length + 3) & ~3)
        self.owner.linktypes.add(linktype)
        self.interfaces.append((linktype, snaplen, resolution, shift, offset))

    def _packet(self, block_type: int, data: bytes, body: int, size: int, number: int,
                offset: int) -> tuple[int, int, int, int, int] | None:
        problems = self.owner.problems
        if block_type == 3:  # Simple Packet Block: interface 0, no time
            if size < 4 or not self.interfaces:
                problems.add(number, offset, "simple packet block without an interface", "bad packet block")
                return None
            wirelen = struct.unpack_from(self.order + "I", data, body)[0]
            linktype, snaplen = self.interfaces[0][:2]
            caplen = min(wirelen, size - 4, snaplen or wirelen)
            return body + 4, caplen, wirelen, 0, linktype
        if size < 20:
            problems.add(number, offset, "packet block too short", "bad packet block")
            return None
        if block_type == 6:
            interface, high, low, caplen, wirelen = struct.unpack_from(self.order + "IIIII", data, body)
        else:
            interface, _, high, low, caplen, wirelen = struct.unpack_from(self.order + "HHIIII", data, body)
        if interface >= len(self.interfaces):
            problems.add(number, offset, f"packet on interface {interface}, which was not described",
                         "unknown interface")
            return None
        if caplen > size - 20:
            problems.add(number, offset, f"captured length {caplen} over its block ({size - 20} bytes)",
                         "bad packet block")
            return None
        linktype, snaplen, resolution, shift, ts_offset = self.interfaces[interface]
        if caplen > wirelen or 0 < snaplen < caplen:  # read whole all the same, as in a pcap file
            if caplen > wirelen:
                problems.add(number, offset, f"captured length {caplen} over the original length {wirelen}: "
                             "read whole", "captured over the original length")
            else:
                problems.add(number, offset, f"captured length {caplen} over interface {interface}'s snap length "
                             f"{snaplen}: read whole", "record over the snap length")
        units = (high << 32) | low
        nanos = (units * 1_000_000_000 >> shift) if shift else units * resolution if resolution > 0 \
            else units // -resolution
        nanos += ts_offset * 1_000_000_000
        if not 0 <= nanos < LATEST_NANOS:
            problems.add(number, offset, f"timestamp out of range ({nanos // 1_000_000_000} s since 1970: before "
                         f"1970 or after 2200), packet skipped", "timestamp out of range")
            return None
        return body + 20, caplen, wirelen, nanos, linktype


def _resolution(value: int) -> tuple[int, int]:
    """if_tsresol -> (nanoseconds per unit, or minus the units per nanosecond; binary shift)."""
    if value & 0x80:
        return 0, value & 0x7F
    exponent = value & 0x7F
    if exponent <= 9:
        return 10 ** (9 - exponent), 0
    return -(10 ** (exponent - 9)), 0
