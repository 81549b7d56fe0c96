"""`govsoc rules check`: loaded, converted per store, active or "no source", failed with file:line
and reason; duplicate ids refused naming both files (issue 12 "Rule health")."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

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
    # AWS CloudTrail: loads and converts, but govsoc collects no such source
    "cloud.yml": dict(title="Cloud rule", id="22222222-2222-4222-8222-222222222222",
                      logsource="{product: aws, service: cloudtrail}", selection="eventName: ConsoleLogin"),
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
        "converts", "converts", "needs product: aws, service: cloudtrail")
    expand = by_where[f"{rules_dir / 'expand.yml'}:1"]
    assert expand["sqlite"].startswith("fails: Attempt to convert unhandled placeholder 'admins'")
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
    assert code == 0 and "2 loaded, 0 did not load" in out and "2 active, 0 no source, 0 failed" in out
    (rules_dir / "typo.yml").unlink()
    (rules_dir / "expand.yml").unlink()
    (rules_dir / "zcopy.yml").unlink()
    assert govsoc("rules", "check", str(rules_dir))[0] == 0  # a rule without source is no failure


@pytest.mark.parametrize("sub", ["check"])
def test_rules_help(govsoc: Run, sub: str) -> None:
    code, out, _ = govsoc("rules", sub, "--help")
    assert code == 0 and out.startswith(f"Usage: govsoc rules {sub}")
