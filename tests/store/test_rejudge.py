"""The rejudge document's bookkeeping (govsoc.store.rejudge, V13 V6) on the real stores: an entry
recorded again while a pass holds it outlives the pass's forget; entries of rules no pass runs go
after RETAIN, said; forgetting is linear in the entries."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from govsoc.core.event import format_timestamp
from govsoc.rules import detect
from govsoc.store import rejudge
from govsoc.store.base import Store
from govsoc.store.sqlite import SqliteStore
from tests.rules.test_incremental import RULES, ruleset


def entry(alert: str, rule: str = "7d3c0b1e-0000-4000-8000-0000000000ff", **more: Any) -> dict[str, Any]:
    return {"rule": rule, "alert": alert, "group": {"source.ip": "198.51.100.7"},
            "start": "2026-03-02T08:00:00Z", "end": "2026-03-02T08:03:00Z", **more}


def windows(store: Store) -> list[dict[str, Any]]:
    """The entries pending, without their stamps."""
    return [{k: v for k, v in e.items() if k != "recorded"} for e in rejudge.pending(store)]


def test_an_entry_recorded_again_while_a_pass_holds_it_is_not_forgotten(store: Store) -> None:
    # A pass read the entry; then another partial copy of the same window's lines was deleted
    # (the same alert, window and group recorded again); the pass forgot what it had read. The
    # record was kept once, equal to the one read, and the forget removed it: that delete's window
    # was never judged again.
    rejudge.record(store, [entry("a1")])
    held = rejudge.pending(store)
    rejudge.record(store, [entry("a1")])
    rejudge.forget(store, held)
    assert windows(store) == [entry("a1")]
    rejudge.forget(store, rejudge.pending(store))  # a later pass handles it
    assert windows(store) == []


def test_entries_of_a_rule_no_pass_runs_go_after_30_days_and_are_said(tmp_path: Path, store: Store) -> None:
    # The rule was removed (or its log source is no longer collected): its entries stayed for good,
    # up to LIMIT, then the oldest were dropped without a word.
    now = datetime.now(UTC)
    old = entry("a-old", recorded=format_timestamp(now - timedelta(days=31)))
    recent = entry("a-new", recorded=format_timestamp(now - timedelta(days=1)))
    store.put_state(rejudge.KEY, {"windows": [old, recent]})
    summary = detect(store, ruleset(tmp_path, RULES))
    (notice,) = summary.notices
    assert notice.startswith("state document 'rejudge-windows': windows[0]: rule 7d3c0b1e-0000-4000-8000-0000000000ff")
    assert "not judged again within 30 days" in notice and notice.endswith(": dropped")
    assert rejudge.pending(store) == [recent]
    assert detect(store, ruleset(tmp_path, RULES)).notices == []  # said once


def test_forgetting_half_of_a_full_document_is_linear(sqlite_store: SqliteStore) -> None:
    # V13 cost.py: forgetting 5,000 handled entries of 10,000 took 2.56 s of CPU (a list scan per
    # entry kept); the document's read and write take a few hundredths.
    sqlite_store.put_state(rejudge.KEY, {"windows": [entry(f"a{i}") for i in range(rejudge.LIMIT)]})
    handled = rejudge.pending(sqlite_store)[: rejudge.LIMIT // 2]
    began = time.process_time()
    rejudge.forget(sqlite_store, handled)
    assert time.process_time() - began < 0.8
    assert len(rejudge.pending(sqlite_store)) == rejudge.LIMIT // 2
