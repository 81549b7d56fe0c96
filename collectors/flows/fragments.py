"""IP fragment reassembly for the flow decoder (collectors.flows.decode): IPv4 (RFC 791 3.2,
with RFC 815's hole list as its sorted pieces) and IPv6 (RFC 8200 4.5), so a fragmented UDP or
TCP datagram counts once toward its 5-tuple flow, with the ports of its first fragment and its
whole length, as Zeek's FragReassembler counts it in conn.log.

Fragments are held per datagram, keyed by source, destination, identification and (IPv4)
protocol, plus the VLAN tags and tunnel the packet came through, so that two tenants' datagrams
never mix. What cannot be reassembled is a problem naming a packet, never silence:

- overlapping IPv6 fragments: the datagram is dropped and so are its later fragments (RFC 5722).
  Overlapping IPv4 fragments (the classic evasion, RFC 1858 and 3128) are reassembled, as RFC 791
  and Zeek's FragReassembler do (Zeek logs the connection and a fragment_overlap weird): the
  datagram still counts in its flow, each byte read from the fragment starting first, and the
  overlap is a problem naming the packet (dropping it hid a whole exchange from the flows). An
  exact duplicate of a fragment is dropped alone (RFC 8200 4.5);
- a datagram not complete ``timeout`` seconds of capture time after its first fragment (RFC 8200:
  60 s; IPv4 uses Linux's ipfrag_time, 30 s), at the end of the capture, or pushed out when the
  held fragments pass MAX_DATAGRAMS or MAX_BYTES (memory stays bounded whatever the traffic);
- a fragment that cannot belong to a datagram: past 65,535 bytes (the "ping of death"), a
  non-last fragment whose length is not a multiple of 8, a second last fragment that disagrees,
  more than MAX_FRAGMENTS fragments.

The fragments of a datagram that is never made whole count in no flow (there are no ports to
key them by, except in a first fragment, whose datagram would be counted wrong). Each such
problem says how many fragment packets and IP bytes it took out of the flows, and
``Problems.uncounted`` keeps the totals (carried across reads of a growing capture), which the
ingest summary prints, so that the packets and bytes of a capture are all accounted for. Peers
differ: Zeek's FragReassembler::Expire frees the fragments of an expired datagram with no log
line and no weird, so they are in no conn.log row and nowhere else; nfstream does not reassemble
at all: a first fragment counts as a packet of its 5-tuple flow (with its own length) and a
later fragment, which has no ports, is dropped before any flow (``frag_off & 0x1FFF``), silently.
An exact duplicate of a held fragment is in no flow either: it is counted apart (its data is in
the datagram once).
"""

from __future__ import annotations

from govsoc.collectors.flows.pcap import Problems

NS = 1_000_000_000
#: Seconds a datagram may wait for its missing fragments, by IP version.
TIMEOUTS = {4: 30, 6: 60}
#: Datagrams and captured bytes held at once; past either, the oldest datagram is given up.
MAX_DATAGRAMS, MAX_BYTES = 4096, 32 << 20
#: The largest datagram either version can reassemble (IPv4 total length, IPv6 payload length).
MAX_DATAGRAM = 65535
#: Fragments one datagram may have: a 65,535-byte datagram over IPv6's minimum MTU (1,280) takes
#: 52; more is an attack (thousands of 8-byte fragments would cost quadratic time to place).
MAX_FRAGMENTS = 128
#: Keys of datagrams dropped for overlapping fragments, kept to drop their later fragments.
MAX_DROPPED = 4096


