"""How often Python's cycle collector runs while a bulk job holds many young objects.

Stage: core (issue 11, ingest speed). An ingest run keeps a batch of events (a dict, strings and
a datetime each: some 30 objects an event) alive while it parses the next, and the SQLite
writer process unpickles whole chunks of them. With the interpreter's default threshold (a
young-generation pass every 700 allocations) those objects are traversed again and again and
promoted, which triggers full passes over the whole heap: about a third of the CPU an event
costs in the pipeline, and most of what unpickling a chunk costs. Events hold no reference
cycles, so nothing is gained by collecting that often.

:func:`relaxed_gc` raises the young generation's threshold for the length of a ``with`` block
(the collector still runs, every :data:`BULK_THRESHOLD` allocations, so cyclic garbage made
meanwhile is still freed); the thresholds in force before are put back when the outermost
block ends, also when blocks of several threads overlap.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

__all__ = ["BULK_THRESHOLD", "relaxed_gc"]

#: Allocations between two young-generation passes inside :func:`relaxed_gc` (the default is 700):
#: more than an ingest run's two batches of events hold (the count is of containers made less
#: those freed, so a batch that is freed gives its count back). At 50,000, 200,000 sshd lines
#: took 18 passes over the batches alive, 4 of the ingest process's 39 us a line (bench.ingest);
#: at 300,000, one.
BULK_THRESHOLD: Final = 300_000

_lock = threading.Lock()
_depth = 0
_saved: tuple[int, int, int] | None = None


@contextmanager
def relaxed_gc() -> Iterator[None]:
    """Collect cycles every :data:`BULK_THRESHOLD` allocations (at least) inside the block."""
    global _depth, _saved
    with _lock:
        if _depth == 0:
            _saved = gc.get_threshold()
            if _saved[0] and _saved[0] < BULK_THRESHOLD:  # 0: the collector is off; leave it so
                gc.set_threshold(BULK_THRESHOLD, _saved[1], _saved[2])
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _saved is not None:
                gc.set_threshold(*_saved)
                _saved = None
