"""Row sampling for file sources (stage: classification; a part of sources/files.py).

A seeded reservoir (Algorithm R, Vitter 1985) so that a large file's sample covers all of it, not
its head, and the same file gives the same sample twice.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from typing import Any, Final

__all__ = ["reservoir", "SEED"]

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
