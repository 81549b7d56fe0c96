"""Sigma's ``|re`` on the SQLite query surface: RE2 where it can, Python's ``re`` under a CPU bound.

SQLite has no REGEXP of its own; the store installs two (govsoc.store.sqlite_query):

``govsoc_re2(value, pattern)``
    RE2 (google-re2), linear in the value: a hostile log line cannot make it slow. The rule
    backend writes the pattern in RE2's syntax with PCRE's meaning (rules/backends/re2_syntax.py).
``govsoc_regexp(value, pattern, field)``
    Python's ``re``, for what RE2 refuses (lookarounds, backreferences, atomic groups). Python
    backtracks: ``(?=(a+)+$)`` over a 100 KB line runs for hours, and a detection pass with it.
    Each value gets at most :data:`CPU_SECONDS` of the process's CPU time; past that the search
    stops with :class:`RegexpOverrun`, which fails the rule's query (the store says which
    pattern, which field, how long the value was) and only that rule: the pass goes on with the
    others, and `govsoc rules status` shows the rule as failed. The bound is a SIGVTALRM timer,
    which Python delivers on the main thread only (where `govsoc detect` runs rules, also under the
    daemon, whose jobs are processes); on another thread the search runs unbounded.

SQLite turns an exception raised inside a function into "user-defined function raised
exception"; :func:`query_error` gives the overrun's own message instead.
"""

from __future__ import annotations

import functools
import re
import signal
import threading
from types import FrameType
from typing import Final

import re2

from govsoc.core.errors import StoreError

__all__ = ["CPU_SECONDS", "RegexpOverrun", "bounded_search", "linear_search", "query_error"]

#: CPU seconds one value may take in a Python regular expression before the rule fails. An
#: ordinary pattern takes microseconds on a line; only backtracking takes seconds. Read at each
#: search (a test's child process lifts it).
CPU_SECONDS: float = 1.0
#: A lone surrogate (a byte that was not UTF-8, kept by surrogateescape), which UTF-8, and so
#: RE2, cannot carry: it becomes U+FFFD, which every pattern without that character in it (a rule
#: cannot name a surrogate) matches or misses alike (neither is ASCII, a letter or a space).
_SURROGATE: Final[re.Pattern[str]] = re.compile("[\ud800-\udfff]")
_local = threading.local()
#: A search is being timed (set and cleared by bounded_search on the main thread).
_armed = False


class RegexpOverrun(StoreError):
    """A Python regular expression ran past :data:`CPU_SECONDS` on one value."""


def linear_search(pattern: str, value: object) -> bool:
    """``govsoc_re2``: RE2's search of ``pattern`` in the value's text."""
    text = _text(value)
    if text is None:
        return False
    try:
        encoded = text.encode("utf-8")  # bytes: the bindings then skip mapping offsets back (3x faster)
    except UnicodeEncodeError:
        encoded = _SURROGATE.sub("\ufffd", text).encode("utf-8")
    return _re2(pattern).search(encoded) is not None


def bounded_search(pattern: str, value: object, field: str) -> bool:
    """``govsoc_regexp``: Python's search, at most :data:`CPU_SECONDS` of CPU on the main thread."""
    text = _text(value)
    if text is None:
        return False
    compiled = _python(pattern)
    if threading.current_thread() is not threading.main_thread():
        return compiled.search(text) is not None
    if signal.getsignal(signal.SIGVTALRM) is not _overrun:
        signal.signal(signal.SIGVTALRM, _overrun)  # once: installing it per value cost 4 us a row
    global _armed
    _armed = True
    signal.setitimer(signal.ITIMER_VIRTUAL, CPU_SECONDS)
    try:
        return compiled.search(text) is not None
    except RegexpOverrun:
        _local.overrun = (f"|re {pattern!r} on {field} ran over {CPU_SECONDS:g} s of CPU on one value of "
                          f"{len(text):,} characters (it backtracks: write it without nested repetition)")
        raise
    finally:
        _armed = False
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)


def query_error(error: Exception) -> str:
    """What a failed statement says: the overrun that failed it, if one did, else its error."""
    overrun: str | None = getattr(_local, "overrun", None)
    _local.overrun = None
    return overrun if overrun is not None and "user-defined function" in str(error) else str(error)


def _overrun(signum: int, frame: FrameType | None) -> None:
    """SIGVTALRM's handler (left installed): raises only while a search is timed, so a signal
    that fired as the timer was disarmed is dropped."""
    if _armed:
        raise RegexpOverrun("regular expression over its CPU bound")


def _text(value: object) -> str | None:
    if value is None or isinstance(value, bytes):
        return None
    return value if isinstance(value, str) else str(value)


@functools.lru_cache(maxsize=1024)
def _re2(pattern: str) -> re2._Regexp:
    options = re2.Options()
    options.log_errors = False
    return re2.compile(pattern, options)


@functools.lru_cache(maxsize=1024)
def _python(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)
