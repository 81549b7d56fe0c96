"""The alerts index refreshes by itself every 30 s, not every second: a pass's thousands of
alert writes no longer pay for a refresh each second (P12k; a pass ends with one refresh of its
own, tests/rules/test_pass_publishes_alerts.py). An alerts index made by an older template,
which had no interval (the node's 1 s), is given it when a store opens."""

from __future__ import annotations

import pytest

from govsoc.store.elasticsearch import ALERT_MAPPINGS, ElasticsearchStore
from tests.store.test_elasticsearch_alert_writes import alert


def refresh_interval(store: ElasticsearchStore) -> str | None:
    """The alerts index's own refresh_interval (None: the node's default, 1 s)."""
    answer = store.client.indices.get_settings(index=store.alerts_index, name="index.refresh_interval")
    assert store.client.indices.exists(index=store.alerts_index)
    # (an index without the setting is left out of the answer)
    value = answer.body.get(store.alerts_index, {}).get("settings", {}).get("index", {}).get("refresh_interval")
    return None if value is None else str(value)


@pytest.mark.es
def test_a_new_alerts_index_refreshes_every_30_seconds(elastic9_store: ElasticsearchStore) -> None:
    store = elastic9_store
    store.write_alerts([alert(1)])  # the index is made from the template
    assert refresh_interval(store) == "30s"


@pytest.mark.es
def test_an_alerts_index_of_an_older_template_is_given_the_interval_when_a_store_opens(
        elastic9_store: ElasticsearchStore) -> None:
    store = elastic9_store
    # the alerts template as an older govsoc put it (no refresh_interval), and its index
    store.client.indices.put_index_template(
        name=f"{store.prefix}-alerts", index_patterns=[store.alerts_index], priority=200,
        template={"settings": {"number_of_shards": 1, "number_of_replicas": 0}, "mappings": ALERT_MAPPINGS},
        meta={"govsoc_template_digest": "an older govsoc"})
    store.client.indices.delete(index=store.alerts_index, ignore_unavailable=True)
    store.client.indices.create(index=store.alerts_index)
    assert refresh_interval(store) is None
    reopened = ElasticsearchStore(store.settings)
    try:
        assert refresh_interval(reopened) == "30s"
        assert reopened.write_alerts([alert(2)]).created == 1  # and the index still takes alerts
    finally:
        reopened.close()
