"""Regression tests for the second 密评 review, finding 11 (files and terminal): `keys init --force`
does not swap an encrypted signing key for an unencrypted one unless told; results and reports
are written 0640 in 0750 folders whatever the umask; the crypto-eval table shows a system name's
bidirectional overrides and line breaks escaped instead of sending them to the terminal."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from govsoc.cli import main
from govsoc.cli.commands.crypto_eval import EXIT_INCOMPLETE
from govsoc.cli.terminal import one_line, printable
from govsoc.core.results import result_file_name as core_result_file_name
from govsoc.crypto_eval.report import result_file_name
from govsoc.reports import signing
from govsoc.reports.build import write
from govsoc.reports.document import Document, Paragraph, Section


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The permissive umask (0o022) under which the reviewer saw 0644 files in 0755 folders."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def test_force_keeps_an_encrypted_key_encrypted(govsoc_home: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    private = govsoc_home / "keys" / signing.KEY_FILE
    monkeypatch.setenv(signing.PASSPHRASE_ENV, "正确 horse battery")
    assert _run(["keys", "init"], capsys)[0] == 0
    encrypted = private.read_bytes()
    assert b"ENCRYPTED PRIVATE KEY" in encrypted
    monkeypatch.delenv(signing.PASSPHRASE_ENV)
    code, _, err = _run(["keys", "init", "--force"], capsys)  # the passphrase variable forgotten
    assert code == 2 and signing.PASSPHRASE_ENV in err and "--unencrypted" in err
    assert private.read_bytes() == encrypted
    monkeypatch.setenv(signing.PASSPHRASE_ENV, "another one")  # replaced by an encrypted key: fine
    assert _run(["keys", "init", "--force"], capsys)[0] == 0
    assert b"ENCRYPTED PRIVATE KEY" in private.read_bytes() and private.read_bytes() != encrypted
    monkeypatch.delenv(signing.PASSPHRASE_ENV)
    code, out, err = _run(["keys", "init", "--force", "--unencrypted"], capsys)  # on purpose
    assert code == 0, err
    assert b"BEGIN PRIVATE KEY" in private.read_bytes() and "not encrypted" in out


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_results_and_reports_are_not_world_readable(tmp_path: Path, govsoc_home: Path, open_umask: None,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    inventory = tmp_path / "inventory.yaml"
    inventory.write_text(yaml.safe_dump({"systems": [{"name": "门户", "level": 3}]}, allow_unicode=True),
                         encoding="utf-8")
    out = tmp_path / "new" / "out"
    code, _, err = _run(["crypto-eval", "--inventory", str(inventory), "--no-probe", "--no-passive", "-o",
                         str(out)], capsys)
    assert code == EXIT_INCOMPLETE, err  # no endpoint listed: 证据不足
    saved = govsoc_home / "results" / "crypto_eval"
    files = [out / "门户.json", saved / "门户.json"]
    assert [_mode(p) for p in files] == [0o640, 0o640]
    assert [_mode(p) for p in (out, out.parent, saved, saved.parent)] == [0o750] * 4
    assert json.loads(files[0].read_text(encoding="utf-8"))["evaluation"]["system"] == "门户"
    document = Document(kind="situation", title="态势", lang="zh", generated="2026-11-30T08:00:00+08:00",
                        timezone="Asia/Shanghai", masked=True,
                        sections=(Section(id="s", title="s", blocks=(Paragraph(text="x"),)),))
    key = signing.init_key(tmp_path / "keys")
    reports = write(document, ["json", "md"], tmp_path / "reports" / "daily", stem="r", key=key)
    assert [_mode(p) for p in reports] == [0o640, 0o640]
    assert [_mode(signing.signature_path(p)) for p in reports] == [0o640, 0o640]
    assert _mode(tmp_path / "reports" / "daily") == _mode(tmp_path / "reports") == 0o750
    kept = tmp_path / "kept"
    kept.mkdir(mode=0o755)
    kept.chmod(0o755)
    write(document, ["json"], kept, stem="r", key=key)
    assert _mode(kept) == 0o755 and _mode(kept / "r.json") == 0o640  # a folder that existed keeps its mode


@pytest.mark.parametrize(("name", "shown"), [
    ("门户\u202egnp.exe", "门户\\u202egnp.exe"),        # RIGHT-TO-LEFT OVERRIDE (Trojan Source)
    ("a\nb 100.00 符合", "a\\x0ab 100.00 符合"),           # a newline that would forge a table row
    ("x\u2066y\u2069", "x\\u2066y\\u2069"),               # isolates
    ("\x1b[2J", "\\x1b[2J"),                              # ANSI clear screen
])
def test_names_are_shown_escaped(name: str, shown: str) -> None:
    assert one_line(name) == shown
    assert "\u202e" not in printable(name) and "\x1b" not in printable(name)


def test_crypto_eval_table_escapes_system_names(tmp_path: Path, govsoc_home: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    names = ["门户\u202egnp.exe", "a\nb"]
    inventory = tmp_path / "inventory.yaml"
    inventory.write_text(yaml.safe_dump({"systems": [{"name": n, "level": 3} for n in names]}, allow_unicode=True),
                         encoding="utf-8")
    code, out, err = _run(["crypto-eval", "--inventory", str(inventory), "--no-probe", "--no-passive"], capsys)
    assert code == EXIT_INCOMPLETE, err  # no endpoint listed: 证据不足
    assert "\u202e" not in out and "\\u202e" in out.replace("│", "").replace("\n", "")
    assert not any(line.startswith("│ b ") for line in out.splitlines())  # no row forged by the newline


@pytest.mark.parametrize("name", ["-rf", "--help", "-", "- x", "-_-"])
def test_result_files_never_start_with_a_dash(name: str) -> None:
    for naming in (result_file_name, core_result_file_name):
        file = naming(name)
        assert not file.startswith("-") and file.endswith(".json")
        assert file != naming(name.lstrip("-") or "x")  # still no collision with the name without dashes
        # nor with a plain name spelt like the bare digest the name was given
        assert file != naming(file.removesuffix(".json"))
