"""SigmaHQ's regression corpus, a peer's test suite: for every rule with a regression test, its
EVTX sample read by govsoc's EVTX collector into each store, the rule run by govsoc's backend for
that store, and the number of matching events compared with the count SigmaHQ expects
(``regression_tests_info[].match_count`` in the case's info.yml). A test without a match_count
expects what SigmaHQ's own runner checks: that the rule matches (at least one event).

All samples go into one store per kind (one SQLite file, one Elasticsearch index prefix); each
case counts only the events of its own sample (by event id), so one case's events can
never satisfy another's rule.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from sigma.rule import SigmaRule

from govsoc.collectors.base import ParseContext
from govsoc.collectors.windows import WindowsEvtxParser
from govsoc.core.event import Event
from govsoc.rules import load_rules
from govsoc.rules.backends import backend_for
from govsoc.store.base import Query, Store
from govsoc.store.sqlite import SqliteStore
from tests.conftest import CORPUS, es_store

SIGMA = CORPUS / "sigma"
REGRESSION = SIGMA / "regression_data"


@dataclass(frozen=True, slots=True)
class Case:
    """One regression test: a rule, its sample and how many events of it must match."""

    name: str
    rule: Path
    rule_id: str
    sample: Path
    expected: int | None

    def accepts(self, count: int) -> bool:
        """Whether ``count`` matching events is what the case expects."""
        return count == self.expected if self.expected is not None else count >= 1


def rule_file(folder: Path, rule_id: str) -> Path:
    """The rule a case tests: regression_data mirrors the rule tree, except for rules renamed
    since, which are found by their id."""
    mirrored = SIGMA / folder.parent / f"{folder.name}.yml"
    if mirrored.is_file():
        return mirrored
    pattern = re.compile(rf"^id:\s*['\"]?{re.escape(rule_id)}['\"]?\s*$", re.M)
    for tree in sorted(SIGMA.glob("rules*")):
        for path in sorted(tree.rglob("*.yml")):
            if pattern.search(path.read_text(encoding="utf-8")):
                return path
    return mirrored


def cases() -> list[Case]:
    """Every active test in regression_data (a commented-out test is not a case)."""
    found = []
    for info_path in sorted(REGRESSION.rglob("info.yml")):
        info = yaml.safe_load(info_path.read_text(encoding="utf-8"))
        folder = info_path.parent.relative_to(REGRESSION)
        rule_id = str(info["rule_metadata"][0]["id"])
        for test in info.get("regression_tests_info") or ():
            sample = SIGMA / test["path"]
            found.append(Case(name=str(folder), rule=rule_file(folder, rule_id), rule_id=rule_id,
                              sample=sample,
                              expected=int(test["match_count"]) if "match_count" in test else None))
    return found


CASES = cases() if REGRESSION.is_dir() else []

#: Cases whose info.yml count is lower than the number of the sample's events that satisfy the
#: rule, each checked by hand (SigmaHQ's runner only checks that the rule matches at all, so a
#: wrong count goes unnoticed there). They stay expected failures, strictly: if govsoc ever
#: returns the info.yml count, the test says so.
COUNT_DISAGREES: dict[str, str] = {
    "rules/windows/file/file_event/file_event_win_anydesk_artefact":
        "3 events, not 1: TargetFilename ...\\AnyDesk\\user.conf.new (twice, records 3 and 5) and "
        "...\\AnyDesk\\user.conf~RF2d9c20d.TMP all contain '\\AppData\\Roaming\\AnyDesk\\user.conf'",
    "rules/windows/file/file_event/file_event_win_cred_dump_tools_dropped_files":
        "3 events, not 1: procdump64.exe, procdump64a.exe and procdump.exe each end with a listed name",
    "rules/windows/registry/registry_set/registry_set_change_security_zones":
        "3 events, not 1: ZoneMap\\Domains\\bad-domain.com\\bad-subdomain\\https, \\http and \\* each set "
        "DWORD (0x00000002), which the filter does not exclude",
    "rules/windows/registry/registry_set/registry_set_disable_administrative_share":
        "2 events, not 1: AutoShareServer and AutoShareWks are both set to DWORD (0x00000000)",
}


#: Cases that fail on Elasticsearch: none now. (hktl_wsass's |re, whose bounded repetition
#: [^"]{0,64} the node refused as too complex to determinize, goes as a superset with {0,} and is
#: checked exactly; the two |fieldref cases go as supersets checked exactly too.)
ELASTICSEARCH_OPEN: frozenset[str] = frozenset()

#: Not run on Elasticsearch: the rule's query (hundreds of ``*value*`` wildcards over the command
#: line) exhausts the heap of a 512 MB test node, which dies with OutOfMemoryError in a search
#: thread and takes every other test of the shared node with it. SQLite finds its match.
ELASTICSEARCH_KILLS_NODE: frozenset[str] = frozenset({
    "rules-emerging-threats/2025/Malware/Shai-Hulud/proc_creation_win_mal_shai_hulud_malicious_npm_package_installation",
})


def params(store: str) -> list[object]:
    """The cases as pytest parameters for one store kind, the known failures marked."""
    out: list[object] = []
    for case in CASES:
        marks = []
        if case.name in COUNT_DISAGREES:
            marks.append(pytest.mark.xfail(strict=True, reason=COUNT_DISAGREES[case.name]))
        elif store == "elasticsearch" and case.name in ELASTICSEARCH_KILLS_NODE:
            marks.append(pytest.mark.skip(reason="not sent to the shared test node: its query (hundreds of "
                                          "wildcards) killed a 512 MB node (see ELASTICSEARCH_KILLS_NODE)"))
        elif store == "elasticsearch" and case.name in ELASTICSEARCH_OPEN:
            marks.append(pytest.mark.xfail(strict=True, reason="fails on Elasticsearch (see ELASTICSEARCH_OPEN)"))
        out.append(pytest.param(case, id=case.name, marks=marks))
    return out


def sample_events() -> dict[Path, list[Event]]:
    """Every event of every sample, through the windows.evtx collector, by sample."""
    parser = WindowsEvtxParser()
    context = ParseContext(timezone=ZoneInfo("UTC"), reference=datetime.now(UTC))
    found: dict[Path, list[Event]] = {}
    for sample in sorted({case.sample for case in CASES}):
        source = parser.file_source(sample)
        found[sample] = [event for record in source.records() for event in parser.parse(record, context)]
        assert source.unreadable == 0, (sample, source.errors)
    return found


@dataclass(frozen=True, slots=True)
class Samples:
    """A store holding every sample, and the ids of each sample's events. A case counts only its
    own sample's events (by id: an event that two samples share is stored once)."""

    store: Store
    ids: dict[Path, tuple[str, ...]]