class Datagram:
    """The fragments of one datagram seen so far."""

    __slots__ = ("version", "header", "pieces", "length", "first_number", "first_offset", "first_ts", "held",
                 "ip_bytes")

    def __init__(self, version: int, number: int, offset: int, ts: int) -> None:
        self.version = version
        #: the first fragment's headers (everything before its fragmentable part), once seen
        self.header: bytes | None = None
        #: (start, end on the wire, captured bytes) of each fragment's data, in arrival order
        self.pieces: list[tuple[int, int, bytes]] = []
        #: the datagram's data length, once its last fragment (More Fragments clear) is seen
        self.length = -1
        self.first_number, self.first_offset, self.first_ts = number, offset, ts
        self.held = 0
        #: the IP bytes on the wire (headers included) of the fragments held
        self.ip_bytes = 0

    def complete(self) -> bool:
        """Whether the pieces cover the whole data, first to last fragment, without a hole."""
        if self.header is None or self.length < 0:
            return False
        reach = 0
        for start, end, _ in sorted(self.pieces):
            if start > reach:
                return False
            reach = max(reach, end)
        return reach >= self.length

    def data(self) -> bytes:
        """The data as captured: the pieces in order, up to the first byte the capture lacks (a
        snap length cut some fragment), so the decoder sees a packet cut there."""
        out = bytearray()
        for start, end, captured in sorted(self.pieces):
            if start > len(out):
                break
            out += captured[len(out) - start:]  # an overlap (IPv4): the bytes read already stay
            if start + len(captured) < end:
                break
        return bytes(out)


