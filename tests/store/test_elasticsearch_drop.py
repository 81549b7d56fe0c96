"""The tests' clean-up of an Elasticsearch store (ElasticsearchStore.drop_all): every index and
index template of the prefix is gone, however many delete requests the index names need, and a
second clean-up of what is already gone is no error."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from elasticsearch import NotFoundError

import govsoc.store.elasticsearch as elasticsearch
from govsoc.core.alert import Alert
from govsoc.core.event import Event, make_id
from govsoc.store.elasticsearch import ElasticsearchStore

pytestmark = pytest.mark.es


def left(store: ElasticsearchStore) -> tuple[list[str], list[str]]:
    """The indices and index templates whose names start with the store's prefix."""
    indices = store.client.indices.get(index=f"{store.prefix}-*", allow_no_indices=True, ignore_unavailable=True)
    try:
        templates = store.client.indices.get_index_template(name=f"{store.prefix}-*")["index_templates"]
    except NotFoundError:
        templates = []
    return sorted(indices), sorted(t["name"] for t in templates)


def test_drop_all_leaves_no_index_and_no_template(elastic9_store: ElasticsearchStore,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    store = elastic9_store
    start = datetime(2026, 3, 2, tzinfo=UTC)  # a Monday: five events, five weekly indices
    events = [Event(id=make_id("drop", n), timestamp=start + timedelta(weeks=n), dataset="test.auth",
                    fields={"message": f"event {n}"}) for n in range(5)]
    assert store.write(events).created == 5
    store.write_alerts([Alert(id="drop-alert", rule_id="r", rule_title="r", level="low", kind="match", start=start,
                              end=start, event_ids=(events[0].id,))])
    store.put_state("drop", {"n": 1})
    indices, templates = left(store)
    assert len(indices) == 7 and len(templates) == 3  # 5 weekly, alerts, state; events, alerts, state
    # Names of about 40 characters, 100 at most a request: the seven indices take several requests.
    monkeypatch.setattr(elasticsearch, "_DROP_URL_CHARS", 100)
    store.drop_all()
    assert left(store) == ([], [])
    store.drop_all()  # nothing left to delete (the fixture's own clean-up does it a third time)
    assert left(store) == ([], [])
