"""Store.alerts(event_ids=...) and Store.delete with more event ids than one query takes, on
every store (V12 F9: Elasticsearch refuses a terms query of more than index.max_terms_count,
65,536 values, with HTTP 400, and Store.delete asked after it had deleted the events)."""

from __future__ import annotations

import copy
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from govsoc.core.alert import Alert, Note, TriageChange
from govsoc.core.config import ElasticsearchSettings, es_credentials
from govsoc.core.event import Event, make_id
from govsoc.store.base import Query, Store
from govsoc.store.elasticsearch import ALERT_MAPPINGS, ElasticsearchStore

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
MANY = 70_000  # more than 65,536


def alert(n: int, *event_ids: str) -> Alert:
    return Alert(id=make_id("many-alert", n), rule_id="r", rule_title="r", level="low",
                 kind="correlation" if len(event_ids) > 1 else "match",
                 start=T0 + timedelta(minutes=n), end=T0 + timedelta(minutes=n), event_ids=event_ids)


def test_alerts_on_more_event_ids_than_one_query_takes(store: Store) -> None:
    ids = [make_id("many-event", n) for n in range(MANY)]
    # alerts on ids at both ends and in the middle of the list, one on two ids far apart (found
    # once), one on an id not asked
    stored = [alert(0, ids[-1]), alert(1, ids[0]), alert(2, ids[33_333], ids[66_666]), alert(3, "not-asked"),
              alert(4, ids[65_537])]
    store.write_alerts(stored)
    store.refresh()
    found = [a.id for a in store.alerts(event_ids=ids)]
    assert found == [stored[n].id for n in (0, 1, 2, 4)]
    assert [a.id for a in store.alerts(event_ids=ids, order="desc", limit=2)] == [stored[4].id, stored[2].id]


def test_deleting_more_events_than_one_query_takes_withdraws_their_alerts(store: Store) -> None:
    # The delete of many ids (most never stored) removes the stored ones and withdraws the
    # alerts on them, in the one call: untouched dropped, triaged kept closed with a note.
    events = [Event(id=make_id("many-event", n), timestamp=T0 + timedelta(seconds=n), dataset="linux.auth",
                    fields={"message": f"line {n}"}) for n in range(3)]
    store.write(events)
    kept = alert(1, events[1].id)
    store.write_alerts([alert(0, events[0].id), kept, alert(2, "other-event")])
    store.update_alert(kept.id, TriageChange(status="acknowledged", note=Note(author="a", time=T0, text="seen")))
    store.refresh()
    wanted = [make_id("never-stored", n) for n in range(MANY)] + [events[0].id, events[1].id]
    assert store.delete(wanted) == 2
    store.refresh()
    assert [e.id for e in store.search(Query())] == [events[2].id]
    left = {a.id: a for a in store.alerts()}
    assert sorted(left) == sorted([kept.id, alert(2, "other-event").id])
    assert left[kept.id].status == "closed" and left[kept.id].notes[-1].author == "govsoc"


@pytest.mark.es
def test_an_alerts_index_older_writes_mapped_opens_and_finds_a_window_by_a_later_match(
        es_env: dict[str, str]) -> None:
    # An alerts index made from an older template, where documents mapped alert.counted (date)
    # and alert.matched (text + .keyword) dynamically: 563b0cd's put_mapping of the template's
    # fields was refused (HTTP 400, counted date -> date_nanos), so every command failed at its
    # start once, then never added the fields (R12f G2). A window is found by a later match's id
    # through the .keyword sub-field (this id is no single token of the standard analyzer).
    settings = ElasticsearchSettings(url=es_env["GOVSOC_ES_URL"], index_prefix=f"govsoc-test-{uuid.uuid4().hex[:10]}",
                                     number_of_replicas=0, ca_certs=es_env.get("GOVSOC_ES_CA"))
    first = ElasticsearchStore(settings, credentials=es_credentials(es_env))
    try:
        first.client.indices.delete_index_template(name=first.alerts_index)  # as before the upgrade
        older = copy.deepcopy(ALERT_MAPPINGS)
        del older["properties"]["alert"]["properties"]["matched"]
        first.client.indices.create(index=first.alerts_index, mappings=older)
        first.client.index(index=first.alerts_index, refresh=True, document={
            "alert.counted": "2026-03-02T08:00:00.123456Z", "alert.matched": ["Older-Writer ID"]})
        store = ElasticsearchStore(settings, credentials=es_credentials(es_env))
        window = replace(alert(5, "first-match"), group={"source.ip": "198.51.100.7"},
                         matched=("Later-Match ID/2", "first-match"), counted=7)
        store.write_alerts([window])
        store.refresh()
        assert [a.id for a in store.alerts(event_ids=["Later-Match ID/2"])] == [window.id]
    finally:
        first.drop_all()


@pytest.mark.es
def test_an_alerts_index_of_an_older_template_gains_the_judged_copies_field(es_env: dict[str, str]) -> None:
    # An alerts index made before alert.judged_copies (and with alert.matched mapped otherwise by
    # an older writer): the field is added as a keyword on the next open, and a closed alert is
    # found by the completed line of a copy it was judged with (Alert.rests_on), which a delete
    # of that line, a longer copy still, looks for.
    settings = ElasticsearchSettings(url=es_env["GOVSOC_ES_URL"], index_prefix=f"govsoc-test-{uuid.uuid4().hex[:10]}",
                                     number_of_replicas=0, ca_certs=es_env.get("GOVSOC_ES_CA"))
    first = ElasticsearchStore(settings, credentials=es_credentials(es_env))
    try:
        first.client.indices.delete_index_template(name=first.alerts_index)
        older = copy.deepcopy(ALERT_MAPPINGS)
        del older["properties"]["alert"]["properties"]["matched"]
        del older["properties"]["alert"]["properties"]["judged_copies"]
        first.client.indices.create(index=first.alerts_index, mappings=older)
        first.client.index(index=first.alerts_index, refresh=True, document={"alert.matched": ["Older-Writer ID"]})
        store = ElasticsearchStore(settings, credentials=es_credentials(es_env))
        mapping = store.client.indices.get_mapping(index=store.alerts_index)[store.alerts_index]["mappings"]
        assert mapping["properties"]["alert"]["properties"]["judged_copies"] == {"type": "keyword"}
        judged = replace(alert(5, "first-event"), kind="correlation", status="closed",
                         judged_copies=(("Cut-Copy ID", ("Longer-Copy ID/2",)),))
        store.write_alerts([judged])
        store.refresh()
        assert [a.id for a in store.alerts(event_ids=["Longer-Copy ID/2"])] == [judged.id]
        assert list(store.alerts(event_ids=["Cut-Copy ID"])) == []  # no longer rests on the copy itself
    finally:
        first.drop_all()
