"""Suppression and correlation grouped by a value longer than an Elasticsearch keyword field
indexes (review of 3a3775a, "Elasticsearch answers what Lucene cannot say").

The rule itself finds such events on both stores (the exact check), but the engine then reads
the events of one group back with ``Query.terms`` on the group's value (rules/suppress.py
``_recount``, rules/regroup.py ``_hits``). A terms filter never finds a value Elasticsearch did
not index (ignore_above), so the window or burst comes back empty and the alert is lost. An
encoded PowerShell command line is exactly the kind of value that is both long and worth
suppressing by.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from govsoc.core.event import Event, make_id
from govsoc.rules.engine import detect
from govsoc.rules.loader import load_rules
from govsoc.store.base import Query, Store

LONG = "powershell -enc " + "A" * 9000  # over the 8,191 characters a keyword field indexes
RULES = """
title: encoded powershell, suppressed by command line
id: 00000000-0000-4000-8000-0000000000d1
name: enc_suppressed
logsource: {product: linux}
detection: {sel: {process.command_line|startswith: 'powershell -enc'}, condition: sel}
govsoc.suppress: {by: [process.command_line], window: 1h}
---
title: encoded powershell
id: 00000000-0000-4000-8000-0000000000d2
name: enc
logsource: {product: linux}
detection: {sel: {process.command_line|startswith: 'powershell -enc'}, condition: sel}
---
title: the same encoded command three times
id: 00000000-0000-4000-8000-0000000000d3
correlation: {type: event_count, rules: [enc], group-by: [process.command_line], timespan: 10m,
              condition: {gte: 3}}
"""


def test_alerts_grouped_by_a_long_value_are_not_lost(store: Store, tmp_path: Path) -> None:
    (tmp_path / "rules.yml").write_text(RULES)
    ruleset = load_rules([tmp_path])
    assert ruleset.errors == []
    # Suppression windows are aligned to the clock (10:00-11:00): four minutes from :05 stay in
    # one window whatever the hour the test runs at (from now-2h they straddled one at hh:57).
    start = datetime.now(UTC).replace(minute=5, second=0, microsecond=0) - timedelta(hours=2)
    store.write([Event(id=make_id("long-group", n), timestamp=start + timedelta(minutes=n), dataset="linux.auth",
                       fields={"event.module": "linux", "process.command_line": LONG}) for n in range(4)])
    store.refresh()
    summary = detect(store, ruleset)
    assert summary.failed == []
    store.refresh()
    alerts = {a.rule_id: a for a in store.alerts()}
    # one suppressed alert standing for the four matches, and one burst of four
    assert sorted(alerts) == ["00000000-0000-4000-8000-0000000000d1", "00000000-0000-4000-8000-0000000000d3"]
    assert alerts["00000000-0000-4000-8000-0000000000d1"].suppressed == 3
    assert len(alerts["00000000-0000-4000-8000-0000000000d3"].event_ids) == 4


def test_a_terms_filter_finds_a_long_value(store: Store) -> None:
    # The seam both paths above go through: Query.terms is "the field equals one of these".
    event = Event(id=make_id("long-term", 0), timestamp=datetime(2026, 3, 2, tzinfo=UTC), dataset="linux.auth",
                  fields={"event.module": "linux", "process.command_line": LONG})
    store.write([event])
    store.refresh()
    query = Query(terms={"process.command_line": (LONG,)})
    assert [e.id for e in store.search(query)] == [event.id]
    assert store.count(query) == 1
