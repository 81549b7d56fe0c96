"""A periodic signal on the main thread's own CPU time (Linux POSIX timers, through ctypes).

The bounded regular-expression search (govsoc.store.sqlite_regexp) must stop a Python search
that has used too much CPU. ``setitimer(ITIMER_VIRTUAL)`` counts the CPU of every thread of the
process (the Elasticsearch bulk threads, an abandoned RE2 search), and arming it twice a value
cost ~3 us a value (R12g F6, F3). :func:`start_ticks` instead creates, once, a POSIX timer on the
main thread's CPU clock (``timer_create`` with the thread's clock, ``SIGEV_THREAD_ID``: the
signal goes to that thread) that fires every ``interval`` seconds of that thread's CPU, with
``SA_RESTART`` so that a system call it lands in is resumed. The timer is deleted at exit
(Python's finalization gives SIGVTALRM its default action back, which ends the process) and
is not inherited by a forked child, which starts its own on its first search. The searcher then only notes which
value it is on; the signal handler tells a search that has outlived ``CPU_SECONDS`` of ticks.
Where POSIX timers cannot be had (not Linux, no such symbol) :func:`start_ticks` says so (False)
and the caller keeps a per-value ``setitimer``.
"""

from __future__ import annotations

import atexit
import ctypes
import os
import signal
import threading
import time
from collections.abc import Callable
from types import FrameType

__all__ = ["start_ticks"]

_SIGEV_THREAD_ID = 4  # Linux <asm-generic/siginfo.h>


class _Sigevent(ctypes.Structure):
    """struct sigevent on Linux (64 bytes): the thread id sits where the union begins."""

    _fields_ = [("value", ctypes.c_void_p), ("signo", ctypes.c_int), ("notify", ctypes.c_int),
                ("tid", ctypes.c_int), ("pad", ctypes.c_int * 11)]


class _Timespec(ctypes.Structure):
    _fields_ = [("sec", ctypes.c_long), ("nsec", ctypes.c_long)]


class _Itimerspec(ctypes.Structure):
    _fields_ = [("interval", _Timespec), ("value", _Timespec)]


_timer = ctypes.c_void_p()
_started = False


def start_ticks(interval: float, handler: Callable[[int, FrameType | None], None]) -> bool:
    """Call ``handler`` (as SIGVTALRM's handler) every ``interval`` s of the main thread's CPU,
    from now on; True once that runs, False where it cannot (then nothing was changed). Only
    from the main thread; a second call returns at once."""
    global _started
    if _started:
        return True
    if threading.current_thread() is not threading.main_thread() or ctypes.sizeof(_Sigevent) != 64:
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        create, settime = libc.timer_create, libc.timer_settime
    except (OSError, AttributeError):
        return False
    event = _Sigevent(signo=signal.SIGVTALRM, notify=_SIGEV_THREAD_ID, tid=threading.get_native_id())
    clock = time.pthread_getcpuclockid(threading.get_ident())
    if create(ctypes.c_int(clock), ctypes.byref(event), ctypes.byref(_timer)) != 0:
        return False
    signal.signal(signal.SIGVTALRM, handler)
    signal.siginterrupt(signal.SIGVTALRM, False)
    seconds, fraction = divmod(interval, 1)
    tick = _Timespec(int(seconds), int(fraction * 1e9))
    if settime(_timer, 0, ctypes.byref(_Itimerspec(interval=tick, value=tick)), None) != 0:
        libc.timer_delete(_timer)
        return False
    atexit.register(_stop, libc.timer_delete)
    _started = True
    return True


def _stop(delete: Callable[[ctypes.c_void_p], int]) -> None:
    """Delete the timer (at exit, in the process that created it)."""
    global _started
    if _started:
        delete(_timer)
        _started = False


def _forked() -> None:
    """A forked child has no timer (POSIX timers are not inherited): it starts its own."""
    global _started
    if _started:
        atexit.unregister(_stop)
    _started = False


os.register_at_fork(after_in_child=_forked)
