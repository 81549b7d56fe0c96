"""Store.has_field and Store.field_names, the names `govsoc events --where/--top` takes and hints at:
a field holds values as Elasticsearch indexes them (a scalar, or a list with a scalar in it), never
an object's name or a store's own search sub-fields, and both stores say so alike (R50c-5, R53c)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from govsoc.core.event import Event, make_id
from govsoc.store.base import Store
from govsoc.store.sqlite import SqliteStore

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # a Monday: the second event lies in another week's index


def _event(n: int, at: datetime, fields: dict[str, Any]) -> Event:
    return Event(id=make_id("names", n), timestamp=at, dataset="test.names", fields=fields)


EVENTS = [
    _event(1, T0, {"message": "one", "kubernetes.audit.verb": "get", "x.mixed": "scalar", "x.empty": [],
                   "x.nulls": [None], "dns.answers": [{"data": "203.0.113.9", "type": "A"}],
                   "x.list": ["a", "b"], "x.flag": False, "x.zero": 0, "用户.名称": "张三"}),
    _event(2, T0 + timedelta(days=14), {"message": "two", "x.mixed.sub": "v"}),
]


@pytest.fixture
def filled(store: Store) -> Store:
    store.write(EVENTS)
    store.refresh()
    return store


@pytest.mark.parametrize(("name", "holds"), [
    ("kubernetes.audit.verb", True),   # a device's (a source's) own field
    ("kubernetes.audit", False),       # an object: its fields below it hold the values
    ("kubernetes", False),
    ("source", False),                 # an object some stores rebuild from columns
    ("x.list", True),                  # a list of values
    ("x.flag", True), ("x.zero", True),  # false and 0 are values
    ("x.empty", False),                # only an empty list
    ("x.nulls", False),                # only a list of null
    ("dns.answers", False),            # a list of objects (R53c-3)
    ("dns.answers.data", True),        # ... whose fields hold values
    ("x.mixed", True),                 # a value one week,
    ("x.mixed.sub", True),             # the parent of one the next (R53c-2)
    ("用户.名称", True),
    ("message.caseless", False),       # the search sub-fields and search-only fields of a store
    ("message.exact", False),
    ("govsoc.search_text", False),
    ("no.such", False),
])
def test_a_field_holds_values_alike_on_both_stores(filled: Store, name: str, holds: bool) -> None:
    assert filled.has_field(name) is holds


def test_field_names_are_the_fields_of_values(filled: Store) -> None:
    names = set(filled.field_names())
    assert {"kubernetes.audit.verb", "x.mixed.sub", "x.list", "用户.名称"} <= names
    assert not {n for n in names if n.endswith((".caseless", ".exact"))}  # a store's own sub-fields
    assert not names & {"govsoc.search_text", "govsoc.message_grams", "kubernetes.audit"}


def test_an_objects_name_is_refused_without_reading_the_rows_below_it(tmp_path: Any) -> None:
    """R53c-1: has_field of a name only ever an object decoded every row that named a field
    below it (200,000 Kubernetes audit events: 25 s); the codecs' shapes answer it."""
    store = SqliteStore(tmp_path / "events.db")
    try:
        store.write([_event(n, T0 + timedelta(seconds=n), {"kubernetes.audit.verb": "get", "kubernetes.audit.n": n})
                     for n in range(500)])
        codec = store._codec  # noqa: SLF001 - the count of documents decoded is what is bounded
        before = codec.decoded
        assert not store.has_field("kubernetes.audit")
        assert store.has_field("kubernetes.audit.verb")
        assert codec.decoded - before <= 1
    finally:
        store.close()
