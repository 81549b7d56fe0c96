"""A detection pass killed midway (review r18e medium: the daemon's job timeout kills `govsoc
detect` with SIGKILL) keeps the checkpoints of the rules it finished: they are saved as the pass
goes (rules.engine.SAVE_EVERY), so the next pass does not read their events again. A real pass
in a real process, on a real SQLite store, killed while a rule's regular expression backtracks.
Such an expression now runs in RE2 unless RE2 cannot say it (a lookahead), and then under a CPU
bound (govsoc.store.sqlite_regexp): the child lifts the bound, as a pass slow for any reason is."""

from __future__ import annotations

import signal
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import yaml

from govsoc.core.event import Event, make_id
from govsoc.rules.state import load_states
from govsoc.store.sqlite import SqliteStore
from tests.scheduler.conftest import wait_for

FAST = [f"00000000-0000-4000-8000-00000000000{i}" for i in range(1, 4)]
SLOW = "00000000-0000-4000-8000-000000000099"
#: The pass in a child process, saving the finished rules' states after each rule (SAVE_EVERY 0).
CHILD = """import sys
from pathlib import Path
from govsoc.rules import engine, load_rules
from govsoc.store import sqlite_regexp
from govsoc.store.sqlite import SqliteStore
engine.SAVE_EVERY = 0.0
sqlite_regexp.CPU_SECONDS = 24 * 3600.0
engine.detect(SqliteStore(Path(sys.argv[1])), load_rules([Path(sys.argv[2])]))
"""


def _rule(rule_id: str, title: str, detection: dict[str, object]) -> dict[str, object]:
    return {"title": title, "id": rule_id, "logsource": {"product": "linux"}, "level": "low",
            "detection": {**detection, "condition": "s"}}


def test_a_killed_pass_keeps_the_checkpoints_of_the_rules_it_finished(tmp_path: Path) -> None:
    database = tmp_path / "events.db"
    store = SqliteStore(database)
    store.write([Event(id=make_id("killed", 0), timestamp=datetime(2026, 11, 29, tzinfo=UTC), dataset="linux.auth",
                       fields={"event.module": "linux", "user.name": "root", "message": "a" * 40 + "!"})])
    rules = tmp_path / "rules.yml"
    # three quick rules, then one whose expression backtracks for hours on that message
    rules.write_text(yaml.safe_dump_all([*(_rule(r, f"quick {n}", {"s": {"user.name": "root"}})
                                           for n, r in enumerate(FAST)),
                                         _rule(SLOW, "backtracking", {"s": {"message|re": "^(?!b)(a+)+$"}})],
                                        sort_keys=False), encoding="utf-8")
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(database), str(rules)])
    try:
        def finished() -> bool:
            states = load_states(store, [*FAST, SLOW])
            return all(states[r].checkpoint for r in FAST)
        wait_for(finished, "the quick rules' checkpoints", timeout=60)
        assert child.poll() is None  # still in the backtracking rule
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    states = load_states(store, [*FAST, SLOW])
    assert [states[r].matches for r in FAST] == [1, 1, 1] and states[SLOW].checkpoint is None
    assert all(states[r].checkpoint == store.position() for r in FAST)
    store.close()
