"""The daemon's child processes: each job run and each service is a `govsoc` command of its own.

Why processes and not threads: a job that crashes, leaks memory or hangs in a C extension
cannot take the receivers down with it; SIGTERM reaches work that a thread could not interrupt
(a 密评 scan waiting on a time-out, a classification of a large database), so the daemon stops
within seconds; and a CPU-bound job never holds the interpreter the UDP receivers need every
half millisecond (collectors.receivers.service). Each child is the very command an
administrator runs by hand (`govsoc detect`, `govsoc listen`), with its checkpoints, spool and
counters, so the daemon adds scheduling and nothing else.

Every child gets its own session (a Ctrl-C at the daemon's terminal reaches the daemon, which
stops the children in order) and, on Linux, dies with the daemon (PR_SET_PDEATHSIG: SIGTERM,
on which `govsoc listen` still stores what it accepted), so a killed daemon leaves no receiver
holding its ports.
"""

from __future__ import annotations

import ctypes
import re
import signal
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

__all__ = ["govsoc_argv", "last_error", "one_line", "spawn"]

#: Controls, shown as \\xNN: a child's output is data (file names, log lines).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_TAIL_BYTES = 64 * 1024
_PR_SET_PDEATHSIG = 1


def one_line(text: str, limit: int = 400) -> str:
    """``text`` on one line with control characters shown, at most ``limit`` characters."""
    flat = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", " ".join(text.split()))
    return flat if len(flat) <= limit else flat[:limit - 1] + "…"


def govsoc_argv(config_path: Path | None, args: Sequence[str]) -> list[str]:
    """The command line of ``govsoc ARGS`` with the daemon's interpreter and configuration."""
    config = ["--config", str(config_path)] if config_path is not None else []
    return [sys.executable, "-m", "govsoc.cli", *config, *args]


def _parent_death_signal() -> Callable[[], None] | None:
    """A pre-exec hook asking Linux to send SIGTERM when the daemon dies (None elsewhere)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)  # loaded before the fork: the hook only calls it
        prctl = libc.prctl
    except (OSError, AttributeError):
        return None

    def hook() -> None:
        prctl(_PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)
    return hook


_HOOK = _parent_death_signal()


def spawn(argv: Sequence[str], log: Path, *, append: bool = False) -> subprocess.Popen[bytes]:
    """Start ``argv`` with stdout and stderr into ``log`` (truncated first unless ``append``)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab" if append else "wb") as out:
        return subprocess.Popen(list(argv), stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True, preexec_fn=_HOOK)


def last_error(log: Path, exit_code: int | None) -> str:
    """A child's failure on one line: its last ``govsoc: error:`` line, else its last
    ``govsoc: warning:`` line (a partial run says why there: a 密评 system without evidence, whose
    JSON output would otherwise end the log), else its last line, else its exit status."""
    try:
        with log.open("rb") as handle:
            size = handle.seek(0, 2)
            handle.seek(max(0, size - _TAIL_BYTES))
            tail = handle.read().decode("utf-8", "replace")
    except OSError:
        tail = ""
    lines = [line for line in tail.splitlines() if line.strip()]
    errors = [line for line in lines if "govsoc: error:" in line]
    status = f"exit {exit_code}" if exit_code is None or exit_code >= 0 else f"killed by signal {-exit_code}"
    warnings = [line for line in lines if "govsoc: warning:" in line]
    found = errors[-1] if errors else warnings[-1] if warnings else lines[-1] if lines else ""
    return one_line(f"{status}: {found.strip()}" if found else status)
