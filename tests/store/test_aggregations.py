"""The Store contract's aggregations (groups, histogram, cardinality) over events and alerts, run
against real SQLite and real Elasticsearch 9 and 8 (written once per store for the module). Expected values are
worked out by hand from the sample's documented times and fields."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from govsoc.core.alert import Alert
from govsoc.core.errors import StoreError
from govsoc.core.event import Event, format_timestamp, make_id
from govsoc.store.base import Bucket, Group, Query, Store
from govsoc.store.sqlite import SqliteStore
from tests.conftest import es_store

# A URL longer than a keyword field indexes: a query naming it is decided event by event in
# Elasticsearch (store/elasticsearch.py _Check), and must aggregate the same.
LONG_URL = "https://portal.example.gov.cn/search?q=" + "x" * 40_000
# A Sunday, 08:00:00.123456 UTC: microseconds that a millisecond store would lose.
T0 = datetime(2026, 3, 1, 8, 0, 0, 123456, tzinfo=UTC)


def event(n: int, at: datetime, **fields: Any) -> Event:
    return Event(id=make_id("aggs", n), timestamp=at, dataset=fields.pop("dataset", "test.flow"),
                 fields={k.replace("__", "."): v for k, v in fields.items()})


def sample() -> list[Event]:
    """Six flows: zone cloud x3 (bytes 100, 200, 300), extranet x2 (bytes 50, 70), one with no zone."""
    return [
        event(1, T0, govsoc__zone="cloud", network__bytes=100, network__protocol="tls",
              event__category=["network", "session"], source__ip="10.0.0.1", destination__ip="10.0.0.10"),
        event(2, T0 + timedelta(minutes=10), govsoc__zone="cloud", network__bytes=200, network__protocol="http",
              event__category=["network"], source__ip="10.0.0.1", destination__ip="10.0.0.9"),
        event(3, T0 + timedelta(hours=1, minutes=5), govsoc__zone="cloud", network__bytes=300,
              network__protocol="tls", event__category=["network"], source__ip="10.0.0.2"),
        event(4, T0 + timedelta(hours=3), govsoc__zone="extranet", network__bytes=50, network__protocol="ssh",
              event__category=["network", "session", "network"], source__ip="10.0.0.3"),
        event(5, T0 + timedelta(days=1), govsoc__zone="extranet", network__bytes=70, event__category=["network"],
              source__ip="10.0.0.3", dataset="test.auth"),
        event(6, T0 + timedelta(days=1, hours=2), network__bytes=5, dataset="test.auth", url__original=LONG_URL),
    ]


def alert(n: int, level: str, status: str, start: datetime, tags: tuple[str, ...], system: str | None,
          events: int = 1) -> Alert:
    return Alert(id=make_id("aggs-alert", n), rule_id=f"r-{level}", rule_title=f"rule {level}", level=level,
                 kind="match", start=start, end=start + timedelta(seconds=1),
                 event_ids=tuple(make_id("aggs", i) for i in range(events)), tags=tags, status=status,
                 context={k: v for k, v in (("govsoc.system", system), ("govsoc.dengbao_level", 3)) if v})


def sample_alerts() -> list[Alert]:
    """Five alerts: high x3 (one acknowledged), medium x1, low x1 the next day."""
    return [
        alert(1, "high", "open", T0, ("attack.t1110", "djbh.l3.8.1.4.1.a"), "门户", events=2),
        alert(2, "high", "acknowledged", T0 + timedelta(minutes=30), ("attack.t1110",), "门户", events=3),
        alert(3, "high", "open", T0 + timedelta(hours=2), ("attack.t1190", "djbh.l3.8.1.4.1.a"), "OA", events=1),
        alert(4, "medium", "open", T0 + timedelta(hours=2, minutes=1), ("attack.t1557",), None, events=4),
        alert(5, "low", "open", T0 + timedelta(days=1), (), "OA", events=5),
    ]


@pytest.fixture(scope="module", params=["sqlite", pytest.param("elasticsearch", marks=pytest.mark.es),
                                        pytest.param("elasticsearch-8", marks=pytest.mark.es)])
def filled(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """The sample in each store, written once for the module (the tests only read)."""
    if request.param == "sqlite":
        stores: Iterator[Store] = iter([SqliteStore(tmp_path_factory.mktemp("aggs") / "events.db")])
    else:
        stores = es_store(request.getfixturevalue("es_env" if request.param == "elasticsearch" else "es8_env"))
    store = next(stores)
    store.write(sample())
    store.write_alerts(sample_alerts())
    store.refresh()
    yield store
    if isinstance(store, SqliteStore):
        store.close()
    else:
        next(stores, None)  # drops the indices and closes


def test_groups_by_a_column_field_count_sum_and_span(filled: Store) -> None:
    groups = filled.groups(Query(), "govsoc.zone", total="network.bytes", span=True)
    assert groups == [
        Group("cloud", 3, 600.0, T0, T0 + timedelta(hours=1, minutes=5)),
        Group("extranet", 2, 120.0, T0 + timedelta(hours=3), T0 + timedelta(days=1)),
    ]
    # without span the times are None, without total the sum is 0
    assert filled.groups(Query(), "network.protocol", size=2) == [Group("tls", 2), Group("http", 1)]


def test_groups_by_an_array_field_count_each_event_once_per_value(filled: Store) -> None:
    groups = filled.groups(Query(), "event.category", total="network.bytes")
    # event 4 lists "network" twice: it counts once, and its bytes once
    assert groups == [Group("network", 5, 720.0), Group("session", 2, 150.0)]


def test_groups_respect_the_query_and_the_dataset_is_a_field(filled: Store) -> None:
    window = Query(start=T0 + timedelta(minutes=10), end=T0 + timedelta(days=1))
    # ties in count are ordered by value
    assert filled.groups(window, "source.ip") == [Group("10.0.0.1", 1), Group("10.0.0.2", 1), Group("10.0.0.3", 1)]
    # an address field's ties go in address order (10.0.0.9 before 10.0.0.10), as Elasticsearch sorts them
    assert filled.groups(Query(), "destination.ip") == [Group("10.0.0.9", 1), Group("10.0.0.10", 1)]
    by_dataset = filled.groups(Query(), "event.dataset", span=True)
    assert by_dataset == [Group("test.flow", 4, 0.0, T0, T0 + timedelta(hours=3)),
                          Group("test.auth", 2, 0.0, T0 + timedelta(days=1), T0 + timedelta(days=1, hours=2))]
    assert filled.groups(Query(terms={"govsoc.zone": ("cloud",)}), "network.protocol") == [
        Group("tls", 2), Group("http", 1)]
    assert filled.groups(Query(), "no.such.field") == []


def test_a_query_decided_event_by_event_aggregates_the_same(filled: Store) -> None:
    long = Query(terms={"url.original": (LONG_URL,)})
    t6 = T0 + timedelta(days=1, hours=2)
    assert filled.groups(long, "event.dataset", total="network.bytes", span=True) == [
        Group("test.auth", 1, 5.0, t6, t6)]
    assert filled.histogram(long, interval=timedelta(days=1), origin=T0) == [
        Bucket(format_timestamp(T0 + timedelta(days=1)), 1)]
    assert filled.cardinality(long, "event.dataset") == 1


def test_histogram_aligns_intervals_on_the_origin(filled: Store) -> None:
    # hours starting at :30 past: 07:30 holds 08:00 and 08:10, 08:30 holds 09:05, 10:30 holds 11:00
    origin = datetime(2026, 3, 1, 0, 30, tzinfo=UTC)
    hours = filled.histogram(Query(end=T0 + timedelta(hours=4)), interval=timedelta(hours=1), origin=origin)
    at = [datetime(2026, 3, 1, h, 30, tzinfo=UTC) for h in (7, 8, 10)]
    assert hours == [Bucket(format_timestamp(at[0]), 2), Bucket(format_timestamp(at[1]), 1),
                     Bucket(format_timestamp(at[2]), 1)]
    # days in UTC+8 (midnight there is 16:00 UTC): an origin after the events still aligns them
    local_midnight = datetime(2026, 3, 9, 16, 0, tzinfo=UTC)
    days = filled.histogram(Query(), interval=timedelta(days=1), origin=local_midnight)
    assert days == [Bucket(format_timestamp(datetime(2026, 2, 28, 16, tzinfo=UTC)), 4),
                    Bucket(format_timestamp(datetime(2026, 3, 1, 16, tzinfo=UTC)), 2)]


def test_histogram_refuses_a_fraction_of_a_second(filled: Store) -> None:
    with pytest.raises(StoreError):
        filled.histogram(Query(), interval=timedelta(milliseconds=1500), origin=T0)


def test_cardinality_of_events(filled: Store) -> None:
    assert filled.cardinality(Query(), "source.ip") == 3
    assert filled.cardinality(Query(), "event.category") == 2
    assert filled.cardinality(Query(terms={"govsoc.zone": ("extranet",)}), "source.ip") == 1
    assert filled.cardinality(Query(), "no.such.field") == 0


def test_groups_of_alerts_by_level_status_tags_and_context(filled: Store) -> None:
    assert filled.groups(Query(), "event.severity_name", total="event.count", target="alerts") == [
        Group("high", 3, 6.0), Group("low", 1, 5.0), Group("medium", 1, 4.0)]
    day = Query(start=T0, end=T0 + timedelta(days=1))
    assert filled.groups(day, "alert.status", target="alerts") == [Group("open", 3), Group("acknowledged", 1)]
    assert filled.groups(day, "tags", target="alerts") == [
        Group("attack.t1110", 2), Group("djbh.l3.8.1.4.1.a", 2), Group("attack.t1190", 1), Group("attack.t1557", 1)]
    # an alert group's span: the first alert's start to the latest end (each alert lasts 1 s here)
    assert filled.groups(day, "context.govsoc.system", span=True, target="alerts") == [
        Group("门户", 2, 0.0, T0, T0 + timedelta(minutes=30, seconds=1)),
        Group("OA", 1, 0.0, T0 + timedelta(hours=2), T0 + timedelta(hours=2, seconds=1))]
    # numbers in the context come back as text, as Elasticsearch's flattened keywords give them
    assert filled.groups(Query(), "context.govsoc.dengbao_level", target="alerts") == [Group("3", 5)]
    high = Query(terms={"event.severity_name": ("high",)})
    assert filled.groups(high, "rule.id", target="alerts") == [Group("r-high", 3)]


def test_histogram_and_cardinality_of_alerts(filled: Store) -> None:
    days = filled.histogram(Query(), interval=timedelta(days=1), origin=datetime(2026, 3, 1, tzinfo=UTC),
                            target="alerts")
    assert days == [Bucket(format_timestamp(datetime(2026, 3, 1, tzinfo=UTC)), 4),
                    Bucket(format_timestamp(datetime(2026, 3, 2, tzinfo=UTC)), 1)]
    assert filled.cardinality(Query(), "context.govsoc.system", target="alerts") == 2
    assert filled.cardinality(Query(terms={"tags": ("attack.t1110",)}), "alert.status", target="alerts") == 2


def test_alert_aggregations_refuse_event_only_conditions(filled: Store) -> None:
    with pytest.raises(StoreError):
        filled.groups(Query(text="x"), "tags", target="alerts")
