"""Row sampling for file sources (stage: classification; a part of sources/files.py).

A seeded reservoir (Algorithm R, Vitter 1985) so that a large file's sample covers all of it, not
its head, and the same file gives the same sample twice.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from typing import Any, Final, TypeVar

__all__ = ["reservoir", "reservoirs", "SEED"]

K = TypeVar("K")

SEED: Final = 15


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