class Reassembler:
    """Holds fragments until their datagram is whole; counts and reports what it gives up."""

    def __init__(self, problems: Problems, *, timeouts: dict[int, int] | None = None,
                 max_datagrams: int = MAX_DATAGRAMS, max_bytes: int = MAX_BYTES) -> None:
        self.problems = problems
        self.timeouts = {version: seconds * NS for version, seconds in (timeouts or TIMEOUTS).items()}
        self.max_datagrams, self.max_bytes = max_datagrams, max_bytes
        self.held: dict[tuple[object, ...], Datagram] = {}
        self.dropped: dict[tuple[object, ...], int] = {}
        self.held_bytes = 0
        #: datagrams made whole, given up (each a problem), and exact duplicate fragments dropped
        self.reassembled = self.given_up = self.duplicates = 0

    def add(self, key: tuple[object, ...], version: int, number: int, offset: int, ts: int, start: int, wire: int,
            captured: bytes, more: bool, header: bytes | None, *, ip_bytes: int = 0) -> Datagram | None:
        """Add one fragment: its data's ``start`` in the datagram, its length on the ``wire`` and
        the ``captured`` part, whether More Fragments is set, (first fragment) the headers before
        its data, and the fragment packet's IP length. Returns the datagram when this fragment
        completes it."""
        self.expire(ts)
        if key in self.dropped:
            self._uncounted(1, ip_bytes, 0)
            self._problem(number, offset, version, "fragment of a datagram dropped for overlapping fragments "
                                                   f"({_in_no_flow(1, ip_bytes)})")
            return None
        datagram = self.held.get(key)
        if datagram is None:
            datagram = self.held[key] = Datagram(version, number, offset, ts)
        end = start + wire
        why = self._refused(datagram, start, end, more)
        if why is not None:
            self._drop(key, datagram, number, offset, why, ip_bytes)
            return None
        for other_start, other_end, other in datagram.pieces:
            if start < other_end and other_start < end:
                if (other_start, other_end, other) == (start, end, captured):
                    self.duplicates += 1
                    self.problems.uncounted["duplicate fragments"] += 1
                    self.problems.uncounted["duplicate fragment bytes"] += ip_bytes
                    return None
                if version == 4:  # kept and said (see the module docstring)
                    twice = f"{max(start, other_start)}-{min(end, other_end) - 1}"
                    self._problem(number, offset, version, f"fragments overlap (RFC 1858): bytes {twice} sent twice; "
                                  "reassembled from the fragment starting first (the datagram's first fragment seen "
                                  f"in packet {datagram.first_number})")
                    break
                self._drop(key, datagram, number, offset, "fragments overlap (RFC 5722): datagram dropped", ip_bytes)
                self.dropped[key] = ts
                if len(self.dropped) > MAX_DROPPED:
                    self.dropped.pop(next(iter(self.dropped)))
                return None
        datagram.pieces.append((start, end, captured))
        datagram.ip_bytes += ip_bytes
        datagram.held += len(captured)
        self.held_bytes += len(captured)
        if header is not None:
            datagram.header = header
        if not more:
            datagram.length = end
        if datagram.complete():
            self._release(key)
            self.reassembled += 1
            return datagram
        self._bound(number, offset)
        return None

    def _refused(self, datagram: Datagram, start: int, end: int, more: bool) -> str | None:
        if len(datagram.pieces) >= MAX_FRAGMENTS:
            return f"more than {MAX_FRAGMENTS} fragments: datagram dropped"
        if end > MAX_DATAGRAM:
            return f"fragment ends at byte {end}, past the largest datagram ({MAX_DATAGRAM}): datagram dropped"
        if more and (end - start) % 8:
            return f"fragment of {end - start} bytes, not a multiple of 8, before the last: datagram dropped"
        if not more and datagram.length >= 0 and end != datagram.length:
            return f"two last fragments disagree on the length ({datagram.length}, {end}): datagram dropped"
        if datagram.length >= 0 and end > datagram.length:
            return f"fragment ends at byte {end}, past the last fragment's {datagram.length}: datagram dropped"
        return None

    def expire(self, now: int) -> None:
        """Give up datagrams older than their time-out (oldest first: held in arrival order)."""
        while self.held:
            key, datagram = next(iter(self.held.items()))
            if now - datagram.first_ts <= self.timeouts[datagram.version]:
                break
            seconds = self.timeouts[datagram.version] // NS
            self._give_up(key, f"not complete {seconds} s after its first fragment")
        while self.dropped:
            key, when = next(iter(self.dropped.items()))
            if now - when <= max(self.timeouts.values()):
                break
            del self.dropped[key]

    def finish(self) -> None:
        """The end of the capture: every datagram still incomplete is given up."""
        while self.held:
            self._give_up(next(iter(self.held)), "not complete at the end of the capture")
        self.dropped.clear()

    def _bound(self, number: int, offset: int) -> None:
        while len(self.held) > self.max_datagrams or self.held_bytes > self.max_bytes:
            self._give_up(next(iter(self.held)), f"given up to bound memory ({self.max_datagrams} datagrams, "
                                                 f"{self.max_bytes >> 20} MiB of fragments held)")

    def _give_up(self, key: tuple[object, ...], why: str) -> None:
        datagram = self._release(key)
        pieces = len(datagram.pieces)
        self.given_up += 1
        self._uncounted(pieces, datagram.ip_bytes, 1)
        self._problem(datagram.first_number, datagram.first_offset, datagram.version,
                      f"datagram never reassembled, {why}: {pieces} fragment{'s' * (pieces != 1)} dropped "
                      f"({datagram.ip_bytes:,} bytes, counted in no flow)")

    def _drop(self, key: tuple[object, ...], datagram: Datagram, number: int, offset: int, why: str,
              ip_bytes: int) -> None:
        self._release(key)
        self.given_up += 1
        pieces, lost = len(datagram.pieces) + 1, datagram.ip_bytes + ip_bytes
        self._uncounted(pieces, lost, 1)
        self._problem(number, offset, datagram.version,
                      f"{why} ({_in_no_flow(pieces, lost)}; the first seen in packet {datagram.first_number})")

    def lost(self, datagram: Datagram) -> str:
        """Count a whole datagram the decoder could not use (over 65,535 bytes once reassembled)
        as in no flow; the words saying so."""
        self._uncounted(len(datagram.pieces), datagram.ip_bytes, 1)
        return _in_no_flow(len(datagram.pieces), datagram.ip_bytes)

    def _uncounted(self, fragments: int, ip_bytes: int, datagrams: int) -> None:
        uncounted = self.problems.uncounted
        uncounted["datagrams"] += datagrams
        uncounted["fragments"] += fragments
        uncounted["fragment bytes"] += ip_bytes

    def _release(self, key: tuple[object, ...]) -> Datagram:
        datagram = self.held.pop(key)
        self.held_bytes -= datagram.held
        return datagram

    def _problem(self, number: int, offset: int, version: int, reason: str) -> None:
        self.problems.add(number, offset, f"IPv{version} fragments: {reason}", f"IPv{version} fragments")


def _in_no_flow(fragments: int, ip_bytes: int) -> str:
    """How a problem names the fragment packets and IP bytes it took out of every flow."""
    return f"{fragments:,} fragment{'s' * (fragments != 1)}, {ip_bytes:,} bytes, counted in no flow"
