"""Mutation check of the e-government pack's tests: every selection of every rule's condition is
needed by some test case.

For each single-event rule of rules/packs/egov and each selection its condition names, the rule is
run again without that selection (dropped from an ``and``, an ``or`` or a ``not``, or, for
``1 of x_*``, left out of the pattern's set); the lines and captures of tests/rules/test_egov_rules.py
go through the real parsers into a SQLite store once. A mutant that fires on exactly the rule's
hits (once a connection for ONE_PER_CONNECTION's) and on none of its near misses "survives": the
selection it lost was never exercised by a test, and the rule's row needs a hit (for an ``or``
branch) or a near miss (for an ``and`` or a ``not``) that only that selection decides.
Correlations have mutants of their own: the lower bound one lower, a chain undone, each group-by
field dropped, the timespan doubled and halved.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from govsoc.rules import detect, load_rules
from govsoc.store.sqlite import SqliteStore
from tests.rules.test_egov_rules import END, ONE_PER_CONNECTION, PACK, ROWS, case_of_event, ingest_cases

#: Selections no test case can decide: guards that only restate what the other selections already
#: require (only the records named carry the field the rule reads).
REDUNDANT = {
    # process.command_line is only set on command records (Huawei CMDRECORD, H3C SHELL_CMD)
    "huawei_log_buffer_cleared.yml without selection", "h3c_log_buffer_cleared.yml without selection",
    "huawei_logging_disabled.yml without selection", "h3c_logging_disabled.yml without selection",
    # linux.auth.sudo.command is only set on sudo's lines
    "linux_logs_cleared_by_sudo.yml without sudo",
    # decided by NetFlow records, which only a receiver takes: tests/rules/test_egov_netflow.py
    # sends them (from softflowd) and fails without this selection
    "flow_highrisk_port_from_internet.yml without acknowledged",
    # a Linux syslog event's tagged values all stand in its message (its other fields are cut from
    # it), so a citizen-number tag comes with the log-message finding; the finding is kept for what
    # the rule means (in a message), should a parser set such a field apart
    "egov_classification_personal_data_in_log_message.yml without finding",
}
_TOKEN = re.compile(r"\(|\)|[^\s()]+")
_OPERATORS = {"and", "or"}


def without(condition: str, name: str) -> str | None:
    """``condition`` with the identifier ``name`` removed with its operator (``not name`` as a
    whole); None when ``name`` is not a token of it or is all of it."""
    tokens = _TOKEN.findall(condition)
    if name not in tokens:
        return None
    i = tokens.index(name)
    start, end = (i - 1, i + 1) if i > 0 and tokens[i - 1] == "not" else (i, i + 1)
    if end < len(tokens) and tokens[end] in _OPERATORS:
        del tokens[start:end + 1]
    elif start > 0 and tokens[start - 1] in _OPERATORS:
        del tokens[start - 1:end]
    else:
        return None
    text = " ".join(tokens)
    return re.sub(r"\(\s*([^\s()]+)\s*\)", r"\1", text)  # "( a )" left by the removal


def mutants(doc: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(what was removed, the mutated rule document) for each selection of a rule."""
    detection = doc["detection"]
    condition = detection["condition"]
    found = []
    for name in (k for k in detection if k != "condition"):
        mutated = yaml.safe_load(yaml.safe_dump(doc))
        text = without(condition, name)
        if text is not None:
            mutated["detection"]["condition"] = text
        else:
            # a member of a "1 of prefix_*" set: left out of the set (when the set keeps another)
            globs = [g for g in re.findall(r"(?:1|all) of (\S+)", condition)
                     if g.endswith("*") and name.startswith(g[:-1])]
            members = [k for k in detection if globs and k.startswith(globs[0][:-1])]
            if not globs or len(members) < 2:
                continue
            del mutated["detection"][name]
        mutated["id"] = str(uuid.uuid5(uuid.UUID(doc["id"]), name))
        mutated["title"] = f"{doc['title']} without {name}"
        found.append((name, mutated))
    return found


def test_without_removes_a_selection_and_its_operator() -> None:
    assert without("selection and not system", "system") == "selection"
    assert without("selection and (a or b) and not c", "a") == "selection and b and not c"
    assert without("selection and (a or b) and not c", "selection") == "( a or b ) and not c"
    assert without("sudo and ((varlog and destroy) or switch_off)", "switch_off") == (
        "sudo and ( ( varlog and destroy ) )")
    assert without("selection", "selection") is None


def test_every_selection_of_every_pack_rule_is_decided_by_a_test_case(corpus: Path, tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "events.db")
    with store:
        (tmp_path / "cases").mkdir()
        cases = ingest_cases(store, corpus, tmp_path / "cases")
        host = case_of_event(store, cases)
        window = {"start": datetime(2000, 1, 1, tzinfo=UTC), "end": END}
        expected: dict[str, set[str]] = {}
        for row in ROWS:
            expected.setdefault(row.file, set()).add(row.kind("hit"))
        survivors, tried = [], 0
        for file in sorted(expected):
            doc = yaml.safe_load((PACK / file).read_text(encoding="utf-8"))
            if "correlation" in doc:
                continue
            for name, mutated in mutants(doc):
                path = tmp_path / "mutants" / f"{file}-{name}.yml"
                path.parent.mkdir(exist_ok=True)
                path.write_text(yaml.safe_dump(mutated, allow_unicode=True), encoding="utf-8")
                ruleset = load_rules([path])
                assert ruleset.errors == [], (file, name, ruleset.errors)
                result = detect(store, ruleset, **window)
                assert result.failed == [], (file, name)
                per_alert = [{case for e in alert.event_ids for owner, case in cases.get(host.get(e) or "", set())
                              if owner == file} for alert in store.alerts(rule_id=mutated["id"])]
                fired = set().union(*per_alert)
                # a connection rule's hit is one alert (ONE_PER_CONNECTION): one per transaction kills it
                once = all(sum(case in hit for hit in per_alert) == 1 for f, case in ONE_PER_CONNECTION if f == file)
                tried += 1
                if fired == expected[file] and once and f"{file} without {name}" not in REDUNDANT:
                    survivors.append(f"{file} without {name}")
        assert tried > 50  # the pack's rules have that many selections in conditions of two or more
        assert survivors == []


