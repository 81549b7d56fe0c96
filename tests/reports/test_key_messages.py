"""The signing key's messages and `keys show` (issue 18 review s, findings 8, 9): a wrong
passphrase from the file route names that file, not the variable that was not used; a folder
given as the passphrase file is called a folder; `keys show` prints the public key, its id and
the signer without unlocking an encrypted private key."""

from __future__ import annotations

from pathlib import Path

import pytest

from govsoc.cli import main
from govsoc.reports import signing


def test_a_wrong_passphrase_from_the_file_route_names_the_file(
        govsoc_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    signing.init_key(govsoc_home / "keys", passphrase="right one")
    wrong = tmp_path / "passphrase"
    wrong.write_text("wrong one\n", encoding="utf-8")
    wrong.chmod(0o600)
    monkeypatch.setenv(signing.PASSPHRASE_FILE_ENV, str(wrong))
    capsys.readouterr()
    assert main(["keys", "sign", str(wrong)]) == 2
    err = capsys.readouterr().err
    assert f"wrong passphrase in the file {wrong} (${signing.PASSPHRASE_FILE_ENV})" in err
    assert f"in {signing.PASSPHRASE_ENV}?" not in err
    monkeypatch.setenv(signing.PASSPHRASE_FILE_ENV, str(tmp_path))
    assert main(["keys", "sign", str(wrong)]) == 2
    err = capsys.readouterr().err
    assert "is a folder, not a file" in err and "chmod" not in err
    monkeypatch.delenv(signing.PASSPHRASE_FILE_ENV)
    assert main(["keys", "sign", str(wrong)]) == 2
    assert signing.PASSPHRASE_FILE_ENV in capsys.readouterr().err


def test_keys_show_needs_no_passphrase(govsoc_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key = signing.init_key(govsoc_home / "keys", signer="审计员", passphrase="secret")
    capsys.readouterr()
    assert main(["keys", "show"]) == 0
    out = capsys.readouterr().out
    assert f"key id {key.key_id}" in out and "signer 审计员" in out and "BEGIN PUBLIC KEY" in out
    assert "PRIVATE" not in out


def test_help_texts_name_keys_init_the_owed_periods_and_verify_exit_2(
        govsoc_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for args, words in ((["--help"], ["govsoc keys init"]), (["status", "--help"], ["owed", "done"]),
                        (["verify", "--help"], ["2 no trusted key", "--allow-rename"])):
        capsys.readouterr()
        code = main(args)
        out = " ".join(capsys.readouterr().out.split())
        assert code == 0 and all(word in out for word in words), (args, out)
