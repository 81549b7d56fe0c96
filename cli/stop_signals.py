"""The signals that stop a long-running command (`govsoc capture`, `govsoc listen`, `govsoc run`,
`govsoc ingest --follow`) the orderly way: what they hold stored or spooled, checkpoints and
counters saved, exit 0.

SIGHUP is among them (review r14d HIGH 1): a closed terminal or ssh session, or an operator's
`kill -HUP` (the habit of asking a daemon to reload), used to end the process at once by the
default action and lose what it held in memory; neither command has anything to reload.

The handler itself only writes a byte to a pipe; a thread of this module reads it and calls
``stop``. A Python signal handler runs on the main thread between two of its bytecodes, and
that thread may be inside ``threading.Event.wait`` at that moment, holding the lock of the very
Event that ``stop`` sets: ``Event.set`` from the handler then waited for that lock for ever
(CI of stop 34: `govsoc ingest --follow` never ended after its SIGINT; reproduced by a signal
delivered while the waiting thread holds the lock, tests/cli/test_stop_signals.py).
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType

__all__ = ["STOP_SIGNALS", "stopping_on_signals"]

#: Each of these asks the command to stop as Ctrl-C does.
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


@contextmanager
def stopping_on_signals(stop: Callable[[], None], signals: tuple[signal.Signals, ...] = STOP_SIGNALS, *,
                        second_interrupts: bool = False) -> Iterator[None]:
    """Call ``stop`` (on a thread of its own, once) on the first of ``signals`` while the block
    runs; with ``second_interrupts``, a second one raises KeyboardInterrupt on the main thread,
    as Python's own SIGINT handler does. The handlers before it are put back after it. On the
    main thread only (elsewhere no signal handler can be installed): on another thread the
    block just runs."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    read_end, write_end = os.pipe()
    os.set_blocking(write_end, False)  # a handler must never block; one byte is all it needs to say
    received: list[int] = []

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        received.append(signum)  # list.append takes no lock a thread could hold
        if len(received) == 1:
            try:
                os.write(write_end, b"s")
            except OSError:  # pipe full or closed: a byte is there already, or the block has ended
                pass
        elif second_interrupts:
            raise KeyboardInterrupt

    def relay() -> None:
        if os.read(read_end, 1) == b"s":
            stop()

    relay_thread = threading.Thread(target=relay, name="govsoc-stop-signal", daemon=True)
    relay_thread.start()
    previous = {sig: signal.signal(sig, on_signal) for sig in signals}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if not received:
            os.write(write_end, b"e")  # the block ended without a signal: the relay ends too
        relay_thread.join()
        os.close(read_end)
        os.close(write_end)
