"""Data values reach the terminal as text, never as control sequences (review r16f, LOW): a system
name (or any evidence a server sent) holding ESC, the C1 CSI (U+009B) or a bidirectional override
(U+202E) is printed escaped in the table and in --format json, and the JSON still reads back to
the same value."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from govsoc.cli import main
from govsoc.cli.commands.crypto_eval import EXIT_INCOMPLETE

NAME = "门户\x1b[31m红\x9b2J\u202e反向"
#: What a terminal obeys: C0 but tab and newline, DEL, C1, bidirectional controls.
RAW = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


@pytest.mark.parametrize("fmt", ["json", "table"])
def test_control_characters_in_a_system_name_are_shown_not_obeyed(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                                  monkeypatch: pytest.MonkeyPatch, fmt: str) -> None:
    monkeypatch.setenv("GOVSOC_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("GOVSOC_CONFIG", raising=False)
    inventory = tmp_path / "inventory.yaml"
    inventory.write_text(yaml.safe_dump({"systems": [{"name": NAME, "level": 3}]}, allow_unicode=True),
                         encoding="utf-8")
    capsys.readouterr()
    assert main(["crypto-eval", "--inventory", str(inventory), "--no-probe", "--format", fmt]) == EXIT_INCOMPLETE
    out, err = capsys.readouterr()
    assert not RAW.search(out) and not RAW.search(err), (out, err)
    if fmt == "json":
        assert json.loads(out)[0]["evaluation"]["system"] == NAME  # the value itself is kept
