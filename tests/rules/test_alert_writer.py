"""Alert writes beside the searches (govsoc.rules.alert_writer): Elasticsearch passes write their
match alerts on a thread of their own, SQLite passes on their own thread, and a batch the store
refuses fails exactly the rules whose alerts it held, on both stores alike: their checkpoints stay,
so the next pass reads their events again, while the other rules succeed."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from govsoc.core.alert import Alert, AlertReceipt
from govsoc.core.errors import StoreError
from govsoc.core.event import Event, make_id
from govsoc.rules import detect, load_rules
from govsoc.rules.alert_writer import AlertWriter
from govsoc.rules.state import load_state
from govsoc.store.base import Store

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
FAILURES = "5a1e0000-0000-4000-8000-000000000001"
SUCCESSES = "5a1e0000-0000-4000-8000-000000000002"
RULES = f"""
title: ssh failure
id: {FAILURES}
logsource: {{product: linux, service: sshd}}
detection: {{sel: {{event.action: ssh_login, event.outcome: failure}}, condition: sel}}
level: low
---
title: ssh success
id: {SUCCESSES}
logsource: {{product: linux, service: sshd}}
detection: {{sel: {{event.action: ssh_login, event.outcome: success}}, condition: sel}}
level: low
"""


def login(minute: int, outcome: str) -> Event:
    return Event(id=make_id("writer", minute, outcome), timestamp=T0 + timedelta(minutes=minute), dataset="linux.auth",
                 fields={"event.module": "linux", "process.name": "sshd", "event.action": "ssh_login",
                         "event.outcome": outcome, "source.ip": "198.51.100.9",
                         "message": f"{outcome} password for root from 198.51.100.9"})


def alert(n: int) -> Alert:
    return Alert(id=f"a{n}", rule_id="r", rule_title="r", level="low", kind="match", start=T0, end=T0,
                 event_ids=(f"e{n}",))


def test_the_writer_hands_back_every_batch_in_order_with_its_refusal() -> None:
    calls: list[list[str]] = []

    def write(alerts: list[Alert]) -> AlertReceipt:
        calls.append([a.id for a in alerts])
        if alerts[0].id == "a2":
            raise StoreError("refused")
        return AlertReceipt(created=len(alerts))

    writer = AlertWriter[int](write)
    for n in range(4):
        writer.submit([alert(n)], n)
    writer.submit([], 4)  # no alerts: nothing is written, the tag still comes back in turn
    outcomes = writer.done() + writer.finish()
    assert [o.tag for o in outcomes] == [0, 1, 2, 3, 4]
    assert sorted(calls) == [["a0"], ["a1"], ["a2"], ["a3"]]  # two at a time: in either order
    assert [o.receipt.created if o.receipt else None for o in outcomes] == [1, 1, None, 1, 0]
    assert isinstance(outcomes[2].error, StoreError)


def test_two_batches_are_written_at_once_and_come_back_in_the_order_handed_over() -> None:
    """The first batch's request waits until the second one's was answered (one request at a
    time would wait in vain): both are written, and the first still comes back first."""
    second_written = threading.Event()

    def write(alerts: list[Alert]) -> AlertReceipt:
        if alerts[0].id == "a0":
            if not second_written.wait(10):
                raise StoreError("the second batch was not written beside the first")
            time.sleep(0.05)  # the second batch's outcome is handed back first
        else:
            second_written.set()
        return AlertReceipt(created=len(alerts))

    writer = AlertWriter[int](write)
    writer.submit([alert(0)], 0)
    writer.submit([alert(1)], 1)
    outcomes = writer.finish()
    assert [(o.tag, o.error) for o in outcomes] == [(0, None), (1, None)]


def test_a_refused_batch_fails_the_rules_whose_alerts_it_held(store: Store, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "rules.yml").write_text(RULES, encoding="utf-8")
    rules = load_rules([tmp_path / "rules.yml"])
    store.write([login(m, "failure") for m in range(3)] + [login(10 + m, "success") for m in range(2)])
    store.refresh()
    # Batches of two alerts: the failure rule's first two alerts are the first batch, which the
    # store refuses; its third goes with the successes' alerts in the next one.
    monkeypatch.setattr(store, "alert_batch", 2)
    write_alerts = store.write_alerts
    threads: set[str] = set()
    refused: list[list[str]] = []

    def refusing_first(alerts: list[Alert]) -> AlertReceipt:
        threads.add(threading.current_thread().name.rstrip("0123456789"))
        if not refused and any(a.start == T0 for a in alerts):  # the batch of the first event
            refused.append([a.rule_id for a in alerts])
            raise StoreError("the node refused the bulk request")
        return write_alerts(alerts)

    monkeypatch.setattr(store, "write_alerts", refusing_first)
    first = detect(store, rules)
    assert refused == [[FAILURES, FAILURES]]
    # Elasticsearch writes beside the searches, SQLite on the pass's own thread.
    assert threads == ({"govsoc-alert-writer-"} if store.kind == "elasticsearch" else {threading.current_thread().name})
    assert [f.message for f in first.failed] == ["ssh failure: the node refused the bulk request"]
    assert first.matches == {SUCCESSES: 2}
    failed, succeeded = load_state(store, FAILURES), load_state(store, SUCCESSES)
    assert failed.checkpoint is None and failed.error == "the node refused the bulk request"
    assert succeeded.checkpoint is not None and succeeded.error is None
    assert len(list(store.alerts(rule_id=SUCCESSES))) == 2
    # The next pass reads the failed rule's events again and stores all three of its alerts.
    second = detect(store, rules)
    assert second.failed == [] and second.matches[FAILURES] == 3
    assert len(list(store.alerts(rule_id=FAILURES))) == 3
    assert load_state(store, FAILURES).error is None


def test_a_pass_writes_its_alerts_in_the_batches_the_store_asks_for(store: Store, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    # SQLite asks for 5,000 alerts a call (one transaction each rewrites most of the id index's
    # pages), Elasticsearch for the engine's 1,000 (bulk requests beside the searches).
    assert store.alert_batch == (5000 if store.kind == "sqlite" else None)
    (tmp_path / "rules.yml").write_text(RULES, encoding="utf-8")
    store.write([login(m, "failure") for m in range(7)])
    store.refresh()
    monkeypatch.setattr(store, "alert_batch", 3)
    sizes: list[int] = []
    write_alerts = store.write_alerts

    def counted(alerts: list[Alert]) -> AlertReceipt:
        sizes.append(len(alerts))
        return write_alerts(alerts)

    monkeypatch.setattr(store, "write_alerts", counted)
    assert detect(store, load_rules([tmp_path / "rules.yml"])).matches[FAILURES] == 7
    assert sorted(sizes) == [1, 3, 3]  # Elasticsearch writes two at once, in either order


@pytest.mark.es
def test_a_pass_of_fewer_alerts_than_a_batch_writes_them_beside_its_searches(
        elastic9_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # P12e 3: an incremental pass (bench.detect: 467 alerts, the batch is 1,000) handed its alerts
    # to the writer only after its last search, so the node indexed them alone at the pass's end
    # (1.4-1.9 s of a 5 s pass at load 14). A writer with nothing to do takes them as rules finish.
    import govsoc.rules.engine as engine
    from govsoc.store.elasticsearch_many import CHUNK

    store = elastic9_store
    rules = 2 * CHUNK + 5  # three search batches
    (tmp_path / "rules.yml").write_text("\n---\n".join(
        f"title: account {n}\nid: 5a1e0000-0000-4000-8000-{n:012d}\nlogsource: {{product: linux, service: sshd}}\n"
        f"detection: {{sel: {{event.action: ssh_login, user.name: user{n}}}, condition: sel}}\nlevel: low"
        for n in range(rules)), encoding="utf-8")
    store.write(Event(id=make_id("beside", n), timestamp=T0 + timedelta(seconds=n), dataset="linux.auth",
                      fields={"event.module": "linux", "process.name": "sshd", "event.action": "ssh_login",
                              "event.outcome": "failure", "user.name": f"user{n}"}) for n in range(rules))
    store.refresh()
    calls: list[str] = []  # on the pass's own thread, in order: no race with the writer threads
    search_many = store.search_many

    def searched(queries: Any) -> Any:
        calls.append("search")
        return search_many(queries)

    class Recorded(AlertWriter[Any]):
        def submit(self, alerts: list[Alert], tag: Any) -> None:
            calls.append("alerts")
            super().submit(alerts, tag)

    monkeypatch.setattr(store, "search_many", searched)
    monkeypatch.setattr(engine, "AlertWriter", Recorded)
    summary = detect(store, load_rules([tmp_path / "rules.yml"]))
    assert summary.failed == [] and sum(summary.matches.values()) == rules
    assert len(list(store.alerts())) == rules
    assert calls.count("search") == 3, calls
    # before: ["search", "search", "search", "alerts"] (45 alerts, under the batch of 1,000)
    assert calls.index("alerts") < len(calls) - 1 - calls[::-1].index("search"), calls
