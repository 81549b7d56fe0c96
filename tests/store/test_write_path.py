"""What every store does at write, on SQLite and on real Elasticsearch nodes alike: hostile
strings, ECS types, event.ingested, the weekly retention boundary and CJK keyword limits."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from typing import Any

from govsoc.core.event import Event, make_id, parse_timestamp
from govsoc.store.base import Query, Store
from govsoc.store.sqlite_query import field_expression

T0 = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)  # a Wednesday


def event(n: int, at: datetime = T0, dataset: str = "test.write", **fields: Any) -> Event:
    return Event(id=make_id("write-path", n), timestamp=at, dataset=dataset, fields=fields)


def one(store: Store, n: int) -> Event:
    [found] = store.search(Query(terms={"event.id": (make_id("write-path", n),)}))
    return found


def test_a_lone_surrogate_does_not_lose_the_batch(store: Store) -> None:
    # Seen: UnicodeEncodeError out of write, and the whole batch lost.
    receipt = store.write([event(1, message="bad \ud83d half and the rest"), event(2, message="fine")])
    store.refresh()
    assert (receipt.created, receipt.rejected) == (2, ())
    assert one(store, 1).get("message") == "bad \ufffd half and the rest"


def test_text_after_a_nul_is_searchable_and_the_original_recoverable(store: Store) -> None:
    # Seen: the text after a NUL byte was invisible to --text and to rules.
    raw = "Feb 1 sshd[1]: pad\x00\x00 Failed password for root"
    assert store.write([event(3, message=raw, **{"event.original": raw})]).created == 1
    store.refresh()
    assert {e.id for e in store.search(Query(text="password for root"))} == {make_id("write-path", 3)}
    stored = one(store, 3)
    assert "\x00" not in stored.get("message")
    assert base64.b64decode(stored.get("govsoc.original_base64")) == raw.encode()
    assert "sanitized" in stored.get("govsoc.flags")


#: A numeric comparison in each store's own query language: source.bytes > 4000.
GREATER = {"sqlite": f"{field_expression('source.bytes')} > 4000", "elasticsearch": "source.bytes:>4000"}


def test_numbers_are_stored_as_numbers_and_misfits_set_aside(store: Store) -> None:
    # Seen: "abc" matched source.bytes|gt: 4000 on SQLite (text sorts after numbers) while
    # Elasticsearch refused the event, and --where source.bytes=1 missed "1".
    receipt = store.write([event(4, **{"source.bytes": "abc"}), event(5, **{"source.bytes": "1"}),
                           event(6, **{"source.bytes": 5000}), event(7, **{"source.port": "22"})])
    store.refresh()
    assert (receipt.created, receipt.rejected) == (4, ())
    assert {e.id for e in store.search(Query(native=GREATER[store.kind]))} == {make_id("write-path", 6)}
    for value in (1, "1"):
        assert {e.id for e in store.search(Query(terms={"source.bytes": (value,)}))} == {make_id("write-path", 5)}
    # the same values in both stores: these literals are what each store must give back
    assert one(store, 5).get("source.bytes") == 1
    assert one(store, 7).get("source.port") == 22
    misfit = one(store, 4)
    assert misfit.get("source.bytes") is None
    assert misfit.get("govsoc.malformed.source.bytes") == "abc"
    assert misfit.get("govsoc.flags") == ["type_error"] and misfit.get("tags") == ["_govsoc_type_error"]
    assert store.count(Query(terms={"govsoc.flags": ("type_error",)})) == 1


def test_every_write_stamps_event_ingested(store: Store) -> None:
    before = datetime.now(UTC)
    store.write([event(8, message="x"), event(9, message="y")])
    after = datetime.now(UTC)
    store.refresh()
    for n in (8, 9):
        stamp = one(store, n).get("event.ingested")
        assert len(stamp) == len("2026-03-04T12:00:00.000000Z")  # microseconds, UTC
        assert before <= parse_timestamp(stamp) <= after


def test_retention_drops_exactly_the_weeks_before_the_cutoffs_week(store: Store) -> None:
    monday = datetime(2026, 3, 2, tzinfo=UTC)
    events = [event(10, monday - timedelta(microseconds=1), dataset="a"),    # Sunday night: goes
              event(11, monday, dataset="b"),                                # Monday 00:00: stays
              event(12, monday - timedelta(days=8), dataset="c"),            # two weeks back: goes
              event(13, monday + timedelta(days=6, hours=23), dataset="a")]  # same week as cutoff
    store.write(events)
    store.refresh()
    cutoff = monday + timedelta(days=3, hours=5)
    assert store.delete_before(cutoff, dry_run=True) == 2
    assert store.delete_before(cutoff) == 2
    store.refresh()
    assert {e.id for e in store.search(Query())} == {make_id("write-path", 11), make_id("write-path", 13)}
    assert store.delete_before(cutoff) == 0


def test_a_long_chinese_message_is_accepted(store: Store) -> None:
    # Seen: message.lc had ignore_above 32766 characters; 12,000 CJK characters are 36,000
    # bytes, over Lucene's 32,766-byte term limit, and Elasticsearch refused the event.
    text = "登录失败" * 3000
    receipt = store.write([event(14, message=text, **{"user.name": "张" * 9000})])
    store.refresh()
    assert (receipt.created, receipt.rejected) == (1, ())
    assert one(store, 14).get("message") == text
