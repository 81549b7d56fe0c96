"""The Elasticsearch store's runs of message characters (store/elasticsearch_query.py): a
caseless ``message|contains`` is a phrase of runs, and an events index created before the runs
existed is still searched the way it was (a pattern), so that its documents are never missed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from elasticsearch.helpers import bulk
from sigma.rule import SigmaRule

from govsoc.core.coercion import stored_document
from govsoc.core.event import Event, make_id
from govsoc.rules import load_rules  # noqa: F401  (registers the specification's modifiers)
from govsoc.rules.backends import backend_for
from govsoc.store.base import Query, Store
from govsoc.store.elasticsearch_query import GRAMS_FIELD, grams_phrase, without_grams

T0 = datetime(2026, 3, 2, tzinfo=UTC)  # a Monday: the first day of its week's index


@pytest.mark.parametrize(("fixed", "pattern"), [
    ("abc", "*abc*"),
    (" tok1", "*\\ tok1*"),  # the space is a character of the string, escaped as query_string wants
    ('a"b\\c', '*a\\"b\\\\c*'),
    ("登录失败", "*登录失败*"),  # letters without case are letters: no escape
    ("x😀y", "*x\\😀y*"),  # one character outside the BMP is one character of a run
])
def test_a_phrase_stands_for_its_pattern(fixed: str, pattern: str) -> None:
    phrase = grams_phrase(fixed)
    assert phrase is not None
    assert without_grams(f"(a:b AND {GRAMS_FIELD}:{phrase})") == f"(a:b AND message.caseless:{pattern})"
    # not a phrase on another field, nor text that only mentions the field
    assert without_grams(f"x.{GRAMS_FIELD}:{phrase}") == f"x.{GRAMS_FIELD}:{phrase}"
    assert grams_phrase(fixed[:2]) is None  # shorter than a run: the store's pattern instead


def contains(store: Store, condition: str) -> str:
    rule = SigmaRule.from_yaml(f"""
title: t
id: 00000000-0000-4000-8000-0000000000f2
logsource: {{product: linux}}
detection:
  s: {{message|contains: 'break-in attempt'}}
  condition: {condition}
""")
    return backend_for(store.kind).convert(rule)


@pytest.mark.es
def test_an_index_created_before_the_runs_is_still_searched(elastic_store: Store) -> None:
    from govsoc.store.elasticsearch import ElasticsearchStore, ecs_mappings
    from govsoc.store.elasticsearch_query import with_search_text

    assert isinstance(elastic_store, ElasticsearchStore)
    client, prefix = elastic_store.client, elastic_store.prefix

    def event(n: int, message: str, when: datetime = T0) -> Event:
        return Event(id=make_id("grams", n), timestamp=when + timedelta(seconds=n), dataset="linux.auth",
                     fields={"event.module": "linux", "message": message})

    # The events index as the store created it before the runs: no marker, no field for them.
    older = event(0, "POSSIBLE BREAK-IN ATTEMPT!")
    index = elastic_store.index_for(older)
    mappings = ecs_mappings()
    del mappings["_meta"]
    del mappings["properties"]["govsoc"]["properties"][GRAMS_FIELD.rpartition(".")[2]]
    template = client.indices.get_index_template(name=f"{prefix}-events")["index_templates"][0]
    client.indices.delete_index_template(name=f"{prefix}-events")
    client.indices.create(index=index, settings=template["index_template"]["template"]["settings"],
                          mappings=mappings)
    document = with_search_text(stored_document(older, ingested="2026-03-02T00:00:00Z"))
    del document["govsoc"][GRAMS_FIELD.rpartition(".")[2]]  # what that writer sent
    bulk(client, [{"_op_type": "create", "_index": index, "_id": older.id, "_source": document}], refresh=True)

    # A store opened afterwards writes into that index and into a new week's index.
    newer = ElasticsearchStore(elastic_store.settings)
    try:
        written = [event(1, "possible break-in attempt from 10.0.0.1"), event(2, "break-in attempts: none"),
                   event(3, "possible break-in ATTEMPT", T0 + timedelta(days=7)),
                   event(4, "break in attempt", T0 + timedelta(days=7))]
        assert newer.write(written).created == 4
        newer.refresh()
        assert {newer.index_for(e) for e in written} == {index, f"{prefix}-events-2026.03.09"}
        found = Query(native=contains(newer, "s"))
        assert sorted(e.id for e in newer.search(found)) == sorted(e.id for e in (older, *written[:3]))
        assert newer.count(found) == 4
        assert [e.id for e in newer.search_many([found])[0]] == [e.id for e in (older, *written[:3])]
        missed = Query(native=contains(newer, "not s"))
        assert [e.id for e in newer.search(missed)] == [written[3].id]
        # the older index now maps the field, so what the store writes there is a phrase's too
        field = client.indices.get_field_mapping(index=index, fields=GRAMS_FIELD)
        assert field[index]["mappings"][GRAMS_FIELD]["mapping"]
    finally:
        newer.client.close()
