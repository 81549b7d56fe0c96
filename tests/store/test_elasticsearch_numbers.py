"""Numbers as text on the Elasticsearch store (R12 F2): a Sigma string pattern on a numeric
field (``destination.port|startswith: '44'``) matches the number's text, as on SQLite, through
the ``.caseless`` keyword sub-field the index template gives every numeric field; an events
index created before that sub-field existed gets it for what is written there afterwards."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sigma.rule import SigmaRule

from govsoc.core.event import Event, make_id
from govsoc.rules import load_rules  # noqa: F401  (registers the specification's modifiers)
from govsoc.rules.backends import backend_for
from govsoc.store.base import Query, Store

T0 = datetime(2026, 3, 2, tzinfo=UTC)  # a Monday: the first day of its week's index


def port_rule(store: Store) -> str:
    rule = SigmaRule.from_yaml("""
title: t
id: 00000000-0000-4000-8000-0000000000f3
logsource: {product: linux}
detection:
  s: {destination.port|startswith: '44'}
  condition: s
""")
    return backend_for(store.kind).convert(rule)


def _without_number_text(node: dict[str, Any]) -> None:
    """The mappings as the store made them before numbers had a text sub-field."""
    for value in node.values():
        if isinstance(value, dict):
            if value.get("type") in ("long", "float"):
                value.pop("fields", None)
            else:
                _without_number_text(value)


@pytest.mark.es
def test_an_index_created_before_number_text_gets_it(elastic_store: Store) -> None:
    from govsoc.store.elasticsearch import ElasticsearchStore, ecs_mappings

    assert isinstance(elastic_store, ElasticsearchStore)
    client, prefix = elastic_store.client, elastic_store.prefix

    def event(n: int, port: int) -> Event:
        return Event(id=make_id("numbers", n), timestamp=T0 + timedelta(seconds=n), dataset="linux.auth",
                     fields={"event.module": "linux", "destination.port": port})

    index = elastic_store.index_for(event(0, 443))
    mappings = ecs_mappings()
    mappings["_meta"] = {"govsoc_grams": True}  # the previous template's marker
    _without_number_text(mappings["properties"])
    template = client.indices.get_index_template(name=f"{prefix}-events")["index_templates"][0]
    client.indices.delete_index_template(name=f"{prefix}-events")
    client.indices.create(index=index, settings=template["index_template"]["template"]["settings"],
                          mappings=mappings)

    newer = ElasticsearchStore(elastic_store.settings)
    try:
        written = [event(1, 443), event(2, 8443)]
        assert newer.write(written).created == 2
        newer.refresh()
        assert {newer.index_for(e) for e in written} == {index}
        assert [e.id for e in newer.search(Query(native=port_rule(newer)))] == [written[0].id]
        field = client.indices.get_field_mapping(index=index, fields="destination.port.caseless")
        assert field[index]["mappings"]["destination.port.caseless"]["mapping"]
        # the older index keeps its other marker: it is still searched as it was made
        assert client.indices.get_mapping(index=index)[index]["mappings"]["_meta"]["govsoc_grams"] is True
    finally:
        newer.client.close()
