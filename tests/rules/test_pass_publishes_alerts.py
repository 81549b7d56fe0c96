"""A detection pass ends with its alerts searchable by every reader: `govsoc alerts` run right
after `govsoc detect` (another process, another client) lists each of them, though
Elasticsearch's alerts index now refreshes by itself only every 30 s (P12k)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from govsoc.core.event import Event, make_id
from govsoc.rules import detect, load_rules
from govsoc.store.base import Store
from govsoc.store.elasticsearch import ElasticsearchStore
from govsoc.store.sqlite import SqliteStore

T0 = datetime(2026, 4, 6, 9, 0, tzinfo=UTC)
RULE = """
title: ssh failure
id: 5e1f0c2a-0000-4000-8000-0000000000a1
logsource: {product: linux, service: sshd}
detection: {sel: {event.action: ssh_login, event.outcome: failure}, condition: sel}
level: low
"""


def failures(count: int) -> list[Event]:
    return [Event(id=make_id("publish", n), timestamp=T0 + timedelta(seconds=n), dataset="linux.auth",
                  fields={"event.module": "linux", "process.name": "sshd", "event.action": "ssh_login",
                          "event.outcome": "failure", "source.ip": f"198.51.100.{n % 250 + 1}",
                          "message": f"Failed password for root from 198.51.100.{n % 250 + 1}"})
            for n in range(count)]


def other_reader(store: Store) -> Store:
    """A store of its own on the same data, as a second govsoc command opens it."""
    if isinstance(store, ElasticsearchStore):
        return ElasticsearchStore(store.settings)
    assert isinstance(store, SqliteStore)
    return SqliteStore(store.path)


def test_every_alert_of_a_pass_is_searchable_by_another_reader_when_the_pass_returns(store: Store,
                                                                                    tmp_path: Path) -> None:
    (tmp_path / "rule.yml").write_text(RULE, encoding="utf-8")
    rules = load_rules([tmp_path / "rule.yml"])
    store.write(failures(120))
    store.refresh()
    summary = detect(store, rules)
    assert summary.alerts == 120 and not summary.failed
    reader = other_reader(store)  # before this store's close, which would refresh too
    try:
        listed = list(reader.alerts())
    finally:
        reader.close()
    assert len(listed) == 120
    assert {a.event_ids[0] for a in listed} == {e.id for e in failures(120)}
