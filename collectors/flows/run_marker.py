"""What a live capture leaves behind when it is killed (review r14d HIGH 1): a marker file,
``<data dir>/capture/running-<pid>.json``, written when `govsoc capture` starts and again every
second while it runs (interface, start, the events stored so far and when the count last
grew), removed when it stops the orderly way (SIGTERM, SIGHUP, Ctrl-C, --stop-after).

Stage: collectors. ``kill -9`` (or the OOM killer, a power cut) gives the process no chance to
store its open flows or the packets dumpcap had written but not yet read: that loss cannot be
prevented, only made visible. A marker whose process is gone (or whose pid now belongs to
another process: the kernel's start time of the process is kept with it) is a lost run.
`govsoc status` lists lost runs; the next `govsoc capture` in the same data folder stores each
as a ``pipeline_error`` event saying what was lost (the flows open and the packets read since
the last store), with an id of its own so a repeat report is not stored twice, and removes
the marker once it has stopped the orderly way itself.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

__all__ = ["LostRun", "RunMarker", "lost_runs"]

PREFIX = "running-"


def _start_ticks(pid: int) -> int | None:
    """The process's start time in clock ticks since boot (proc(5) stat field 22), None when
    there is no such process."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[19])


class RunMarker:
    """The marker of this process's capture of ``interface`` in ``folder``."""

    def __init__(self, folder: Path, interface: str) -> None:
        self.pid = os.getpid()
        self.path = Path(folder) / f"{PREFIX}{self.pid}.json"
        self.data: dict[str, Any] = {
            "pid": self.pid, "start_ticks": _start_ticks(self.pid), "interface": interface,
            "started": datetime.now(UTC).isoformat(timespec="seconds"), "events_stored": 0, "last_stored": None}

    def beat(self, events_stored: int) -> None:
        """Write the marker (atomically) with the events stored so far."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        if events_stored != self.data["events_stored"]:
            self.data["events_stored"], self.data["last_stored"] = events_stored, now
        self.data["updated"] = now
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temp = self.path.with_name(f".{self.path.name}.tmp")
        temp.write_text(json.dumps(self.data), encoding="utf-8")
        os.replace(temp, self.path)

    def remove(self) -> None:
        """The capture stopped the orderly way: nothing of it was lost."""
        self.path.unlink(missing_ok=True)


@dataclass(frozen=True, slots=True)
class LostRun:
    """A capture whose process ended without stopping: its marker and what it says."""

    path: Path
    pid: int
    interface: str
    started: str
    events_stored: int
    last_stored: str | None
    updated: str | None

    @property
    def text(self) -> str:
        """What was lost, for the ``pipeline_error`` event and `govsoc status`."""
        since = f"its last store at {self.last_stored}" if self.last_stored else f"its start at {self.started}"
        return (f"live capture of {self.interface} (pid {self.pid}, started {self.started}, last seen running "
                f"{self.updated or self.started}) ended without stopping (killed, e.g. kill -9, or crashed): the "
                f"flows open then and the packets read since {since} were lost; {self.events_stored} events "
                f"were stored before")


def lost_runs(folder: Path) -> list[LostRun]:
    """The markers in ``folder`` whose process is gone (or is another process now); a marker
    that cannot be read counts as a lost run of an unknown interface."""
    lost: list[LostRun] = []
    for path in sorted(Path(folder).glob(f"{PREFIX}*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            pid = int(data["pid"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            data, pid = {}, int(path.stem[len(PREFIX):]) if path.stem[len(PREFIX):].isdigit() else 0
        ticks = _start_ticks(pid) if pid > 0 else None
        if ticks is not None and ticks == data.get("start_ticks"):
            continue  # still running
        stored = data.get("events_stored")
        stored = stored if isinstance(stored, int) else 0
        lost.append(LostRun(path=path, pid=pid, interface=str(data.get("interface", "?")),
                            started=str(data.get("started", "?")), events_stored=stored,
                            last_stored=_text(data.get("last_stored")), updated=_text(data.get("updated"))))
    return lost


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None
