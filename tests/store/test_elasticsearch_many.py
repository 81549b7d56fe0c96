"""Many searches of the Elasticsearch store in few requests (store/elasticsearch_many.py): the
first chunk's ``_msearch`` is sent when the queries are handed over; while a pass reads one
chunk of rules' first pages, the next chunk's is already with the node, on a thread of its own;
a chunk fetched ahead that fails as a whole fails only the query that asked for it, and its
other queries are asked for again."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from govsoc.core.errors import StoreError
from govsoc.core.event import Event, make_id
from govsoc.store.base import Query, Store
from govsoc.store.elasticsearch_many import CHUNK

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
USERS = 3 * CHUNK  # three chunks of one query each per user


def logins() -> list[Event]:
    return [Event(id=make_id("many", n), timestamp=T0 + timedelta(seconds=n), dataset="linux.auth",
                  fields={"user.name": f"u{n % USERS}", "message": f"login {n}"}) for n in range(2 * USERS)]


def recorded(store: Store, monkeypatch: pytest.MonkeyPatch,
             fail: int | None = None) -> list[tuple[str, int]]:
    """Each _msearch request the store sends, as (thread name, searches); request ``fail``
    (counting from 0) fails as a whole, as a node that drops the connection would."""
    calls: list[tuple[str, int]] = []
    send = store._msearch  # type: ignore[attr-defined]

    def counted(bodies: list[dict[str, Any]]) -> list[dict[str, Any]]:
        calls.append((threading.current_thread().name, len(bodies)))
        if len(calls) - 1 == fail:
            raise StoreError("search failed: the connection was reset")
        return list(send(bodies))

    monkeypatch.setattr(store, "_msearch", counted)
    return calls


def settled(calls: list[tuple[str, int]], count: int) -> None:
    """Wait (at most 10 s) until ``count`` requests were sent."""
    deadline = time.monotonic() + 10
    while len(calls) < count and time.monotonic() < deadline:
        time.sleep(0.01)


def test_the_next_chunk_is_asked_for_while_the_first_is_read(elastic_store: Store,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    elastic_store.write(logins())
    elastic_store.refresh()
    calls = recorded(elastic_store, monkeypatch)
    queries = [Query(terms={"user.name": (f"u{n}",)}) for n in range(USERS)]
    answers = elastic_store.search_many(queries)
    first = [e.id for e in answers[0]]  # the first chunk's request was sent by search_many
    settled(calls, 2)
    assert calls == [("govsoc-msearch-ahead", CHUNK), ("govsoc-msearch-ahead", CHUNK)]
    # Every query still gets exactly what search() gives, in its order.
    assert first == [e.id for e in elastic_store.search(queries[0])] and len(first) == 2
    for n in range(1, USERS):
        assert [e.id for e in answers[n]] == [e.id for e in elastic_store.search(queries[n])]
    assert [size for _, size in calls] == [CHUNK, CHUNK, CHUNK]  # no chunk asked for twice


def test_the_first_chunk_is_asked_for_when_the_queries_are_handed_over(
        elastic_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """A detection pass converts its next batch of rules between handing over this batch's
    queries and reading their hits: the node searches meanwhile (before, every rule of a pass
    was converted before the first request, the node idle all that time)."""
    elastic_store.write(logins())
    elastic_store.refresh()
    calls = recorded(elastic_store, monkeypatch)
    queries = [Query(terms={"user.name": (f"u{n}",)}) for n in range(USERS)]
    answers = elastic_store.search_many(queries)
    settled(calls, 1)  # nothing read yet
    assert calls == [("govsoc-msearch-ahead", CHUNK)]
    first = [e.id for e in answers[0]]
    assert first == [e.id for e in elastic_store.search(queries[0])] and len(first) == 2
    assert calls[0] == ("govsoc-msearch-ahead", CHUNK)  # read from that request, not asked again


def test_a_chunk_fetched_ahead_that_failed_fails_one_query_and_is_asked_again(
        elastic_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    elastic_store.write(logins())
    elastic_store.refresh()
    calls = recorded(elastic_store, monkeypatch, fail=1)  # the second chunk's request, sent ahead
    queries = [Query(terms={"user.name": (f"u{n}",)}) for n in range(USERS)]
    answers = elastic_store.search_many(queries)
    for n in range(CHUNK):
        assert len(list(answers[n])) == 2
    with pytest.raises(StoreError, match="connection was reset"):
        list(answers[CHUNK])
    # The failed chunk's other queries are asked for again, and answer in full.
    for n in range(CHUNK + 1, USERS):
        assert [e.id for e in answers[n]] == [e.id for e in elastic_store.search(queries[n])], n
    assert [size for _, size in calls] == [CHUNK, CHUNK, CHUNK, CHUNK - 1]  # then 21-40, then 41-59
