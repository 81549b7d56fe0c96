"""A partial copy deleted while a detection pass runs (V13 V10, V11): the pass read the copy,
the ingest completed its line (Store.delete: the copy gone, the alerts resting on it withdrawn,
their windows recorded to be judged again), then the pass wrote what it had found. What it
wrote may rest on the deleted copy; the alerts must end on stored events only, counted right.

The interleaving is injected at the exact point (the line is completed through the same store
between the pass's evaluation and its write), on every store; the real Pipeline, Store.delete
and engine do the rest. Truth comes from the log itself: the completed line at 08:00 is from
``completed_ip``, b.log holds failures from .7 at 08:01-08:04; a burst counts each line once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from govsoc.collectors.pipeline import IngestOptions
from govsoc.core.alert import Note, TriageChange
from govsoc.rules import detect
from govsoc.rules import engine as engine_module
from govsoc.rules import suppress as suppress_module
from govsoc.store import deleted
from govsoc.store.base import Query, Store
from tests.rules.test_incremental import BURST_ID, FAIL_ID, RULES, T0, ruleset
from tests.rules.test_withdrawn_windows import FAR, NEAR, SUPPRESSED, Logs, line

MULTI = RULES + """
---
title: port 5002 failure
id: 7d3c0b1e-0000-4000-8000-0000000000b2
name: port5002
logsource: {product: linux, service: sshd}
detection: {sel: {event.action: ssh_login, message|contains: 'port 5002'}, condition: sel}
level: low
---
title: users tried
id: 7d3c0b1e-0000-4000-8000-0000000000c1
correlation: {type: value_count, rules: [ssh_failure], group-by: [source.ip], timespan: 5m,
              condition: {field: user.name, gte: 1}}
level: high
---
title: failure then port 5002
id: 7d3c0b1e-0000-4000-8000-0000000000d1
correlation: {type: temporal, rules: [ssh_failure, port5002], group-by: [source.ip], timespan: 5m}
level: high
"""
#: The correlations of MULTI, in the order a pass runs them.
CORRELATIONS = (BURST_ID, "7d3c0b1e-0000-4000-8000-0000000000c1", "7d3c0b1e-0000-4000-8000-0000000000d1")


def _four_stored_then_a_fifth(logs: Logs, store: Store, rules: Any, triaged: str | None) -> None:
    """Pass 1 over the copy and 08:01-08:03 (a burst of 4 resting on the copy), triaged or not;
    then b.log's 08:04, so that the next pass judges the group again."""
    detect(store, rules)
    if triaged:
        for alert in store.alerts():
            if alert.kind == "correlation":
                store.update_alert(alert.id, TriageChange(status=triaged, note=Note(author="analyst", time=T0,
                                                                                      text="seen")))
    with logs.b.open("ab") as out:
        out.write(line(4, NEAR))
    logs.pipeline.ingest_file(logs.b, logs.options)
    store.refresh()


def _complete_after(monkeypatch: pytest.MonkeyPatch, logs: Logs, at: int) -> list[int]:
    """Complete a.log's line (the copy deleted) once the pass's ``at``-th correlation has been
    evaluated and before its alerts are written."""
    evaluated: list[int] = []
    original = engine_module.reevaluate

    def reevaluate(*args: Any, **kwargs: Any) -> Iterator[Any]:
        found = list(original(*args, **kwargs))
        evaluated.append(1)
        if len(evaluated) == at + 1:
            logs.complete()
        return iter(found)

    monkeypatch.setattr(engine_module, "reevaluate", reevaluate)
    return evaluated


def _live(store: Store, rule_id: str) -> list[tuple[str, Any, int, int]]:
    """The rule's live correlation alerts: (source.ip, start, events, events not stored)."""
    stored = {e.id for e in store.search(Query())}
    return sorted((a.group["source.ip"], a.start, a.event_count, len(set(a.event_ids) - stored))
                  for a in store.alerts(rule_id=rule_id) if a.status not in ("closed", "false_positive"))


