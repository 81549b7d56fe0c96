"""Every CLI test gets its own embedded store: no cluster, no user configuration."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh GOVSOC_HOME, and no configuration or cluster from the environment."""
    monkeypatch.setenv("GOVSOC_HOME", str(tmp_path / "home"))
    for name in ("GOVSOC_CONFIG", "GOVSOC_ES_URL", "GOVSOC_ES_USER", "GOVSOC_ES_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path / "home"
