"""The windows of alerts that a deleted partial copy counted are judged again by the next pass,
whatever the completed line is (govsoc.store.rejudge; R12d N4-N7), on every store.

The README's "Unterminated last line": a one-shot ingest stores a line cut short as a partial
copy, detection judges it, and when the line is completed the copy is deleted and its alerts
withdrawn. The completed line may fall in another group than the copy (the cut fell inside the
address: the copy says 198.51.100.7, the line 198.51.100.77), so no new event reaches the window
the copy was counted in: the incremental pass must still judge it again.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from govsoc.collectors import IngestOptions, Pipeline
from govsoc.core.alert import Note, TriageChange
from govsoc.rules import detect
from govsoc.rules.loader import RuleSet
from govsoc.rules.state import load_state, state_key
from govsoc.store.base import Query, Store
from tests.rules.test_incremental import BURST_ID, RULES, T0, bursts, ruleset

NEAR, FAR = "198.51.100.7", "198.51.100.77"
SUPPRESSED = """
title: ssh failure suppressed
id: 7d3c0b1e-0000-4000-8000-0000000000aa
logsource: {product: linux, service: sshd}
detection: {sel: {event.action: ssh_login, event.outcome: failure}, condition: sel}
level: low
govsoc.suppress: {by: [source.ip], window: 1h}
"""


@pytest.fixture
def rules(tmp_path: Path) -> RuleSet:
    """test_incremental's rules: ssh failures, and a burst of 3 from one source within 5 minutes."""
    return ruleset(tmp_path, RULES)


def line(minute: int, ip: str) -> bytes:
    return (f"Mar  2 08:0{minute}:00 web1 sshd[10{minute}]: Failed password for root from {ip} "
            f"port 500{minute} ssh2\n").encode()


class Logs:
    """a.log's only line (08:00, or ``copy_minute``) stored as a partial copy cut right after "198.51.100.7", and
    b.log's failures from .7 at the given minutes; :meth:`complete` writes the rest of a.log's
    line (from ``completed_ip``) and ingests it, the copy deleted."""

    def __init__(self, tmp_path: Path, store: Store, completed_ip: str, minutes: tuple[int, ...], *,
                 copy_minute: int = 0) -> None:
        self.store, self.a, self.b = store, tmp_path / "a.log", tmp_path / "b.log"
        self.pipeline = Pipeline(store, data_dir=tmp_path / "state")
        self.options = IngestOptions(year=2026, timezone="UTC")
        self.first = line(copy_minute, completed_ip)
        self.cut = self.first.index(NEAR.encode()) + len(NEAR)
        self.a.write_bytes(self.first[:self.cut])
        self.b.write_bytes(b"".join(line(n, NEAR) for n in minutes))
        assert self.pipeline.ingest_file(self.a, self.options).partial == 1
        self.pipeline.ingest_file(self.b, self.options)
        store.refresh()

    def complete(self) -> None:
        with self.a.open("ab") as out:
            out.write(self.first[self.cut:])
        assert self.pipeline.ingest_file(self.a, self.options).replaced_partial == 1
        self.store.refresh()


def test_an_untouched_burst_dropped_with_its_copy_is_judged_again(tmp_path: Path, each_store: Store,
                                                                  rules: RuleSet) -> None:
    # N7: the burst of 4 (copy at 08:00, 08:01-08:03) is dropped with the copy; the completed line
    # is from .77. Three real failures from .7 within 5 minutes still meet gte 3: SQLite, reading
    # only what came after its checkpoint, never judged .7 again and lost the burst.
    logs = Logs(tmp_path, each_store, FAR, (1, 2, 3))
    detect(each_store, rules)
    assert [count for *_, count in bursts(each_store)] == [4]
    logs.complete()
    detect(each_store, rules)
    assert [(start, count) for _, start, _, count in bursts(each_store)] == [(T0 + timedelta(minutes=1), 3)]
    detect(each_store, rules)  # nothing new: the burst stays, once
    assert [count for *_, count in bursts(each_store)] == [3]


