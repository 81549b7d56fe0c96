"""Rule loading: every problem reported with file, line and key; the other rules still load."""

from __future__ import annotations

from pathlib import Path

import pytest

from govsoc.core.errors import RuleError
from govsoc.rules import BUILTIN_PACKS, load_rules

GOOD = """\
title: Good rule
id: 11111111-1111-4111-8111-111111111111
name: good
logsource: {product: linux, service: sshd}
detection:
  sel:
    event.action: ssh_login
  condition: sel
level: low
"""
BAD_MODIFIER = """\
title: Typo in a modifier
id: 22222222-2222-4222-8222-222222222222
logsource: {product: linux}
detection:
  sel:
    user.name|contians: adm
  condition: sel
"""
BAD_YAML = "title: [unclosed\nid: 3\n"
NO_ID = "title: No id\nlogsource: {product: linux}\ndetection: {sel: {a: b}, condition: sel}\n"
DANGLING = """\
title: Correlation of a rule that does not exist
id: 44444444-4444-4444-8444-444444444444
correlation:
  type: event_count
  rules: [nowhere]
  group-by: [source.ip]
  timespan: 5m
  condition: {gte: 2}
"""


def test_broken_rules_are_reported_and_the_rest_load(tmp_path: Path) -> None:
    files = {"good.yml": GOOD + "---\n" + GOOD.replace("1111", "5555").replace("name: good", "name: good2"),
             "modifier.yml": BAD_MODIFIER, "broken.yaml": BAD_YAML, "noid.yml": NO_ID, "dangling.yml": DANGLING,
             "notes.txt": "ignored: not a rule file"}
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    ruleset = load_rules([tmp_path])
    assert sorted(r.title for r in ruleset.rules) == ["Good rule", "Good rule"]  # multi-document file
    errors = sorted(str(e) for e in ruleset.errors)
    assert len(errors) == 4
    assert errors[0].startswith(f"{tmp_path}/broken.yaml:2:3: invalid YAML")
    assert any(e.startswith(f"{tmp_path}/modifier.yml:6:5 detection.sel.user.name|contians:")
               and "contians" in e for e in errors)
    assert any(e.startswith(f"{tmp_path}/noid.yml:1 id:") for e in errors)
    assert any("dangling.yml" in e and "nowhere" in e for e in errors)


def test_builtin_pack_loads_cleanly() -> None:
    ruleset = load_rules([BUILTIN_PACKS])
    assert ruleset.errors == []
    assert len(ruleset.rules) >= 1 and len(ruleset.correlations) >= 1
    for rule in [*ruleset.rules, *ruleset.correlations]:
        assert rule.id and rule.author and rule.level and rule.description


def test_sigmahq_linux_rules_all_load(corpus: Path) -> None:
    folder = corpus / "sigma/rules/linux"
    ruleset = load_rules([folder])
    assert ruleset.errors == []
    assert len(ruleset.rules) == len(list(folder.rglob("*.yml"))) == 210


def test_duplicate_rule_ids_are_refused_naming_both_files(tmp_path: Path) -> None:
    # before: both loaded, and one rule's alerts were silently lost to the other's alert ids
    (tmp_path / "a.yml").write_text(GOOD, encoding="utf-8")
    copy = GOOD.replace("title: Good rule", "title: Copied rule").replace("name: good", "name: copied")
    (tmp_path / "b.yml").write_text("title: Another\nid: 55555555-5555-4555-8555-555555555555\n"
                                    "logsource: {product: linux}\ndetection: {sel: {a: b}, condition: sel}\n"
                                    "---\n" + copy, encoding="utf-8")
    ruleset = load_rules([tmp_path])
    assert [r.title for r in ruleset.rules] == ["Good rule", "Another"]
    assert len(ruleset.errors) == 1
    message = str(ruleset.errors[0])
    assert message.startswith(f"{tmp_path / 'b.yml'}:6")
    assert "duplicate rule id 11111111-1111-4111-8111-111111111111" in message
    assert f"{tmp_path / 'a.yml'}:1" in message and "'Copied rule'" in message
    assert ruleset.where("55555555-5555-4555-8555-555555555555") == f"{tmp_path / 'b.yml'}:1"


# Characters YAML 1.1 does not allow raw in a stream (PyYAML's reader refuses them with a
# ReaderError, which carries an offset and no mark): each names its file, line and column.
@pytest.mark.parametrize(("char", "column"), [
    ("\x9b", 17),  # C1 CSI (a terminal escape's start): refused by the reader
    ("\x07", 17),  # C0 BEL: refused by the reader too
])
def test_a_raw_control_character_is_a_rule_error_at_its_place(tmp_path: Path, char: str, column: int) -> None:
    (tmp_path / "good.yml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "ctl.yml").write_text(GOOD.replace("1111", "6666").replace(
        "name: good", f'description: "ab{char}c"'), encoding="utf-8")
    ruleset = load_rules([tmp_path])
    assert [r.title for r in ruleset.rules] == ["Good rule"]
    [error] = ruleset.errors
    assert isinstance(error, RuleError)
    assert str(error).startswith(f"{tmp_path}/ctl.yml:3:{column}: invalid YAML: special characters are not allowed")
    assert f"U+{ord(char):04X}" in str(error)
