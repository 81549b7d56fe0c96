"""What reading a capture file yields and the bounds it keeps (collectors.flows.pcap): the
formats' magic numbers (libpcap's file format, draft-ietf-opsawg-pcap; pcapng's Section Header
Block, draft-ietf-opsawg-pcapng), the read limits, a :class:`Chunk` of packets, the
:class:`Problems` met on the way and :class:`CaptureError`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

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