def test_a_triaged_burst_trimmed_below_its_condition_is_closed(tmp_path: Path, each_store: Store,
                                                               rules: RuleSet) -> None:
    # N4: the burst of 3 (copy at 08:00, 08:01, 08:02) is acknowledged; the completed line is
    # from .77, so .7 has two failures, below gte 3. The burst stayed acknowledged with 2 events.
    logs = Logs(tmp_path, each_store, FAR, (1, 2))
    detect(each_store, rules)
    ((burst_id, _, _, count),) = bursts(each_store)
    assert count == 3
    each_store.update_alert(burst_id, TriageChange(status="acknowledged",
                                                   note=Note(author="analyst", time=T0, text="seen")))
    logs.complete()
    detect(each_store, rules)
    (burst,) = each_store.alerts(rule_id=BURST_ID)
    assert (burst.id, burst.status, burst.event_count) == (burst_id, "closed", 2)
    assert burst.notes[0].text == "seen"
    assert burst.notes[-1].author == "govsoc" and "no longer meets" in burst.notes[-1].text


@pytest.mark.parametrize("completed_ip", [FAR, NEAR])  # another group, or the same
def test_a_trimmed_burst_starts_at_its_first_stored_event(tmp_path: Path, each_store: Store, rules: RuleSet,
                                                          completed_ip: str) -> None:
    # N5: the copy (08:00) was the burst's first event; once it is deleted, the acknowledged
    # burst kept 08:00 as its start, also after b.log's 08:04 joined it: a time no event it holds has.
    logs = Logs(tmp_path, each_store, completed_ip, (1, 2, 3))
    detect(each_store, rules)
    ((burst_id, _, _, count),) = bursts(each_store)
    assert count == 4
    each_store.update_alert(burst_id, TriageChange(status="acknowledged",
                                                   note=Note(author="analyst", time=T0, text="seen")))
    logs.complete()
    detect(each_store, rules)
    with logs.b.open("ab") as out:
        out.write(line(4, NEAR))
    logs.pipeline.ingest_file(logs.b, logs.options)
    each_store.refresh()
    detect(each_store, rules)
    events = {e.id: e.timestamp for e in each_store.search(Query())}
    (burst,) = [a for a in each_store.alerts(rule_id=BURST_ID) if a.status not in ("closed", "false_positive")]
    assert burst.id == burst_id and set(burst.event_ids) <= set(events)
    assert (burst.start, burst.end) == (min(events[i] for i in burst.event_ids), T0 + timedelta(minutes=4))
    assert burst.event_count == (4 if completed_ip == FAR else 5)


@pytest.fixture
def suppressed(tmp_path: Path) -> RuleSet:
    return ruleset(tmp_path, SUPPRESSED, "s.yml")


@pytest.mark.parametrize("completed_ip", [NEAR, FAR])
@pytest.mark.parametrize("triaged", [None, "acknowledged"])
def test_a_suppressed_window_whose_first_match_was_a_copy_is_counted_again(
        tmp_path: Path, each_store: Store, suppressed: RuleSet, triaged: str | None, completed_ip: str) -> None:
    # N6: a suppressed alert stands for every match of its source in its hour; its first match
    # was the copy. Acknowledged, it was closed as if it were that one match ("withdrawn"), and
    # stayed closed while its window counted real failures; untouched, it was dropped and, when
    # the completed line went to another group (.77), never raised again for .7's failures.
    logs = Logs(tmp_path, each_store, completed_ip, (1, 2, 3))
    detect(each_store, suppressed)
    (alert,) = each_store.alerts()
    assert alert.suppressed == 3
    if triaged:
        each_store.update_alert(alert.id, TriageChange(status=triaged,
                                                       note=Note(author="analyst", time=T0, text="on it")))
    logs.complete()
    detect(each_store, suppressed)
    detect(each_store, suppressed)
    windows = {a.group["source.ip"]: a for a in each_store.alerts()}
    near = windows[NEAR]
    assert near.id == alert.id and near.status == (triaged or "open")
    # the hour of .7 holds 4 failures (copy completed as .7) or 3 (as .77), counted from the store
    assert (near.start, near.suppressed) == ((T0, 3) if completed_ip == NEAR else (T0 + timedelta(minutes=1), 2))
    assert sorted(windows) == sorted({NEAR, completed_ip})


