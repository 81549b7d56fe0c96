"""Loss accounting from export sequence numbers, modulo 2^32 (the counters wrap).

Stage: collectors. Each exporter, version and domain (v5 engine, v9 source id, IPFIX
observation domain) is one stream whose header sequence number says what came before:

- NetFlow v5: the flows exported before this packet (``flow_sequence``), so the next packet
  should say ``sequence + count``;
- NetFlow v9 (RFC 3954 section 5.1): the export packets sent before, so ``sequence + 1``;
- IPFIX (RFC 7011 section 3.1): the data records sent before, modulo 2^32 (template records do
  not count), so ``sequence + data records in this message``.

A message ahead of the expected number by less than half the space (2^31) means the numbers in
between were lost: that many flows, packets or records. Anything else is behind: a late or
repeated message within :data:`REORDER_WINDOW`, else an exporter that restarted (its counter
began again); both resynchronise on the next message without counting a loss. A late message
whose numbers had been counted lost (datagrams reordered on the way, RFC 7011 10.3.2 / UDP)
fills its part of that gap: what it brings is taken off the loss again. Counting modulo
2^32 is what makes a counter that wraps from 4294967295 to 0 a message in order, not a loss of
four billion.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace

#: The sequence space of every version's header field.
SPACE = 1 << 32
#: How far behind the expected number a message may be and still count as reordered (late)
#: rather than as an exporter that started counting again.
REORDER_WINDOW = 1 << 16
#: How many of a stream's latest gaps are remembered for late messages to fill.
MAX_GAPS = 16
#: Messages remembered while an exporter's numbering is unknown (softflowd's tells by its
#: second message in order; a loss or a reorder among the first ones puts it off a few more).
HISTORY = 64
#: What a version's sequence number counts.
UNITS = {5: "flows", 9: "export packets", 10: "data records"}


@dataclass(frozen=True, slots=True)
class Gap:
    """What one message's sequence number says: ``lost`` units missing before it (0: none), or
    ``late`` when it came behind the expected number, or ``restart`` when it is far behind."""

    expected: int
    got: int
    lost: int = 0
    late: bool = False
    restart: bool = False
    #: a late message's units that had been counted lost (the gap they fill, now smaller), and
    #: what that gap still misses (0: filled)
    recovered: int = 0
    missing: int = 0
    #: when this message taught how the exporter numbers (before or through its message), the
    #: losses counted earlier under the other reading, judged again: (gaps, units) before, after
    revised: tuple[tuple[int, int], tuple[int, int]] | None = None


@dataclass(slots=True)
class _Stream:
    sequence: int
    advance: int | None
    #: None until two messages tell: False, numbered by what came before (the RFCs); True, by
    #: what came up to and including the message itself (softflowd 1.1.0's IPFIX: its first
    #: message of 24 records says 23, the next of 31 says 54)
    counts_through: bool | None = None
    #: options data records in the last message, and whether the exporter counts them: None
    #: until a message with some tells; RFC 7011 3.1 counts every data record, softflowd 1.1.0
    #: leaves its options record (sent with each template refresh) out
    options: int = 0
    options_counted: bool | None = None
    #: the latest gaps counted lost, as [first number missing, how many, the gap's own first
    #: number] in the numbering before each message: a late message inside one fills its part
    gaps: list[list[int]] = field(default_factory=list)
    #: (sequence, advance, options) of each message heard while ``counts_through`` or
    #: ``options_counted`` is unknown (at most HISTORY, else None): once a message tells, they
    #: are judged again by it
    history: list[tuple[int, int | None, int]] | None = field(default_factory=list)


@dataclass(slots=True)
class SequenceTracker:
    """Every stream's last sequence number, and what was lost on each."""

    streams: dict[tuple[str, int, int], _Stream] = field(default_factory=dict)
    #: (exporter, version, domain) -> units lost (flows, export packets or data records)
    lost: Counter[tuple[str, int, int]] = field(default_factory=Counter)
    late: int = 0
    restarts: int = 0

    def see(self, exporter: str, version: int, domain: int, sequence: int, advance: int | None,
            options: int = 0) -> Gap | None:
        """Note one message; ``advance`` is how much it moves the count (None: unknown, e.g. an
        IPFIX message whose data sets wait for their template: the next message resynchronises),
        ``options`` how many of those are options data records (an exporter may leave them out).
        Returns what the number says, or None when there is nothing to judge it by.

        Until a message tells whether the exporter numbers before its message (the RFCs) or
        through it (softflowd), a gap is counted by the RFCs' reading; the message that tells
        has every message heard before judged again by the reading it taught (review R14b N4,
        N5: a loss or a reorder among softflowd's first messages was counted by the wrong
        reading, 31 records where 28 were lost, 3 where none were)."""
        key = (exporter, version, domain)
        stream = self.streams.get(key)
        known = None if stream is None else (stream.counts_through, stream.options_counted)
        gap = self._see(key, stream, sequence, advance, options)
        stream = self.streams[key]
        if stream.history is None:
            return gap
        stream.history.append((sequence, advance, options))
        if known is not None and known != (stream.counts_through, stream.options_counted):
            revised = self._rejudge(key, stream)
            if revised is not None and gap is not None:
                gap = replace(gap, revised=revised)
        if len(stream.history) > HISTORY or None not in (stream.counts_through, stream.options_counted):
            stream.history = None
        return gap

    def _rejudge(self, key: tuple[str, int, int], stream: _Stream) -> tuple[tuple[int, int], tuple[int, int]] | None:
        """The messages of ``stream`` heard while its numbering was unknown, replayed by what is
        now known of it: its losses and gaps become the replay's. Returns (gaps, units) counted
        lost before and after, or None when the replay changes nothing."""
        replay = SequenceTracker()
        for sequence, advance, options in stream.history or ():
            replay.see(*key, sequence, advance, options)
            again = replay.streams[key]
            again.history = None
            if stream.counts_through is not None:
                again.counts_through = stream.counts_through
            if stream.options_counted is not None:
                again.options_counted = stream.options_counted
        again = replay.streams[key]
        before, after = (len(stream.gaps), self.lost[key]), (len(again.gaps), replay.lost[key])
        if before == after and stream.gaps == again.gaps:
            return None
        stream.gaps = again.gaps
        self.lost.pop(key, None)
        if after[1]:
            self.lost[key] = after[1]
        return before, after

    def _see(self, key: tuple[str, int, int], stream: _Stream | None, sequence: int, advance: int | None,
             options: int) -> Gap | None:
        version = key[1]
        expected = None if stream is None else _expected(stream, sequence, advance, options)
        if stream is None or expected is None:
            self.streams[key] = (_Stream(sequence, advance, options=options) if stream is None else
                                 _Stream(sequence, advance, stream.counts_through, options, stream.options_counted,
                                         history=stream.history))
            return None
        ahead = (sequence - expected) % SPACE
        if ahead and ahead >= SPACE // 2 and SPACE - ahead <= REORDER_WINDOW:
            self.late += 1  # the stream stays where it was
            units = 1 if version == 9 else _late_units(stream, sequence, advance, options)
            recovered, missing = _fill(stream, _before(stream, sequence, units), units)
            self.lost[key] -= recovered
            if self.lost[key] <= 0:
                del self.lost[key]
            return Gap(expected=expected, got=sequence, late=True, recovered=recovered, missing=missing)
        previous = stream.sequence
        stream.sequence, stream.advance, stream.options = sequence, advance, options
        if not ahead:
            return Gap(expected=expected, got=sequence)
        if ahead < SPACE // 2:
            self.lost[key] += ahead
            # the numbers missing: before this one, or (numbered through) after the last one
            start = previous if stream.counts_through else expected
            stream.gaps = [*stream.gaps[-(MAX_GAPS - 1):], [start, ahead, start]]
            return Gap(expected=expected, got=sequence, lost=ahead)
        self.restarts += 1
        return Gap(expected=expected, got=sequence, restart=True)

    def resume(self, exporter: str, version: int, domain: int, sequence: int, advance: int | None,
               counts_through: bool | None, options: int = 0, options_counted: bool | None = None) -> bool:
        """Take up a stream where an earlier run left it (collectors.netflow.state), unless this
        run has heard it already; whether it was taken up."""
        key = (exporter, version, domain)
        if key in self.streams:
            return False
        self.streams[key] = _Stream(sequence % SPACE, advance, counts_through, options, options_counted)
        return True

    def saved(self) -> list[list[object]]:
        """Every stream as ``[exporter, version, domain, sequence, advance, counts_through,
        options, options_counted]``."""
        return [[exporter, version, domain, s.sequence, s.advance, s.counts_through, s.options, s.options_counted]
                for (exporter, version, domain), s in list(self.streams.items())]

    def total(self, version: int) -> int:
        """Units lost over every stream of ``version``."""
        return sum(n for (_, v, _), n in self.lost.items() if v == version)


