"""SigmaHQ's Linux rules, unmodified, on real Linux logs: every rule converts for both stores,
runs, and finds exactly the same events on SQLite and on Elasticsearch."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from govsoc.collectors import ingest_file
from govsoc.rules import load_rules
from govsoc.rules.backends import backend_for
from govsoc.store.base import Query, Store

TRIGGERS = Path(__file__).resolve().parents[1] / "data/rules/sigmahq_linux_triggers.log"

#: SigmaHQ rule file -> the lines of TRIGGERS it must match (1-based). Every other line is a
#: near miss for these rules: the same words from another program, or a harmless variant.
EXPECTED = {
    "builtin/lnx_shell_susp_log_entries.yml": {1},        # 'entered promiscuous mode'
    "builtin/sshd/lnx_sshd_susp_ssh.yml": {2, 7},          # sshd only (not cron's line 5); any case
    "builtin/lnx_clear_syslog.yml": {3},                   # not the rotated syslog.1 of line 6
    "builtin/lnx_buffer_overflows.yml": {4},
    "builtin/syslog/lnx_syslog_susp_named.yml": {8},       # ' denied AXFR from '
}


def matches_per_rule(store: Store, corpus: Path) -> dict[str, set[str]]:
    with tempfile.TemporaryDirectory() as state:
        for log in ("OpenSSH/OpenSSH_2k.log", "Linux/Linux_2k.log"):
            summary = ingest_file(corpus / "loghub" / log, parser_id="linux.auth", store=store, data_dir=Path(state))
            assert summary.receipt.created == 2000
        assert ingest_file(TRIGGERS, parser_id="linux.auth", store=store, data_dir=Path(state)).parse_failures == 0
    ruleset = load_rules([corpus / "sigma/rules/linux"])
    assert ruleset.errors == [] and len(ruleset.rules) == 210
    backend = backend_for(store.kind)
    found = {}
    for rule in ruleset.rules:
        native = backend.convert(rule)  # a RuleError here fails the test: every rule must convert
        found[str(rule.id)] = {e.id for e in store.search(Query(native=native))}
    return found


@pytest.mark.es
def test_every_sigmahq_linux_rule_runs_and_agrees(sqlite_store: Store, elastic9_store: Store,
                                                  corpus: Path) -> None:
    on_sqlite = matches_per_rule(sqlite_store, corpus)
    on_elastic = matches_per_rule(elastic9_store, corpus)
    disagreements = {rule: (len(on_sqlite[rule]), len(on_elastic[rule]))
                     for rule in on_sqlite if on_sqlite[rule] != on_elastic[rule]}
    assert disagreements == {}
    # Agreement over nothing proves nothing: both stores found the planted lines, and the rules
    # that must fire did fire on each store.
    assert set().union(*on_sqlite.values()) and set().union(*on_elastic.values())
    assert sum(1 for hits in on_elastic.values() if hits) == len(EXPECTED)
    ruleset = load_rules([corpus / "sigma/rules/linux"])
    by_file = {str(ruleset.files[str(r.id)].relative_to(corpus / "sigma/rules/linux")): str(r.id)
               for r in ruleset.rules}
    lines = {e.get("log.offset"): n for n, e in enumerate(
        sorted(sqlite_store.search(Query(terms={"host.name": ("web01", "ns1")})),
               key=lambda e: e.get("log.offset")), start=1)}
    for name, expected in EXPECTED.items():
        hits = [e for e in sqlite_store.search(Query(terms={"event.id": tuple(on_sqlite[by_file[name]])}))
                if e.get("log.file.path") == str(TRIGGERS)]
        assert {lines[e.get("log.offset")] for e in hits} == expected, name
    # The loghub logs trigger none of SigmaHQ's Linux rules (most need auditd or process
    # creation events): every hit is one of the planted lines.
    assert sum(map(len, on_sqlite.values())) == sum(map(len, EXPECTED.values()))
