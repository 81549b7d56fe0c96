"""The Store contract, run against real SQLite and a real Elasticsearch node (one fixture)."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from govsoc.core.alert import Alert, AlertReceipt, Note, TriageChange
from govsoc.core.errors import StoreError
from govsoc.core.event import Event, make_id
from govsoc.core.evidence import evidence_of
from govsoc.store.base import Bucket, Query, Store
from govsoc.store.sqlite import SqliteStore

T0 = datetime(2026, 3, 1, 8, 0, 0, 123456, tzinfo=UTC)


def event(n: int, at: datetime, **fields: Any) -> Event:
    """An event whose id comes from a made-up origin and sequence number."""
    return Event(id=make_id("test", n), timestamp=at, dataset=fields.pop("dataset", "test.auth"),
                 fields={k.replace("__", "."): v for k, v in fields.items()})


def as_written(events: list[Event]) -> list[Event]:
    """Events as a store returns them, less the ``event.ingested`` stamp of the write."""
    return [Event(id=e.id, timestamp=e.timestamp, dataset=e.dataset,
                  fields={k: v for k, v in e.fields.items() if k != "event.ingested"}) for e in events]


def sample() -> list[Event]:
    return [
        event(1, T0, message="Failed password for root from 10.0.0.1", event__outcome="failure",
              source__ip="10.0.0.1", user__name="root", event__category=["authentication"], source__port=22),
        event(2, T0 + timedelta(minutes=1), message="Failed password for admin from 10.0.0.1",
              event__outcome="failure", source__ip="10.0.0.1", user__name="admin",
              event__category=["authentication"], source__port=2222),
        event(3, T0 + timedelta(minutes=2), message="Accepted publickey for ops from 10.0.0.2",
              event__outcome="success", source__ip="10.0.0.2", user__name="ops",
              event__category=["authentication", "session"], source__port=22),
        event(4, T0 + timedelta(days=1), message="connection closed by 192.168.1.9", source__ip="192.168.1.9",
              event__category=["network"], dataset="test.net"),
        event(5, T0 + timedelta(days=2), message="policy changed by admin", user__name="admin",
              event__outcome="success", govsoc__zone="extranet", dataset="test.device"),
    ]


def test_write_then_write_again_keeps_one_copy(store: Store) -> None:
    events = sample()
    first = store.write(events)
    second = store.write(events + [event(6, T0, message="new")])
    store.refresh()
    assert (first.created, first.duplicates, first.rejected) == (5, 0, ())
    assert (second.created, second.duplicates) == (1, 5)
    assert store.count(Query()) == 6


def test_search_returns_the_same_events(store: Store) -> None:
    events = sample()
    store.write(events)
    store.refresh()
    assert as_written(list(store.search(Query()))) == sorted(events, key=lambda e: (e.timestamp, e.id))
    newest = list(store.search(Query(order="desc", limit=2)))
    assert [e.id for e in newest] == [events[4].id, events[3].id]


def test_query_by_time_range_is_half_open(store: Store) -> None:
    store.write(sample())
    store.refresh()
    window = Query(start=T0 + timedelta(minutes=1), end=T0 + timedelta(days=1))
    assert [e.id for e in store.search(window)] == [make_id("test", 2), make_id("test", 3)]
    assert store.count(Query(start=T0 + timedelta(days=1))) == 2
    # microsecond precision: an end just after the first event includes it, at it excludes it
    assert store.count(Query(end=T0 + timedelta(microseconds=1))) == 1
    assert store.count(Query(end=T0)) == 0


@pytest.mark.parametrize(("terms", "expected"), [
    ({"event.outcome": ("failure",)}, {1, 2}),                       # hot generated column
    ({"user.name": ("admin", "ops")}, {2, 3, 5}),                    # any of several values
    ({"event.outcome": ("success",), "user.name": ("admin",)}, {5}),  # all fields must match
    ({"event.category": ("session",)}, {3}),                         # an element of an array
    ({"source.port": (22,)}, {1, 3}),                                # numbers stay numbers
    ({"source.port": ("2222",)}, {2}),                               # ... also given as text
    ({"govsoc.zone": ("extranet",)}, {5}),                           # govsoc namespace
    ({"event.dataset": ("test.net",)}, {4}),                         # dataset attribute
    ({"user.name": ("Admin",)}, set()),                              # keyword values: exact case
    ({"user.name": ()}, set()),                                      # no value matches nothing
    ({"user'name": ("x') OR 1=1 --",)}, set()),                      # quotes in names and values are data
])
def test_query_by_fields(store: Store, terms: dict[str, tuple[Any, ...]], expected: set[int]) -> None:
    store.write(sample())
    store.refresh()
    found = {e.id for e in store.search(Query(terms=terms))}
    assert found == {make_id("test", n) for n in expected}
    assert store.count(Query(terms=terms)) == len(expected)


@pytest.mark.parametrize(("text", "expected"), [
    ("Failed password", {1, 2}),   # a phrase
    ("failed PASSWORD", {1, 2}),   # case-insensitive, as Elasticsearch's text analysis is
    ("publickey", {3}),
    ("password for root", {1}),
    ("no such words", set()),
])
def test_full_text_over_message(store: Store, text: str, expected: set[int]) -> None:
    store.write(sample())
    store.refresh()
    assert {e.id for e in store.search(Query(text=text))} == {make_id("test", n) for n in expected}


def test_a_nul_in_the_phrase_is_what_the_store_keeps_of_a_nul(store: Store) -> None:
    """A NUL is stored as U+FFFD (coercion.clean_text): a phrase holding one finds the event that
    held it, on both stores (R50c-8: SQLite raised "the query contains a null character")."""
    store.write([event(7, T0, message="login\x00root failed"), event(8, T0, message="login root failed")])
    store.refresh()
    assert {e.id for e in store.search(Query(text="LOGIN\x00root"))} == {make_id("test", 7)}
    assert store.count(Query(text="\x00")) == 1


def test_count_and_aggregate_by_field(store: Store) -> None:
    store.write(sample())
    store.refresh()
    assert store.aggregate(Query(), "user.name") == [Bucket("admin", 2), Bucket("ops", 1), Bucket("root", 1)]
    assert store.aggregate(Query(), "event.category", size=2) == [Bucket("authentication", 3),
                                                                   Bucket("network", 1)]
    assert store.aggregate(Query(terms={"event.outcome": ("failure",)}), "source.port") == [
        Bucket(22, 1), Bucket(2222, 1)]
    assert store.aggregate(Query(), "event.dataset") == [Bucket("test.auth", 3), Bucket("test.device", 1),
                                                        Bucket("test.net", 1)]
    assert store.aggregate(Query(), "no.such.field") == []


def test_retention_drops_whole_weeks_before_the_cutoffs_week(store: Store) -> None:
    store.write(sample())
    store.refresh()
    # T0 is a Sunday; the cutoff is the Monday after, so its week starts that Monday 00:00 UTC
    cutoff = T0 + timedelta(days=1, hours=10)
    assert store.delete_before(cutoff, dry_run=True) == 3
    store.refresh()
    assert store.count(Query()) == 5  # a dry run drops nothing
    dropped = store.delete_before(cutoff)
    store.refresh()
    assert dropped == 3
    assert {e.id for e in store.search(Query())} == {make_id("test", 4), make_id("test", 5)}
    # the full-text index forgets the dropped events and keeps the rest
    assert store.count(Query(text="Failed password")) == 0
    assert store.count(Query(text="policy changed")) == 1
    assert store.delete_before(T0) == 0
    # events written after a deletion are searchable too
    store.write([event(7, T0 + timedelta(days=3), message="Failed password again")])
    store.refresh()
    assert store.count(Query(text="Failed password")) == 1


def sample_alerts() -> list[Alert]:
    return [
        Alert(id=make_id("rule", n), rule_id="r-1", rule_title="SSH brute force", level="high", kind="correlation",
              start=T0 + timedelta(minutes=n), end=T0 + timedelta(minutes=n + 1),
              event_ids=(make_id("test", 1), make_id("test", 2)), author="someone", tags=("attack.t1110",),
              group={"source.ip": "10.0.0.1"}, context={"govsoc.zone": "extranet"},
              evidence=evidence_of(sample()[:2]))
        for n in range(3)
    ]


def test_alerts_are_stored_once(store: Store) -> None:
    alerts = sample_alerts()
    assert store.write_alerts(alerts) == AlertReceipt(created=3)
    again = store.write_alerts(alerts)
    assert again == AlertReceipt(unchanged=3)
    assert list(store.alerts()) == alerts
    assert list(store.alerts(start=T0 + timedelta(minutes=1))) == alerts[1:]
    assert list(store.alerts(rule_id="other")) == []
    assert list(store.alerts(order="desc", limit=2)) == alerts[::-1][:2]
    assert store.alert(alerts[1].id) == alerts[1]
    assert store.alert("no-such-alert") is None


def test_alert_upsert_replaces_detection_fields_and_keeps_triage(store: Store) -> None:
    first, second, third = sample_alerts()
    store.write_alerts([first, second, third])
    note = Note(author="analyst1", time=T0 + timedelta(hours=1), text="blocked at the firewall [fw-7]")
    store.update_alert(first.id, TriageChange(status="acknowledged", assignee="analyst1", note=note))
    # a later pass: the burst grew (a third event, a later end, a new snapshot and context) and
    # suppression counted two more; the pass knows nothing of the triage
    grown = replace(first, end=T0 + timedelta(minutes=9), event_ids=first.event_ids + (make_id("test", 3),),
                    evidence=evidence_of(sample()[:3]), context={"govsoc.zone": "intranet"}, suppressed=2)
    receipt = store.write_alerts([grown, second, replace(third, id=make_id("rule", 99))])
    assert receipt == AlertReceipt(created=1, updated=1, unchanged=1)
    stored = store.alert(first.id)
    assert stored is not None
    assert (stored.end, stored.event_ids, stored.event_count, stored.evidence, stored.context) == (
        grown.end, grown.event_ids, 3, grown.evidence, {"govsoc.zone": "intranet"})
    assert (stored.status, stored.assignee, stored.notes, stored.suppressed) == (
        "acknowledged", "analyst1", (note,), 2)
    # a pass that counts fewer suppressed matches (retention dropped some) never lowers the count
    assert store.write_alerts([replace(grown, suppressed=1)]) == AlertReceipt(unchanged=1)
    assert list(store.alerts(rule_id="r-1"))[0].suppressed == 2
    # the same id twice in one call: the last one is written, once
    twice = store.write_alerts([replace(third, end=T0 + timedelta(hours=2)),
                                replace(third, end=T0 + timedelta(hours=3))])
    assert twice == AlertReceipt(updated=1)
    assert store.alert(third.id) == replace(third, end=T0 + timedelta(hours=3))


def test_a_closed_alert_that_a_pass_adds_to_is_opened_again(store: Store) -> None:
    # Seen (R49a-4): an analyst marked a brute-force burst a false positive after 6 failures; the
    # attack went on in the same burst (30 more, then a success) and the pass folded them into
    # the closed alert: nothing open, no word. Now new evidence opens it again, with a note.
    first, second, third = sample_alerts()
    store.write_alerts([first, second, third])
    judged = Note(author="analyst1", time=T0 + timedelta(hours=1), text="admin mistyped the password")
    store.update_alert(first.id, TriageChange(status="false_positive", note=judged))
    store.update_alert(second.id, TriageChange(status="closed"))
    store.update_alert(third.id, TriageChange(status="acknowledged"))
    grown = [replace(alert, end=alert.end + timedelta(minutes=5), event_ids=alert.event_ids + (make_id("test", 3),))
             for alert in (first, second, third)]
    receipt = store.write_alerts(grown)
    assert receipt == AlertReceipt(updated=3, reopened=2)
    assert "2 closed reopened by new evidence" in receipt.line()
    opened = store.alert(first.id)
    assert opened is not None and opened.status == "open" and opened.event_ids == grown[0].event_ids
    assert opened.notes[0] == judged and len(opened.notes) == 2
    assert (opened.notes[1].author, opened.notes[1].text) == (
        "govsoc", "reopened: 1 new event after it was marked false_positive")
    closed = store.alert(second.id)
    assert closed is not None and closed.status == "open" and "marked closed" in closed.notes[-1].text
    acknowledged = store.alert(third.id)  # worked on, not done: it stays as the analyst left it
    assert acknowledged is not None and (acknowledged.status, acknowledged.notes) == ("acknowledged", ())
    # the same evidence again opens nothing: the analyst closes it again and it stays closed
    store.update_alert(first.id, TriageChange(status="closed"))
    assert store.write_alerts(grown[:1]) == AlertReceipt(unchanged=1)
    assert store.alert(first.id).status == "closed"  # type: ignore[union-attr]
    # fewer events (a deleted copy trimmed off) is no new evidence either
    assert store.write_alerts([first]) == AlertReceipt(updated=1)
    assert store.alert(first.id).status == "closed"  # type: ignore[union-attr]
    # a suppressed window that counted more matches after it was closed is opened again
    store.write_alerts([replace(first, suppressed=4)])
    window = store.alert(first.id)
    assert window is not None and window.status == "open"
    assert window.notes[-1].text == "reopened: 4 more suppressed matches after it was marked closed"


def test_an_alert_closed_before_judged_was_kept_is_compared_by_its_ids(store: Store) -> None:
    # R49b-2: every alert closed by govsoc before this change has no alert.judged (written here as
    # an alert stored closed, which writes none): new ids open it, its own ids do not, and the
    # first change govsoc makes to it (the note of a trimmed partial copy) records what it holds
    # then, before the change's uncount, so the completed line is no new evidence (R49b-1)
    first, second, _ = sample_alerts()
    closed = [replace(first, status="closed"), replace(second, status="false_positive", suppressed=2)]
    store.write_alerts(closed)
    assert all(a is not None and a.judged is None for a in map(store.alert, (first.id, second.id)))
    assert store.write_alerts(closed) == AlertReceipt(unchanged=2)
    grown = replace(first, event_ids=first.event_ids + (make_id("test", 3),))
    assert store.write_alerts([grown]) == AlertReceipt(updated=1, reopened=1)
    assert store.alert(first.id).status == "open"  # type: ignore[union-attr]
    # the window: its copy's match uncounted with a govsoc note, then counted again as the line
    store.update_alert(second.id, TriageChange(uncount=1, note=Note(
        author="govsoc", time=T0, text="the event ... was the partial copy of an unterminated last line")))
    trimmed = store.alert(second.id)
    assert trimmed is not None and (trimmed.status, trimmed.suppressed, trimmed.judged) == ("false_positive", 1, (2, 2))
    assert store.write_alerts([replace(second, suppressed=2)]) == AlertReceipt(updated=1)
    assert store.alert(second.id).status == "false_positive"  # type: ignore[union-attr]
    assert store.write_alerts([replace(second, suppressed=3)]) == AlertReceipt(updated=1, reopened=1)


def test_alert_retention_is_apart_from_event_retention(store: Store) -> None:
    alerts = sample_alerts()  # last events at T0 + 1, 2 and 3 minutes
    store.write(sample())
    store.write_alerts(alerts)
    store.refresh()
    store.delete_before(T0 + timedelta(days=30))
    store.refresh()
    assert store.count(Query()) == 0
    assert list(store.alerts()) == alerts  # snapshots and all
    cutoff = T0 + timedelta(minutes=2, microseconds=1)
    assert store.delete_alerts_before(cutoff, dry_run=True) == 2
    assert len(list(store.alerts())) == 3
    assert store.delete_alerts_before(cutoff) == 2
    assert list(store.alerts()) == alerts[2:]
    assert store.delete_alerts_before(cutoff) == 0


def test_triage_and_detection_writing_at_once_lose_nothing(store: Store) -> None:
    # an analyst's notes and a detection pass rewriting the same alert, from two connections
    alert = sample_alerts()[0]
    store.write_alerts([alert])
    other = second_connection(store)
    errors: list[BaseException] = []

    def analyst() -> None:
        try:
            for n in range(15):
                other.update_alert(alert.id, TriageChange(note=Note(author="a", time=T0, text=f"note {n}")))
        except BaseException as e:  # reported by the main thread
            errors.append(e)

    thread = threading.Thread(target=analyst)
    thread.start()
    for n in range(15):
        store.write_alerts([replace(alert, end=alert.end + timedelta(seconds=n + 1))])
    thread.join()
    other.close()
    assert errors == []
    stored = store.alert(alert.id)
    assert stored is not None
    assert [note.text for note in stored.notes] == [f"note {n}" for n in range(15)]
    assert stored.end == alert.end + timedelta(seconds=15)


def second_connection(store: Store) -> Store:
    """Another store object on the same SQLite file or index prefix."""
    if isinstance(store, SqliteStore):
        return SqliteStore(store.path)
    from govsoc.store.elasticsearch import ElasticsearchStore

    assert isinstance(store, ElasticsearchStore)
    return ElasticsearchStore(store.settings)


def test_triage_changes_append_notes_and_survive_reading(store: Store) -> None:
    alert = sample_alerts()[0]
    store.write_alerts([alert])
    notes = [Note(author=f"a{n}", time=T0 + timedelta(hours=n), text=f"note {n}") for n in range(3)]
    for note in notes:
        store.update_alert(alert.id, TriageChange(note=note))
    closed = store.update_alert(alert.id, TriageChange(status="false_positive", unassign=True))
    assert closed.notes == tuple(notes) and closed.status == "false_positive" and closed.assignee is None
    assert store.alert(alert.id) == closed == list(store.alerts())[0]
    with pytest.raises(StoreError, match="no alert"):
        store.update_alert("no-such-alert", TriageChange(status="closed"))

def test_unicode_and_gbk_origin_text_round_trips(store: Store) -> None:
    chinese = event(9, T0, message="用户 张三 登录失败 来自 10.1.1.1", user__name="张三",
                    event__original="用户 张三 登录失败")
    store.write([chinese])
    store.refresh()
    assert as_written(list(store.search(Query(text="登录失败")))) == [chinese]
    assert as_written(list(store.search(Query(terms={"user.name": ("张三",)})))) == [chinese]


def test_search_many_gives_each_query_what_search_gives(store: Store) -> None:
    """A detection pass searches for all its rules at once (Store.search_many; Elasticsearch
    fetches their first pages through _msearch, 20 queries per request, 2,500 hits each): every
    query still gets exactly search()'s events in search()'s order, across chunks of queries,
    past a full first page, with limits, in either order, whatever order they are read in."""
    many = [event(100 + n, T0 + timedelta(seconds=n), message=f"line {n}", user__name=f"u{n % 3}")
            for n in range(2600)]
    store.write(sample() + many)
    store.refresh()
    queries = [Query(terms={"user.name": (f"u{n % 3}",)}, limit=None if n % 4 else 7 * n + 1,
                     order="desc" if n % 5 == 0 else "asc") for n in range(30)]
    queries += [Query(), Query(order="desc", limit=2550), Query(text="password"), Query(terms={"user.name": ("x",)})]
    answers = store.search_many(queries)
    expected = [[e.id for e in store.search(q)] for q in queries]
    assert len(expected[30]) == 2605 and len(expected[31]) == 2550 and len(expected[32]) == 2  # full pages
    for n in [*range(len(queries) - 1, 27, -1), *range(28)]:  # the last chunk first, then the first
        assert [e.id for e in answers[n]] == expected[n], queries[n]


def test_a_refused_query_fails_alone_in_search_many(store: Store) -> None:
    """One rule's query that the store refuses fails that rule only: its iterator raises, and the
    queries fetched with it (one _msearch on Elasticsearch) still answer."""
    store.write(sample())
    store.refresh()
    broken = "message.caseless:/[/" if store.kind == "elasticsearch" else "no_such_column = 1"
    answers = store.search_many([Query(terms={"user.name": ("admin",)}), Query(native=broken), Query()])
    with pytest.raises(StoreError):
        list(answers[1])
    assert len(list(answers[0])) == 2 and len(list(answers[2])) == 5


def test_states_are_read_and_written_many_at_once(store: Store) -> None:
    """A pass reads every rule's state in one call and writes the changed ones in one call, at
    once readable one by one and together; keys never written are absent."""
    assert store.get_states(["a"]) == {}  # nothing written yet (no state index on Elasticsearch)
    store.put_states({"a": {"n": 1}, "b": {"n": [2, "二"], "gaps": []}})
    store.put_state("c", {"n": 3})
    store.put_states({"a": {"n": 4}})
    assert store.get_states(["a", "b", "c", "missing"]) == {"a": {"n": 4}, "b": {"n": [2, "二"], "gaps": []},
                                                           "c": {"n": 3}}
    assert store.get_state("b") == {"n": [2, "二"], "gaps": []}


def test_state_keys_by_prefix(store: Store) -> None:
    """`rules status` lists the rules a pass ran from their state documents (R58b-6)."""
    assert store.state_keys("rule-") == []  # nothing written yet (on Elasticsearch: no state index)
    store.put_states({"rule-b": {"n": 2}, "rule-a": {"n": 1}, "rules-x": {"n": 3}, "other": {"n": 4}})
    store.put_state("rule-c", {"n": 5})
    assert store.state_keys("rule-") == ["rule-a", "rule-b", "rule-c"]
    assert store.state_keys("rule") == ["rule-a", "rule-b", "rule-c", "rules-x"]
    assert store.state_keys("nothing") == []
