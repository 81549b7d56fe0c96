"""A hostile log line cannot hold up a detection pass through a rule's ``|re`` (R12f, 3).

Python's ``re`` backtracks: ``(a+)+$`` over a line of 100,000 ``a`` and one ``b`` takes longer than
the universe has left, and the SQLite store ran every ``|re`` so (Elasticsearch too, for the
documents whose message its keyword field does not index). Patterns RE2 can say now run in RE2,
linear in the line: the pass answers at once, with the same matches. A pattern RE2 refuses (a
lookahead) still runs in Python's ``re``, at most govsoc.store.sqlite_regexp.CPU_SECONDS of CPU
on one value: that rule fails loudly, named with its pattern and field, and every other rule's
alerts are written.
"""

from __future__ import annotations

import random
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from types import FrameType

from govsoc.core.event import Event, make_id
from govsoc.rules import detect
from govsoc.rules.state import load_state
from govsoc.store.base import Store
from govsoc.store.sqlite_regexp import linear_search
from tests.rules.test_incremental import FAIL_ID, RULES, T0, failure, ruleset, write

NESTED_ID = "7d3c0b1e-0000-4000-8000-0000000f1201"
LOOKAHEAD_ID = "7d3c0b1e-0000-4000-8000-0000000f1202"
ORDINARY_ID = "7d3c0b1e-0000-4000-8000-0000000f1203"
HOSTILE_RULES = RULES + f"""
---
title: nested repetition
id: {NESTED_ID}
logsource: {{product: linux, service: sshd}}
detection: {{sel: {{message|re: '(a+)+$'}}, condition: sel}}
level: low
---
title: nested repetition behind a lookahead
id: {LOOKAHEAD_ID}
logsource: {{product: linux, service: sshd}}
detection: {{sel: {{message|re: '^(?!x)(a+)+$'}}, condition: sel}}
level: low
---
title: failed password regexp
id: {ORDINARY_ID}
logsource: {{product: linux, service: sshd}}
detection: {{sel: {{message|re: 'Failed password for \\w+ from 198\\.51\\.'}}, condition: sel}}
level: low
"""
#: Longer than any pass may take here; the old code ran for hours.
WATCHDOG_SECONDS = 60


class _Hung(Exception):
    pass


@contextmanager
def watchdog(seconds: int) -> Iterator[None]:
    """Stop a pass that runs away (on the old code) so that the test fails instead of hanging:
    once expired, the timer fires every second (a runaway search interrupted inside SQLite only
    fails its query, and the pass goes on to the next runaway one)."""
    def expire(signum: int, frame: FrameType | None) -> None:
        raise _Hung

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds, 1)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def sshd(n: int, message: str) -> Event:
    return Event(id=make_id("hostile", n), timestamp=T0 + timedelta(seconds=n), dataset="linux.auth",
                 fields={"event.module": "linux", "process.name": "sshd", "message": message})


def test_a_hostile_line_neither_hangs_the_pass_nor_loses_other_rules_alerts(store: Store, tmp_path: Path) -> None:
    rules = ruleset(tmp_path, HOSTILE_RULES)
    write(store, [failure(minute, tag="h") for minute in range(3)]
          + [sshd(1, "a" * 100_000 + "b"), sshd(2, "aaaa")])
    began = time.monotonic()
    with watchdog(WATCHDOG_SECONDS):
        summary = detect(store, rules)
    took = time.monotonic() - began
    assert took < WATCHDOG_SECONDS, f"the pass took {took:.0f} s"
    # The lookahead rule alone failed, saying what and where, in the pass and in its state.
    assert [str(e) for e in summary.failed] and len(summary.failed) == 1
    said = str(summary.failed[0])
    assert "nested repetition behind a lookahead" in said and "message" in said and "CPU" in said, said
    status = load_state(store, LOOKAHEAD_ID).error
    assert status is not None and "CPU" in status and "message" in status
    # The others: the RE2 rule found the one line it matches, and missed the hostile one.
    assert [a.event_ids for a in store.alerts(rule_id=NESTED_ID)] == [(make_id("hostile", 2),)]
    assert len(list(store.alerts(rule_id=FAIL_ID))) == 3
    assert len(list(store.alerts(rule_id=ORDINARY_ID))) == 3
    assert load_state(store, NESTED_ID).error is None


BLOWUP_ID = "7d3c0b1e-0000-4000-8000-0000000f1204"
BLOWUP_RULES = HOSTILE_RULES + f"""
---
title: a counted repetition whose automaton blows up
id: {BLOWUP_ID}
logsource: {{product: linux, service: sshd}}
detection: {{sel: {{message|re: '[ab]*a[ab]{{999}}'}}, condition: sel}}
level: low
"""


def test_an_re2_search_past_its_bound_is_abandoned_and_said(sqlite_store: Store, tmp_path: Path) -> None:
    """R12g F7: RE2 is linear in the value but times its program, and a pattern whose automaton
    blows up ('[ab]*a[ab]{999}': 1,000 steps, no DFA state set fits) runs its NFA over a 600 KB
    line of a and b for seconds, unbounded and unsaid on the old code (which answered). Now the
    search is watched once bytes x steps pass its sure bound: past CPU_SECONDS of its thread's
    CPU the rule fails, said with its pattern and field; the others' alerts are written. SQLite
    only: the RE2 bound is the SQLite store's (Elasticsearch sends a superset of this pattern,
    test_regex_meaning.py, and checks its candidates with the same search)."""
    store = sqlite_store
    rules = ruleset(tmp_path, BLOWUP_RULES)
    draw = random.Random(12)
    line = "".join(draw.choice("ab") for _ in range(600_000))
    write(store, [failure(minute, tag="b") for minute in range(3)] + [sshd(1, line), sshd(2, "aaaa")])
    with watchdog(WATCHDOG_SECONDS):
        summary = detect(store, rules)
    said = [str(e) for e in summary.failed]
    blowup = [s for s in said if "blows up" in s]
    assert len(blowup) == 1 and "message" in blowup[0] and "RE2" in blowup[0] and "600,000" in blowup[0], said
    status = load_state(store, BLOWUP_ID).error
    assert status is not None and "RE2" in status
    assert len(list(store.alerts(rule_id=FAIL_ID))) == 3
    assert len(list(store.alerts(rule_id=ORDINARY_ID))) == 3


def test_capturing_groups_cost_re2_nothing_more() -> None:
    """R12g F7: the bindings asked RE2 for every group's span, which runs its slow automaton over
    the whole match: '(.*a){40}' on a matching 400 KB line cost ~100x '(?:.*a){40}'. Both in one
    run, CPU time of this thread, so that a loaded machine slows both alike."""
    line = ("a" * 999 + " ") * 400
    def cost(pattern: str) -> float:
        began = time.thread_time()
        assert linear_search(pattern, line)
        return time.thread_time() - began
    cost("(?:.*a){40}")  # compiled and cached before either is timed
    cost("(.*a){40}")
    plain, grouped = cost("(?:.*a){40}"), cost("(.*a){40}")
    assert grouped < 5 * plain + 0.05, (grouped, plain)
