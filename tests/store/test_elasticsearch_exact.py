"""The Elasticsearch store's exact check (review of 3a3775a): documents that hold a value the
index did not take, whenever they were written, and the Query contract (limit) on its paths."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from elasticsearch.helpers import bulk
from sigma.rule import SigmaRule

from govsoc.core.event import Event, make_id
from govsoc.rules import load_rules  # noqa: F401  (registers the specification's modifiers)
from govsoc.rules.backends import backend_for
from govsoc.store.base import Query, Store

T0 = datetime(2026, 3, 2, tzinfo=UTC)
LONG = "x" * 9000 + " whoami"  # over the 8,191 characters a keyword field indexes


def native(store: Store, condition: str) -> str:
    rule = SigmaRule.from_yaml(f"""
title: t
id: 00000000-0000-4000-8000-0000000000f1
logsource: {{product: linux}}
detection:
  s: {{process.command_line|endswith: whoami}}
  r: {{user.name|fieldref: user.target.name}}
  condition: {condition}
""")
    return backend_for(store.kind).convert(rule)


@pytest.mark.es
def test_documents_written_before_the_marker_are_answered(elastic_store: Store) -> None:
    """An events index written by govsoc before 3a3775a holds long values without the
    govsoc.unindexed marker; Elasticsearch itself still records them in ``_ignored``."""
    from govsoc.core.coercion import stored_document
    from govsoc.store.elasticsearch import ElasticsearchStore
    from govsoc.store.elasticsearch_query import with_search_text

    assert isinstance(elastic_store, ElasticsearchStore)
    old = Event(id=make_id("old-doc", 0), timestamp=T0, dataset="linux.auth",
                fields={"event.module": "linux", "process.command_line": LONG})
    # the write path of 53ba4a7 (the parent of 3a3775a): search text, no marker
    bulk(elastic_store.client, [{"_op_type": "create", "_index": elastic_store.index_for(old), "_id": old.id,
                                 "_source": with_search_text(stored_document(old, ingested="2026-03-02T00:00:00Z"))}],
         refresh=True)
    found = Query(native=native(elastic_store, "s"))
    assert [e.id for e in elastic_store.search(found)] == [old.id]
    assert elastic_store.count(found) == 1
    missed = Query(native=native(elastic_store, "not s"))
    assert [e.id for e in elastic_store.search(missed)] == []
    assert elastic_store.count(missed) == 0  # count answers as search does


@pytest.mark.parametrize("condition", ["s", "r or s"])  # an exact native, then a superset
def test_count_and_aggregate_ignore_the_limit(store: Store, condition: str) -> None:
    """count() and aggregate() describe every matching event on every store; ``limit`` is for
    search (SQLite and Elasticsearch's plain path never apply it there)."""
    events = [Event(id=make_id("limit", n), timestamp=T0, dataset="linux.auth",
                    fields={"event.module": "linux", "process.command_line": f"{n} whoami", "user.name": "u",
                            "user.target.name": "v"}) for n in range(3)]
    store.write(events)
    store.refresh()
    query = Query(native=native(store, condition), limit=1)
    assert store.count(query) == 3
    assert [(b.key, b.count) for b in store.aggregate(query, "user.name")] == [("u", 3)]
