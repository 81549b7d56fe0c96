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
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from govsoc.core.alert import Note, TriageChange
from govsoc.rules import detect
from govsoc.rules import engine as engine_module
from govsoc.rules import suppress as suppress_module
from govsoc.store.base import Query, Store
from tests.rules.test_incremental import BURST_ID, RULES, T0, ruleset
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
