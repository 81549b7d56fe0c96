"""Values a column repeats, scanned once (stage: classification; issue 15 speed, F15u-F15y).

``Scanner.scan_many`` gates its values in chunks of 8,192 (scanner.py). A value's hits are a
function of its text, the call's context and plan, today's date and the masking rules in force
(the premise of recognizer.HitCache), so a value met before may be given the hits it got then,
each time as a list of its own. Two ranges of repeats:

* within a chunk (P15c): a log repeats its messages, a column its statuses; a chunk in which more
  than three values in four are distinct is scanned as it is, and after such a chunk a set of
  every fourth value of the next tells first whether it repeats (a twentieth of the cost of the
  map that would say it).
* across chunks (F15w, RR15an-1/-2 answered here): the table bench's 100,000 values hold 11,548
  distinct ones, yet each chunk holds ~7,700 (more than three in four): every chunk searched the
  same ID numbers and phones again. A table of the values met, with their hits, is kept only
  while it pays: a probe (every 16th value of the chunk) is checked against a sample of the
  next chunk (every third value from the second, so that the probe's stride and the sample's
  meet whatever the column's period); where fewer than one sampled value in two (seen through
  the probe: :data:`_WORTH`) was met, nothing is kept or looked up; it is taken up after two
  chunks in a row were (chunks flipping between repeats and new values: R15as's shapes.py
  flip). The probes of the two chunks before are read together: a column repeating at a
  distance of one to two chunks takes part of a chunk from the chunk before and the rest from
  the one before it, which the chunk before's probe alone never took up (every value met, every
  chunk scanned); the first look-up after a take-up only the older probe made possible keeps
  the table whatever it finds (it holds one chunk, the values met came from two). A column of distinct values
  (orders, phones, IDs: R15an's perf2.py), or one repeating less than half of the chunk before
  (R15ap's near.py), then pays the probe only, a set of a 16th of its values a chunk (the
  sample is checked against it by C code, cheaper a value than the set is made), and keeps no
  hits beyond the chunk (R15an's mem.py, R15ap's mem4.py). Once on, a table whose chunk finds
  fewer than one value in two met before is dropped, and the probe starts again. Values with
  hits must come back too (at least one in :data:`_RETURN` of them, through the probe at the
  take-up): repeats without hits spare the scanner's prefilter only, cheaper than the table
  (R15aq's cols.py orders), and beside new values of many phones the table held hits never met
  again (R15aq's mixmem.py). Where fewer than one in two of them came back, a new value's hits
  are held from its second meeting only (set :attr:`Repeats.once`). The table holds at most
  :data:`LIMIT` values and :data:`LIMIT` Matches, and starts again when the hour or a masking
  rule in force changes, as HitCache does.

Which path a chunk takes changes the work only, never the hits
(tests/classification/test_repeats.py, test_batch.py).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence, Set
from itertools import compress, repeat
from operator import is_, itemgetter, sub
from typing import Final

from govsoc.classification.recognizer import Match

__all__ = ["Repeats", "Found", "CHUNK", "LIMIT"]

#: (index, hits) pairs of a chunk's values that have hits, indexes counted from ``first``.
Found = list[tuple[int, list[Match]]]
#: scan(values, first) -> Found: the scanner's chunk scan (no repeats looked for).
Scan = Callable[[Sequence[str], int], Found]

_INDEX: Final = itemgetter(0)
_HITS: Final = itemgetter(1)
_NONE: Final[tuple[Match, ...]] = ()
#: Values a chunk holds (the scanner gates them together).
CHUNK: Final = 8192
#: Values, and Matches, the across-chunk table holds before it starts again (four chunks).
LIMIT: Final = 4 * CHUNK
#: After a chunk of distinct values, every _SAMPLE-th value of the next tells whether it repeats.
_SAMPLE: Final = 4
#: The probe keeps every _PROBE-th value; the next chunk's every _STRIDE-th value is checked.
_PROBE: Final = 16
_STRIDE: Final = 3
#: The table is kept while at least one value in _PAYS of a chunk was met before, with hits or
#: without (either is spared a scan, now or from the next meeting on). Looking a value up and
#: keeping the new ones costs about what scanning a phone does: R15ap's near.py put the break-even
#: for phone columns near 0.4.
_PAYS: Final = 2
#: It is taken up when at least one checked value in _WORTH is in the probe (itself one in
#: _PROBE of the chunk before's values): the same share, seen through the probe.
_WORTH: Final = _PAYS * _PROBE
#: The table is kept while at least one in _RETURN of a chunk's values with hits was met before;
#: their hits are held from their first meeting at the take-up and where one in _PAYS was, else
#: from their second.
_RETURN: Final = 8


class Repeats:
    """The repeats one ``scan_many`` call has met: the chunk before's (within-chunk path) and,
    while it pays, the values met with their hits (across chunks)."""

    __slots__ = ("repeated", "probe", "older", "passed", "grace", "hits", "once", "held", "stamp")

    def __init__(self) -> None:
        #: Whether the chunk before repeated its own values enough (within-chunk path).
        self.repeated = True
        #: Values of the chunk before, a 16th of them; None while the table is kept.
        self.probe: frozenset[str] | None = frozenset()
        #: The probe of the chunk before that one: a column repeating at a distance of one to two
        #: chunks takes much of a chunk from two chunks back, which the chunk before's probe alone
        #: never sees.
        self.older: frozenset[str] = frozenset()
        #: Whether the chunk before also repeated the one before it (the probe's check passed).
        self.passed = False
        #: Whether the table was just taken up on what the older probe saw: it then holds one chunk
        #: while the values met came from two, so its first look-up is not judged by its share met.
        self.grace = False
        #: Value -> its hits (empty for none), kept while it pays: held at once where values with
        #: hits come back, else from a value's second meeting (see _looked_up).
        self.hits: dict[str, tuple[Match, ...]] = {}
        #: Values met once with hits, their hits not kept (most never come back: RR15aq-1).
        self.once: set[str] = set()
        #: Matches the table holds (at most LIMIT).
        self.held = 0
        self.stamp: Hashable = None

    def chunk(self, values: Sequence[str], first: int, stamp: Hashable, scan: Scan) -> Found:
        """(index in ``values``, hits) of the values with hits of the chunk of ``values`` that
        begins at ``first``, as ``scan(chunk, first)`` gives them."""
        chunk = values[first:first + CHUNK]
        if self.probe is None and stamp == self.stamp:
            return self._looked_up(chunk, first, scan)
        probe = self.probe
        sample = chunk[1::_STRIDE]
        # met before: in the chunk before or the one before it (the two probes together)
        seen = probe | self.older if probe and self.older else probe
        worth = _worth(seen, sample) if seen else False
        # taken up after two chunks in a row repeated the ones before: a column whose chunks flip
        # between repeating and new values would take it up and drop it every other chunk, its
        # keeping and looking up spent for nothing (RR15as-1: 7-10 % slower than without it)
        if seen and worth and self.passed:
            grace = not (probe and _worth(probe, sample))
            self._clear()
            found = self.distinct(chunk, first, scan)
            with_hits = list(map(values.__getitem__, map(_INDEX, found)))
            if _returning(seen, with_hits, _PROBE * _RETURN):
                self._keep(chunk, found, first, True)
                self.probe, self.older, self.stamp, self.grace = None, frozenset(), stamp, grace
            else:
                self._new_probe(chunk)
            return found
        found = self._probed(chunk, first, scan)
        self.passed = worth
        return found

    def _probed(self, chunk: Sequence[str], first: int, scan: Scan) -> Found:
        """The chunk without the table (dropped); its values give the next probe."""
        self._clear()
        found = self.distinct(chunk, first, scan)
        self._new_probe(chunk)
        return found

    def _new_probe(self, chunk: Sequence[str]) -> None:
        """The chunk's probe made the probe, the probe before it the older one."""
        self.older, self.probe = self.probe or frozenset(), frozenset(chunk[::_PROBE])

    def _looked_up(self, chunk: Sequence[str], first: int, scan: Scan) -> Found:
        """The chunk with the table: values met before get their kept hits, the others are
        scanned and kept. Where fewer than one value in _PAYS was met before (kept, or met once
        with hits), the table is dropped and the chunk scanned as without it; where fewer than
        one in _PAYS of its values with hits was, it is dropped after the chunk."""
        looked = list(map(self.hits.get, chunk))
        new = list(compress(chunk, map(is_, looked, repeat(None))))
        once = sum(map(self.once.__contains__, new))
        met = len(chunk) - len(new) + once
        grace, self.grace = self.grace, False
        if met * _PAYS < len(chunk) and not grace:
            return self._probed(chunk, first, scan)
        found = self.distinct(new, 0, scan) if new else []
        again = met - looked.count(_NONE)  # values with hits met before
        with_hits = again - once + len(found)
        if new:
            fresh = self._keep(new, found, 0, again * _PAYS >= with_hits)
            looked = list(map(fresh.get, chunk, looked))  # a value met before keeps its own
        if again * _RETURN < with_hits and not grace:  # repeats without hits beside new values with hits
            self._clear()
            self._new_probe(chunk)
        has = list(map(bool, looked))
        return list(zip(compress(range(first, first + len(chunk)), has),
                        map(list, compress(looked, has)), strict=True))  # type: ignore[arg-type]

    def _keep(self, values: Sequence[str], found: Found, first: int,
              at_first: bool = False) -> dict[str, tuple[Match, ...]]:
        """Record ``values`` and their hits (``found``, indexes from ``first``); returns them as
        a table of their own. A value without hits is kept at once (no Match to hold); a value
        with hits from its first meeting where values with hits are being met again
        (``at_first``), else from its second (one met once may never come back)."""
        fresh: dict[str, tuple[Match, ...]] = dict.fromkeys(values, _NONE)
        indexes = map(_INDEX, found) if not first else map(sub, map(_INDEX, found), repeat(first))
        with_hits = dict(zip(map(values.__getitem__, indexes), map(tuple, map(_HITS, found)), strict=True))
        fresh.update(with_hits)
        again: Set[str] = with_hits.keys() if at_first else self.once.intersection(with_hits)
        held = sum(map(len, with_hits.values() if at_first else map(with_hits.__getitem__, again)))
        if len(self.hits) + len(self.once) + len(fresh) > LIMIT or self.held + held > LIMIT:
            self._clear()
            again, held, at_first = set(), 0, False
        if len(fresh) <= LIMIT and held <= LIMIT:
            if at_first or not with_hits:
                self.hits.update(fresh)
            else:
                self.hits.update(zip(fresh.keys() - with_hits.keys(), repeat(_NONE)))
                self.hits.update(zip(again, map(with_hits.__getitem__, again), strict=True))
            if self.once:
                self.once.difference_update(again)
            if not at_first:
                self.once.update(with_hits.keys() - again)
            self.held += held
        return fresh

    def _clear(self) -> None:
        """Forget every value met (the table starts again)."""
        self.hits.clear()
        self.once.clear()
        self.held = 0
        self.passed = False
        self.grace = False

    def distinct(self, chunk: Sequence[str], first: int, scan: Scan) -> Found:
        """``scan`` of the chunk's distinct values, each one's hits given to every value equal
        to it (a log repeats its messages, a column its statuses). A chunk in which more than
        three values in four are distinct is scanned as it is; after one, a set of every fourth
        value of the next tells first whether it repeats, as a column's values go on as they
        began. Indexes are given plus ``first``."""
        if not self.repeated:
            sample = chunk[::_SAMPLE]
            if _distinct_mostly(len(set(sample)), len(sample)):
                return scan(chunk, first)
        seen, firsts = _first_of_each(chunk)
        few = _distinct_mostly(len(seen), len(chunk))
        self.repeated = not few
        if few:  # few repeats: handing hits out would cost more than it spares
            return scan(chunk, first)
        where = list(seen.values())  # distinct value -> its first index in the chunk
        hits = scan(list(seen), 0)
        if not hits:
            return []
        found = dict(zip(map(where.__getitem__, map(_INDEX, hits)), map(_HITS, hits), strict=True))
        hit = list(map(found.__contains__, firsts))
        # a list of its own for each value (the Matches are frozen and shared)
        return list(zip(compress(range(first, first + len(chunk)), hit),
                        map(list.copy, map(found.__getitem__, compress(firsts, hit))), strict=True))


def _returning(probe: frozenset[str], with_hits: list[str], share: int) -> bool:
    """Whether at least one of ``with_hits`` in ``share`` is in ``probe`` (values with hits
    met again, seen through the probe). Repeats without hits spare a prefilter only, which
    costs less than the table (R15aq's cols.py orders, mixmem.py)."""
    return bool(with_hits) and len(probe.intersection(with_hits)) * share >= len(with_hits)


def _worth(probe: frozenset[str], sample: Sequence[str]) -> bool:
    """Whether at least one value of ``sample`` in _WORTH is in ``probe`` (met before)."""
    return len(probe.intersection(sample)) * _WORTH >= len(sample)  # distinct ones: values repeat


def _first_of_each(chunk: Sequence[str]) -> tuple[dict[str, int], list[int]]:
    """(distinct value -> index of its first occurrence, each value's index of the first value
    equal to it), by C code."""
    seen: dict[str, int] = {}
    return seen, list(map(seen.setdefault, chunk, range(len(chunk))))


def _distinct_mostly(distinct: int, size: int) -> bool:
    """Whether more than three values in four are distinct (a chunk scanned as it is)."""
    return distinct * 4 > size * 3
