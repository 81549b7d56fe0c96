"""The order of an Elasticsearch query's filters (govsoc.store.elasticsearch, ``_query``)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from govsoc.store.base import Query, Store

pytestmark = pytest.mark.es


def test_ranges_come_before_the_rule(elastic9_store: Store) -> None:
    # Lucene builds a conjunction's clauses in order and skips a segment at the first clause
    # that matches nothing there: the ingest range must come before a leading wildcard, which
    # would otherwise walk the terms of every old segment on each incremental pass.
    query = Query(native="message.caseless:*\\ tok1*", start=datetime(2026, 6, 1, tzinfo=UTC),
                  after="2026-06-01T00:00:00.000000Z", until="2026-06-01T01:00:00.000000Z")
    filters = elastic9_store._query(query)["bool"]["filter"]  # type: ignore[attr-defined]
    assert [next(iter(f["range"])) for f in filters[:2]] == ["event.ingested", "@timestamp"]
    assert "query_string" in filters[-1]
