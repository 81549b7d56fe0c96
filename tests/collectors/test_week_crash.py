"""A run killed after the store took a batch and before its checkpoint, whose events' time then
moves to another week (R11v-1): the batch is read again, and Elasticsearch (one index per week
of event time, ``create`` conflicting only inside one index) must not store it a second time.

A line without a time of its own is stamped with the file's mtime; the log grows across Monday
00:00 UTC (08:00 in Beijing) between the runs. The options of the rerun may move a time too
(--timezone given otherwise). Both stores must hold every line exactly once."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.collectors.test_partial_crash import HEAD, Run, run  # noqa: F401  (the store fixture)

#: A line whose time is the file's mtime (no time of its own).
NO_TIME = b"@@@ kernel: watchdog: BUG: soft lockup - CPU#3 stuck for 22s\n"
SUNDAY_NIGHT = 1795996740.0  # 2026-11-29 23:59:00 UTC: the week of Monday 23 Nov
MONDAY = 1795996860.0  # 2026-11-30 00:01:00 UTC: the week of Monday 30 Nov


def _touch(path: Path, when: float) -> None:
    os.utime(path, (when, when))


def test_the_mtime_moved_to_the_next_week(run: Run) -> None:  # noqa: F811
    run.log.write_bytes(HEAD + NO_TIME)
    _touch(run.log, SUNDAY_NIGHT)
    run.ingest("batch-stored", "--year", "2026", "--timezone", "UTC")
    run.append(b"Nov 30 00:00:30 web01 sshd[1]: Failed password for root from 10.0.0.2 port 22 ssh2\n")
    _touch(run.log, MONDAY)
    run.ingest(None, "--year", "2026", "--timezone", "UTC")
    run.assert_every_line_once()


@pytest.mark.parametrize("first, then", [
    # 03:00 in Beijing on Monday is 19:00 UTC on Sunday: the week before
    ("Asia/Shanghai", "UTC"),
    # the other way round: the first copy in the later week
    ("UTC", "Asia/Shanghai"),
])
def test_the_rerun_gives_another_timezone(run: Run, first: str, then: str) -> None:  # noqa: F811
    run.log.write_bytes(HEAD + b"Nov 30 03:00:00 web01 sshd[9]: Accepted password for ops from 10.0.0.9 port 22 ssh2\n")
    run.ingest("batch-stored", "--year", "2026", "--timezone", first)
    run.ingest(None, "--year", "2026", "--timezone", then)
    run.assert_every_line_once()
