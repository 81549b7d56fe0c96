"""Every CLI test gets its own embedded store: no cluster, no user configuration."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from govsoc.cli import main


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh GOVSOC_HOME, and no configuration or cluster from the environment."""
    monkeypatch.setenv("GOVSOC_HOME", str(tmp_path / "home"))
    for name in ("GOVSOC_CONFIG", "GOVSOC_ES_URL", "GOVSOC_ES_USER", "GOVSOC_ES_API_KEY", "GOVSOC_KEY_PASSPHRASE",
                 "GOVSOC_KEY_PASSPHRASE_FILE"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path / "home"


Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def govsoc(capsys: pytest.CaptureFixture[str]) -> Run:
    """Run ``govsoc ARGS...`` in-process; returns (exit code, stdout, stderr) of that run alone."""
    def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err
    return run
