"""Findings per 等保 control / 密评 item (govsoc.rules.compliance.findings_per_control), counted
in the store over stored alerts, on SQLite and Elasticsearch.

The alerts carry the tags of real pack rules (read from their files), so the expected counts
follow from the rules' own tags and how many alerts of each rule were stored."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
import yaml

from govsoc.core.alert import Alert
from govsoc.rules.compliance import DJBH_CONTROLS, control_label, findings_per_control
from govsoc.rules.loader import BUILTIN_PACKS
from govsoc.store.base import Store

PACK = BUILTIN_PACKS / "egov"
T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
#: rule file -> alerts stored for it inside the period
STORED = {"ssh_bruteforce.yml": 3, "linux_logs_cleared_by_sudo.yml": 2, "huawei_telnet_login.yml": 1,
          "flow_weak_tls_version.yml": 4}


def tags_of(rule: str) -> tuple[str, ...]:
    return tuple(yaml.safe_load((PACK / rule).read_text(encoding="utf-8"))["tags"])


def alert(rule: str, n: int, start: datetime) -> Alert:
    return Alert(id=f"{rule}-{n}", rule_id=rule, rule_title=rule, level="high", kind="match", start=start,
                 end=start, event_ids=(f"e-{rule}-{n}",), author="govsoc", tags=tags_of(rule))


@pytest.mark.es
@pytest.mark.parametrize("kind", ["sqlite", "elasticsearch"])
def test_findings_per_control_counts_alerts_by_their_compliance_tags(kind: str,
                                                                     request: pytest.FixtureRequest) -> None:
    store: Store = request.getfixturevalue("sqlite_store" if kind == "sqlite" else "elastic9_store")
    alerts = [alert(rule, n, T0 + timedelta(minutes=10 * n)) for rule, count in STORED.items() for n in range(count)]
    alerts.append(alert("ssh_bruteforce.yml", 99, T0 + timedelta(days=2)))  # after the period: not counted
    # closed as false positives by an analyst: no finding, not counted (but counted when asked for)
    false_positives = [replace(alert("huawei_telnet_login.yml", 50 + n, T0 + timedelta(hours=1)),
                               status="false_positive") for n in range(2)]
    # closed (dealt with) and acknowledged alerts remain findings
    kept = [replace(alert("linux_logs_cleared_by_sudo.yml", 70, T0 + timedelta(hours=2)), status="closed"),
            replace(alert("linux_logs_cleared_by_sudo.yml", 71, T0 + timedelta(hours=2)), status="acknowledged")]
    store.write_alerts([*alerts, *false_positives, *kept])
    store.refresh()
    stored = {**STORED, "linux_logs_cleared_by_sudo.yml": STORED["linux_logs_cleared_by_sudo.yml"] + 2}
    expected: Counter[str] = Counter()
    for rule, count in stored.items():
        for tag in tags_of(rule):
            if tag.startswith(("djbh.", "mipin.")):
                expected[tag.partition(".")[2]] += count
    found = findings_per_control(store, T0, T0 + timedelta(days=1))
    assert {f.control: f.alerts for f in found} == dict(expected)
    assert [f.alerts for f in found] == sorted((f.alerts for f in found), reverse=True)  # most first
    by_control = {f.control: f for f in found}
    # 8.1.4.1 b) (login-failure handling) is named by ssh_bruteforce alone here: its 3 alerts, 0, 10 and 20 min in
    assert by_control["l3.8.1.4.1.b"].alerts == 3
    assert by_control["l3.8.1.4.1.b"].text == DJBH_CONTROLS["l3.8.1.4.1.b"]
    assert by_control["l3.8.1.4.1.b"].first == T0 and by_control["l3.8.1.4.1.b"].last == T0 + timedelta(minutes=20)
    mipin = [f for f in found if f.namespace == "mipin"]
    assert mipin and all(f.text is None and f.label.startswith("密评 ") for f in mipin)
    assert findings_per_control(store, T0 - timedelta(days=1), T0) == []  # nothing started before T0
    telnet = [tag.partition(".")[2] for tag in tags_of("huawei_telnet_login.yml") if tag.startswith("djbh.")]
    with_fp = {f.control: f.alerts for f in findings_per_control(store, T0, T0 + timedelta(days=1),
                                                                   include_false_positives=True)}
    assert telnet and all(with_fp[c] == dict(expected)[c] + 2 for c in telnet)


@pytest.mark.parametrize(("tag", "label"), [
    ("djbh.l3.8.1.4.1.b", "等保 8.1.4.1 b)"),
    ("djbh.l3.8.1.4.11.b", "等保 8.1.4.11 b)"),      # a two-digit control point
    ("mipin.gbt39786.l3.8.3.b", "密评 8.3 b)"),
    ("DJBH.L3.8.1.3.2.A", "等保 8.1.3.2 a)"),        # tags compare case-insensitively, as Sigma's do
    ("attack.t1110", None),
])
def test_control_label(tag: str, label: str | None) -> None:
    assert control_label(tag) == label
