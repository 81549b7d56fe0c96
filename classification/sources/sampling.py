"""Row sampling for file sources (stage: classification; a part of sources/files.py).

A seeded reservoir (Algorithm R, Vitter 1985) so that a large file's sample covers all of it, not
its head, and the same file gives the same sample twice. A sample holds at most COLUMN_CHARS
characters of a column whatever its size (Prefixes): --sample 100000 held 8,000 rows of base64
photos whole, 1.95 GB for a 960 MB file (R15e-23), where the default sample holds 393 MB.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from typing import Any, Final, TypeVar

from govsoc.classification.sources.skips import MAX_CELL

__all__ = ["reservoir", "reservoirs", "Prefixes", "SEED", "COLUMN_CHARS"]

K = TypeVar("K")

SEED: Final = 15
#: Characters of one column a table's sample holds at most: the default sample's (1,000 values of
#: at most skips.MAX_CELL, 128 KiB) whatever the sample's size.
COLUMN_CHARS: Final = 1000 * 128 * 1024


def reservoir(items: Iterable[Any], size: int, seed: int = SEED) -> tuple[list[Any], int]:
    """A uniform sample of at most ``size`` items and the number of items seen (Algorithm R)."""
    rng = random.Random(seed)
    kept: list[Any] = []
    seen = 0
    for seen, item in enumerate(items, 1):
        if len(kept) < size:
            kept.append(item)
        else:
            slot = rng.randrange(seen)
            if slot < size:
                kept[slot] = item
    return kept, seen


def reservoirs(items: Iterable[tuple[K, Any]], size: int, seed: int = SEED) -> dict[K, tuple[list[Any], int]]:
    """reservoir() of each key's items, keys in the order first seen: one pass over items that
    come by table (an envelope's arrays of records, R15e-1), each table sampled as it would be alone."""
    samples: dict[K, tuple[random.Random, list[Any], list[int]]] = {}
    for key, item in items:
        if key not in samples:
            samples[key] = (random.Random(seed), [], [0])
        rng, kept, seen = samples[key]
        seen[0] += 1
        if len(kept) < size:
            kept.append(item)
        else:
            slot = rng.randrange(seen[0])
            if slot < size:
                kept[slot] = item
    return {key: (kept, seen[0]) for key, (_, kept, seen) in samples.items()}


class Prefixes:
    """Long values held whole until what they hold reaches the column's bound, then cut, so that a
    column of a sample of ``size`` rows holds at most COLUMN_CHARS characters (R15e-23) and a larger
    sample never judges less of a value than the default does (R15f-3: --sample 100000 cut every
    value of a 300-row file to 1,310 characters, the bound computed as if the file had 100,000 rows).

    ``cap``: a value over it is long (the callers' test); at the default 1,000 rows it is MAX_CELL,
    and nothing is cut. Over that size, ``budget`` (half the bound) holds long values whole, counted
    as they pass over all columns, a conservative bound on what the sample keeps of them; past it each is cut to
    ``cap`` (the other half over the size: 655 characters at 100,000). What a sample holds of a
    column: at most ``size`` values of at most ``cap``, plus the whole ones, at most ``budget``.
    The values cut are counted, the first's line kept, and said once (``note``)."""

    __slots__ = ("size", "cap", "budget", "cut", "first")

    def __init__(self, size: int) -> None:
        bound = COLUMN_CHARS  # read here: tests lower it
        self.size = size
        self.cap = MAX_CELL if size * MAX_CELL <= bound else max(1, bound // (2 * size))
        self.budget = bound - size * self.cap
        self.cut = self.first = 0

    def row(self, row: list[str], line: int, longest: int | None = None) -> list[str]:
        """``row`` (on ``line``; ``longest`` its longest cell's length, when known) with each cell
        over ``cap`` held whole while the budget lasts, else cut to ``cap``, in place."""
        if (max(map(len, row), default=0) if longest is None else longest) > self.cap:
            for i, cell in enumerate(row):
                if len(cell) <= self.cap:
                    continue
                if len(cell) <= self.budget:
                    self.budget -= len(cell)
                    continue
                row[i] = cell[:self.cap]
                self.cut += 1
                self.first = self.first or line
        return row

    def note(self) -> str | None:
        """What is said of the values cut (None when none was)."""
        if not self.cut:
            return None
        return (f"{self.cut:,} values over {self.cap:,} characters (the first on this line) judged on their first "
                f"{self.cap:,}: a sample of {self.size:,} rows holds at most {COLUMN_CHARS:,} characters a column, "
                f"long values whole until they hold half of it")