@pytest.mark.parametrize("triaged", [None, "acknowledged"])
def test_a_suppressed_window_whose_later_match_was_a_copy_is_counted_again(
        tmp_path: Path, each_store: Store, suppressed: RuleSet, triaged: str | None) -> None:
    # The copy (08:05) is not the window's first match (08:01): the alert kept only the first
    # match's id, so the delete found no alert, recorded no window, and .7's hour kept counting
    # the copy for good (4 for 3 failures), as the completed line (.77) touched only its own hour.
    logs = Logs(tmp_path, each_store, FAR, (1, 2, 3), copy_minute=5)
    detect(each_store, suppressed)
    (alert,) = each_store.alerts()
    assert (alert.start, alert.suppressed) == (T0 + timedelta(minutes=1), 3)
    if triaged:
        each_store.update_alert(alert.id, TriageChange(status=triaged,
                                                       note=Note(author="analyst", time=T0, text="on it")))
    logs.complete()
    detect(each_store, suppressed)
    windows = {a.group["source.ip"]: a for a in each_store.alerts()}
    assert {ip: a.suppressed + 1 for ip, a in windows.items()} == {NEAR: 3, FAR: 1}
    near = windows[NEAR]
    assert (near.id, near.status, near.end) == (alert.id, triaged or "open", T0 + timedelta(minutes=3))


@pytest.mark.parametrize("triaged", [None, "acknowledged"])
def test_a_window_stored_without_its_newest_matches_is_counted_again_after_an_upgrade(
        tmp_path: Path, each_store: Store, suppressed: RuleSet, triaged: str | None) -> None:
    # R12f G3: a window an older govsoc stored (before 563b0cd) keeps no alert.matched, so the
    # delete of a copy that was not its first match found no alert after an upgrade too, and the
    # window kept counting the copy (4 for 3). The upgraded govsoc's first pass judges such
    # windows again, once, and stores their newest matches.
    logs = Logs(tmp_path, each_store, FAR, (1, 2, 3), copy_minute=5)
    detect(each_store, suppressed)
    (alert,) = each_store.alerts()
    # The window as the older govsoc stored it: its alert without alert.matched (nor a count
    # ticket), its rule's state without windows_matched.
    each_store.delete_alerts([alert.id])
    each_store.write_alerts([replace(alert, matched=(), counted=None)])
    (rule,) = suppressed.rules
    state = load_state(each_store, str(rule.id)).to_document()
    state.pop("windows_matched", None)
    each_store.put_state(state_key(str(rule.id)), state)
    each_store.refresh()
    assert [a.matched for a in each_store.alerts()] == [()]
    if triaged:
        each_store.update_alert(alert.id, TriageChange(status=triaged,
                                                       note=Note(author="analyst", time=T0, text="on it")))
    said = detect(each_store, suppressed).notices  # the upgraded govsoc's first pass: nothing new
    again = detect(each_store, suppressed).notices
    logs.complete()
    detect(each_store, suppressed)
    windows = {a.group["source.ip"]: a for a in each_store.alerts()}
    assert {ip: a.suppressed + 1 for ip, a in windows.items()} == {NEAR: 3, FAR: 1}
    near = windows[NEAR]
    assert (near.id, near.status, near.end) == (alert.id, triaged or "open", T0 + timedelta(minutes=3))
    assert said == ["ssh failure suppressed: 1 suppressed window stored by an older govsoc judged again, once, "
                    "to keep their newest matches (alert.matched)"]
    assert again == []  # once