def loaded(store: Store) -> Samples:
    by_sample = sample_events()
    events = {event.id: event for found in by_sample.values() for event in found}
    receipt = store.write(events.values())
    store.refresh()
    assert receipt.created == len(events) > 200 and not receipt.rejected, receipt
    return Samples(store, {sample: tuple(e.id for e in found) for sample, found in by_sample.items()})


@pytest.fixture(scope="module")
def rules() -> dict[str, SigmaRule]:
    ruleset = load_rules(sorted({case.rule for case in CASES}))
    assert ruleset.errors == []
    return {str(rule.id): rule for rule in ruleset.rules}


@pytest.fixture(scope="module")
def sqlite_samples(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Samples]:
    store = SqliteStore(tmp_path_factory.mktemp("regression") / "events.db")
    yield loaded(store)
    store.close()


@pytest.fixture(scope="module")
def elastic_samples(es_env: dict[str, str]) -> Iterator[Samples]:
    for store in es_store(es_env):
        yield loaded(store)


def test_corpus_is_complete() -> None:
    """Every case names an existing rule and sample, and rule ids agree with info.yml."""
    assert len(CASES) >= 202
    names = {case.name for case in CASES}
    assert set(COUNT_DISAGREES) | ELASTICSEARCH_OPEN | ELASTICSEARCH_KILLS_NODE <= names
    for case in CASES:
        assert case.rule.is_file() and case.sample.is_file(), case
        assert yaml.safe_load(case.rule.read_text(encoding="utf-8"))["id"] == case.rule_id, case


def matched(samples: Samples, rules: dict[str, SigmaRule], case: Case) -> int:
    native = backend_for(samples.store.kind).convert(rules[case.rule_id])
    return samples.store.count(Query(native=native, terms={"event.id": samples.ids[case.sample]}))


@pytest.mark.parametrize("case", params("sqlite"))
def test_regression_case_on_sqlite(sqlite_samples: Samples, rules: dict[str, SigmaRule], case: Case) -> None:
    count = matched(sqlite_samples, rules, case)
    assert case.accepts(count), f"{count} events matched, expected {case.expected or 'at least 1'}"


@pytest.mark.es
@pytest.mark.parametrize("case", params("elasticsearch"))
def test_regression_case_on_elasticsearch(elastic_samples: Samples, rules: dict[str, SigmaRule], case: Case) -> None:
    count = matched(elastic_samples, rules, case)
    assert case.accepts(count), f"{count} events matched, expected {case.expected or 'at least 1'}"
