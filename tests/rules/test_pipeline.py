"""Log sources (govsoc.rules.pipeline): a rule runs only over the events of its log source, a
rule whose source govsoc does not collect is "no source" and never runs, and field names map per
log source, for conversion and for correlation fields alike."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from sigma.collection import SigmaCollection
from sigma.correlations import SigmaCorrelationRule
from sigma.rule import SigmaRule

from govsoc.collectors import ingest_file
from govsoc.rules import detect, load_rules
from govsoc.rules.backends import backend_for
from govsoc.rules.backends.lucene import GovsocLuceneBackend
from govsoc.rules.mappings import LogSource, linux
from govsoc.rules.pipeline import SOURCES, SourceTable, ecs_field, rule_source_status
from govsoc.store.base import Query, Store

SIGMA = "sigma/rules"


def ingest_loghub(store: Store, corpus: Path, state: Path) -> None:
    """4,000 real sshd and syslog lines, as in the issue."""
    for log in ("OpenSSH/OpenSSH_2k.log", "Linux/Linux_2k.log"):
        summary = ingest_file(corpus / "loghub" / log, parser_id="linux.auth", store=store, data_dir=state)
        assert summary.receipt.created == 2000


def rule(text: str) -> SigmaRule:
    found = list(SigmaCollection.from_yaml(text))
    assert isinstance(found[0], SigmaRule)
    return found[0]


def test_sigmahq_linux_rules_that_can_never_match_are_not_run(sqlite_store: Store, corpus: Path,
                                                              tmp_path: Path) -> None:
    # Seen: 188 of the 210 SigmaHQ Linux rules (auditd, process_creation, file_event,
    # network_connection) could never match what govsoc stored, yet detect said "212 rules run".
    # auditd is collected since (linux.auditd): its 53 rules run, 135 still have no source.
    ingest_loghub(sqlite_store, corpus, tmp_path)
    ruleset = load_rules([corpus / SIGMA / "linux"])
    assert len(ruleset.rules) == 210
    summary = detect(sqlite_store, ruleset)
    assert (summary.rules, len(summary.no_source), summary.failed) == (75, 135, [])
    assert Counter(summary.no_source.values()) == {
        "product: linux, category: process_creation": 122,
        "product: linux, category: file_event": 8, "product: linux, category: network_connection": 5}
    assert summary.line().startswith("75 rules run, 135 no source, 0 failed;")
    assert summary.no_source_lines()[0] == "no source: 122 rules need product: linux, category: process_creation"


@pytest.mark.es
@pytest.mark.parametrize("kind", ["sqlite", "elasticsearch"])
def test_network_rules_raise_nothing_on_sshd_and_syslog_lines(kind: str, request: pytest.FixtureRequest,
                                                              corpus: Path, tmp_path: Path) -> None:
    # Seen: SigmaHQ's network rules over 4,000 sshd and syslog lines raised 4,061 alerts, 4,000 of
    # them "Publicly Accessible RDP Service" (zeek, `not id.orig_h|cidr`) and 61 from Cisco keyword
    # rules. govsoc collects no Cisco logs: those rules do not run. Zeek's logs are collected since:
    # its 21 rules run, each only over its own Zeek log (event.dataset), so not over these lines.
    store: Store = request.getfixturevalue("sqlite_store" if kind == "sqlite" else "elastic9_store")
    ingest_loghub(store, corpus, tmp_path)
    ruleset = load_rules([corpus / SIGMA / "network"])
    summary = detect(store, ruleset)
    assert summary.alerts == 0 and summary.rules == 21 and summary.failed == []
    assert len(summary.no_source) == len(ruleset.rules) - 21 == 32
    assert "1fc0809e-06bf-4de3-ad52-25e5263b7623" not in summary.no_source  # the RDP rule runs, quietly
    # Without the log-source gate the Cisco keyword rules do find sshd text: the gate is what
    # keeps them quiet, not an accident of these lines.
    backend = backend_for(store.kind)
    cisco = [r for r in ruleset.rules if r.logsource.product == "cisco"]
    assert sum(store.count(Query(native=backend.convert(r))) for r in cisco) > 0


def test_a_service_rule_adds_its_source_condition() -> None:
    sshd = rule("""
