"""Bottom-k sketches of a file table's columns over all its rows (stage: classification; a part of
sources/files.py for linked_tables.py, GB/T 43697-2024 §6.6 汇聚融合).

A table's sample is a reservoir of its rows: two tables of 20,000 people each, one of names and one
of ID numbers joined by person_id, sample 1,000 rows each, which share about 50 keys, and were not
seen linked (R15h-15). The reader passes every row through a :class:`KeySketcher`, which keeps per
column the SKETCH smallest CRC-32s of its distinct values (a bottom-k sketch, Broder 1997; Cohen &
Kaplan 2007): the same values give the same hashes in every table, so two sketches estimate the
share of the two columns' values, whatever rows the samples hold, and the column's distinct values
(k-th smallest hash, KMV). No value is kept, only at most SKETCH hashes a column; a cell over
LONGEST characters is no key and is not hashed.

Two sketches measure a share of the union, which a small table's keys are not of a large one's: a
500-person 抽查 list drawn from a 100,000-person register shares about 1 of the register's 256
smallest hashes, and was not seen in it (R15i-21). So the reader also marks each value's hash in a
column's MARKS slots (``marks``: a one-hash Bloom filter, 256 KiB; no value can be read back from
it): the small table's sketched hashes found there, past the share of slots marked by chance,
estimate the part of it the large column contains (linked_tables), up to some 600,000 values.
"""

from __future__ import annotations

import heapq
import zlib
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import compress, count, repeat
from operator import add, lt, methodcaller, rshift
from typing import Final

__all__ = ["KeySketch", "KeySketcher", "SKETCH", "LONGEST", "EMPTY", "MARKS", "value_hash", "distinct", "slot"]

#: Hashes of a column a sketch keeps at most.
SKETCH: Final = 256
#: Characters of the longest cell hashed (an ID, a code, a key; not a text).
LONGEST: Final = 64
_SPACE: Final = 1 << 32
#: Slots of a column's marks (a byte each), and the shift from a hash to its slot.
MARKS: Final = 1 << 18
_SHIFT: Final = 32 - 18
#: The hash of "" (and the bound of a sketch not yet full: a hash must be below it to be kept).
EMPTY: Final = _SPACE - 1
_ENCODE: Final = methodcaller("encode", "utf-8", "surrogatepass")


def value_hash(value: str) -> int:
    """The hash of every sketch: the CRC-32 of a (stripped) value, begun at EMPTY so that a blank
    cell hashes to EMPTY, which no sketch keeps (the reader's fast path passes blanks by)."""
    return zlib.crc32(value.encode("utf-8", "surrogatepass"), EMPTY)


def slot(h: int) -> int:
    """The slot of a column's marks a value's hash marks."""
    return h >> _SHIFT


def distinct(hashes: Iterable[int]) -> int:
    """The distinct values a bottom-k sketch stands for: its size while under SKETCH, else
    (k - 1) / (its largest hash as a share of the hash space), the KMV estimate."""
    kept = sorted(hashes)
    if len(kept) < SKETCH:
        return len(kept)
    return round((SKETCH - 1) * _SPACE / (kept[-1] + 1))


@dataclass(frozen=True, slots=True, kw_only=True)
class KeySketch:
    """A column's sketch: its ``field``, its values' ``hashes`` (bottom SKETCH), the ``rows``
    it was sketched over and the ``marks`` of all its values' hashes (MARKS bytes, 1 a slot marked)."""

    field: str
    hashes: frozenset[int]
    rows: int
    marks: bytes = b""

    @property
    def distinct(self) -> int:
        """The distinct values of the column (estimated past SKETCH)."""
        return distinct(self.hashes)


class KeySketcher:
    """Sketches every column of the rows passed through :meth:`rows` (by position). A row costs its
    cells' hashes and one comparison each with the column's bound, done in C (map, compress): a
    hash is handled in Python only when below it, some SKETCH·ln(n/SKETCH) times a column of n."""

    __slots__ = ("heaps", "members", "bounds", "seen", "marks", "offsets")

    def __init__(self) -> None:
        self.heaps: list[list[int]] = []  # per column, the kept hashes negated (heapq: a max-heap)
        self.members: list[set[int]] = []
        self.bounds: list[int] = []  # a hash below it is kept: EMPTY until SKETCH are, then the largest kept
        self.seen = 0
        self.marks = bytearray()  # MARKS slots a column, one after the other
        self.offsets: list[int] = []  # where each column's slots begin

    def rows(self, rows: Iterable[list[str]]) -> Iterator[list[str]]:
        """``rows``, each sketched as it passes."""
        for row in rows:
            self.add(row)
            yield row

    def add(self, row: Sequence[str]) -> None:
        """Sketch one row's cells."""
        self.seen += 1
        while len(self.bounds) < len(row):
            self.heaps.append([])
            self.members.append(set())
            self.bounds.append(EMPTY)
            self.offsets.append(len(self.marks))
            self.marks.extend(bytes(MARKS))
        try:  # UTF-8 as value_hash encodes it; a lone surrogate (a broken XLSX string) the slower way
            hashes = list(map(zlib.crc32, map(str.encode, map(str.strip, row)), repeat(EMPTY)))
        except UnicodeEncodeError:
            hashes = list(map(zlib.crc32, map(_ENCODE, map(str.strip, row)), repeat(EMPTY)))
        # each cell's slot marked, in C (a blank marks the last slot: one in MARKS probes found by it)
        deque(map(self.marks.__setitem__, map(add, self.offsets, map(rshift, hashes, repeat(_SHIFT))), repeat(1)),
              maxlen=0)
        for i in compress(count(), map(lt, hashes, self.bounds)):
            self._keep(i, hashes[i], row[i])

    def _keep(self, i: int, h: int, cell: str) -> None:
        heap, members = self.heaps[i], self.members[i]
        if h in members or len(cell) > LONGEST:  # a text, not a key
            return
        if len(heap) < SKETCH:
            heapq.heappush(heap, -h)
        else:
            members.discard(-heapq.heapreplace(heap, -h))
        members.add(h)
        if len(heap) == SKETCH:
            self.bounds[i] = -heap[0]

    def sketches(self, fields: Sequence[str]) -> tuple[KeySketch, ...]:
        """The sketch of each of the first columns, named ``fields``."""
        return tuple(KeySketch(field=field, hashes=frozenset(self.members[i]) if i < len(self.members) else frozenset(),
                               rows=self.seen, marks=self._marks(i)) for i, field in enumerate(fields))

    def _marks(self, i: int) -> bytes:
        if i >= len(self.offsets):
            return b""
        return bytes(self.marks[self.offsets[i]:self.offsets[i] + MARKS])
