"""Sigma's ``|re`` on the SQLite query surface: RE2 where it can, Python's ``re`` under a CPU bound.

SQLite has no REGEXP of its own; the store installs two (govsoc.store.sqlite_query):

``govsoc_re2(value, pattern, field)``
    RE2 (google-re2), linear in the value: a hostile log line cannot make it slow. The rule
    backend writes the pattern in RE2's syntax with PCRE's meaning (rules/backends/re2_syntax.py).
    Groups do not capture (a boolean needs no spans; a group's span made RE2 run its slow
    automaton over the whole match: ``(.*a){100}`` over a 1 MB line took 3.2 s, without
    captures 0.01 s, R12g F7). RE2 is linear in the value, but times the pattern's program: its
    fast automaton (DFA) gives up on a pattern whose states blow up and its NFA takes up to
    ~4.4 ns per byte and program step (``[ab]*a[ab]{999}`` over random a/b text; 1,005 steps:
    1.7 s for 400 KB). A value whose bytes x steps is within :data:`RE2_STEPS_PER_SECOND` x
    :data:`CPU_SECONDS` is searched at once (nearly all: the median SigmaHQ ``|re`` is a program
    of 34 steps, the largest 2,361); a larger one is searched on a thread of its own, watched:
    past :data:`CPU_SECONDS` of that thread's CPU the value is abandoned and the rule fails as
    for the fallback's overrun, said with the pattern, field and length. The abandoned search
    runs on to its end (RE2 cannot be stopped), so while it does, the next such value is
    abandoned at once: at most one core is spent on them.
``govsoc_regexp(value, pattern, field)``
    Python's ``re``, for what RE2 refuses (lookarounds, backreferences, atomic groups). Python
    backtracks: ``(?=(a+)+$)`` over a 100 KB line runs for hours, and a detection pass with it.
    Each value gets at most :data:`CPU_SECONDS` of the main thread's own CPU time (other threads'
    CPU does not count: govsoc.store.thread_cpu_timer); past that the search stops with
    :class:`RegexpOverrun`, which fails the rule's query (the store says which
    pattern, which field, how long the value was) and only that rule: the pass goes on with the
    others, and `govsoc rules status` shows the rule as failed. The bound is a SIGVTALRM that
    ticks every 0.1 s of the main thread's CPU (a search seen at ticks CPU_SECONDS apart is
    stopped; per value the searcher only notes which value it is on, where two setitimer calls
    cost ~3 us, R12g F3); where that timer cannot be had, ITIMER_VIRTUAL per value (the whole
    process's CPU). Python delivers signals on the main thread only (where `govsoc detect` runs
    rules, also under the daemon, whose jobs are processes); on another thread the search is the
    ``regex`` module's, with its own timeout of :data:`CPU_SECONDS` (the same pattern, read as
    re reads it: VERSION0), which fails the rule the same way.

SQLite turns an exception raised inside a function into "user-defined function raised
exception"; :func:`query_error` gives the overrun's own message instead.
"""

from __future__ import annotations

import functools
import os
import re
import signal
import threading
import time
from collections.abc import Callable
from types import FrameType
from typing import Any, Final

import re2
import regex

from govsoc.core.errors import StoreError
from govsoc.store.dotted_i import apart_pattern, apart_value
from govsoc.store.thread_cpu_timer import start_ticks

__all__ = ["CPU_SECONDS", "RE2_STEPS_PER_SECOND", "RegexpOverrun", "bounded_search", "linear_search",
           "query_error"]

#: CPU seconds one value may take in a Python regular expression before the rule fails. An
#: ordinary pattern takes microseconds on a line; only backtracking takes seconds. Read at each
#: search (a test's child process lifts it).
CPU_SECONDS: float = 1.0
#: Bytes x program steps RE2's worst case surely goes through in a second of CPU (see the module
#: docstring): a value under this times :data:`CPU_SECONDS` is searched unwatched.
RE2_STEPS_PER_SECOND: float = 2e8
#: How often a watched RE2 search's CPU time is read.
_WATCH_SECONDS: Final[float] = 0.01
#: A lone surrogate (a byte that was not UTF-8, kept by surrogateescape), which UTF-8, and so
#: RE2, cannot carry: it becomes U+FFFD, which every pattern without that character in it (a rule
#: cannot name a surrogate) matches or misses alike (neither is ASCII, a letter or a space).
_SURROGATE: Final[re.Pattern[str]] = re.compile("[\ud800-\udfff]")
_local = threading.local()
_UNANCHORED: Final[Any] = re2._Anchor.UNANCHORED
#: The last abandoned RE2 search, which runs on to its end.
_straggler: threading.Thread | None = None
#: A search is being timed (set and cleared by bounded_search on the main thread).
_armed = False
#: How often the main thread's CPU ticks (seconds of its CPU): the bound's granularity.
_TICK_SECONDS: Final[float] = 0.1
#: Whether the ticks run (govsoc.store.thread_cpu_timer; None: not tried yet, False: a
#: per-value ITIMER_VIRTUAL instead), the number of the value being searched, and the value a
#: tick last saw with that thread's CPU time then.
_ticking: bool | None = None
_MAIN_THREAD: Final[int] = threading.main_thread().ident or 0
_generation = 0
_seen: tuple[int, float] = (0, 0.0)


