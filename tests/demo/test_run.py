"""The whole demo at small scale (govsoc.demo.run): every record the generator wrote is stored
(files, syslog over UDP and TCP, NetFlow), each planted attack a pack rule was written for
raises an alert, classification finds the planted personal data, 密评 scores the weak server
worse than the strong one, and the report's figures are the generator's. Expectations come
from the generator's ground truth (what it wrote), never from an earlier run's output."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from govsoc.core.config import load_config
from govsoc.core.errors import ConfigError, ReportError
from govsoc.demo.city import PROBE_ROLES
from govsoc.demo.folder import seal
from govsoc.demo.generate import CSV_FILE
from govsoc.demo.run import MARKER, DemoRun, prepare, run_demo
from govsoc.reports.signing import key_folder, signature_path, verify_report
from govsoc.reports.trust import trusted_keys
from govsoc.store import open_store
from govsoc.store.base import Query

#: A Han character (CJK Unified Ideographs and extension A), or full-width punctuation.
HAN = r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]"

#: Attacks that rules shipped in the pack since session 3 were written for: they must fire
#: (more join as the pack grows; an attack whose rule is in the pack must fire whatever its id).
CORE = {"ssh-bruteforce", "huawei-ssh-bruteforce", "huawei-telnet-admin", "huawei-smb-sweep", "huawei-rdp-exposed",
        "huawei-ips-not-blocked", "huawei-config-tampering", "h3c-port-scan", "h3c-redis-exposed",
        "h3c-login-bruteforce", "cloud-sg-open", "cloud-trail-stopped", "cloud-accesskey-created",
        "weak-tls-traffic", "pii-in-url", "k8s-exec-secret-privileged", "cts-tracker-deleted", "cleartext-logins",
        "dns-tunnel", "cloud-exfiltration", "netflow-rdp-sweep"}


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> DemoRun:
    phases: list[str] = []
    done = run_demo(tmp_path_factory.mktemp("demo") / "city-demo", seed=2026, scale="small",
                    on_phase=lambda name, _detail: phases.append(name))
    assert phases == [p.name for p in done.phases] == ["servers", "generate", "files", "syslog", "netflow", "mipin",
                                                       "detect", "classify", "reports"]
    return done


def test_a_new_run_removes_only_what_the_earlier_demo_wrote(tmp_path: Path) -> None:
    # review r18d finding 11: a second demo deleted the user's files in the folder
    folder = tmp_path / "demo"
    prepare(folder)
    (folder / "reports").mkdir()
    (folder / "reports" / "situation.html").write_text("the demo's report", encoding="utf-8")
    (folder / "govsoc.yaml").write_text("data_dir: data", encoding="utf-8")
    seal(folder)  # the run finished: these are the demo's
    prepare(folder)  # an earlier demo's folder holding only its own files: they go
    assert sorted(p.name for p in folder.iterdir()) == [MARKER]
    (folder / "reports").mkdir()
    (folder / "reports" / "situation.html").write_text("the demo's report", encoding="utf-8")
    seal(folder)
    (folder / "precious.txt").write_text("the user's", encoding="utf-8")
    (folder / "reports" / "mine").mkdir()
    (folder / "reports" / "mine" / "notes.txt").write_text("the user's", encoding="utf-8")
    (folder / "reports" / "link").symlink_to(tmp_path)
    with pytest.raises(ConfigError, match=r"4 file\(s\) or folder\(s\) the demo did not write.*precious.txt"):
        prepare(folder)
    assert (folder / "precious.txt").is_file() and (folder / "reports" / "mine" / "notes.txt").is_file()
    assert (folder / "reports" / "situation.html").is_file()  # nothing removed at all
    half = tmp_path / "cut-short"  # a run killed before it recorded anything: refused
    prepare(half)
    (half / "city").mkdir()
    with pytest.raises(ConfigError, match="did not record its files"):
        prepare(half)
    assert (half / "city").is_dir()
    failed = tmp_path / "failed"  # a run that failed (or was interrupted) records what it wrote
    with pytest.raises(KeyError):
        run_demo(failed, scale="no-such-scale")
    prepare(failed)  # its folder is the demo's own: a new run may use it
    other = tmp_path / "documents"
    other.mkdir()
    (other / "mine.txt").write_text("not the demo's", encoding="utf-8")
    with pytest.raises(ConfigError, match="holds no earlier demo"):
        prepare(other)
    assert (other / "mine.txt").is_file()


def test_every_record_written_is_stored(run: DemoRun) -> None:
    assert run.day is not None
    expected = sum(run.day.truth.events.values())
    assert CSV_FILE not in run.day.truth.events  # classified, not ingested
    assert run.events == expected  # nothing lost or doubled by files, receivers or NetFlow


def test_each_attack_with_a_pack_rule_raised_its_alert(run: DemoRun) -> None:
    assert run.score is not None
    outcomes = {o.attack.id: o for o in run.score.outcomes}
    assert CORE <= {ident for ident, o in outcomes.items() if o.rule_in_pack}
    assert run.score.missed == []
    assert all(outcomes[ident].detected for ident in CORE)


def test_classification_found_the_planted_personal_data(run: DemoRun) -> None:
    assert run.day is not None
    columns = {p.column: p.entity for p in run.day.truth.planted if p.source == CSV_FILE}
    assert {run.classification["fields"].get(column) for column in columns} == set(columns.values())
    config = load_config(run.folder / "govsoc.yaml", env={})
    store = open_store(config)
    try:
        for planted in (p for p in run.day.truth.planted if p.column is None):
            tagged = store.count(Query(terms={"event.dataset": ("nginx.access",),
                                              "govsoc.classification.tags": (planted.entity,)}))
            assert tagged == planted.count, planted
        findings = store.count(Query(terms={"govsoc.classification.findings": ("personal_data_in_url_query",)}))
        assert findings == max(p.count for p in run.day.truth.planted if p.column is None)
    finally:
        store.close()
    saved = list((config.data_dir / "results" / "classification").glob("*.json"))
    assert len(saved) == 1 and "身份证号" in saved[0].read_text(encoding="utf-8")


def test_mipin_scores_the_weak_server_below_the_strong_one(run: DemoRun) -> None:
    assert run.day is not None
    by_role = {role: next(c for c in run.crypto if c["system"] == run.day.city.system(code).name)
               for role, (code, _p, _k) in PROBE_ROLES.items()}
    strong, weak = by_role["strong-tls"], by_role["weak-tls"]
    assert strong["total"] is not None and weak["total"] is not None
    assert weak["total"] < strong["total"] and weak["high_risk"] > strong["high_risk"]
    assert by_role["telnet"]["high_risk"] > 0  # remote administration in the clear (8.3 b)
    assert by_role["http-login"]["high_risk"] > 0  # a login form over plain HTTP
    saved = list((run.folder / "data" / "results" / "crypto_eval").glob("*.json"))
    assert len(saved) == sum(1 for s in run.day.city.systems if s.level == 3)


def test_reports_are_signed_and_a_change_is_caught(run: DemoRun, tmp_path: Path) -> None:
    keys = key_folder(run.folder / "data")
    trusted = trusted_keys(keys)
    assert run.reports
    for report in run.reports:
        assert verify_report(report, trusted).key_id in trusted
    report = run.reports[0]
    copy = tmp_path / report.name
    data = bytearray(report.read_bytes())
    data[len(data) // 2] ^= 1
    copy.write_bytes(bytes(data))
    signature_path(copy).write_bytes(signature_path(report).read_bytes())
    with pytest.raises(ReportError):
        verify_report(copy, trusted)


def _figures(node: object) -> list[object]:
    """Every headline figure value of a report document's JSON."""
    if isinstance(node, dict):
        found = [node["value"]] if {"label", "value"} <= set(node) else []
        return found + [v for child in node.values() for v in _figures(child)]
    if isinstance(node, list):
        return [v for child in node for v in _figures(child)]
    return []


