"""What an Elasticsearch store asks of the cluster's state when it opens and when the tests drop
it: every put and delete of an index or template is a cluster-state update, the slowest thing a
short test does. The clean-up (ElasticsearchStore.drop_all) leaves no index and no template of
the prefix, however many delete requests the index names need, and a second clean-up of what is
gone is no error; opening a store puts a template only when it is missing or not as put."""

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


def test_templates_are_put_only_when_missing_or_changed(elastic9_store: ElasticsearchStore,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Opening a store puts none of its three index templates when the cluster holds them as it
    would put them; one edited by hand (or by another govsoc version) is put again, alone."""
    from elasticsearch._sync.client.indices import IndicesClient

    puts: list[str] = []
    real = IndicesClient.put_index_template

    def counted(self: IndicesClient, *, name: str, **body: object) -> object:
        puts.append(name)
        return real(self, name=name, **body)  # type: ignore[arg-type]

    monkeypatch.setattr(IndicesClient, "put_index_template", counted)
    settings, prefix, client = elastic9_store.settings, elastic9_store.prefix, elastic9_store.client
    ElasticsearchStore(settings).close()
    assert puts == []
    # by hand: the events template without the digest, the alerts one with another priority
    for kind, change in (("events", {"meta": None}), ("alerts", {"priority": 150})):
        (found,) = client.indices.get_index_template(name=f"{prefix}-{kind}")["index_templates"]
        body = {"index_patterns": found["index_template"]["index_patterns"],
                "priority": found["index_template"]["priority"], "template": found["index_template"]["template"],
                "meta": found["index_template"]["_meta"], **change}
        real(client.indices, name=f"{prefix}-{kind}", **body)
    reopened = ElasticsearchStore(settings)
    reopened.close()
    assert sorted(puts) == [f"{prefix}-alerts", f"{prefix}-events"]
    puts.clear()
    # what was put again is what a store puts: the next one puts nothing
    ElasticsearchStore(settings).close()
    assert puts == []
    # a store of other settings (one replica) puts all three
    ElasticsearchStore(settings.model_copy(update={"number_of_replicas": 1})).close()
    assert sorted(puts) == [f"{prefix}-alerts", f"{prefix}-events", f"{prefix}-state"]
