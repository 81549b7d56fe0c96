"""`govsoc rules check`: loaded, converted per store, active or "no source", failed with file:line
and reason; duplicate ids refused naming both files (issue 12 "Rule health")."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from govsoc.rules import BUILTIN_PACKS

Run = Callable[..., tuple[int, str, str]]  # the `govsoc` fixture of tests/cli/conftest.py


RULE = """\
title: {title}
id: {id}
logsource: {logsource}
detection:
  sel:
    {selection}
  condition: sel
level: low
"""
FILES = {
    # an sshd rule: govsoc collects sshd, so it is active
    "good.yml": dict(title="Good rule", id="11111111-1111-4111-8111-111111111111",
                     logsource="{product: linux, service: sshd}", selection="event.action: ssh_login"),
    # Azure activity logs: loads and converts, but govsoc collects no such source
    "cloud.yml": dict(title="Cloud rule", id="22222222-2222-4222-8222-222222222222",
                      logsource="{product: azure, service: activitylogs}", selection="operationName: x"),
    # a placeholder no pipeline fills: loads, converts for no store
    "expand.yml": dict(title="Placeholder rule", id="33333333-3333-4333-8333-333333333333",
                       logsource="{product: linux, service: sshd}", selection="user.name|expand: '%admins%'"),
    # a typo in a modifier: does not load
    "typo.yml": dict(title="Typo", id="44444444-4444-4444-8444-444444444444",
                     logsource="{product: linux, service: sshd}", selection="user.name|contians: adm"),
    # the good rule's id again, under another title
    "zcopy.yml": dict(title="Copy", id="11111111-1111-4111-8111-111111111111",
                      logsource="{product: linux, service: sshd}", selection="event.action: ssh_login"),
}


@pytest.fixture
def rules_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "rules"
    folder.mkdir()
    for name, fields in FILES.items():
        (folder / name).write_text(RULE.format(**fields), encoding="utf-8")
    return folder


def test_rules_check_json(govsoc: Run, rules_dir: Path) -> None:
    code, out, _ = govsoc("rules", "check", str(rules_dir), "--format", "json")
    assert code == 3
    answer = json.loads(out)
    by_where = {r["where"]: r for r in answer["rules"]}
    assert {w.rsplit("/", 1)[1]: r["status"] for w, r in by_where.items()} == {
        "good.yml:1": "active", "cloud.yml:1": "no source", "expand.yml:1": "failed", "typo.yml:6": "failed",
        "zcopy.yml:1": "failed"}
    cloud = by_where[f"{rules_dir / 'cloud.yml'}:1"]
    assert (cloud["sqlite"], cloud["elasticsearch"], cloud["source"]) == (
        "converts", "converts", "needs product: azure, service: activitylogs")
    expand = by_where[f"{rules_dir / 'expand.yml'}:1"]
    assert expand["sqlite"].startswith("fails: a placeholder is left in %admins%")
    assert by_where[f"{rules_dir / 'typo.yml'}:6"]["reason"] == "Unknown modifier 'contians'"
    duplicate = by_where[f"{rules_dir / 'zcopy.yml'}:1"]["reason"]
    assert "duplicate rule id 11111111-1111-4111-8111-111111111111" in duplicate
    assert f"{rules_dir / 'good.yml'}:1" in duplicate
    assert answer["summary"] == {"loaded": 3, "load_failed": 2, "converted_sqlite": 2,
                                 "converted_elasticsearch": 2, "active": 1, "no_source": 1, "failed": 3}


def test_rules_check_table_and_exit_codes(govsoc: Run, rules_dir: Path) -> None:
    code, out, _ = govsoc("rules", "check", str(rules_dir), "--only-problems")
    assert code == 3
    assert "rules: 4 of 5" in out and "Good rule" not in out
    assert "Cloud rule" in out and "no source" in out and "Placeholder rule" in out
    assert "3 loaded, 2 did not load; 2 convert for sqlite, 2 convert for elasticsearch; 1 active, " \
           "1 no source, 3 failed" in out
    code, out, _ = govsoc("rules", "check")  # the bundled packs: all fine
    shipped = len(list(BUILTIN_PACKS.rglob("*.yml")))
    assert code == 0 and f"{shipped} loaded, 0 did not load" in out
    assert f"{shipped} active, 0 no source, 0 failed" in out
    (rules_dir / "typo.yml").unlink()
    (rules_dir / "expand.yml").unlink()
    (rules_dir / "zcopy.yml").unlink()
    assert govsoc("rules", "check", str(rules_dir))[0] == 0  # a rule without source is no failure


@pytest.mark.parametrize("sub", ["check"])
def test_rules_help(govsoc: Run, sub: str) -> None:
    code, out, _ = govsoc("rules", sub, "--help")
    assert code == 0 and out.startswith(f"Usage: govsoc rules {sub}")


def test_rules_status_shows_last_run_matches_and_gaps(govsoc: Run, tmp_path: Path) -> None:
    log = tmp_path / "auth.log"
    log.write_text("".join(f"Dec 10 07:00:0{n} portal-web-01 sshd[1]: Failed password for root from "
                           f"203.0.113.9 port 400{n} ssh2\n" for n in range(3)), encoding="utf-8")
    assert govsoc("ingest", "--year", "2025", str(log))[0] == 0  # "Dec 10": last year, whatever the day
    rules = tmp_path / "rules"
    rules.mkdir()
    broken = RULE.format(**{**FILES["good.yml"], "selection": "event.action|expand: '%nowhere%'"})
    (rules / "good.yml").write_text(broken, encoding="utf-8")
    code, out, _ = govsoc("rules", "status", str(rules), "--format", "json")
    mine = {r["rule_id"]: r for r in json.loads(out)}["11111111-1111-4111-8111-111111111111"]
    assert (code, mine["last_run"], mine["gaps"]) == (0, None, [])
    assert govsoc("detect", str(rules), "--no-builtin")[0] == 3  # the rule fails: a gap opens
    code, out, _ = govsoc("rules", "status", str(rules), "--format", "json")
    mine = {r["rule_id"]: r for r in json.loads(out)}["11111111-1111-4111-8111-111111111111"]
    assert mine["last_run"] is not None and "placeholder" in mine["error"]
    assert [(g["passes"], g["covered"]) for g in mine["gaps"]] == [(1, None)]
    code, out, _ = govsoc("rules", "status", str(rules))
    assert code == 0 and "failed:" in out and "still" in out  # "still open", folded in a narrow cell
    (rules / "good.yml").write_text(RULE.format(**FILES["good.yml"]).replace(
        "event.action: ssh_login", "event.outcome: failure"), encoding="utf-8")
    assert govsoc("detect", str(rules), "--no-builtin")[0] == 0  # fixed: reads what the gap left
    code, out, _ = govsoc("rules", "status", str(rules), "--format", "json")
    mine = {r["rule_id"]: r for r in json.loads(out)}["11111111-1111-4111-8111-111111111111"]
    assert (mine["error"], mine["matches"]) == (None, 3)
    assert mine["gaps"][0]["covered"] is not None
    code, out, _ = govsoc("rules", "status", str(rules))
    assert "ok" in out and "1 covered" in out


def _one_failed_login_and_a_rules_folder(govsoc: Run, tmp_path: Path) -> Path:
    """One sshd failed login stored (as last year's: "Dec 10" is inferred), and an empty rules folder."""
    log = tmp_path / "auth.log"
    log.write_text("Dec 10 07:00:00 portal-web-01 sshd[1]: Failed password for root from 203.0.113.9 port 4000 "
                   "ssh2\n", encoding="utf-8")
    assert govsoc("ingest", "--year", "2025", str(log))[0] == 0
    rules = tmp_path / "my-rules"
    rules.mkdir()
    return rules


def test_rules_status_lists_the_rules_detect_ran_from_paths_not_named_again(govsoc: Run, tmp_path: Path) -> None:
    """R58b-6: `govsoc detect my-rules/` then `govsoc rules status` (README's analyst block) listed the
    bundled pack's rules only: the rules detect ran, a failed one and its open gap included, were left out."""
    rules = _one_failed_login_and_a_rules_folder(govsoc, tmp_path)
    (rules / "good.yml").write_text(RULE.format(**{**FILES["good.yml"], "selection": "event.outcome: failure"}),
                                    encoding="utf-8")
    broken = RULE.format(**{**FILES["cloud.yml"], "logsource": "{product: linux, service: sshd}",
                            "selection": "event.action|expand: '%nowhere%'"})
    (rules / "broken.yml").write_text(broken, encoding="utf-8")
    assert govsoc("detect", str(rules), "--no-builtin")[0] == 3  # one rule fails: a gap opens
    code, out, _ = govsoc("rules", "status", "--format", "json")
    listed = {r["rule_id"]: r for r in json.loads(out)}
    good, bad = listed["11111111-1111-4111-8111-111111111111"], listed["22222222-2222-4222-8222-222222222222"]
    assert code == 0 and (good["title"], good["matches"], good["error"]) == ("Good rule", 1, None)
    assert good["source"] == f"not loaded now (ran from {rules / 'good.yml'}:1)"
    assert bad["title"] == "Cloud rule" and "placeholder" in bad["error"]
    assert [(g["passes"], g["covered"]) for g in bad["gaps"]] == [(1, None)]
    assert len(listed) == len(json.loads(govsoc("rules", "status", str(rules), "--format", "json")[1]))
    code, out, _ = govsoc("rules", "status")
    assert code == 0 and "Good rule" in out and "Cloud rule" in out and "not loaded now" in out


def test_an_edited_rule_is_said_with_how_to_judge_what_it_read_before(govsoc: Run, tmp_path: Path) -> None:
    """R58b-13: a rule corrected after a pass (same id) reads on from where its earlier version
    stopped, silently: what the mistake missed stayed missed. The pass says so and names the
    re-read, which finds it; a pass with the rule unchanged says nothing."""
    rules = _one_failed_login_and_a_rules_folder(govsoc, tmp_path)
    rule = rules / "good.yml"
    rule.write_text(RULE.format(**{**FILES["good.yml"], "selection": "event.outcome: success"}), encoding="utf-8")
    code, _, err = govsoc("detect", str(rules), "--no-builtin")
    assert code == 0 and "changed since its last pass" not in err
    code, _, err = govsoc("detect", str(rules), "--no-builtin")
    assert code == 0 and "changed since its last pass" not in err  # unchanged: nothing said
    rule.write_text(RULE.format(**{**FILES["good.yml"], "selection": "event.outcome: failure"}), encoding="utf-8")
    code, out, err = govsoc("detect", str(rules), "--no-builtin")
    assert code == 0 and "0 alerts" in out, out  # the one failure was read by the earlier version
    assert "notice: Good rule: the rule changed since its last pass" in err and "govsoc detect --from TIME" in err
    code, out, err = govsoc("detect", str(rules), "--no-builtin", "--from", "2025-01-01T00:00:00Z")
    assert code == 0 and "1 new" in out, out
    code, out, _ = govsoc("alerts", "--format", "json")
    assert [a["rule.name"] for a in json.loads(out)] == ["Good rule"]


@pytest.mark.parametrize("text", ["not json", "[1, 2]", '{"rule_id": "x", "last_run": "yesterday"}'],
                         ids=["not-json", "a-list", "wrong-fields"])
def test_rules_status_says_a_damaged_rule_state_once_and_lists_every_rule(govsoc: Run, tmp_path: Path,
                                                                          text: str) -> None:
    # `govsoc detect` says such a document and rebuilds it (7d005f1); `rules status` stopped on it
    # with "state document ... is damaged" (exit 1), no rule listed.
    log = tmp_path / "auth.log"
    log.write_text("Dec 10 07:00:00 portal-web-01 sshd[1]: Failed password for root from 203.0.113.9 "
                   "port 4000 ssh2\n", encoding="utf-8")
    assert govsoc("ingest", "--year", "2025", str(log))[0] == 0  # "Dec 10": last year, whatever the day
    rules = tmp_path / "rules"
    rules.mkdir()
    for name in ("good.yml", "cloud.yml"):
        (rules / name).write_text(RULE.format(**FILES[name]), encoding="utf-8")
    assert govsoc("detect", str(rules), "--no-builtin")[0] == 0
    good = FILES["good.yml"]["id"]
    (db,) = (tmp_path / "home").rglob("events.db")
    with sqlite3.connect(db) as raw:
        raw.execute("UPDATE meta SET value = ? WHERE key = ?", [text, f"state/rule-{good}"])
    code, out, err = govsoc("rules", "status", str(rules), "--format", "json")
    rows = {r["rule_id"]: r for r in json.loads(out)}
    assert code == 0 and set(rows) >= {good, FILES["cloud.yml"]["id"]}
    assert rows[good]["last_run"] is None  # as a detect pass reads it: rebuilt from scratch
    (notice,) = err.splitlines()
    assert notice.startswith(f"notice: state document 'rule-{good}' is damaged: ") and "rebuilds it" in notice
    code, out, err = govsoc("rules", "status", str(rules))
    assert code == 0 and "state damaged" in out and err.count("is damaged") == 1


def test_configured_suppression_gives_one_alert_per_source_and_hour(govsoc: Run, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "govsoc.yaml"
    config.write_text(f"data_dir: {tmp_path / 'data'}\nrules:\n  suppress:\n"
                      "    - {rule: Linux Logs Or Auditing Removed Through Sudo, by: [user.name], window: 1h}\n"
                      "    - {rule: No Such Rule, by: [user.name], window: 5m}\n", encoding="utf-8")
    monkeypatch.setenv("GOVSOC_CONFIG", str(config))
    log = tmp_path / "auth.log"
    log.write_text("".join(f"Dec 10 07:{m:02d}:00 portal-web-01 sudo:    {user} : TTY=pts/0 ; PWD=/root ; USER=root ; "
                           f"COMMAND=/usr/bin/truncate -s 0 /var/log/secure\n" for m, user in
                           [(1, "admin"), (2, "admin"), (3, "ops"), (50, "admin"), (59, "admin"), (59, "admin")]),
                   encoding="utf-8")
    assert govsoc("ingest", "--year", "2025", str(log))[0] == 0  # "Dec 10": last year, whatever the day
    code, _, err = govsoc("detect")
    assert code == 0 and "'No Such Rule'" in err  # a suppression that names no rule is said
    code, out, _ = govsoc("alerts", "--rule", "Linux Logs Or Auditing Removed Through Sudo", "--format", "json")
    counts = {a["group"]["user.name"]: (a["alert.suppressed"], a["event.count"]) for a in json.loads(out)}
    assert counts == {"admin": (4, 1), "ops": (0, 1)}
    code, out, _ = govsoc("detect")
    assert "0 new, 0 updated" in out
    report = tmp_path / "report.json"
    assert govsoc("report", "--format", "json", "-o", str(report), "--unsigned")[0] == 0
    assert '"events": 5' in report.read_text(encoding="utf-8")  # the report counts what was suppressed


def test_rules_status_says_a_correlation_base_rule_runs_inside_it(govsoc: Run, tmp_path: Path) -> None:
    """A base rule whose correlations omit generate has no run of its own: it must not read
    "never run" while its correlation runs it every pass."""
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "pair.yml").write_text("""title: Base Failure
name: base_failure
id: 21111111-1111-4111-8111-111111111111
logsource: {product: linux, service: sshd}
detection:
  selection: {event.outcome: failure}
  condition: selection
level: low
---
title: Many Failures
id: 22222222-2222-4222-8222-222222222222
correlation:
  type: event_count
  rules: [base_failure]
  group-by: [source.ip]
  timespan: 5m
  condition: {gte: 3}
level: high
""", encoding="utf-8")
    assert govsoc("detect", str(rules), "--no-builtin")[0] == 0
    code, out, _ = govsoc("rules", "status", str(rules))
    assert code == 0
    base = next(line for line in out.splitlines() if "Base Failure" in line)
    assert "never run" not in base and "runs inside" in base
    assert "never run" not in next(line for line in out.splitlines() if "Many Failures" in line)


def test_rules_check_names_a_raw_control_character_and_checks_the_rest(govsoc: Run, rules_dir: Path) -> None:
    # U+009B (C1 CSI) raw in a title: YAML's reader refuses it (no internal error, no traceback)
    (rules_dir / "ctl.yml").write_text(RULE.format(**{**FILES["good.yml"], "title": "Bad\x9btitle",
                                                      "id": "55555555-5555-4555-8555-555555555555"}), encoding="utf-8")
    code, out, err = govsoc("rules", "check", str(rules_dir), "--format", "json")
    assert code == 3 and "internal error" not in err  # README: rules check exits 3 when any rule failed
    by_where = {r["where"].rsplit("/", 1)[1]: r for r in json.loads(out)["rules"]}
    assert by_where["ctl.yml:1"]["status"] == "failed"
    assert by_where["ctl.yml:1"]["reason"] == "invalid YAML: special characters are not allowed (U+009B)"
    assert by_where["good.yml:1"]["status"] == "active"
