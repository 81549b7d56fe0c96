"""A condition given as a list (R58b-8): the Sigma rules specification says "The condition can be
a list, in this case, each of them generates a query. They are logically linked with OR." The rule
loads and matches the events either condition selects, on each store (it failed: "the rule converts
to 2 queries, expected one")."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from govsoc.core.event import Event, make_id
from govsoc.rules.backends import backend_for
from govsoc.rules.loader import load_rules
from govsoc.store.base import Query, Store

RULE = """title: either
id: 00000000-0000-4000-8000-0000000005b8
logsource: {product: linux}
detection:
  a: {event.action: open}
  b: {event.action: close}
  c: {user.name: root}
  condition:
    - a and c
    - b
"""


def test_a_list_of_conditions_matches_what_either_selects(store: Store, tmp_path: Path) -> None:
    (tmp_path / "either.yml").write_text(RULE, encoding="utf-8")
    ruleset = load_rules([tmp_path / "either.yml"])
    assert ruleset.errors == [] and len(ruleset.rules) == 1
    t0 = datetime(2026, 3, 2, tzinfo=UTC)
    cases = {("open", "root"): True, ("open", "alice"): False, ("close", "alice"): True, ("read", "root"): False}
    events = [Event(id=make_id("either", action, user), timestamp=t0 + timedelta(seconds=n), dataset="linux.auth",
                    fields={"event.module": "linux", "event.action": action, "user.name": user})
              for n, (action, user) in enumerate(cases)]
    assert store.write(events).created == len(events)
    store.refresh()
    native = backend_for(store.kind).convert(ruleset.rules[0])
    assert {e.id for e in store.search(Query(native=native))} == {
        make_id("either", action, user) for (action, user), hit in cases.items() if hit}