class RegexpOverrun(StoreError):
    """A Python regular expression ran past :data:`CPU_SECONDS` on one value."""


def linear_search(pattern: str, value: object, field: str = "a field") -> bool:
    """``govsoc_re2``: RE2's search of ``pattern`` in the value's text, within its bound."""
    text = _text(value)
    if text is None:
        return False
    try:
        encoded = text.encode("utf-8")  # bytes: the bindings then skip mapping offsets back (3x faster)
    except UnicodeEncodeError:
        encoded = _SURROGATE.sub("\ufffd", text).encode("utf-8")
    match, steps = _re2(pattern)
    if len(encoded) * steps <= RE2_STEPS_PER_SECOND * CPU_SECONDS:
        # The bindings' own Match, not search(): search() is a generator building a match
        # object in Python, most of the cost on an ordinary line (R12g F3).
        return match(_UNANCHORED, encoded, 0, len(encoded))[0][0] >= 0
    found = _watched(match, encoded)
    if found is None:
        _local.overrun = (f"|re {pattern!r} on {field} ran over {CPU_SECONDS:g} s of CPU in RE2 on one value of "
                          f"{len(text):,} characters (a program of {steps:,} steps whose automaton blows up): the "
                          "value was not searched (write it with fewer or smaller counted repetitions)")
        raise RegexpOverrun("regular expression over its CPU bound")
    return found


def _watched(match: Callable[[Any, bytes, int, int], list[tuple[int, int]]], encoded: bytes) -> bool | None:
    """RE2's answer on a thread of its own, or None once that thread has used :data:`CPU_SECONDS`
    of CPU (or while an abandoned search still runs): see the module docstring."""
    global _straggler
    if _straggler is not None and _straggler.is_alive():
        return None
    answer: list[bool] = []
    tid: list[int] = []

    def search() -> None:
        tid.append(threading.get_native_id())
        answer.append(match(_UNANCHORED, encoded, 0, len(encoded))[0][0] >= 0)  # the GIL is released

    worker = threading.Thread(target=search, name="govsoc-re2", daemon=True)
    began = time.monotonic()
    worker.start()
    while True:
        worker.join(_WATCH_SECONDS)
        if not worker.is_alive():
            return answer[0]
        if tid and _cpu_seconds(tid[0], began) > CPU_SECONDS and worker.is_alive():
            _straggler = worker
            return None


def _cpu_seconds(tid: int, began: float) -> float:
    """The CPU time of the thread ``tid`` (Linux's per-thread CPU clock: ~tid << 3 | 6), or the
    time since ``began`` where that clock cannot be read (another system; the thread just ended)."""
    try:
        return time.clock_gettime((~tid << 3) | 6)
    except OSError:
        return time.monotonic() - began


def bounded_search(pattern: str, value: object, field: str) -> bool:
    """``govsoc_regexp``: Python's search, at most :data:`CPU_SECONDS` of the main thread's CPU."""
    text = _text(value)
    if text is None:
        return False
    text = apart_value(text)  # İ and ı as PCRE reads them (govsoc.store.dotted_i)
    if threading.get_ident() != _MAIN_THREAD:
        return _off_main(pattern, text, field)
    compiled = _python(pattern)
    global _armed, _generation, _ticking
    if _ticking is None:
        _ticking = start_ticks(_TICK_SECONDS, _overrun)  # installs the handler
    if not _ticking and signal.getsignal(signal.SIGVTALRM) is not _overrun:
        signal.signal(signal.SIGVTALRM, _overrun)  # once: installing it per value cost 4 us a row
    _generation += 1
    _armed = True
    if not _ticking:
        signal.setitimer(signal.ITIMER_VIRTUAL, CPU_SECONDS)
    try:
        return compiled.search(text) is not None
    except RegexpOverrun:
        _local.overrun = (f"|re {pattern!r} on {field} ran over {CPU_SECONDS:g} s of CPU on one value of "
                          f"{len(text):,} characters (it backtracks: write it without nested repetition)")
        raise
    finally:
        _armed = False
        if not _ticking:
            signal.setitimer(signal.ITIMER_VIRTUAL, 0)