def test_report_json_figures_are_the_generators(run: DemoRun) -> None:
    assert run.day is not None and run.score is not None
    outcomes = [o for o in run.score.outcomes if o.detected]
    by_rule: dict[str, int] = dict(run.score.false_positives)
    for outcome in outcomes:
        for rule, n in outcome.rules.items():
            by_rule[rule] = by_rule.get(rule, 0) + n
    documents = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in run.reports if p.suffix == ".json"}
    situation = next((d for name, d in documents.items() if name.startswith("situation")), None)
    if situation is not None:  # reports.build: the headline figures count the day's events and alerts
        figures = _figures(situation)
        assert sum(run.day.truth.events.values()) in figures
        assert sum(by_rule.values()) in figures
        compliance = json.dumps(next(d for name, d in documents.items() if name.startswith("compliance")),
                                ensure_ascii=False)
        # 密评 of every level-3 system the city has, and the inventory of the planted columns
        assert all(s.name in compliance for s in run.day.city.systems if s.level == 3)
        assert all(p.column in compliance for p in run.day.truth.planted if p.column)
        return
    alerts = documents["alerts.json"]  # the alert report (before reports.build), as a report Document
    assert sum(by_rule.values()) in _figures(alerts)
    (rules,) = [block for section in alerts["sections"] if section["id"] == "rules" for block in section["blocks"]]
    assert {row[0]: row[-1] for row in rules["rows"]} == by_rule


