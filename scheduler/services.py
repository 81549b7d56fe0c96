"""The daemon's services: children that run for its whole life and are restarted when they end.

    receivers   govsoc listen            (collectors.receivers and collectors.netflow; stops on
                                          SIGTERM, storing or spooling what it accepted)
    follow      govsoc ingest --follow   (collectors.sources; stops on SIGINT, at a checkpoint)

A service that ends on its own is logged (one line naming it and its error) and started again
after the retry back-off (schedule.retry), which starts over once it has run for a minute.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from govsoc.collectors.netflow.stream import listener_label
from govsoc.core.config import Config
from govsoc.core.schedule import RetrySettings
from govsoc.scheduler.children import govsoc_argv, last_error, spawn
from govsoc.scheduler.clock import retry_delay

__all__ = ["Service", "Services", "services_for", "trim_log"]

#: A service that ran this long before it ended starts its back-off over.
STEADY_SECONDS = 60.0
LOG_MAX_BYTES = 16 << 20


def trim_log(log: Path, limit: int) -> None:
    """Copy a service's log past ``limit`` bytes to ``.1`` and empty it (logrotate's copytruncate:
    the child appends through its own descriptor, opened O_APPEND, so it writes on at the new end;
    a line written between the copy and the truncation is lost from this diagnostic log only)."""
    try:
        if log.stat().st_size <= limit:
            return
        shutil.copyfile(log, log.with_name(log.name + ".1"))
        os.truncate(log, 0)
    except OSError:
        return


@dataclass(slots=True)
class Service:
    """One long-running child and what became of it."""

    name: str
    args: list[str]
    #: What stops it cleanly: listen stores what it accepted on SIGTERM; ingest --follow stops at SIGINT.
    stop_signal: int
    what: str
    process: subprocess.Popen[bytes] | None = None
    started: float = 0.0
    since: str = ""
    restart_at: float = 0.0
    restarts: int = 0
    failures: int = 0
    last_exit: int | None = None
    last_error: str = ""

    def to_json(self) -> dict[str, Any]:
        """What `govsoc status` shows about it."""
        running = self.process is not None and self.process.poll() is None
        return {"name": self.name, "what": self.what, "running": running,
                "pid": self.process.pid if running and self.process else None, "since": self.since,
                "restarts": self.restarts, "failures_in_a_row": self.failures, "last_exit": self.last_exit,
                "last_error": self.last_error}


def services_for(config: Config) -> list[Service]:
    """The services the configuration asks for: receivers when collectors.receivers or
    collectors.netflow names some, file tails when collectors.sources does (each switchable in
    ``schedule``)."""
    found: list[Service] = []
    receivers, flows = config.collectors.receivers, config.collectors.netflow
    if config.schedule.receivers and (receivers or flows):
        found.append(Service(name="receivers", args=["listen"], stop_signal=signal.SIGTERM,
                             what=", ".join([f"{r.name} {r.transport} {r.listen}" for r in receivers] +
                                            [f"netflow {listener_label(listen)}" for listen in flows])))
    patterns = [p for source in config.collectors.sources for p in source.paths]
    if config.schedule.follow and patterns:
        found.append(Service(name="follow", args=["ingest", "--follow", "--interval",
                                                  str(config.schedule.follow_interval)],
                             stop_signal=signal.SIGINT, what=", ".join(patterns)))
    return found


@dataclass(slots=True)
class Services:
    """Starts, watches and stops the services."""

    services: list[Service]
    config_path: Path | None
    logs: Path
    retry: RetrySettings
    notice: Callable[[str], None]
    #: A service's log past this size is moved to <name>.log.1 (the one before is dropped).
    log_max_bytes: int = LOG_MAX_BYTES
    _stopping: bool = field(default=False, init=False)

    def tick(self) -> bool:
        """Start what is due, notice what ended; True when anything changed."""
        changed = False
        now = time.monotonic()
        for service in self.services:
            if self._stopping:
                break
            if service.process is not None:
                code = service.process.poll()
                if code is None:
                    trim_log(self.logs / f"{service.name}.log", self.log_max_bytes)
                    continue
                self._ended(service, code, now)
                changed = True
            if now >= service.restart_at:
                self._start(service)
                changed = True
        return changed

    def _start(self, service: Service) -> None:
        log = self.logs / f"{service.name}.log"
        try:
            service.process = spawn(govsoc_argv(self.config_path, service.args), log, append=True)
        except OSError as e:
            service.failures += 1
            service.last_error = f"cannot start: {e}"
            service.restart_at = time.monotonic() + retry_delay(service.failures, self.retry).total_seconds()
            self.notice(f"service {service.name} failed: {service.last_error}")
            return
        service.started = time.monotonic()
        service.since = datetime.now(UTC).isoformat(timespec="seconds")

    def _ended(self, service: Service, code: int, now: float) -> None:
        service.process = None
        service.last_exit = code
        service.last_error = last_error(self.logs / f"{service.name}.log", code)
        service.failures = 1 if now - service.started >= STEADY_SECONDS else service.failures + 1
        service.restarts += 1
        delay = retry_delay(service.failures, self.retry).total_seconds()
        service.restart_at = now + delay
        self.notice(f"service {service.name} ended ({service.last_error}); restarting in {delay:.0f} s "
                    f"({service.failures} in a row)")

    def signal(self) -> None:
        """Ask every running service to stop (no restarts from now on)."""
        self._stopping = True
        for service in self.services:
            if service.process is not None and service.process.poll() is None:
                service.process.send_signal(service.stop_signal)

    def wait(self) -> None:
        """Wait until every service has stopped: a receiver stores (or spools) what it accepted
        before it ends, so it is never killed."""
        for service in self.services:
            if service.process is not None:
                service.last_exit = service.process.wait()