def _effective(stream: _Stream, advance: int | None, options: int) -> int:
    """How many numbers a message takes by its stream's numbering (0 when unknown)."""
    if advance is None:
        return 0
    return advance - (options if stream.options_counted is False else 0)


def _late_units(stream: _Stream, sequence: int, advance: int | None, options: int) -> int:
    """How many numbers a late message takes. While it is not known whether the exporter counts
    its options records, the reading whose numbers lie whole inside a gap counted lost is the
    exporter's, and is learnt (review R14b N4: softflowd's first template refresh, reordered
    by one place, left its options record counted and a false loss of its records)."""
    units = _effective(stream, advance, options)
    if stream.options_counted is not None or not options or advance is None:
        return units
    fits = [counted for counted, n in ((True, advance), (False, advance - options))
            if _inside(stream, _before(stream, sequence, n), n)]
    if len(fits) == 1:
        stream.options_counted = fits[0]
        return advance if fits[0] else advance - options
    return units


def _inside(stream: _Stream, first: int, units: int) -> bool:
    """Whether the numbers ``first`` .. ``first + units`` all lie in one of the stream's gaps."""
    return any((first - start) % SPACE + units <= count for start, count, _ in stream.gaps)


def _before(stream: _Stream, sequence: int, units: int) -> int:
    """The first number a message takes: its own, or (numbered through it) its own less its units."""
    return (sequence - units) % SPACE if stream.counts_through else sequence