title: t
id: 00000000-0000-4000-8000-0000000000a1
logsource: {product: linux, service: sshd}
detection: {k: [error], condition: k}
""")
    query = backend_for("elasticsearch").convert(sshd)
    # (a field may be queried through its caseless sub-field)
    # (and sshd-session, which logs sshd's authentication since OpenSSH 9.8)
    assert re.search(r"event\.module(\.caseless)?:linux AND \(?process\.name(\.caseless)?:sshd", query), query


@pytest.mark.parametrize(("logsource", "expected"), [
    # the generic Linux source: every syslog line
    ("product: linux", (True, "product: linux")),
    # a daemon's lines by its syslog program
    ("product: linux, service: sshd", (True, "product: linux, service: sshd")),
    # compared exactly: product linux does not stand for its categories govsoc lacks
    ("product: linux, category: process_creation", (False, "product: linux, category: process_creation")),
    ("product: linux, category: file_event", (False, "product: linux, category: file_event")),
    # audit.log records (linux.auditd)
    ("product: linux, service: auditd", (True, "product: linux, service: auditd")),
    # log-source names are case-insensitive
    ("product: Linux, service: SSHD", (True, "product: linux, service: sshd")),
    # Zeek's rdp.log (zeek)
    ("product: zeek, service: rdp", (True, "product: zeek, service: rdp")),
    # no collector at all
    ("product: cisco, service: aaa", (False, "product: cisco, service: aaa")),
    ("category: proxy", (False, "category: proxy")),
])
def test_rule_source_status(logsource: str, expected: tuple[bool, str]) -> None:
    r = rule(f"""
title: t
id: 00000000-0000-4000-8000-0000000000a2
logsource: {{{logsource}}}
detection: {{s: {{a: b}}, condition: s}}
""")
    assert rule_source_status(r) == expected


#: A table with a row that has its own field names and a prefix, the shape of the Windows table.
WINDOWS_LIKE = LogSource(product="windows", service="security", condition={"winlog.channel": "Security"},
                         fields={"EventID": "winlog.event_id", "IpAddress": "source.ip"},
                         field_prefix="winlog.event_data.", collector="test")

CORRELATION = """
title: base
id: 00000000-0000-4000-8000-0000000000b1
name: base
logsource: {product: windows, service: security}
detection: {s: {EventID: 4625}, condition: s}
---
title: many failures
id: 00000000-0000-4000-8000-0000000000b2
correlation:
    type: value_count
    rules: [base]
    group-by: [IpAddress]
    timespan: 5m
    condition: {field: TargetUserName, gte: 3}
"""


def test_fields_map_per_log_source_with_prefix_for_conversion_and_correlation() -> None:
    table = SourceTable([*linux.SOURCES, WINDOWS_LIKE])
    rules = list(SigmaCollection.from_yaml(CORRELATION))
    base, corr = rules
    assert isinstance(base, SigmaRule) and isinstance(corr, SigmaCorrelationRule)
    assert table.ecs_field("EventID", base) == "winlog.event_id"
    assert table.ecs_field("TargetUserName", base) == "winlog.event_data.TargetUserName"
    # the generic table does not apply to a source with its own
    assert table.ecs_field("User", base) == "winlog.event_data.User"
    assert table.ecs_field("process.name", base) == "process.name"
    # group-by and value_count fields map through the rules a correlation refers to
    assert table.ecs_field("IpAddress", corr) == "source.ip"
    assert table.ecs_field("TargetUserName", corr) == "winlog.event_data.TargetUserName"
    alone = rule(CORRELATION.split("---")[0])  # converted on its own: no correlation refers to it
    query = str(GovsocLuceneBackend(table.pipeline()).convert_rule(alone)[0])
    assert re.fullmatch(r"winlog\.channel(\.caseless)?:[Ss]ecurity AND winlog\.event_id:4625", query), query
    # The default table collects it (govsoc.rules.mappings.windows): event data names, not generic ones.
    assert ecs_field("User", base) == "winlog.event_data.User"
    assert ecs_field("IpAddress", corr) == "winlog.event_data.IpAddress"
    assert table.status(corr) == (True, "product: windows, service: security")
    assert rule_source_status(corr) == (True, "product: windows, service: security")


def test_generic_names_map_for_linux_rules_and_correlations() -> None:
    r = rule("""
title: t
id: 00000000-0000-4000-8000-0000000000c1
logsource: {product: linux, service: sshd}
detection: {s: {User: root}, condition: s}
""")
    assert ecs_field("User", r) == "user.name" and ecs_field("src_ip", r) == "source.ip"
    assert ecs_field("source.ip", r) == "source.ip"  # ECS names stay


def test_a_log_source_has_one_row() -> None:
    with pytest.raises(ValueError, match="two log-source rows"):
        SourceTable([*SOURCES, LogSource(product="LINUX", condition={"a": "b"}, collector="again")])