def correlation_mutants(doc: dict[str, Any], names: dict[str, dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    """(what changed, the mutated correlation) for a correlation of the pack: its lower bound one
    lower (``gte: 5`` -> ``gte: 4``), each correlation it refers to replaced by the rules that
    one reads (the chain undone: for login-after-failure, one failure would do again), each
    group-by field dropped (events of two sources, users, devices or ports pooled) and its
    timespan doubled and halved (review r17b finding 3: the window edges)."""
    corr = doc["correlation"]
    found = []
    condition = corr.get("condition")
    if isinstance(condition, dict):
        for op in ("gte", "gt"):
            if isinstance(condition.get(op), int) and condition[op] > (1 if op == "gte" else 0):
                mutated = yaml.safe_load(yaml.safe_dump(doc))
                mutated["correlation"]["condition"][op] = condition[op] - 1
                found.append((f"{op} {condition[op] - 1}", mutated))
    for position, ref in enumerate(corr["rules"]):
        inner = names.get(ref)
        if inner is not None and "correlation" in inner:
            mutated = yaml.safe_load(yaml.safe_dump(doc))
            mutated["correlation"]["rules"][position:position + 1] = inner["correlation"]["rules"]
            found.append((f"{ref} unchained", mutated))
    for field in corr.get("group-by") or ():
        mutated = yaml.safe_load(yaml.safe_dump(doc))
        mutated["correlation"]["group-by"] = [f for f in corr["group-by"] if f != field]
        if not mutated["correlation"]["group-by"]:
            del mutated["correlation"]["group-by"]
        found.append((f"without group-by {field}", mutated))
    for label, factor in (("widened", 2), ("narrowed", 0.5)):
        mutated = yaml.safe_load(yaml.safe_dump(doc))
        mutated["correlation"]["timespan"] = f"{int(_seconds(corr['timespan']) * factor)}s"
        found.append((f"timespan {label}", mutated))
    for name, mutated in found:
        mutated.pop("name", None)
        mutated["id"] = str(uuid.uuid5(uuid.UUID(doc["id"]), name))
        mutated["title"] = f"{doc['title']} with {name}"
        mutated["correlation"]["generate"] = False
    return found


def _seconds(span: str) -> int:
    return int(span[:-1]) * {"s": 1, "m": 60, "h": 3600, "d": 86400}[span[-1]]


def referenced_files(doc: dict[str, Any], names: dict[str, dict[str, Any]], files: dict[str, Path]) -> set[Path]:
    """The pack files of the rules a correlation reads, through the correlations it refers to."""
    found: set[Path] = set()
    for ref in doc["correlation"]["rules"]:
        found.add(files[ref])
        if "correlation" in names[ref]:
            found |= referenced_files(names[ref], names, files)
    return found


def test_every_correlation_bound_and_chain_is_decided_by_a_test_case(corpus: Path, tmp_path: Path) -> None:
    # A correlation whose threshold may drop by one, whose chained correlation may be replaced by
    # its base rules, whose group may lose a field or whose window may double or halve, without any
    # case noticing is not tested at its boundary.
    docs = {path: yaml.safe_load(path.read_text(encoding="utf-8")) for path in sorted(PACK.glob("*.yml"))}
    names = {doc["name"]: doc for doc in docs.values() if "name" in doc}
    files = {doc["name"]: path for path, doc in docs.items() if "name" in doc}
    store = SqliteStore(tmp_path / "events.db")
    with store:
        (tmp_path / "cases").mkdir()
        cases = ingest_cases(store, corpus, tmp_path / "cases")
        host = case_of_event(store, cases)
        window = {"start": datetime(2000, 1, 1, tzinfo=UTC), "end": END}
        expected: dict[str, set[str]] = {}
        for row in ROWS:
            expected.setdefault(row.file, set()).add(row.kind("hit"))
        survivors, tried, unchained = [], 0, 0
        for path, doc in docs.items():
            if "correlation" not in doc:
                continue
            for name, mutated in correlation_mutants(doc, names):
                mutant = tmp_path / "mutants" / f"{path.name}-{name.replace(' ', '-')}.yml"
                mutant.parent.mkdir(exist_ok=True)
                mutant.write_text(yaml.safe_dump(mutated, allow_unicode=True), encoding="utf-8")
                ruleset = load_rules([mutant, *sorted(referenced_files(doc, names, files))])
                assert ruleset.errors == [], (path.name, name, ruleset.errors)
                result = detect(store, ruleset, **window)
                assert result.failed == [], (path.name, name)
                fired = {case for alert in store.alerts(rule_id=mutated["id"]) for e in alert.event_ids
                         for owner, case in cases.get(host.get(e) or "", set()) if owner == path.name}
                tried += 1
                unchained += name.endswith("unchained")
                if fired == expected[path.name]:
                    survivors.append(f"{path.name} with {name}")
        assert tried > 100 and unchained == 5  # the five login-after-failure chains (Sangfor's since a7fd166)
        assert survivors == []
