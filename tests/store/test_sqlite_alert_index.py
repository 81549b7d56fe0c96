"""SQLite: the alerts resting on given events are found through the alert_events index (V12 F8),
which every way an alert changes keeps true, an older file included."""

from __future__ import annotations

import random
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from govsoc.core.alert import Alert, Note, TriageChange
from govsoc.core.event import make_id
from govsoc.store.sqlite import SCHEMA_VERSION, SqliteStore

T0 = datetime(2026, 3, 2, tzinfo=UTC)
EVENTS = [make_id("index-event", n) for n in range(40_000)]


def alerts(count: int, seed: int = 8) -> list[Alert]:
    """``count`` alerts of two rules over a pool of events, 1 to 6 events each, events shared
    between alerts as bursts share them."""
    rng = random.Random(seed)
    made = []
    for n in range(count):
        ids = tuple(dict.fromkeys(rng.choice(EVENTS) for _ in range(rng.randint(1, 6))))
        kind = "match" if len(ids) == 1 else "correlation"
        made.append(Alert(id=make_id("index-alert", n), rule_id=f"r{n % 2}", rule_title="r", level="low", kind=kind,
                          start=T0 + timedelta(seconds=n), end=T0 + timedelta(seconds=n + len(ids)), event_ids=ids))
    return made


def expected(stored: dict[str, Alert], wanted: set[str]) -> list[str]:
    """The ids of the alerts resting on one of ``wanted``, by start then id: computed from the
    alerts themselves, not from the store."""
    found = [a for a in stored.values() if wanted.intersection(a.event_ids)]
    return [a.id for a in sorted(found, key=lambda a: (a.start, a.id))]


def check(store: SqliteStore, stored: dict[str, Alert], rng: random.Random, rounds: int = 40) -> int:
    """Ask for the alerts on random sets of events (some stored in no alert); returns how many
    alerts the answers held (so that a test knows it asked about something)."""
    held = 0
    for _ in range(rounds):
        wanted = set(rng.sample(EVENTS, rng.choice((1, 3, 50, 1200))))
        got = [a.id for a in store.alerts(event_ids=wanted)]
        assert got == expected(stored, wanted)
        held += len(got)
    return held


def test_the_alerts_on_events_are_looked_up_in_an_index(tmp_path: Path) -> None:
    # V12 F8: every Store.delete asked for the alerts resting on the deleted events with a
    # json_each over every stored alert's ids: 0.5-0.75 s a call at 100,000 alerts, growing with
    # the alerts table. Now each statement searches an index by event id, then alerts by id.
    with SqliteStore(tmp_path / "events.db") as store:
        store.write_alerts(alerts(2000))
        traced: list[str] = []
        store._db.set_trace_callback(traced.append)
        list(store.alerts(event_ids=EVENTS[:3], rule_id="r1", start=T0))
        store._db.set_trace_callback(None)
        selects = [sql for sql in traced if sql.lstrip().upper().startswith("SELECT")]
        assert selects
        for sql in selects:
            plan = [row[3] for row in store._db.execute("EXPLAIN QUERY PLAN " + sql)]
            assert all(step.startswith("SEARCH") for step in plan), (sql, plan)
            assert not any("json_each" in step for step in plan), (sql, plan)
        plans = " ".join(row[3] for sql in selects for row in store._db.execute("EXPLAIN QUERY PLAN " + sql))
        assert "SEARCH alert_events USING PRIMARY KEY (event_id=?)" in plans
        # dropping alerts finds their rows by key too, never by a scan of the index table
        traced.clear()
        store._db.set_trace_callback(traced.append)
        store.delete_alerts([a.id for a in alerts(5)])
        store._db.set_trace_callback(None)
        deletes = [sql for sql in traced if sql.lstrip().upper().startswith("DELETE")]
        plans = " ".join(row[3] for sql in deletes for row in store._db.execute("EXPLAIN QUERY PLAN " + sql))
        assert "SCAN alert_events" not in plans and "SCAN alerts" not in plans


def test_the_index_follows_every_change_of_the_alerts(tmp_path: Path) -> None:
    # Correctness at scale: 20,000 alerts over 40,000 events, asked about 1 to 1,200 events at a
    # time (more than one statement's parameters), after every way an alert changes: written,
    # upserted with other events, triaged, dropped, dropped by retention.
    rng = random.Random(12)
    made = alerts(20_000)
    stored = {a.id: a for a in made}
    with SqliteStore(tmp_path / "events.db") as store:
        store.write_alerts(made)
        assert check(store, stored, rng) > 0
        # a later pass grows some bursts and moves others to other events
        grown = [replace(a, event_ids=a.event_ids + (rng.choice(EVENTS),)) for a in made[:3000]]
        moved = [replace(a, event_ids=(rng.choice(EVENTS), rng.choice(EVENTS))) for a in made[3000:6000]]
        store.write_alerts(grown + moved)
        stored.update({a.id: a for a in grown + moved})
        assert check(store, stored, rng) > 0
        for alert in made[6000:6100]:  # a triage change leaves its events as they are
            store.update_alert(alert.id, TriageChange(status="acknowledged", note=Note(author="a", time=T0, text="x")))
        gone = [a.id for a in made[6100:9000]]
        assert store.delete_alerts(gone) == len(gone)
        for alert_id in gone:
            del stored[alert_id]
        cutoff = T0 + timedelta(seconds=12_000)
        dropped = store.delete_alerts_before(cutoff)
        for alert_id in [a.id for a in stored.values() if a.end < cutoff]:
            del stored[alert_id]
        assert dropped > 0 and len(stored) == len(list(store.alerts()))
        assert check(store, stored, rng) > 0
        # order and limit as without event ids
        wanted = set(EVENTS[:5000])
        assert [a.id for a in store.alerts(event_ids=wanted, order="desc", limit=7)] == \
            expected(stored, wanted)[::-1][:7]
        rows = store._db.execute("SELECT COUNT(*) FROM alert_events").fetchone()[0]
        assert rows == sum(len(set(a.event_ids)) for a in stored.values())


def test_a_file_made_before_the_index_is_indexed_when_opened(tmp_path: Path) -> None:
    # A store file written by a govsoc before the index (schema version 7) holds alerts and no
    # alert_events table: opening it fills the index from them, once.
    made = alerts(3000)
    path = tmp_path / "events.db"
    with SqliteStore(path) as store:
        store.write_alerts(made)
    db = sqlite3.connect(path)  # as version 7 left it
    db.execute("DROP TABLE alert_events")
    db.execute("UPDATE meta SET value = '7' WHERE key = 'schema_version'")
    db.commit()
    db.close()
    with SqliteStore(path) as store:
        assert check(store, {a.id: a for a in made}, random.Random(3)) > 0
        assert store._db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == (
            str(SCHEMA_VERSION),)
