"""The daemon's persisted state under ``<data_dir>/state/scheduler/``: one JSON file per job (last
run, outcome, next run, failures in a row), ``daemon.json`` (the running daemon and its
services) and ``daemon.lock``, the file lock that keeps a second daemon off the same data folder.

Files are replaced atomically (write, fsync, rename), so a crash leaves the old state or the
new one, never half of one; a restart reads them and resumes.
"""

from __future__ import annotations

import fcntl
import json
import os
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from govsoc.core.errors import GovsocError, Location
from govsoc.core.results import write_file

__all__ = ["OUTCOMES", "DaemonLock", "JobState", "SchedulerState", "scheduler_folder"]

#: ok; partial (ran, some parts failed: a rule that did not load); failed; timeout;
#: interrupted (the daemon stopped it); running.
OUTCOMES = ("ok", "partial", "failed", "timeout", "interrupted", "running")


def scheduler_folder(data_dir: Path) -> Path:
    """Where the daemon keeps its state."""
    return Path(data_dir) / "state" / "scheduler"


@dataclass(frozen=True, slots=True, kw_only=True)
class JobState:
    """One job's record: what its last run did, and when it runs next."""

    name: str
    #: The schedule the state was written under (JobSchedule.describe()); a changed one starts over.
    schedule: str = ""
    next_run: datetime | None = None
    last_start: datetime | None = None
    last_end: datetime | None = None
    outcome: str | None = None
    #: The last run's error, one line (its last ``govsoc: error:`` line, or its exit status).
    error: str = ""
    exit_code: int | None = None
    consecutive_failures: int = 0
    runs: int = 0
    failures: int = 0
    duration: float | None = None
    #: A period job (the reports): the scheduled times whose run is still owed, oldest first
    #: (missed while the daemon was down, or failed), and the last scheduled time accounted
    #: for (owed or run); the periods the last run covered.
    owed: tuple[datetime, ...] = ()
    scheduled_through: datetime | None = None
    covered: tuple[str, ...] = ()
    #: A period job: per owed period that failed, (its failures in a row, when it is retried):
    #: each period backs off on its own, so a period that failed once is not held back as long
    #: as one that has failed for days.
    backoff: tuple[tuple[str, int, datetime], ...] = ()
    #: A period job: the kind of period (day, week, month) its owed and covered periods are.
    period_kind: str | None = None

    def backoff_of(self, period: str) -> tuple[int, datetime] | None:
        """(failures in a row, retry time) of an owed ``period`` that failed, else None."""
        return next(((n, at) for label, n, at in self.backoff if label == period), None)

    def to_json(self) -> dict[str, Any]:
        """The record as JSON values (times in ISO 8601)."""
        data = asdict(self)
        for name in ("next_run", "last_start", "last_end", "scheduled_through"):
            value = data[name]
            data[name] = value.isoformat() if value is not None else None
        data["owed"] = [when.isoformat() for when in self.owed]
        data["covered"] = list(self.covered)
        data["backoff"] = [{"period": label, "failures": n, "retry_at": at.isoformat()}
                           for label, n, at in self.backoff]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> JobState:
        """The record a to_json() wrote (unknown keys ignored)."""
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        for name in ("next_run", "last_start", "last_end", "scheduled_through"):
            if values.get(name):
                values[name] = datetime.fromisoformat(values[name])
        values["owed"] = tuple(datetime.fromisoformat(when) for when in values.get("owed") or ())
        values["covered"] = tuple(str(label) for label in values.get("covered") or ())
        values["backoff"] = tuple((str(b["period"]), int(b["failures"]), datetime.fromisoformat(b["retry_at"]))
                                  for b in values.get("backoff") or ())
        return cls(**values)


def _write_json(path: Path, data: dict[str, Any]) -> None:
    # aside under an unguessable name, O_EXCL|O_NOFOLLOW, fsync'ed, renamed (core.results.write_file)
    write_file(path, json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


@dataclass(slots=True)
class SchedulerState:
    """Reads and writes the job records and ``daemon.json`` of one data folder."""

    folder: Path
    _jobs: Path = field(init=False)

    def __post_init__(self) -> None:
        self._jobs = self.folder / "jobs"

    def job(self, name: str) -> JobState | None:
        """The saved record of job ``name`` (None when none, or unreadable)."""
        data = _read_json(self._jobs / f"{name}.json")
        try:
            return JobState.from_json(data) if data is not None else None
        except (KeyError, TypeError, ValueError):  # a record edited by hand
            return None

    def save_job(self, state: JobState) -> None:
        """Replace job ``state.name``'s record."""
        self._jobs.mkdir(parents=True, exist_ok=True)
        _write_json(self._jobs / f"{state.name}.json", state.to_json())

    def jobs(self) -> list[JobState]:
        """Every saved job record, by name."""
        found = (self.job(path.stem) for path in sorted(self._jobs.glob("*.json")))
        return [state for state in found if state is not None]

    def daemon(self) -> dict[str, Any] | None:
        """What the daemon last wrote about itself and its services."""
        return _read_json(self.folder / "daemon.json")

    def save_daemon(self, data: dict[str, Any]) -> None:
        """Replace ``daemon.json``."""
        self.folder.mkdir(parents=True, exist_ok=True)
        _write_json(self.folder / "daemon.json", data)


class DaemonLock:
    """An exclusive lock on a data folder for one daemon's life (flock: released by the kernel
    when the process ends, however it ends, so a crash never leaves a stale lock)."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / "daemon.lock"
        self._handle: IO[str] | None = None

    def acquire(self) -> None:
        """Take the lock, or raise GovsocError naming the daemon that holds it."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "?"
            handle.close()
            raise GovsocError(f"another govsoc run (pid {holder}) is running on this data folder; stop it first "
                              f"(kill -TERM {holder}) or give this one another data_dir",
                              location=Location(path=str(self.path))) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._handle = handle

    @staticmethod
    def held(folder: Path) -> bool | None:
        """Whether a daemon holds ``folder``'s lock now (None when no daemon ever took it): asked
        by trying a shared lock on the file opened read-only, so nothing is written (a full disk
        cannot stop the answer) and the answer holds while the daemon's own record is stale."""
        try:
            fd = os.open(folder / "daemon.lock", os.O_RDONLY)
        except FileNotFoundError:
            return None
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        finally:
            os.close(fd)  # closing gives up the shared lock if we got it
        return False

    def release(self) -> None:
        """Give the lock up (the file stays; the lock is what counts)."""
        if self._handle is not None:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None
