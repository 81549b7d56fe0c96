"""Alert suppression by one to three fields within a window, on both stores: one alert per
(values, window), an exact count of what it suppressed however the matches were spread over
passes, triage kept (issue 12 "Alerts a SOC can work")."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sigma.rule import SigmaRule

from govsoc.core.alert import AlertReceipt, TriageChange
from govsoc.core.errors import RuleError
from govsoc.core.event import Event, make_id
from govsoc.rules.backends import backend_for
from govsoc.rules.suppress import ATTRIBUTE, Suppression, Suppressor, apply_configured, suppression_of
from govsoc.store.base import Query, Store

T0 = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
RULE = """\
title: SSH Login Failed
id: 6f7a1c3e-2b4d-4e8a-9c1f-0d5e7b9a3c21
name: failed_login
logsource: {product: linux, service: sshd}
detection:
  sel:
    event.action: ssh_login
    event.outcome: failure
  condition: sel
level: low
"""


def failure(n: int, at: datetime, ip: str | None, user: str = "root", outcome: str = "failure") -> Event:
    fields: dict[str, Any] = {"event.module": "linux", "process.name": "sshd", "event.action": "ssh_login",
                              "event.outcome": outcome, "user.name": user,
                              "event.original": f"sshd: Failed password for {user} from {ip} [{n}]"}
    if ip is not None:
        fields["source.ip"] = ip
    return Event(id=make_id("suppress-test", n), timestamp=at, dataset="linux.auth", fields=fields)


def rule(setting: dict[str, Any] | None = None) -> SigmaRule:
    loaded = SigmaRule.from_yaml(RULE)
    if setting is not None:
        loaded.custom_attributes = {ATTRIBUTE: setting}
    return loaded


EVENTS = [
    failure(1, T0 + timedelta(minutes=1), "10.0.0.1"),
    failure(2, T0 + timedelta(minutes=2), "10.0.0.2"),
    failure(3, T0 + timedelta(minutes=3), "10.0.0.1", user="admin"),
    failure(4, T0 + timedelta(minutes=4), "10.0.0.1", outcome="success"),  # no match: not counted
    failure(5, T0 + timedelta(minutes=40), "10.0.0.1"),
    failure(6, T0 + timedelta(minutes=59, seconds=59), "10.0.0.1"),   # last second of the window
    failure(7, T0 + timedelta(minutes=61), "10.0.0.1"),                # the next window
    failure(8, T0 + timedelta(minutes=5), None),                       # no source address
    failure(9, T0 + timedelta(minutes=6), None),
]


def run_pass(store: Store, sigma: SigmaRule, hits: list[Event]) -> AlertReceipt:
    """What the engine does for a suppressed rule: add the pass's hits, write the alerts."""
    suppression = suppression_of(sigma)
    assert suppression is not None
    suppressor = Suppressor(sigma, suppression, store, backend_for(store.kind).convert(sigma))
    for event in hits:
        suppressor.add(event)
    return store.write_alerts(list(suppressor.alerts()))


def test_suppression_counts_exactly_over_passes_and_keeps_triage(store: Store) -> None:
    store.write(EVENTS)
    store.refresh()
    sigma = rule({"by": ["source.ip"], "window": "1h"})
    matched = [e for e in EVENTS if e.fields["event.outcome"] == "failure"]
    first = run_pass(store, sigma, matched[:2])          # a pass that saw the first two matches
    assert first == AlertReceipt(created=2)
    by_ip = {a.group["source.ip"]: a for a in store.alerts()}
    assert by_ip["10.0.0.1"].suppressed == 3               # counted over the window, not the pass
    store.update_alert(by_ip["10.0.0.1"].id, TriageChange(status="acknowledged", assignee="analyst1"))
    second = run_pass(store, sigma, matched)                # the next pass: everything again
    assert second == AlertReceipt(created=2, unchanged=2)
    alerts = {(a.group["source.ip"], a.start.hour): a for a in store.alerts()}
    assert set(alerts) == {("10.0.0.1", 10), ("10.0.0.2", 10), ("10.0.0.1", 11), (None, 10)}
    main = alerts[("10.0.0.1", 10)]
    assert (main.event_ids, main.suppressed, main.start, main.end) == (
        (EVENTS[0].id,), 3, EVENTS[0].timestamp, EVENTS[5].timestamp)
    assert [e.event_id for e in main.evidence] == [EVENTS[0].id, EVENTS[2].id, EVENTS[4].id, EVENTS[5].id]
    assert main.evidence[1].original == "sshd: Failed password for admin from 10.0.0.1 [3]"
    assert (main.status, main.assignee) == ("acknowledged", "analyst1")
    assert alerts[("10.0.0.2", 10)].suppressed == 0
    assert alerts[("10.0.0.1", 11)].suppressed == 0
    assert alerts[(None, 10)].suppressed == 1              # the two without an address, together


def test_suppression_by_two_fields(store: Store) -> None:
    store.write(EVENTS)
    store.refresh()
    sigma = rule({"by": ["source.ip", "user.name"], "window": "2h"})
    run_pass(store, sigma, [e for e in EVENTS if e.fields["event.outcome"] == "failure"])
    counts = {tuple(a.group.values()): a.suppressed + 1 for a in store.alerts()}
    assert counts == {("10.0.0.1", "root"): 4, ("10.0.0.1", "admin"): 1, ("10.0.0.2", "root"): 1,
                      (None, "root"): 2}