def _fill(stream: _Stream, first: int, units: int) -> tuple[int, int]:
    """Take the numbers ``first`` .. ``first + units`` out of the stream's gaps: (how many had
    been counted lost, how many the gap they were in still misses)."""
    for gap in stream.gaps:
        start, count, origin = gap
        offset = (first - start) % SPACE
        if offset < count:
            taken = min(units, count - offset)
            stream.gaps.remove(gap)
            parts = [[start, offset, origin], [(start + offset + taken) % SPACE, count - offset - taken, origin]]
            stream.gaps.extend(part for part in parts if part[1])
            return taken, sum(part[1] for part in stream.gaps if part[2] == origin)
    return 0, 0


def _expected(stream: _Stream, sequence: int, advance: int | None, options: int) -> int | None:
    """The number this message should carry by its stream's numbering, or None when the advance
    it needs is unknown. Two things are learnt, each from the first message that fits only one
    way: whether the exporter numbers before its message (the RFCs) or through it (options
    records counted while that is unknown), then whether it counts options data records (RFC
    7011) or not. A message that fits a reading not yet ruled out is in order."""
    def way(through: bool, counted: bool) -> int | None:
        extra, uncounted = (advance, options) if through else (stream.advance, stream.options)
        return None if extra is None else (stream.sequence + extra - (0 if counted else uncounted)) % SPACE

    counted = stream.options_counted is not False
    if stream.counts_through is None:
        before, through = way(False, counted), way(True, counted)
        if before is not None and through is not None and before != through and sequence in (before, through):
            stream.counts_through = sequence == through
    ways = [bool(stream.counts_through)] if stream.counts_through is not None else [False, True]
    if stream.options_counted is None:
        for reading in ways:
            yes, no = way(reading, True), way(reading, False)
            if yes is not None and no is not None and yes != no and sequence in (yes, no):
                stream.options_counted = sequence == yes
                break
    unknown = [way(t, c) for t in ways for c in ([True, False] if stream.options_counted is None else [counted])]
    if sequence in unknown:
        return sequence
    return way(bool(stream.counts_through), stream.options_counted is not False)
