"""The real daemon as a subprocess: a govsoc.yaml in a temporary folder, `govsoc run` started
and stopped with signals, its state read from the files `govsoc status` reads. Waits are on
conditions (a job's record, a counter), with generous time-outs, never on sleeps."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

#: Generous: two cores shared with other work; a condition normally holds within seconds.
TIMEOUT = 120.0


def wait_for(condition: Callable[[], Any], what: str, timeout: float = TIMEOUT) -> Any:
    """Poll ``condition`` until it returns something true; its value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


class Daemon:
    """One data folder's `govsoc run` processes."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.config = folder / "govsoc.yaml"
        self.data = folder / "data"
        self.process: subprocess.Popen[bytes] | None = None
        self.log = folder / "daemon.log"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("GOVSOC_")}

    def write_config(self, text: str) -> None:
        self.config.write_text(f"data_dir: {self.data}\n{text}", encoding="utf-8")

    def argv(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "govsoc.cli", "--config", str(self.config), *args]

    def start(self) -> subprocess.Popen[bytes]:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(self.argv("run"), stdout=out, stderr=out, env=self.env)
        return self.process

    def stop(self, sig: int = signal.SIGTERM) -> int:
        assert self.process is not None
        self.process.send_signal(sig)
        code = self.process.wait(TIMEOUT)
        self.process = None
        return code

    def job(self, name: str) -> dict[str, Any]:
        try:
            data: dict[str, Any] = json.loads((self.data / "state" / "scheduler" / "jobs" / f"{name}.json")
                                              .read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data

    def job_when(self, name: str, condition: Callable[[dict[str, Any]], bool], what: str) -> dict[str, Any]:
        """Job ``name``'s record once ``condition`` holds for it (one read per check: the record
        may change between two reads)."""
        def check() -> dict[str, Any] | None:
            record = self.job(name)
            return record if record and condition(record) else None
        found: dict[str, Any] = wait_for(check, what)
        return found

    def daemon_state(self) -> dict[str, Any]:
        try:
            data: dict[str, Any] = json.loads((self.data / "state" / "scheduler" / "daemon.json")
                                              .read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data

    def govsoc(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(self.argv(*args), capture_output=True, text=True, env=self.env, timeout=TIMEOUT,
                              check=False)

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


@pytest.fixture
def daemon(tmp_path: Path) -> Iterator[Daemon]:
    """A daemon in its own folder, killed at the end if a test left it running."""
    one = Daemon(tmp_path)
    yield one
    if one.process is not None and one.process.poll() is None:
        one.process.kill()
        one.process.wait()
