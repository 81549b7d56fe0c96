"""`govsoc alerts`: entity columns, grouping, "N of M", --rule by id, title or name, one alert
whole with its raw lines, and triage that a later detection pass keeps (issue 12 "Triage")."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from govsoc.cli import main

FAILED_LOGIN = "6f7a1c3e-2b4d-4e8a-9c1f-0d5e7b9a3c21"
BRUTE_FORCE = "0b8e4d52-7c1a-4f3e-b6d9-5a2c8e1f4d70"
LINES = [
    *(f"Dec 10 07:00:{n:02d} portal-web-01 sshd[24200]: Failed password for invalid user u{n} from "
      f"203.0.113.9 port {4000 + n} ssh2" for n in range(6)),
    "Dec 10 07:30:00 portal-web-01 sshd[24300]: Failed password for ops from 198.51.100.4 port 5000 ssh2",
]


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data folder and an inventory that knows the host, so alerts carry an asset."""
    (tmp_path / "inventory.yaml").write_text(
        "agencies: [{id: dsj, name: 市大数据管理局}]\n"
        "systems: [{name: 一网通办门户, agency: dsj, level: 3, hosts: [portal-web-01]}]\n", encoding="utf-8")
    config = tmp_path / "govsoc.yaml"
    config.write_text(f"data_dir: {tmp_path / 'home'}\ninventory: {tmp_path / 'inventory.yaml'}\n", encoding="utf-8")
    monkeypatch.setenv("GOVSOC_CONFIG", str(config))
    for name in ("GOVSOC_HOME", "GOVSOC_ES_URL", "GOVSOC_ES_USER", "GOVSOC_ES_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    log = tmp_path / "auth.log"
    log.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    assert main(["ingest", str(log)]) == 0
    assert main(["detect"]) == 0
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def listed(capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, object]]:
    code, out, err = run(capsys, "alerts", "--format", "json", *args)
    assert (code, err) == (0, ""), err
    return list(json.loads(out))


def test_table_shows_entities_and_n_of_m(capsys: pytest.CaptureFixture[str]) -> None:
    # before: no source, user, host or system column, and no word of how many there were in all
    code, out, _ = run(capsys, "alerts", "-n", "3")
    assert code == 0
    header = next(line for line in out.splitlines() if "level" in line and "rule" in line)
    assert all(word in header for word in ("source", "user", "host", "system", "status", "author"))
    assert "alerts: 3 of 8, newest first" in out
    assert "198.51.100.4" in out and "ops" in out and "portal-web-01" in out and "一网通办门户" in out


@pytest.mark.parametrize(("wanted", "count"), [
    (FAILED_LOGIN, 7),                      # the rule id
    ("SSH Login Failed", 7),                # its title (before: an empty table)
    ("ssh brute force from one source", 1),  # a title in another case
    ("govsoc_ssh_failed_login", 7),         # its Sigma name
    ("no such rule", 0),
])
def test_rule_by_id_title_or_name(capsys: pytest.CaptureFixture[str], wanted: str, count: int) -> None:
    assert len(listed(capsys, "--rule", wanted)) == count


def test_group_by_rule_and_entity(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "alerts", "--group-by", "rule", "--format", "json")
    assert code == 0
    assert {(g["value"], g["alerts"], g["highest"]) for g in json.loads(out)} == {
        ("SSH Login Failed", 7, "low"), ("SSH Brute Force From One Source", 1, "high")}
    code, out, _ = run(capsys, "alerts", "--group-by", "source.ip", "--format", "json")
    assert [(g["value"], g["alerts"]) for g in json.loads(out)] == [("203.0.113.9", 7), ("198.51.100.4", 1)]
    code, out, _ = run(capsys, "alerts", "--group-by", "user.name", "-n", "2")
    assert code == 0 and "2 of 8 groups, 8 alerts" in out  # u0..u5, ops, and the correlation's "(none)"


def test_show_gives_rule_evidence_raw_lines_and_asset(capsys: pytest.CaptureFixture[str]) -> None:
    incident = listed(capsys, "--rule", BRUTE_FORCE)[0]
    code, out, _ = run(capsys, "alerts", "show", str(incident["alert.id"])[:10])
    assert code == 0
    assert "SSH Brute Force From One Source" in out and "author:     govsoc" in out
    assert "https://attack.mitre.org/techniques/T1110/001/" in out
    assert "evidence: 6 of 6 events" in out
    assert out.count("raw: Dec 10 07:00:") == 6 and "invalid user u5 from 203.0.113.9 port 4005 ssh2" in out
    assert "govsoc.system=一网通办门户" in out and "govsoc.dengbao_level=3" in out
    assert "group:      source.ip=203.0.113.9" in out
    code, _, err = run(capsys, "alerts", "show", "ffffffffffff")
    assert code == 1 and "no alert 'ffffffffffff'" in err


def test_triage_is_kept_when_detection_runs_again(capsys: pytest.CaptureFixture[str]) -> None:
    incident = str(listed(capsys, "--rule", BRUTE_FORCE)[0]["alert.id"])
    singles = [str(a["alert.id"]) for a in listed(capsys, "--rule", FAILED_LOGIN)]
    assert run(capsys, "alerts", "ack", incident, "-m", "looking [at] it", "--by", "analyst1")[0] == 0
    assert run(capsys, "alerts", "assign", incident, "analyst2")[0] == 0
    assert run(capsys, "alerts", "note", incident, "blocked 203.0.113.9 at the border", "--by", "analyst2")[0] == 0
    assert run(capsys, "alerts", "false-positive", *singles[:2])[0] == 0
    code, out, _ = run(capsys, "detect")
    assert code == 0 and "8 alerts (0 new, 0 updated, 8 unchanged)" in out
    stored = {str(a["alert.id"]): a for a in listed(capsys)}
    assert stored[incident]["alert.status"] == "acknowledged"
    assert stored[incident]["alert.assignee"] == "analyst2"
    notes = stored[incident]["alert.notes"]
    assert isinstance(notes, list)
    assert [(n["author"], n["message"]) for n in notes] == [
        ("analyst1", "looking [at] it"), ("analyst2", "blocked 203.0.113.9 at the border")]
    assert [stored[i]["alert.status"] for i in singles[:3]] == ["false_positive", "false_positive", "open"]
    assert len(listed(capsys, "--status", "open")) == 5
    assert len(listed(capsys, "--assignee", "analyst2")) == 1
    code, out, _ = run(capsys, "alerts", "show", incident)
    assert "note:" in out and "analyst1: looking [at] it" in out
    code, out, _ = run(capsys, "alerts", "reopen", incident)
    assert code == 0 and re.search(rf"{incident}: open, assignee analyst2, 2 notes", out)


@pytest.mark.parametrize("sub", ["show", "ack", "close", "false-positive", "reopen", "assign", "note"])
def test_subcommand_help(capsys: pytest.CaptureFixture[str], sub: str) -> None:
    code, out, _ = run(capsys, "alerts", sub, "--help")
    assert code == 0 and out.startswith(f"Usage: govsoc alerts {sub}")
