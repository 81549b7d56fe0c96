"""``Query.terms`` (``--where``, suppression recounts) and ``Query.exclude`` on multi-valued fields,
on every store.

Elasticsearch's terms query matches a document when one value of the field is one of the terms
(every field is multi-valued; arrays of objects are flattened; a list without values is no
value), exactly and case-sensitively on a keyword, as numbers on a numeric field. Each row is
(field, terms, the events expected): the answer must be the same on SQLite and on both
Elasticsearch nodes, and is derived from that definition, not from a store's output.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from govsoc.core.event import Event, make_id
from govsoc.store.base import Query, Store

T0 = datetime(2026, 3, 2, 10, tzinfo=UTC)

EVENTS: list[dict[str, Any]] = [
    {"user.name": "bob", "zeek.dns.qtype": 1, "x.tag": "a"},                        # 0: one value each
    {"user.name": ["bob", "eve"], "zeek.dns.qtype": [1.0, 28], "x.tag": ["a", "b"]},  # 1: lists
    {"user.name": [], "x.tag": [None]},                                                # 2: lists without values
    {"x.tag": True, "dns.answers": [{"type": "A", "data": "192.0.2.7"}, {"type": "CNAME"}]},  # 3
    {"x.tag": "true", "destination.port": [22, 80], "source.ip": "2001:db8::2"},       # 4
]

ROWS: list[tuple[str, tuple[Any, ...], set[int]]] = [
    ("user.name", ("bob",), {0, 1}),           # an element of a list under a SQLite column field
    ("user.name", ("eve",), {1}),
    ("user.name", ("Bob",), set()),            # a keyword term is exact: case counts
    ("x.tag", ("b",), {1}),                    # an element of a list in the document
    ("x.tag", ("a", "zz"), {0, 1}),            # several terms: any of them
    ("x.tag", (True,), {3, 4}),                # a keyword holds true as the text "true"
    ("dns.answers.type", ("CNAME",), {3}),     # a name below a list of objects (flattened)
    ("dns.answers.data", ("192.0.2.7",), {3}),
    ("zeek.dns.qtype", (1,), {0}),             # a keyword holds the number 1.0 as "1.0", not "1"
    ("zeek.dns.qtype", ("28",), {1}),
    ("destination.port", (80,), {4}),          # a long field: numbers, one element enough
    ("destination.port", ("22",), {4}),
    ("source.ip", ("2001:0db8::2",), {4}),     # an address field compares addresses
]


def test_terms_match_one_element_as_elasticsearch_does(store: Store) -> None:
    events = [Event(id=make_id("terms", n), timestamp=T0 + timedelta(seconds=n), dataset="terms.test",
                    fields=fields) for n, fields in enumerate(EVENTS)]
    receipt = store.write(events)
    assert receipt.rejected == () and receipt.created == len(events)
    store.refresh()
    for field, terms, expected in ROWS:
        query = Query(terms={field: terms, "event.dataset": ("terms.test",)})
        assert {e.id for e in store.search(query)} == {events[n].id for n in expected}, (field, terms)
        assert store.count(query) == len(expected), (field, terms)
    assert any(expected for *_, expected in ROWS) and any(not expected for *_, expected in ROWS)


def test_exclude_leaves_out_exactly_the_events_terms_match(store: Store) -> None:
    """``Query.exclude`` (a report's flow counts leave out transaction events so: review R14b N9):
    an event is left out when ``terms`` would match it, kept otherwise, without the field too."""
    events = [Event(id=make_id("exclude", n), timestamp=T0 + timedelta(seconds=n), dataset="exclude.test",
                    fields=fields) for n, fields in enumerate(EVENTS)]
    assert store.write(events).created == len(events)
    store.refresh()
    for field, terms, expected in ROWS:
        query = Query(terms={"event.dataset": ("exclude.test",)}, exclude={field: terms})
        kept = {events[n].id for n in range(len(EVENTS)) if n not in expected}
        assert {e.id for e in store.search(query)} == kept, (field, terms)
        assert store.count(query) == len(kept), (field, terms)
        assert sum(g.count for g in store.groups(query, "event.dataset")) == len(kept), (field, terms)
