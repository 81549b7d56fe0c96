"""The fallback's CPU bound counts the searching thread's CPU only (R12g F6).

govsoc.store.sqlite_regexp stops a Python search that has used CPU_SECONDS of CPU. It armed
ITIMER_VIRTUAL, which counts every thread of the process: with other threads busy (Elasticsearch
bulk threads, an abandoned RE2 search running on), a search was failed after a fraction of its
own bound. Real threads burn CPU here without the GIL, as those do (an RE2 search).
"""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
import re2

from govsoc.store import sqlite_regexp
from govsoc.store.sqlite_regexp import RegexpOverrun, bounded_search

#: Backtracks in Python's re (the lookahead keeps it from RE2): twice the work per 'a' more.
PATTERN = "^(?!b)(a+)+$"


def hostile(length: int) -> str:
    return "a" * length + "b"


def own_cpu(length: int) -> float:
    """The CPU time one unbounded search of ``hostile(length)`` takes this thread."""
    compiled = re.compile(PATTERN)
    began = time.thread_time()
    assert compiled.search(hostile(length)) is None
    return time.thread_time() - began


@contextmanager
def busy_threads(count: int, seconds: float) -> Iterator[None]:
    """``count`` threads burning about ``seconds`` of CPU each outside the GIL: an RE2 search
    whose automaton blows up ('[ab]*a[ab]{999}' over random a/b text: its NFA, ~4 ns per byte
    and step), which holds no GIL from its start to its end; the block starts once they run."""
    draw = random.Random(6)
    text = "".join(draw.choice("ab") for _ in range(int(seconds * 2.5e5))).encode()
    options = re2.Options()
    options.never_capture = True
    compiled = re2.compile("[ab]*a[ab]{999}", options)._regexp  # the store's own call (sqlite_regexp._re2)
    running = threading.Barrier(count + 1)

    def burn() -> None:
        running.wait()
        compiled.Match(re2._Anchor.UNANCHORED, text, 0, len(text))

    threads = [threading.Thread(target=burn, daemon=True) for _ in range(count)]
    for thread in threads:
        thread.start()
    running.wait()
    time.sleep(0.05)  # into Match, GIL released
    try:
        yield
    finally:
        for thread in threads:
            thread.join()


def test_other_threads_cpu_does_not_count_against_a_search(monkeypatch: pytest.MonkeyPatch) -> None:
    length = 16
    while (took := own_cpu(length)) < 0.25:
        length += 1
    # The search needs ~`took` of its own CPU; its bound is twice that. Two threads busy beside
    # it for longer use about as much CPU each as it does (a fair share), so the process's CPU
    # passes the bound long before the search's own does: ITIMER_VIRTUAL failed it.
    monkeypatch.setattr(sqlite_regexp, "CPU_SECONDS", 2 * took)
    with busy_threads(2, 4 * took):
        began = time.thread_time()
        assert bounded_search(PATTERN, hostile(length), "message") is False
    assert time.thread_time() - began < 2 * took


def test_a_search_past_its_own_bound_is_still_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sqlite_regexp, "CPU_SECONDS", 0.3)
    began = time.thread_time()
    with pytest.raises(RegexpOverrun):
        bounded_search(PATTERN, hostile(60), "message")
    assert 0.25 <= time.thread_time() - began < 0.3 + 0.5  # the bound, a tick and the unwinding


def test_a_forked_child_is_bounded_too(monkeypatch: pytest.MonkeyPatch) -> None:
    """POSIX timers are not inherited: a child (a daemon job) starts its own on its first search."""
    monkeypatch.setattr(sqlite_regexp, "CPU_SECONDS", 0.3)
    assert bounded_search("ab", "xab", "message")  # the parent's timer runs
    pid = os.fork()
    if pid == 0:
        try:
            bounded_search(PATTERN, hostile(60), "message")
        except RegexpOverrun:
            os._exit(7)
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 7


#: Backtracks in Python's re and in the regex module alike (the lookahead keeps it from RE2).
OFF_MAIN_PATTERN = "^(?!b)(a|aa)+$"


def on_a_thread(call: Callable[[], object], seconds: float) -> tuple[bool, object]:
    """(whether ``call`` ended within ``seconds`` on a thread of its own, what it returned or raised)."""
    out: list[object] = []

    def run() -> None:
        try:
            out.append(call())
        except Exception as e:  # noqa: BLE001 - handed to the test
            out.append(e)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    return not thread.is_alive(), out[0] if out else None


def test_a_search_off_the_main_thread_is_bounded_too() -> None:
    """F12l: no signal reaches another thread, and there Python's re ran unbounded, holding the
    GIL (on the old code this child never answered: killed after 60 s); now the regex module's own
    timeout stops it and the rule fails saying so, as on the main thread. In a child process, so
    that a search that is not stopped cannot hold this one."""
    child = f"""
import threading
from govsoc.store import sqlite_regexp
sqlite_regexp.CPU_SECONDS = 0.3
said = []
def search():
    try:
        sqlite_regexp.bounded_search({OFF_MAIN_PATTERN!r}, "a" * 60 + "b", "message")
        said.append("not stopped")
    except sqlite_regexp.RegexpOverrun as e:  # what the failed query says, on the thread that ran it
        said.append(sqlite_regexp.query_error(Exception(f"user-defined function raised exception: {{e}}")))
thread = threading.Thread(target=search)
thread.start()
thread.join()
print(said[0])
"""
    done = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, timeout=60, check=True)
    assert "ran over 0.3 s of CPU off the main thread on one value of 61 characters" in done.stdout


@pytest.mark.parametrize("pattern", [
    "(?i)^admin$", "(?i)^adm[\u0100-\u017f]n", "(?i)^adm(?=\u0130)\u0130n$", "(?i)(?a:[0-9A-Za-z_])+$",
    "(?i)(?a:[^\\t\\n\\x0b\\f\\r ])x", "(?:\\A|^(?!\\Z))$", "(?i)\u03c3", "(?i)k", "(?i)s", "(?i)\u00e9",
    "(?s:.)b", "a{0,2}b", "(?i)[^i]", "\\bword\\b"])
def test_off_the_main_thread_the_answers_are_the_main_threads(pattern: str) -> None:
    """The regex module reads the fallback's patterns as re does: the same answer on both kinds of
    thread for every Latin-1 and Latin Extended-A character and the case-folding ones around it."""
    values = [chr(c) + tail for c in [*range(0x180), 0x212A, 0x017F, 0x1E9E, 0x03C2, 0x0130, 0x0131]
              for tail in ("", "b", "x", "dmin", "n")] + ["admin", "ADM\u0130N", "adm\u0131n", "a word.", "\n"]
    main = [bounded_search(pattern, value, "message") for value in values]
    ended, off = on_a_thread(lambda: [bounded_search(pattern, value, "message") for value in values], 60)
    assert ended and off == main
