"""Store.alerts(event_ids=...) and Store.delete with more event ids than one query takes, on
every store (V12 F9: Elasticsearch refuses a terms query of more than index.max_terms_count,
65,536 values, with HTTP 400, and Store.delete asked after it had deleted the events)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from govsoc.core.alert import Alert, Note, TriageChange
from govsoc.core.event import Event, make_id
from govsoc.store.base import Query, Store

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