def test_suppression_recount_matches_one_element_of_a_list(store: Store) -> None:
    # A recount of a plain value is a terms query: on Elasticsearch an event whose field holds a
    # list with that value among others is counted too (one element is enough); SQLite counts it
    # alike. The list itself, as a suppression key, is compared whole by govsoc.
    events = [failure(21, T0 + timedelta(minutes=1), "10.0.0.1", user="bob"),
              failure(22, T0 + timedelta(minutes=2), "10.0.0.1", user="bob"),
              failure(23, T0 + timedelta(minutes=3), "10.0.0.1", user="eve")]
    listed = Event(id=make_id("suppress-test", 24), timestamp=T0 + timedelta(minutes=4), dataset="linux.auth",
                   fields={**events[0].fields, "user.name": ["bob", "eve"]})
    store.write([*events, listed])
    store.refresh()
    run_pass(store, rule({"by": ["user.name"], "window": "1h"}), [*events, listed])
    counts = {a.group["user.name"] if isinstance(a.group["user.name"], str) else tuple(a.group["user.name"]):
              a.suppressed + 1 for a in store.alerts()}
    assert counts == {"bob": 3, "eve": 2, ("bob", "eve"): 1}


@pytest.mark.parametrize(("setting", "message"), [
    ({"by": [], "window": "1h"}, "one to three fields"),                    # nothing to suppress by
    ({"by": ["a", "b", "c", "d"], "window": "1h"}, "one to three fields"),  # more than three
    ({"by": ["source.ip"], "window": "soon"}, "a Sigma timespan"),           # not a timespan
    ("source.ip", "must be a mapping"),                                     # not a mapping
])
def test_malformed_settings_are_rule_errors(setting: Any, message: str) -> None:
    with pytest.raises(RuleError, match=message):
        suppression_of(rule(setting))


def test_windows_are_fixed_and_aligned() -> None:
    hourly = Suppression(by=("source.ip",), window=timedelta(hours=1))
    assert hourly.bucket(T0 + timedelta(minutes=59, seconds=59)) == T0
    assert hourly.bucket(T0 + timedelta(hours=1)) == T0 + timedelta(hours=1)
    assert suppression_of(rule()) is None
    assert suppression_of(rule({"by": "src_ip", "window": "5m"})) == Suppression(
        by=("source.ip",), window=timedelta(minutes=5))  # a Sigma name, mapped for the rule's source


def test_configuration_names_rules_by_id_name_or_title() -> None:
    rules = [rule(), replace_title(rule(), "Other")]
    unmatched = apply_configured(rules, [{"rule": "ssh login failed", "by": ["source.ip"], "window": "1h"},
                                         {"rule": "nothing like it", "by": ["user.name"], "window": "1h"}])
    assert unmatched == ["nothing like it"]
    assert suppression_of(rules[0]) == Suppression(by=("source.ip",), window=timedelta(hours=1))
    assert suppression_of(rules[1]) is None


def replace_title(sigma: SigmaRule, title: str) -> SigmaRule:
    sigma.title = title
    sigma.name = None
    return sigma



@pytest.mark.parametrize("field", [
    "message",         # analysed text on Elasticsearch: a term never equals a sentence (R12c F2)
    "event.original",  # stored, not indexed, on Elasticsearch: a term query is refused (R12c F2)
])
def test_suppression_by_a_field_no_term_finds_counts_on_every_store(store: Store, field: str) -> None:
    lines = ["Invalid user bob from 192.0.2.11 port 5001", "Invalid user bob from 192.0.2.11 port 5001",
             "Invalid user eve from 192.0.2.12 port 5002"]
    events = [Event(id=make_id("suppress-text", n), timestamp=T0 + timedelta(minutes=n), dataset="linux.auth",
                    fields={**failure(n, T0, "10.0.0.1").fields, field: line})
              for n, line in enumerate(lines)]
    store.write(events)
    store.refresh()
    run_pass(store, rule({"by": [field], "window": "1h"}), events)
    counts = {a.group[field]: (a.suppressed, [e.event_id for e in a.evidence]) for a in store.alerts()}
    assert counts == {lines[0]: (1, [events[0].id, events[1].id]), lines[2]: (0, [events[2].id])}


def test_suppression_by_address_counts_each_match_once(store: Store) -> None:
    # A dual-stack listener logs one client as 10.0.0.1 and as ::ffff:10.0.0.1: two values, two
    # alerts, each counting its own match; Elasticsearch's ip term finds both for either (R12c F1).
    events = [failure(31, T0 + timedelta(minutes=1), "10.0.0.1"),
              failure(32, T0 + timedelta(minutes=2), "::ffff:10.0.0.1")]
    store.write(events)
    store.refresh()
    run_pass(store, rule({"by": ["source.ip"], "window": "1h"}), list(store.search(Query())))  # as stored
    alerts = sorted(store.alerts(), key=lambda a: a.start)
    assert [(a.suppressed, [e.event_id for e in a.evidence]) for a in alerts] == [
        (0, [events[0].id]), (0, [events[1].id])]
