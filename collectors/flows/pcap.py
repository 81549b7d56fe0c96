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

This module holds the reader and the two formats' chunk readers; what a read yields is
collectors.flows.capture, the block buffers collectors.flows.capture_buffer, the checks of classic
pcap records collectors.flows.pcap_records.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from typing import Any, BinaryIO

from govsoc.collectors.flows.capture import BAD_TIME as BAD_TIME
from govsoc.collectors.flows.capture import (
    BLOCK_BYTES,
    LATEST_NANOS,
    MAX_BLOCK,
    MAX_PACKET,
    PCAP_MAGIC,
    PCAPNG_SHB,
    RECORD_BYTES,
    RESYNC_WINDOW,
)
from govsoc.collectors.flows.capture import CUT_RECORD as CUT_RECORD
from govsoc.collectors.flows.capture import CaptureError as CaptureError
from govsoc.collectors.flows.capture import Chunk as Chunk
from govsoc.collectors.flows.capture import Problem as Problem
from govsoc.collectors.flows.capture import Problems as Problems
from govsoc.collectors.flows.capture_buffer import _ArrayBuffer, _Buffer
from govsoc.collectors.flows.pcap_records import _bad_header, _plausible, _record_lengths, _record_times


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