@pytest.mark.parametrize("triaged", [None, "acknowledged"])
@pytest.mark.parametrize("completed_ip", [NEAR, FAR])  # the same group as the copy, or another
def test_a_burst_evaluated_before_a_delete_and_written_after_it_rests_on_stored_events(
        tmp_path: Path, each_store: Store, monkeypatch: pytest.MonkeyPatch, completed_ip: str,
        triaged: str | None) -> None:
    # V11: the pass's burst held the copy; it was written after the copy was deleted, kept the
    # copy's id for good (later passes joined the stored ids): 6 events for 5 lines (.7), 5
    # from 08:00 for 4 lines (.77), one id of a deleted event.
    rules = ruleset(tmp_path, RULES)
    logs = Logs(tmp_path, each_store, completed_ip, (1, 2, 3))
    _four_stored_then_a_fifth(logs, each_store, rules, triaged)
    evaluated = _complete_after(monkeypatch, logs, 0)
    detect(each_store, rules)
    assert evaluated  # the delete fell inside the pass
    monkeypatch.undo()
    detect(each_store, rules)
    detect(each_store, rules)
    truth = (NEAR, T0, 5) if completed_ip == NEAR else (NEAR, T0 + timedelta(minutes=1), 4)
    assert _live(each_store, BURST_ID) == [(*truth, 0)]


@pytest.mark.parametrize("at", range(len(CORRELATIONS)), ids=["event_count", "value_count", "temporal"])
@pytest.mark.parametrize("completed_ip", [NEAR, FAR])
def test_every_kind_of_correlation_written_after_a_delete_rests_on_stored_events(
        tmp_path: Path, store: Store, monkeypatch: pytest.MonkeyPatch, completed_ip: str, at: int) -> None:
    # V11 (test_multi_delete_between_count_and_write): the delete falls inside the evaluate-to-write
    # span of the at-th correlation; each correlation counts the five (.7) or four (.77) lines of
    # .7, none of them twice, no deleted one (the temporal one counted 6 with the copy's id).
    rules = ruleset(tmp_path, MULTI)
    logs = Logs(tmp_path, store, completed_ip, (1, 2, 3))
    _four_stored_then_a_fifth(logs, store, rules, None)
    _complete_after(monkeypatch, logs, at)
    detect(store, rules)
    monkeypatch.undo()
    detect(store, rules)
    detect(store, rules)
    truth = (NEAR, T0, 5, 0) if completed_ip == NEAR else (NEAR, T0 + timedelta(minutes=1), 4, 0)
    expected = {rule_id: [truth] for rule_id in CORRELATIONS}
    if completed_ip == FAR:  # one user from .77 meets "gte 1 user" alone
        expected[CORRELATIONS[1]].append((FAR, T0, 1, 0))
    assert {rule_id: _live(store, rule_id) for rule_id in CORRELATIONS} == expected


@pytest.mark.parametrize("triaged", [None, "acknowledged"])
@pytest.mark.parametrize("completed_ip", [NEAR, FAR])
def test_a_suppressed_window_counted_before_a_delete_and_written_after_it_is_counted_again(
        tmp_path: Path, each_store: Store, monkeypatch: pytest.MonkeyPatch, completed_ip: str,
        triaged: str | None) -> None:
    # V10: the pass counted .7's window with the copy (5 matches: suppressed 4), the copy was
    # deleted (the stored alert uncounted or dropped, the window recorded), then the pass wrote 4.
    # The next passes counted 4 matches (.77) but the upsert never lowers `suppressed`: 4 for good.
    rules = ruleset(tmp_path, SUPPRESSED)
    logs = Logs(tmp_path, each_store, completed_ip, (1, 2, 3))
    detect(each_store, rules)
    (alert,) = each_store.alerts()
    if triaged:
        each_store.update_alert(alert.id, TriageChange(status=triaged, note=Note(author="analyst", time=T0,
                                                                                  text="seen")))
    with logs.b.open("ab") as out:
        out.write(line(4, NEAR))
    logs.pipeline.ingest_file(logs.b, logs.options)
    each_store.refresh()
    original = suppress_module.Suppressor.alerts
    counted: list[int] = []

    def alerts(self: suppress_module.Suppressor) -> Iterator[Any]:
        found = list(original(self))
        if not counted:
            counted.append(len(found))
            logs.complete()
        return iter(found)

    monkeypatch.setattr(suppress_module.Suppressor, "alerts", alerts)
    detect(each_store, rules)
    assert counted  # the delete fell inside the pass
    monkeypatch.undo()
    detect(each_store, rules)
    detect(each_store, rules)
    events = list(each_store.search(Query()))
    matches = Counter(e.get("source.ip") for e in events)
    stored = {e.id for e in events}
    windows = {a.group["source.ip"]: (a.suppressed + 1, a.event_ids[0] in stored) for a in each_store.alerts()}
    assert windows == {ip: (count, True) for ip, count in matches.items()}


