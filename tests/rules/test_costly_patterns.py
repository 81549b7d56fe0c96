"""A rule with long lists of patterns is sent to Elasticsearch bounded, and still finds exactly
what it finds on SQLite (R12c F6).

Each wildcard term is an automaton the node builds on every shard: SigmaHQ's "Vulnerable Driver
Load" (Hashes|contains with 4,400 values, 8,870 wildcards) sent once took a fresh 1 GB node with
17,446 events out of heap (OutOfMemoryError, heap dump, node gone), and a full SigmaHQ Windows pass
did the same to the shared node. Such a rule now sends its long lists as a superset ("every
document" where the list counts positively, "none" under a NOT), and every candidate is checked
with the rule's SQLite condition.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, timedelta

import pytest
from sigma.collection import SigmaCollection
from sigma.rule import SigmaRule

from govsoc.core.event import Event, make_id
from govsoc.rules import load_rules  # noqa: F401  (registers the specification's modifiers)
from govsoc.rules.backends import backend_for
from govsoc.rules.backends.lucene import MAX_WILDCARDS
from govsoc.store.base import Query, Store
from govsoc.store.elasticsearch_query import decode_native

T0 = datetime(2026, 3, 2, tzinfo=UTC)
#: 1,000 hashes the rule looks for (2,000 wildcards as contains patterns), as SigmaHQ's lists of
#: vulnerable drivers are written: "MD5=<hex>".
WANTED = [f"MD5={hashlib.md5(str(n).encode()).hexdigest().upper()}" for n in range(1000)]


def rule(condition: str = "s") -> SigmaRule:
    values = "\n".join(f"      - '{v}'" for v in WANTED)
    return list(SigmaCollection.from_yaml(f"""
title: many hashes
id: 00000000-0000-4000-8000-0000000f12e6
logsource: {{product: linux}}
detection:
  s:
    winlog.event_data.Hashes|contains:
{values}
  u:
    user.name: svc
  condition: {condition}
"""))[0]


def test_a_rule_with_long_lists_of_patterns_is_sent_bounded() -> None:
    native = backend_for("elasticsearch").convert(rule())
    exact = decode_native(native)
    assert exact is not None and exact.superset  # every candidate checked with the SQLite condition
    assert len(re.findall(r"(?<!\\)\*", exact.lucene)) <= MAX_WILDCARDS
    # a rule with a few patterns is sent as it is
    few = backend_for("elasticsearch").convert(list(SigmaCollection.from_yaml("""
title: few
logsource: {product: linux}
detection: {s: {winlog.event_data.Hashes|contains: [MD5=AA, MD5=BB]}, condition: s}
"""))[0])
    assert (exact := decode_native(few)) is not None and not exact.superset and "*md5\\=aa*" in exact.lucene


def hashes(n: int) -> str:
    """The Hashes text of event ``n``: every third one holds a wanted hash, in either case."""
    md5 = WANTED[n * 7 % len(WANTED)] if n % 3 == 0 else f"MD5={hashlib.md5(b'other' + bytes(n)).hexdigest()}"
    return f"SHA1=00{n:04d},{md5.lower() if n % 2 else md5},IMPHASH=FF"


@pytest.mark.parametrize("condition", ["s", "u and not s"])
def test_a_bounded_rule_finds_what_the_list_says_on_every_store(each_store: Store, condition: str) -> None:
    events = [Event(id=make_id("costly", n), timestamp=T0 + timedelta(seconds=n), dataset="windows.sysmon",
                    fields={"event.module": "linux", "winlog.event_data.Hashes": hashes(n),
                            "user.name": "svc" if n % 4 else "admin"}) for n in range(60)]
    each_store.write(events)
    each_store.refresh()
    wanted = [v.casefold() for v in WANTED]

    def listed(n: int) -> bool:  # computed from the list alone: Sigma's contains, no case
        return any(v in hashes(n).casefold() for v in wanted)

    holds = {"s": listed, "u and not s": lambda n: n % 4 != 0 and not listed(n)}[condition]
    expected = sorted(make_id("costly", n) for n in range(60) if holds(n))
    assert 0 < len(expected) < 60
    query = Query(native=backend_for(each_store.kind).convert(rule(condition)))
    assert sorted(e.id for e in each_store.search(query)) == expected
    assert each_store.count(query) == len(expected)