#: The e-government pack's false positives on the small demo day (seed 2026), the figure of issue
#: 17: alerts that belong to no planted attack (demo.score matches them by their records). On
#: 2026-11-30 the day gave 2 (two administrators' typo-then-login on Huawei devices), then 0 once
#: the login-after-failure rules required several failures (a chained correlation); a rule change
#: that pushes the figure past this bound must say why.
FALSE_POSITIVE_BOUND = 5


def test_pack_false_positives_on_the_demo_day_stay_within_the_bound(run: DemoRun) -> None:
    assert run.score is not None
    false_positives = sum(run.score.false_positives.values())
    assert false_positives <= FALSE_POSITIVE_BOUND, dict(run.score.false_positives)
    # one typo then a login (the administrators at 09:00 and 15:00) is no "login after failures",
    # while the planted brute force that ends in a login still is
    assert not [title for title in run.score.false_positives if "After Failures" in title]
    huawei = next(o for o in run.score.outcomes if o.attack.id == "huawei-ssh-bruteforce")
    assert huawei.rules["Huawei Device Login Succeeded After Failures From The Same Source"] == 1
    # every planted attack the pack has a rule for raised an alert, the web attacks in access logs too
    detected = {o.attack.id for o in run.score.outcomes if o.detected}
    assert {"web-sqli", "web-path-traversal", "web-webshell", "sangfor-waf-sqli", "dns-tunnel",
            "cloud-exfiltration"} <= detected
    # and the alerts that belong to attacks outnumber the false positives many times over
    true_alerts = sum(sum(o.rules.values()) for o in run.score.outcomes)
    assert true_alerts >= 20 * max(1, false_positives)


def _strings(node: Any) -> list[str]:
    """Every string in a YAML or JSON tree, keys and values."""
    if isinstance(node, dict):
        return [s for k, v in node.items() for s in (*_strings(k), *_strings(v))]
    if isinstance(node, list):
        return [s for child in node for s in _strings(child)]
    return [node] if isinstance(node, str) else []


def test_the_english_compliance_report_is_english_but_for_inventory_names(run: DemoRun) -> None:
    # review R18f F2: "应用登录以cleartextHTTP进行, 口令以cleartext传输" in an --lang en report. Data stays in
    # its language: what the operator wrote in the asset inventory (systems, agencies, zones,
    # products), the names in the demo's certificates (CN=示例市政务演示根CA) and the classified
    # tables (their columns and masked values: the inventory section, whose own words
    # tests/reports/test_inventory_section.py checks). Everything else the report says is English.
    import dataclasses

    import yaml

    from govsoc.core.inventory import Inventory
    from govsoc.reports.build import build, inventory_systems
    from govsoc.reports.mipin_en import EXACT
    from govsoc.reports.renderers import renderers

    assert run.day is not None
    config = load_config(run.folder / "govsoc.yaml", env={})
    assert config.inventory is not None
    store = open_store(config)
    try:
        document = build("compliance", store, start=run.day.start, end=run.day.end, lang="en", masked=True,
                         data_dir=config.data_dir, timezone=config.reports.timezone,
                         systems=inventory_systems(Inventory.load(config.inventory)))
    finally:
        store.close()
    document = dataclasses.replace(document, sections=tuple(s for s in document.sections if s.id != "inventory"))
    text = renderers.get("md")().render(document).decode("utf-8")
    assert "http-login" in text  # the 密评 finding of the review is in the report
    names = [n for n in _strings(yaml.safe_load(config.inventory.read_text(encoding="utf-8")))
             if re.search(HAN, n) and n not in EXACT]  # a declared judgement (符合) is a standard's word
    assert names  # the inventory names things in Chinese
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, "")
    text = re.sub(r"\b(?:CN|O|OU|L|ST)=[^,;)\s]*", "", text)
    left = sorted({text[max(0, m.start() - 40):m.end() + 40] for m in re.finditer(HAN + "+", text)})
    assert not left, "\n".join(left)