def _retention_at_the_first_write(monkeypatch: pytest.MonkeyPatch, logs: Logs, store: Store,
                                  complete: bool) -> list[int]:
    """At the pass's first alert write: retention drops everything before 2026 and, with
    ``complete``, a.log's line is completed (its copy deleted) in the same moment."""
    done: list[int] = []
    original = engine_module.DetectionPass._flush

    def flush(self: Any) -> None:
        if not done and self.buffered:
            done.append(store.delete_before(datetime(2026, 1, 1, tzinfo=UTC)))
            if complete:
                logs.complete()
        original(self)

    monkeypatch.setattr(engine_module.DetectionPass, "_flush", flush)
    return done


@pytest.mark.parametrize("complete", [True, False], ids=["retention-and-a-delete", "retention-alone"])
def test_alerts_on_events_retention_dropped_during_a_pass_stay(
        tmp_path: Path, each_store: Store, monkeypatch: pytest.MonkeyPatch, complete: bool) -> None:
    """R12e E3: a pass reads last year's failures (a backfill) and a partial copy; before it
    writes, retention drops last year and the copy's line is completed. Alerts outlive their
    events under retention (Store.delete_before keeps them, with their evidence): the three old
    match alerts stay, whether or not a delete of a partial copy came in the same pass. Before,
    the delete's mark made every id not stored count as a deleted partial copy: 0 of 3 left."""
    store = each_store
    rules = ruleset(tmp_path, RULES)
    logs = Logs(tmp_path, store, NEAR, (1, 2, 3))
    old = tmp_path / "old.log"
    old.write_bytes(b"".join(line(n, "203.0.113.5") for n in (5, 6, 7)))
    logs.pipeline.ingest_file(old, IngestOptions(year=2025, timezone="UTC"))
    store.refresh()
    done = _retention_at_the_first_write(monkeypatch, logs, store, complete)
    detect(store, rules)
    monkeypatch.undo()
    assert done == [3]
    old_alerts = [a for a in store.alerts(rule_id=FAIL_ID) if a.start.year == 2025]
    assert len(old_alerts) == 3
    assert {a.status for a in old_alerts} == {"open"}


def test_a_damaged_record_of_deleted_ids_is_said_and_the_copy_withdrawn(
        tmp_path: Path, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """The record of deleted ids is a state document any writer of the store can change: one
    that is not JSON is said once by the pass, which then counts every event not stored as
    deleted (the side that never keeps an alert on a partial copy), and is started again by the
    next delete."""
    rules = ruleset(tmp_path, RULES)
    logs = Logs(tmp_path, store, NEAR, (1, 2, 3))
    original = engine_module.DetectionPass._flush
    done: list[int] = []

    def flush(self: Any) -> None:
        if not done and self.buffered:
            done.append(1)
            logs.complete()
            store.put_state(deleted.KEY, {"ids": "not a list"})
        original(self)

    monkeypatch.setattr(engine_module.DetectionPass, "_flush", flush)
    summary = detect(store, rules)
    monkeypatch.undo()
    said = [n for n in summary.notices if deleted.KEY in n]
    assert len(said) == 1 and "not a list of event ids" in said[0]
    stored = {e.id for e in store.search(Query())}
    assert all(set(a.event_ids) <= stored for a in store.alerts(rule_id=FAIL_ID))
    deleted.record(store, ["x"])
    assert store.get_state(deleted.KEY) == {"ids": ["x"]}
