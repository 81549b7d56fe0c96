"""Named crash points: where a test kills the process (kill -9) to prove nothing is lost or twice.

A crash test (tests/collectors/test_partial_crash.py) cannot hit a window a few microseconds wide
from outside, between a store's acknowledgement and the checkpoint that records it, by timing a
signal. It names the window instead: with ``GOVSOC_CRASH_AT=<name>`` in its environment, a process
that reaches :func:`crash_point` of that name sends itself SIGKILL there, which nothing in the
process can catch or clean up after (no ``finally``, no atexit, no buffered write), as a power
cut or the OOM killer would. Without the variable a crash point costs one comparison.
"""

from __future__ import annotations

import os
import signal

__all__ = ["crash_point"]

#: Read once: the crash points sit on the ingest path, which must not look the variable up per batch.
_AT = os.environ.get("GOVSOC_CRASH_AT") or None


def crash_point(name: str) -> None:
    """Kill this process with SIGKILL when ``GOVSOC_CRASH_AT`` names this point."""
    if name == _AT:
        os.kill(os.getpid(), signal.SIGKILL)
