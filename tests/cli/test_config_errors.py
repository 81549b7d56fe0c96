"""A configuration file with several errors: every one shown, each on its line with the file and
line, not the first with "(+1 more)" (R49a-7)."""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import Run


def test_every_error_of_the_config_is_shown_with_its_line(tmp_path: Path, govsoc: Run) -> None:
    config = tmp_path / "bad.yaml"
    config.write_text("store:\n  backend: sqlit\ncollectors:\n  timezone: Asia/Shanghi\n", encoding="utf-8")
    for verbose in ((), ("-v",)):
        code, out, err = govsoc(*verbose, "--config", str(config), "status")
        errors = [line for line in err.splitlines() if line.startswith("govsoc: error: ")]
        assert (code, out) == (2, "")
        assert [e.split(" ", 3)[2:] for e in errors] == [
            [f"{config}:2:12", "store.backend: Input should be 'sqlite' or 'elasticsearch'"],
            [f"{config}:4:13", "collectors.timezone: Value error, unknown time zone 'Asia/Shanghi' "
                               "(use an IANA name such as Asia/Shanghai)"]], err
        assert "more)" not in err


def test_one_error_is_one_line_as_before(tmp_path: Path, govsoc: Run) -> None:
    config = tmp_path / "bad.yaml"
    config.write_text("store:\n  backend: sqlit\n", encoding="utf-8")
    code, _, err = govsoc("--config", str(config), "status")
    assert code == 2
    assert err == f"govsoc: error: {config}:2:12 store.backend: Input should be 'sqlite' or 'elasticsearch'\n"
