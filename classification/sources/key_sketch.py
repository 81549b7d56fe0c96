"""Bottom-k sketches of a file table's columns over all its rows (stage: classification; a part of
sources/files.py for linked_tables.py, GB/T 43697-2024 §6.6 汇聚融合).

A table's sample is a reservoir of its rows: two tables of 20,000 people each, one of names and one
of ID numbers joined by person_id, sample 1,000 rows each, which share about 50 keys, and were not
seen linked (R15h-15). The reader passes every row through a :class:`KeySketcher`, which keeps per
column the SKETCH smallest CRC-32s of its distinct values (a bottom-k sketch, Broder 1997; Cohen &
Kaplan 2007): the same values give the same hashes in every table, so two sketches estimate the
share of the two columns' values, whatever rows the samples hold, and the column's distinct values
(k-th smallest hash, KMV). No value is kept, only at most DEEP hashes a column; a cell over
LONGEST characters is no key and is not hashed.

Two bottom-SKETCH sketches measure a share of the union, which a small table's keys are not of a
large one's: a 500-person 抽查 list drawn from a 100,000-person register shares about 1 of the
register's 256 smallest hashes, and was not seen in it (R15i-21). So a column keeps its DEEP
smallest hashes (``deep``), all of its values' hashes below the largest of them: the small table's
hashes in that range are each in it or not, which measures the part of them the large column
contains (linked_tables, some 5 hashes of the 500 against a register of 100,000).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import compress, count, repeat
from operator import lt, methodcaller
from typing import Final

__all__ = ["KeySketch", "KeySketcher", "SKETCH", "DEEP", "LONGEST", "EMPTY", "value_hash", "distinct", "keyless",
           "MIN_KEYS", "DATE", "LOOK"]

#: Hashes of a column a sketch keeps at most.
SKETCH: Final = 256
#: Hashes of a column kept at most: the smallest of all its values' (``deep``; SKETCH of them the sketch).
DEEP: Final = 1024
#: Characters of the longest cell hashed (an ID, a code, a key; not a text).
LONGEST: Final = 64
#: Distinct values a key column holds at least (fewer: a category, or too few to tell a link by).
MIN_KEYS: Final = 10
#: A date (2024-03-01, 2024年3月1日, 20240301), or a time of a day: no key (every table of a month shares them).
DATE: Final = re.compile(r"(?:19|20)\d\d(?:[-/.年]\d{1,2}[-/.月]\d{1,2}日?|(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))"
                         r"(?:[ T]\d{1,2}:\d\d(?::\d\d(?:\.\d+)?)?)?")
#: An amount or a measure (1234.50, -0.75): no key.
_DECIMAL: Final = re.compile(r"[-+]?\d*\.\d+")
#: Rows a sketcher looks at before it leaves out the columns that cannot be keys (R15i-13).
LOOK: Final = 200
_SPACE: Final = 1 << 32
#: The hash of "" (and the bound of a sketch not yet full: a hash must be below it to be kept).
EMPTY: Final = _SPACE - 1
_ENCODE: Final = methodcaller("encode", "utf-8", "surrogatepass")


def value_hash(value: str) -> int:
    """The hash of every sketch: the CRC-32 of a (stripped) value, begun at EMPTY so that a blank
    cell hashes to EMPTY, which no sketch keeps (the reader's fast path passes blanks by)."""
    return zlib.crc32(value.encode("utf-8", "surrogatepass"), EMPTY)


def distinct(hashes: Iterable[int]) -> int:
    """The distinct values a bottom-k sketch stands for: its size while under SKETCH, else
    (k - 1) / (its largest hash as a share of the hash space), the KMV estimate."""
    kept = sorted(hashes)
    if len(kept) < SKETCH:
        return len(kept)
    return round((SKETCH - 1) * _SPACE / (kept[-1] + 1))


@dataclass(frozen=True, slots=True, kw_only=True)
class KeySketch:
    """A column's sketch: its ``field``, its values' ``hashes`` (bottom SKETCH), the ``rows`` it
    was sketched over and its values' ``deep`` hashes (bottom DEEP, those of ``hashes`` among them)."""

    field: str
    hashes: frozenset[int]
    rows: int
    deep: frozenset[int] = frozenset()

    @property
    def distinct(self) -> int:
        """The distinct values of the column (estimated past SKETCH)."""
        return distinct(self.hashes)


class KeySketcher:
    """Sketches every column of the rows passed through :meth:`rows` (by position). A row costs its
    cells' hashes and one comparison each with the column's bound, done in C (map, compress): a
    hash is handled in Python only when below it, some 2·DEEP·ln(n/DEEP) times a column of n, a set
    insertion each; a column's set cut to its DEEP smallest when it holds twice as many. After LOOK
    rows the columns that cannot be keys (:func:`keyless`) are left out, neither hashed nor sketched
    (R15i-13: every cell of a wide export of amounts hashed); their sketches say no rows."""

    __slots__ = ("members", "bounds", "seen", "first", "columns")

    def __init__(self) -> None:
        self.members: list[set[int]] = []  # per column, the hashes below its bound
        self.bounds: list[int] = []  # a hash below it is kept: EMPTY until a cut, then the DEEP-th smallest
        self.seen = 0
        self.first: list[list[str]] = []  # the first LOOK rows, to tell the columns that cannot be keys
        self.columns: list[int] | None = None  # the columns sketched past them (None: every one, as it grows)

    def rows(self, rows: Iterable[list[str]]) -> Iterator[list[str]]:
        """``rows``, each sketched as it passes."""
        for row in rows:
            self.add(row)
            yield row

    def add(self, row: Sequence[str]) -> None:
        """Sketch one row's cells."""
        self.seen += 1
        if self.seen <= LOOK:
            self.first.append(list(row))
        elif self.seen == LOOK + 1:
            self.columns = self._keyed()
        columns = self.columns
        while len(self.bounds) < len(row):
            self.members.append(set())
            self.bounds.append(EMPTY)
        cells = row if columns is None else [row[i] for i in columns if i < len(row)]
        try:  # UTF-8 as value_hash encodes it; a lone surrogate (a broken XLSX string) the slower way
            hashes = list(map(zlib.crc32, map(str.encode, map(str.strip, cells)), repeat(EMPTY)))
        except UnicodeEncodeError:
            hashes = list(map(zlib.crc32, map(_ENCODE, map(str.strip, cells)), repeat(EMPTY)))
        members, bounds = self.members, self.bounds
        for at in compress(count(), map(lt, hashes, bounds if columns is None else map(bounds.__getitem__, columns))):
            i = at if columns is None else columns[at]
            if len(row[i]) > LONGEST:  # a text, not a key
                continue
            kept = members[i]
            kept.add(hashes[at])
            if len(kept) >= 2 * DEEP:
                smallest = sorted(kept)[:DEEP]
                members[i], bounds[i] = set(smallest), smallest[-1]

    def _keyed(self) -> list[int] | None:
        """The columns of the first rows that may be keys (None: all); the others' hashes dropped."""
        keyed = []
        for i in range(len(self.bounds)):
            if keyless([row[i] for row in self.first if i < len(row)]):
                self.members[i] = set()
            else:
                keyed.append(i)
        self.first = []
        return None if len(keyed) == len(self.bounds) else keyed

    def sketches(self, fields: Sequence[str]) -> tuple[KeySketch, ...]:
        """The sketch of each of the first columns, named ``fields`` (rows 0: a column left out)."""
        out = []
        for i, field in enumerate(fields):
            if i >= len(self.members) or self.columns is not None and i not in self.columns:
                out.append(KeySketch(field=field, hashes=frozenset(), rows=0))
                continue
            deep = sorted(self.members[i])[:DEEP]
            out.append(KeySketch(field=field, hashes=frozenset(deep[:SKETCH]), rows=self.seen, deep=frozenset(deep)))
        return tuple(out)


def keyless(cells: Sequence[str]) -> bool:
    """Whether a column whose first cells are ``cells`` cannot be a key: nearly all of them dates or
    amounts (1234.50), none of them short enough, or fewer than MIN_KEYS values over half of LOOK
    cells and more (a category: 单位, 性别; a column sorted by a key is sampled instead, link_keys)."""
    values = [c.strip() for c in cells if c.strip()]
    if not values:
        return False
    shaped = sum(1 for v in values if DATE.fullmatch(v) or _DECIMAL.fullmatch(v))
    few = len(values) * 2 >= LOOK and len(set(values)) < MIN_KEYS
    return shaped * 10 >= len(values) * 9 or all(len(v) > LONGEST for v in values) or few