def _off_main(pattern: str, text: str, field: str) -> bool:
    """The search on a thread other than the main one, where no signal reaches: the ``regex``
    module's, which stops itself past ``timeout`` (F12l; Python's re there ran unbounded). Its
    timeout counts the process's CPU (other threads' too), so a search may be stopped sooner;
    the patterns it runs are those Python's re runs (VERSION0, re's own syntax and meaning)."""
    try:
        return _off_main_compiled(pattern).search(text, timeout=CPU_SECONDS) is not None
    except TimeoutError:
        _local.overrun = (f"|re {pattern!r} on {field} ran over {CPU_SECONDS:g} s of CPU off the main thread on one "
                          f"value of {len(text):,} characters (it backtracks: write it without nested repetition)")
        raise RegexpOverrun("regular expression over its CPU bound") from None


def query_error(error: Exception) -> str:
    """What a failed statement says: the overrun that failed it, if one did, else its error."""
    overrun: str | None = getattr(_local, "overrun", None)
    _local.overrun = None
    return overrun if overrun is not None and "user-defined function" in str(error) else str(error)


def _overrun(signum: int, frame: FrameType | None) -> None:
    """SIGVTALRM's handler (left installed): raises only while a search is timed, so a signal
    that fired as the timer was disarmed is dropped. With the main thread's ticks, a search is
    over its bound once it has been seen at ticks :data:`CPU_SECONDS` of that thread's CPU apart
    (it has then used at least that much, at most one tick more)."""
    global _seen
    if not _armed:
        return
    if not _ticking:  # the per-value timer of CPU_SECONDS fired
        raise RegexpOverrun("regular expression over its CPU bound")
    now = time.thread_time()
    generation, since = _seen
    if generation != _generation:
        _seen = (_generation, now)
    elif now - since >= CPU_SECONDS:
        raise RegexpOverrun("regular expression over its CPU bound")


def _forked() -> None:
    """A forked child tries the ticks again: the parent's timer is not inherited."""
    global _ticking
    _ticking = None


os.register_at_fork(after_in_child=_forked)


def _text(value: object) -> str | None:
    if value is None or isinstance(value, bytes):
        return None
    return value if isinstance(value, str) else str(value)


@functools.lru_cache(maxsize=1024)
def _re2(pattern: str) -> tuple[Callable[[Any, bytes, int, int], list[tuple[int, int]]], int]:
    """The compiled pattern's Match (groups not capturing: the span of the whole match is the
    only one asked) and its program's size."""
    options = re2.Options()
    options.log_errors = False
    options.never_capture = True
    compiled = re2.compile(pattern, options)._regexp
    return compiled.Match, compiled.ProgramSize()


@functools.lru_cache(maxsize=1024)
def _python(pattern: str) -> re.Pattern[str]:
    return re.compile(apart_pattern(pattern))


#: An explicit ASCII set as rules/backends/pcre.py writes PCRE's character types and POSIX classes.
_ASCII_SET: Final[re.Pattern[str]] = re.compile(r"\(\?a:\[(\^?)((?:\\.|[^\]\\])*)\]\)")


@functools.lru_cache(maxsize=256)
def _off_main_compiled(pattern: str) -> Any:
    """The pattern for the regex module. Under i, re folds an ASCII group's set within ASCII
    only, where regex also takes the long s and the Kelvin sign for s and k: the set is written
    for ASCII characters alone (a negated one takes every other character, as re's does)."""
    def ascii_only(set_: re.Match[str]) -> str:
        if set_[1]:
            return f"(?:(?!(?-i:[\\x00-\\x7f]))(?s:.)|(?a:[^{set_[2]}]))"
        return f"(?:(?=(?-i:[\\x00-\\x7f]))(?a:[{set_[2]}]))"

    return regex.compile(_ASCII_SET.sub(ascii_only, apart_pattern(pattern)), regex.VERSION0)
