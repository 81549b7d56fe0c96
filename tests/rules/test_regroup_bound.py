"""A correlation pass holds a bounded number of events at once, however many groups fall into
one chunk (govsoc.rules.regroup: a chunk whose read the store counts above READ_BOUND events is
judged in parts), and raises the alerts it raised reading them all at once."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

import govsoc.rules.regroup as regroup
from govsoc.core.event import Event, make_id
from govsoc.rules import detect, load_rules
from govsoc.rules.correlate import correlate
from govsoc.store.base import Query, Store

T0 = datetime(2026, 11, 27, tzinfo=UTC)
RULES = """
title: ssh failure
id: 8e1d0c2a-0000-4000-8000-000000000011
name: ssh_failure
logsource: {product: linux, service: sshd}
detection: {sel: {event.action: ssh_login, event.outcome: failure}, condition: sel}
level: low
---
title: failures from one source
id: 8e1d0c2a-0000-4000-8000-000000000012
correlation: {type: event_count, rules: [ssh_failure], group-by: [source.ip], timespan: 10m,
              condition: {gte: 6}, generate: true}
level: high
"""
# 25 groups of 100 events: one chunk of 2,500, more than SQLite reads for many queries at once
# (govsoc.store.sqlite_batch._TOGETHER, 2,000 events, below the pass's READ_BOUND of 10,000).
ADDRESSES, EVENTS, BOUND = 25, 2_500, 100


def failure(n: int) -> Event:
    # Every 6 s over four hours, each address every 150 s (at most 5 in a timespan: no burst);
    # addresses 10-24 have three of theirs moved together past the hour: one burst each.
    ip = f"203.0.113.{n % ADDRESSES}"
    at = T0 + timedelta(seconds=n * 6)
    if n % ADDRESSES >= 10 and 600 <= n < 675:
        at = T0 + timedelta(seconds=3600 + n % ADDRESSES + (n - 600) // ADDRESSES)
    return Event(id=make_id("bound", n), timestamp=at, dataset="linux.auth",
                 fields={"event.module": "linux", "process.name": "sshd", "event.action": "ssh_login",
                         "event.outcome": "failure", "source.ip": ip, "user.name": "root",
                         "message": f"Failed password for root from {ip}"})


def _by_address(sizes: dict[str, int], tag: str, *, apart: int) -> list[Event]:
    """``failure`` events from each address of ``sizes``, as many as it says, one a second, the
    addresses ``apart`` seconds after each other."""
    return [replace(failure(0), id=make_id(tag, ip, n), timestamp=T0 + timedelta(seconds=n + apart * rank),
                    fields={**failure(0).fields, "source.ip": ip})
            for rank, (ip, size) in enumerate(sizes.items()) for n in range(size)]


def _as_judged_at_once(store: Store, rules: Any, events: list[Event]) -> int:
    """That the store holds the first correlation's alerts as judging every group over all its
    events at once gives (the in-memory correlation: no store, no chunks); how many there are."""
    expected = {(a.id, a.event_ids) for a in correlate(rules.correlations[0], {str(rules.rules[0].id): events})}
    stored = {(a.id, a.event_ids) for a in store.alerts(rule_id=str(rules.correlations[0].id))}
    assert stored == expected
    return len(expected)


def test_a_one_chunk_correlation_holds_a_bounded_number_of_events(tmp_path: Path, store: Store,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    # Seen (R49a-8, F12d): a correlation by source.ip over 250 addresses is one chunk of groups,
    # and its one read held every event of a day (40,000 sshd failures: 109 MiB of events, 267 MB
    # peak RSS; 200,000: ~1 GB). Here a bound of 100 events over 1,200 in one chunk.
    (tmp_path / "rules.yml").write_text(RULES, encoding="utf-8")
    rules = load_rules([tmp_path / "rules.yml"])
    assert rules.errors == []
    events = [failure(n) for n in range(EVENTS)]
    store.write(events)
    store.refresh()
    monkeypatch.setattr(regroup, "READ_BOUND", BOUND)
    held: list[int] = []  # events each store read handed over (one rule: a read per chunk)
    search = store.search

    def counted(query: Query) -> Iterator[Event]:
        held.append(0)
        for event in search(query):
            held[-1] += 1
            yield event

    monkeypatch.setattr(store, "search", counted)
    events_at = getattr(store, "events_at", None)
    if events_at is not None:  # SQLite: the matches of many queries read at once by sequence number
        def counted_at(seqs: Any) -> Any:
            found = events_at(seqs)
            held.append(len(found))
            return found

        monkeypatch.setattr(store, "events_at", counted_at)
    detect(store, rules)
    assert max(held) <= BOUND + 1, held  # before: one read of all 2,500; a read stops past the bound
    # The same alerts as judging every group over all its events at once (the in-memory
    # correlation, no store and no chunks): 15 groups with a burst, none for the other 10.
    assert _as_judged_at_once(store, rules, events) == ADDRESSES - 10


def test_the_parts_of_a_chunk_are_read_in_one_scan_of_its_range(tmp_path: Path, store: Store,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    # Seen (F12d): the parts of a split chunk were each read alone, and SQLite walked the whole
    # time range for each (no index serves a part's addresses): 200,000 sshd failures of a day
    # in 42 parts cost the pass +34 % CPU. Here 25 parts of one group, read in one scan.
    if store.kind != "sqlite":
        pytest.skip("Elasticsearch serves a part's addresses from its terms index: no walk of the range")
    (tmp_path / "rules.yml").write_text(RULES, encoding="utf-8")
    rules = load_rules([tmp_path / "rules.yml"])
    events = [failure(n) for n in range(EVENTS)]
    store.write(events)
    store.refresh()
    monkeypatch.setattr(regroup, "READ_BOUND", BOUND)
    # Every statement over a range of the events' times (a page of a read, a count, a scan), on
    # the store's connection and on the one that reads ahead (govsoc.store.sqlite_ahead: the
    # first page of a query, or a combined scan, may run there; R52b-2: a spy on the store's
    # own connection alone saw 3 statements when each part was read alone, 27 in all).
    walks: list[str] = []

    def traced(sql: str) -> None:
        if re.search(r"FROM events WHERE ts >= -?\d+ AND ts < -?\d+ ", sql) and not sql.startswith("EXPLAIN"):
            walks.append(sql)

    store._db.set_trace_callback(traced)  # type: ignore[attr-defined]
    store.reading_ahead().set_trace_callback(traced)  # type: ignore[attr-defined]
    try:
        detect(store, rules)
    finally:
        store._db.set_trace_callback(None)  # type: ignore[attr-defined]
        store.reading_ahead().set_trace_callback(None)  # type: ignore[attr-defined]
    # One scan for all parts, sized from the pass's hits before anything is read; the first read
    # stopped past the bound, its count and the count of a first part besides (28753cda: 4, R52b-3);
    # each part read alone (F12d; sqlite_batch without _terms_inside, R52b-2 M6): 28.
    assert len(walks) == 1, [w[:100] for w in walks]
    assert _as_judged_at_once(store, rules, events) == ADDRESSES - 10


def test_a_chunk_past_the_bound_is_split_before_anything_is_read(tmp_path: Path, store: Store,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    # Seen (R52b-3): a chunk was read until its read passed the bound, that read thrown away, the
    # chunk counted, then its parts read: 40,000 sshd failures cost the pass 26-32 % more CPU.
    # The pass counted each group's hits: a chunk they put past the bound is split before it is
    # read, so every event is handed over once and nothing is counted.
    (tmp_path / "rules.yml").write_text(RULES, encoding="utf-8")
    rules = load_rules([tmp_path / "rules.yml"])
    events = [failure(n) for n in range(EVENTS)]
    store.write(events)
    store.refresh()
    monkeypatch.setattr(regroup, "READ_BOUND", 10 * BOUND)
    handed, counts = [0], [0]
    search, count = store.search, store.count

    def searched(query: Query) -> Iterator[Event]:
        for event in search(query):
            handed[0] += 1
            yield event

    def counted(query: Query) -> int:
        counts[0] += 1
        return count(query)

    monkeypatch.setattr(store, "search", searched)
    monkeypatch.setattr(store, "count", counted)
    parts: list[int] = []  # the groups of each part judged
    hits = regroup._hits

    def part_hits(*args: Any) -> Any:
        parts.append(len(args[3]))
        return hits(*args)

    monkeypatch.setattr(regroup, "_hits", part_hits)
    events_at = getattr(store, "events_at", None)
    if events_at is not None:  # SQLite: the parts' matches read by sequence number
        def handed_at(seqs: Any) -> Any:
            found = events_at(seqs)
            handed[0] += len(found)
            return found

        monkeypatch.setattr(store, "events_at", handed_at)
    detect(store, rules)
    # Before: the first read's 1,001 events thrown away, the chunk and a first part counted.
    assert (handed[0], counts[0]) == (EVENTS, 0)
    # 25 groups of 100 hits against a bound of 1,000: parts that fill half of it, 5 groups each
    # (R53a-3: a split to one group a part, each read alone, went unnoticed)
    assert parts == [5] * 5, parts
    assert _as_judged_at_once(store, rules, events) == ADDRESSES - 10


LIST_RULES = RULES.replace("group-by: [source.ip]", "group-by: [host.ip]")


@pytest.mark.parametrize("shared", [True, False])  # every list holds one address more; each its own
def test_a_chunk_of_list_valued_groups_is_split_without_reading_its_range_per_group(
        tmp_path: Path, store: Store, monkeypatch: pytest.MonkeyPatch, shared: bool) -> None:
    # Seen (R52b-1): groups by a field holding lists (host.ip, related.*: keys that are tuples) did
    # not narrow a part's read, so each part of a split chunk read the chunk's whole range, was
    # split again down to one group a part, and each of those read it all once more: 12,000 events
    # of 100 groups, 2,485 reads handing over 1,250,005 events, 42 s of CPU where one read took 1 s.
    # A list narrows by its elements; where an element is every group's (the shared address), a
    # split that does not shrink the read stops and the rest is read at once, as before parts.
    (tmp_path / "rules.yml").write_text(LIST_RULES, encoding="utf-8")
    rules = load_rules([tmp_path / "rules.yml"])
    assert rules.errors == []
    events = []
    for n in range(EVENTS):
        made = failure(n)
        ip = made.fields["source.ip"]
        made.fields["host.ip"] = [ip, "127.0.0.1" if shared else ip.replace("203.0.113.", "198.51.100.")]
        events.append(made)
    store.write(events)
    store.refresh()
    monkeypatch.setattr(regroup, "READ_BOUND", BOUND)
    handed = [0]
    search = store.search

    def counted(query: Query) -> Iterator[Event]:
        for event in search(query):
            handed[0] += 1
            yield event

    monkeypatch.setattr(store, "search", counted)
    events_at = getattr(store, "events_at", None)
    if events_at is not None:
        def counted_at(seqs: Any) -> Any:
            found = events_at(seqs)
            handed[0] += len(found)
            return found

        monkeypatch.setattr(store, "events_at", counted_at)
    detect(store, rules)
    assert handed[0] <= 4 * EVENTS, handed  # before: every part read all 2,500 again (tens of thousands)
    assert _as_judged_at_once(store, rules, events) == ADDRESSES - 10


TWO_RULES = RULES + """---
title: many failures from one source
id: 8e1d0c2a-0000-4000-8000-000000000013
correlation: {type: event_count, rules: [ssh_failure], group-by: [source.ip], timespan: 10m,
              condition: {gte: 100}, generate: true}
