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


@pytest.fixture
def unopenable_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A configuration (data folder tmp_path/data) whose SQLite store cannot be opened: its folder
    is a file. Runs spool; unlinking the returned file lets the next run open the store."""
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the store's folder should be")
    config = tmp_path / "govsoc.yaml"
    config.write_text(f"data_dir: {tmp_path / 'data'}\nstore:\n  sqlite:\n    path: {blocker / 'events.db'}\n")
    monkeypatch.setenv("GOVSOC_CONFIG", str(config))
    return blocker
