"""Two detection passes at once judging the same suppressed window again (govsoc.store.rejudge):
the older count never overwrites the newer one (R12e E4), on every store.

Nothing stops two passes at once (the daemon's detect job and a manual ``govsoc detect``). Both
read the window's rejudge entry; a pass judging a window again sets its count as counted, lower
or not (V13 V10). Pass A counted the window, then a match was ingested and pass B counted it
again and wrote; A's write of its older, lower count then took the window below the matches
the store holds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

import pytest

from govsoc.rules import detect
from govsoc.rules import suppress as suppress_module
from govsoc.rules.loader import RuleSet
from govsoc.store.base import Query, Store
from govsoc.store.elasticsearch import ElasticsearchStore
from govsoc.store.sqlite import SqliteStore
from tests.rules.test_incremental import ruleset
from tests.rules.test_withdrawn_windows import FAR, NEAR, SUPPRESSED, Logs, line


def twin(store: Store) -> Store:
    """A second store object on the same data, as a second govsoc process opens it."""
    if isinstance(store, SqliteStore):
        return SqliteStore(store.path)
    assert isinstance(store, ElasticsearchStore)
    return ElasticsearchStore(store.settings, client=store.client)


def test_an_older_count_does_not_overwrite_a_newer_one(tmp_path: Path, each_store: Store,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    rules: RuleSet = ruleset(tmp_path, SUPPRESSED, "s.yml")
    logs = Logs(tmp_path, each_store, FAR, (1, 2, 3))
    detect(each_store, rules)  # .7's hour: the copy (08:00) and 08:01-03, 4 matches
    logs.complete()  # the copy deleted, its line from .77: .7's window recorded to be judged again
    counted = suppress_module.Suppressor.alerts
    other = twin(each_store)
    inside: list[str] = []

    def alerts(self: suppress_module.Suppressor) -> Iterator[Any]:
        found = list(counted(self))  # pass A has counted .7's window: 3 (08:01-03)
        if not inside:
            inside.append("B")
            with logs.b.open("ab") as out:  # a match ingested, then pass B counts 4 and writes them
                out.write(line(4, NEAR))
            logs.pipeline.ingest_file(logs.b, logs.options)
            each_store.refresh()
            detect(other, rules)
            other.refresh()
        return iter(found)  # then A writes its count

    monkeypatch.setattr(suppress_module.Suppressor, "alerts", alerts)
    try:
        detect(each_store, rules)
    finally:
        if isinstance(other, SqliteStore):
            other.close()
    assert inside == ["B"]
    each_store.refresh()
    matches = Counter(e.get("source.ip") for e in each_store.search(Query()))
    windows = {a.group["source.ip"]: a.suppressed + 1 for a in each_store.alerts()}
    assert windows == dict(matches) == {NEAR: 4, FAR: 1}


#: How far pass A's host clock runs ahead of pass B's (R12f G1 saw 2 s do it; more than a loaded
#: machine's pass B takes, so that the old code's stamps are ordered by the skew alone).
SKEW = timedelta(minutes=2)


class _FastClock(datetime):
    """The clock of a host that runs :data:`SKEW` ahead."""

    @classmethod
    def now(cls, tz: tzinfo | None = None) -> datetime:  # type: ignore[override]
        return datetime.now(tz) + SKEW


def test_a_count_taken_first_on_a_fast_clock_does_not_overwrite_a_newer_one(
        tmp_path: Path, each_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    # R12f G1: b20b8a6 ordered the two counts by the time each pass's host stamped them. Pass A,
    # on a host whose clock runs ahead, counts 3 first; pass B, on a host with a true clock,
    # counts 4 later and writes. A's stamp was the later one, so A's older count of 3 was
    # set over B's 4 for 4 stored matches. The store's own count ticket orders them now.
    rules: RuleSet = ruleset(tmp_path, SUPPRESSED, "s.yml")
    logs = Logs(tmp_path, each_store, FAR, (1, 2, 3))
    detect(each_store, rules)
    logs.complete()
    counted = suppress_module.Suppressor.alerts
    other = twin(each_store)
    inside: list[str] = []

    def alerts(self: suppress_module.Suppressor) -> Iterator[Any]:
        found = list(counted(self))  # pass A, on the fast host, has counted .7's window: 3
        if not inside:
            inside.append("B")
            monkeypatch.setattr(suppress_module, "datetime", datetime)  # pass B's host: a true clock
            with logs.b.open("ab") as out:
                out.write(line(4, NEAR))
            logs.pipeline.ingest_file(logs.b, logs.options)
            each_store.refresh()
            detect(other, rules)
            other.refresh()
            monkeypatch.setattr(suppress_module, "datetime", _FastClock)
        return iter(found)

    monkeypatch.setattr(suppress_module.Suppressor, "alerts", alerts)
    monkeypatch.setattr(suppress_module, "datetime", _FastClock)
    try:
        detect(each_store, rules)
    finally:
        if isinstance(other, SqliteStore):
            other.close()
    assert inside == ["B"]
    each_store.refresh()
    matches = Counter(e.get("source.ip") for e in each_store.search(Query()))
    windows = {a.group["source.ip"]: a.suppressed + 1 for a in each_store.alerts()}
    assert windows == dict(matches) == {NEAR: 4, FAR: 1}
