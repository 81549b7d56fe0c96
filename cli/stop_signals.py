"""The signals that stop a long-running command (`govsoc capture`, `govsoc listen`) the orderly
way: open flows and accepted messages stored or spooled, checkpoints and counters saved, exit 0.

SIGHUP is among them (review r14d HIGH 1): a closed terminal or ssh session, or an operator's
`kill -HUP` (the habit of asking a daemon to reload), used to end the process at once by the
default action and lose what it held in memory; neither command has anything to reload.
"""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType

__all__ = ["STOP_SIGNALS", "stopping_on_signals"]

#: Each of these asks the command to stop as Ctrl-C does.
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


@contextmanager
def stopping_on_signals(stop: Callable[[], None]) -> Iterator[None]:
    """Call ``stop`` on any of STOP_SIGNALS while the block runs; the handlers before it are
    put back after it."""

    def on_signal(_signum: int, _frame: FrameType | None) -> None:
        stop()

    previous = {sig: signal.signal(sig, on_signal) for sig in STOP_SIGNALS}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