level: high
"""


def test_a_group_alone_past_the_bound_is_read_whole_and_said_once_a_pass_and_rule(
        tmp_path: Path, store: Store, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    # R52b-4: one group is never cut (its window is judged whole), so its read holds all its
    # events, past READ_BOUND; nothing said so. Here two addresses of 150 and 170 events and
    # eight of 10 under a bound of 100: each correlation says it once, at the end of its pass, with
    # how many groups and the largest (R53a-2: the first was named, 150, not the largest, 170).
    (tmp_path / "rules.yml").write_text(TWO_RULES, encoding="utf-8")
    rules = load_rules([tmp_path / "rules.yml"])
    assert rules.errors == []
    sizes = {"198.51.100.1": 150, "198.51.100.2": 170, **{f"192.0.2.{n}": 10 for n in range(8)}}
    events = _by_address(sizes, "alone", apart=1000)
    store.write(events)
    store.refresh()
    monkeypatch.setattr(regroup, "READ_BOUND", BOUND)
    with caplog.at_level(logging.WARNING, logger="govsoc.rules.regroup"):
        detect(store, rules)
    said = [r.getMessage() for r in caplog.records if r.name == "govsoc.rules.regroup"]
    assert len(said) == 2, said  # before: nothing
    for title, message in zip(["failures from one source", "many failures from one source"], sorted(said),
                              strict=True):
        assert message.startswith(f"correlation '{title}'") and ": 2 group(s) read whole" in message, message
        assert message.endswith("the largest, source.ip=198.51.100.2, held 170"), message
    assert {str(c.id) for c in rules.correlations} <= {a.rule_id for a in store.alerts()}  # both judged them


def test_one_large_group_first_does_not_let_the_rest_of_its_chunk_be_read_at_once(
        tmp_path: Path, store: Store, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    # R53a-1: a group far past the bound first in its chunk (a gateway busy since midnight) made
    # the first half of a split read most of the chunk, taken for "fewer groups do not read
    # less" (R52b-1's shared value): the rest of the chunk, 255 groups, was read at once with
    # it (162,000 events in one read). Here 300 events of one address, then 30 of 10 each.
    (tmp_path / "rules.yml").write_text(RULES, encoding="utf-8")
    rules = load_rules([tmp_path / "rules.yml"])
    sizes = {"198.51.100.1": 300, **{f"192.0.2.{n}": 10 for n in range(30)}}
    events = _by_address(sizes, "first", apart=400)
    store.write(events)
    store.refresh()
    monkeypatch.setattr(regroup, "READ_BOUND", BOUND)
    parts: list[tuple[int, int]] = []  # (groups, matches handed over) of each part judged
    hits = regroup._hits

    def part_hits(*args: Any) -> Any:
        found = hits(*args)
        parts.append((len(args[3]), -1 if found is None else sum(map(len, found.values()))))
        return found

    monkeypatch.setattr(regroup, "_hits", part_hits)
    with caplog.at_level(logging.WARNING, logger="govsoc.rules.regroup"):
        detect(store, rules)
    read = [(groups, held) for groups, held in parts if held >= 0]
    assert (1, 300) in read, parts  # the large group alone, read whole (and said)
    assert sum(groups for groups, _ in read) == len(sizes), parts  # every group judged once
    assert all(held <= BOUND for groups, held in read if groups > 1), parts  # before: 31 groups, 600
    said = [r.getMessage() for r in caplog.records if r.name == "govsoc.rules.regroup"]
    assert len(said) == 1 and said[0].endswith("source.ip=198.51.100.1, held 300"), said
    assert _as_judged_at_once(store, rules, events)
