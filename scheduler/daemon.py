"""`govsoc run`: the daemon that runs the jobs of the ``schedule`` section on time and keeps the
receivers and file tails running (see scheduler.jobs and scheduler.services).

    daemon = Daemon(config, config_path, notice=print)
    daemon.run(stop)           # until the threading.Event ``stop`` is set (SIGTERM, SIGINT)

Guarantees, each tested against the real daemon in tests/scheduler/test_daemon.py:

- One daemon per data folder (scheduler.state.DaemonLock); a second one refuses to start.
- No job runs twice at once: a job is not started while its last run goes on, and jobs run
  only in the daemon that holds the lock.
- State persists (scheduler.state): a restart resumes each job at its saved next run instead of
  re-running everything; a run the daemon's end cut short runs again at once.
- Report periods are not lost to downtime: the report job's ``at`` times that passed while the
  daemon was down (or whose run failed) are owed, and run afterwards one per period, oldest
  first, each once (a period is struck off the persisted record as soon as its reports are
  written, so a restart mid-way does not write it twice), at most CATCH_UP_LIMIT of them. A
  period that fails stays owed and is retried after the back-off; the later periods and the
  other report kinds still run (one report that cannot be written blocks nothing else).
- A failing run is logged as one line naming the job and its error and is tried again after a
  back-off (schedule.retry: first, doubling, at most max), or at its next regular time when that
  comes sooner; the other jobs and the services carry on.
- SIGTERM: no new runs; running jobs get SIGINT and ``stop_grace`` seconds, then are killed
  (each resumes: detection is incremental, the others are idempotent); receivers get SIGTERM
  and are waited for, so what they accepted is stored or spooled, never lost.

Why a loop of our own and not APScheduler (3.11 installs here): the schedules are two shapes
(every N, or a local time daily or weekly), which clock.py computes in forty lines; what the
daemon must keep per job (outcome, error, failures in a row, back-off) is not APScheduler's
job store, which pickles callables into SQLAlchemy and has no notion of either; and the locks
across processes, the child processes and their stopping are ours to write either way.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from govsoc.core.config import Config
from govsoc.core.results import remove_stale_asides
from govsoc.core.schedule import parse_duration
from govsoc.scheduler.children import govsoc_argv, last_error, one_line, spawn
from govsoc.scheduler.clock import first_run, following_run, occurrence_after, retry_delay
from govsoc.scheduler.jobs import Job, jobs_for
from govsoc.scheduler.planning import PeriodPlanning
from govsoc.scheduler.services import Services, services_for
from govsoc.scheduler.state import DaemonLock, JobState, SchedulerState, scheduler_folder

__all__ = ["Daemon"]

#: `govsoc` exit status of a configuration error (no signing key, a bad setting): it is no
#: period's own, so the later periods are not tried in the same run.
EXIT_CONFIG = 2
#: Seconds between the daemon's checks (due jobs, ended services) and heartbeat writes.
TICK = 0.5
HEARTBEAT = 5.0


class Daemon(PeriodPlanning):
    """Runs the configured jobs and services until stopped (see the module docstring)."""

    def __init__(self, config: Config, config_path: Path | None, notice: Callable[[str], None],
                 clock: Callable[[], datetime] | None = None) -> None:
        self.config = config
        #: The time the schedule runs by (tests give fixed times; liveness stamps use the real one).
        self.clock = clock or (lambda: datetime.now(UTC))
        self.config_path = config_path
        self._notice = notice
        self.zone = ZoneInfo(config.schedule.timezone)
        self.folder = scheduler_folder(config.data_dir)
        self.logs = self.folder / "logs"
        self.state = SchedulerState(self.folder)
        self.lock = DaemonLock(self.folder)
        self.jobs = {job.name: job for job in jobs_for(config) if job.runs}
        self.services = Services(services_for(config), config_path, self.logs, config.schedule.retry, self.notice)
        self.states: dict[str, JobState] = {}
        self._guard = threading.Lock()
        self._running: dict[str, threading.Thread] = {}
        self._children: dict[str, subprocess.Popen[bytes]] = {}
        self._stopping = threading.Event()
        self._started = ""

    def notice(self, message: str) -> None:
        """One line of the daemon's log (stderr). A log that cannot be written (a file on a full
        disk, a closed pipe) loses the line, not the daemon: jobs and receivers go on."""
        try:
            self._notice(one_line(message, 2000))
        except OSError:
            pass

    # -- life --------------------------------------------------------------------------------
    def run(self, stop: threading.Event) -> None:
        """Take the data folder's lock (GovsocError when another daemon holds it), resume the
        jobs, and run until ``stop`` is set; then stop everything in order."""
        self.lock.acquire()
        try:
            # the daemon alone writes its state (it holds the lock): what a killed one left aside goes
            for folder in (self.folder, self.folder / "jobs"):
                remove_stale_asides(folder, before=time.time())
            self._started = datetime.now(UTC).isoformat(timespec="seconds")
            self._resume(self.clock())
            self.notice(f"running (pid {os.getpid()}, data {self.config.data_dir}); " + "; ".join(
                [f"{s.name}: {s.what}" for s in self.services.services] +
                [f"{name} {job.schedule.describe()}, next {self._local(self.states[name].next_run)}"
                 for name, job in self.jobs.items()]))
            try:
                self._loop(stop)
            finally:  # also when the loop itself fails (a full disk): the children are stopped in order
                self.notice("stopping: jobs get SIGINT, receivers store what they accepted")
                self._shutdown()
            self.notice("stopped")
        finally:
            self.lock.release()

    def _loop(self, stop: threading.Event) -> None:
        beat = 0.0
        while not stop.is_set():
            changed = self.services.tick()
            now = self.clock()
            for name in self.jobs:
                changed |= self._start_if_due(name, now)
            if changed or time.monotonic() - beat >= HEARTBEAT:
                self._save_daemon(running=True)
                beat = time.monotonic()
            stop.wait(TICK)

    def _shutdown(self) -> None:
        self._stopping.set()
        with self._guard:
            children = list(self._children.values())
            threads = list(self._running.values())
        deadline = time.monotonic() + self.config.schedule.stop_grace
        for child in children:
            child.send_signal(signal.SIGINT)  # the CLI ends with "interrupted" (exit 130)
        self.services.signal()
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        with self._guard:
            children = list(self._children.values())
        for child in children:
            child.kill()
        for thread in threads:
            thread.join()
        self.services.wait()
        self._save_daemon(running=False)

    # -- jobs --------------------------------------------------------------------------------
    def _resume(self, now: datetime) -> None:
        """Each job's state: the saved one when its schedule is unchanged (a run cut short by the
        daemon's end is due at once; a next run further ahead than the schedule allows, saved
        while the clock was ahead, is planned again with a warning), else a first run. A report
        job whose schedule changed keeps what it owes: the periods missed since the last one
        it completed, under the schedule it has now, are owed and run at once."""
        for name, job in self.jobs.items():
            saved = self.state.job(name)
            described = job.schedule.describe()
            if saved is not None and job.period_kind and saved.period_kind not in (None, job.period_kind):
                self._record(self._new_kind(job, saved, now))
                continue
            if saved is not None and saved.schedule == described and saved.next_run is not None:
                state = saved
                if saved.outcome == "running":
                    self.notice(f"{name}: its last run (started {self._local(saved.last_start)}) was cut short "
                                f"by the daemon's end; running it again")
                    state = replace(saved, outcome="interrupted", next_run=now)
                elif saved.next_run > self._latest_next(job, now):
                    state = replace(saved, next_run=first_run(job.schedule, now, self.zone),
                                    scheduled_through=None if saved.scheduled_through is None
                                    else min(saved.scheduled_through, now))
                    self.notice(f"warning: {name}: its saved next run {self._local(saved.next_run)} is further "
                                f"ahead than its schedule ({described}) allows (was the clock ahead?); "
                                f"planned again: next {self._local(state.next_run)}")
            elif saved is not None and job.periodic and (saved.scheduled_through or saved.last_start or saved.owed):
                state = self._reschedule(job, saved, now)
            else:  # new, or its schedule changed: a first run; the history stays
                next_run = first_run(job.schedule, now, self.zone)
                if saved is None:
                    state = JobState(name=name, schedule=described, next_run=next_run, scheduled_through=now)
                else:
                    state = replace(saved, schedule=described, next_run=next_run, scheduled_through=now,
                                    outcome="interrupted" if saved.outcome == "running" else saved.outcome)
            self._record(replace(state, period_kind=job.period_kind))

    def _start_if_due(self, name: str, now: datetime) -> bool:
        if self._stopping.is_set() or name in self._running:
            return False
        state = self.states[name]
        if state.next_run is None or state.next_run > now:
            return False
        job = self.jobs[name]
        runs = self._plan(job, state, now)
        if not runs:  # every owed period waits for its own retry: wake at the first (or the schedule)
            retries = [at for _label, _n, at in state.backoff if at > now]
            self._record(replace(state, next_run=min([occurrence_after(job.schedule, now, self.zone), *retries])))
            return False
        thread = threading.Thread(target=self._run_job, args=(job, now, runs), name=f"job-{name}", daemon=True)
        self._record(replace(state, outcome="running", last_start=now, error="", exit_code=None, covered=(),
                             owed=tuple(runs) if job.periodic else state.owed,
                             scheduled_through=now if job.periodic else state.scheduled_through))
        with self._guard:
            self._running[name] = thread
        thread.start()
        return True

    def _run_job(self, job: Job, start: datetime, runs: list[datetime]) -> None:
        """One run: the job's commands in turn; any failure (or exception here) is the run's."""
        outcome, error, code = "ok", "", 0
        try:
            outcome, error, code = self._commands(job, runs)
        except Exception as e:  # a job that raises is recorded and retried, never the daemon's end
            outcome, error, code = "failed", one_line(f"{type(e).__name__}: {e}"), -1
        finally:
            try:
                self._finish(job, start, outcome, error, code)
            finally:  # whatever happened, the job may run again
                with self._guard:
                    self._running.pop(job.name, None)

    def _commands(self, job: Job, runs: list[datetime]) -> tuple[str, str, int]:
        """Each scheduled time's commands, oldest first. A period job strikes off each period as
        it is written; a period that fails stays owed (retried after the back-off, with whatever
        else is owed then) and does not stop the later periods, so one report that cannot be
        written never holds back the others. A failed period backs off on its own (JobState.backoff:
        its failures in a row set its retry time), so a period failing for days never delays the
        retry of one that failed once. The run's error names each failed period."""
        if job.period_of is None or not job.periodic:
            return self._one_run(job, job.commands(runs[0]), False, ("ok", "", 0))
        outcome, code = "ok", 0
        errors: list[str] = []
        partial = ""
        for index, when in enumerate(runs):
            result, error, status = self._one_run(job, job.commands(when), index > 0, ("ok", "", 0))
            if result == "interrupted":  # the daemon stops: this period and the later ones stay owed
                return result, error, status
            label = job.period_of(when)
            with self._guard:
                state = self.states[job.name]
            others = tuple(b for b in state.backoff if b[0] != label)
            if result in ("ok", "partial"):
                self._record(replace(state, owed=tuple(w for w in state.owed if w != when),
                                     covered=(*state.covered, label), backoff=others))
                if result == "partial" and outcome == "ok":
                    outcome, partial, code = "partial", f"{job.period_of(when)}: {error}", status
            else:  # failed or timeout: owed still, retried after its own back-off; the later periods run
                failures = (state.backoff_of(label) or (0, when))[0] + 1
                retry = self.clock() + retry_delay(failures, self.config.schedule.retry)
                self._record(replace(state, backoff=(*others, (label, failures, retry))))
                errors.append(f"{label}: {error}")
                if outcome != "timeout":
                    outcome, code = result, status
                if status == EXIT_CONFIG:  # the configuration or the key: every period would fail so
                    break
        if errors:
            return outcome, one_line(f"{len(errors)} period{'s' if len(errors) > 1 else ''} failed (still owed): "
                                     + "; ".join(errors), 1000), code
        return outcome, partial, code

    def _one_run(self, job: Job, commands: list[list[str]], append: bool,
                 so_far: tuple[str, str, int]) -> tuple[str, str, int]:
        log = self.logs / f"{job.name}.log"
        timeout = parse_duration(job.schedule.timeout).total_seconds() if job.schedule.timeout else None
        outcome, error, code = so_far
        for index, args in enumerate(commands):
            if self._stopping.is_set():
                return "interrupted", "the daemon stopped", code
            child = spawn(govsoc_argv(self.config_path, args), log, append=append or index > 0)
            with self._guard:
                self._children[job.name] = child
            try:
                code = child.wait(timeout)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
                return "timeout", f"still running after {job.schedule.timeout}; killed", -9
            finally:
                with self._guard:
                    self._children.pop(job.name, None)
            if self._stopping.is_set() and code != 0:
                return "interrupted", "the daemon stopped", code
            if code in job.partial_codes and outcome == "ok":
                outcome, error = "partial", last_error(log, code)
            elif code != 0:  # one failed target: the others still run
                outcome, error = "failed", last_error(log, code)
        return outcome, error, code

    def _finish(self, job: Job, start: datetime, outcome: str, error: str, code: int) -> None:
        now = self.clock()
        state = self.states[job.name]
        regular = following_run(job.schedule, start, now, self.zone)
        failed = outcome in ("failed", "timeout")
        failures = state.consecutive_failures + 1 if failed else 0
        retries = [at for label, _n, at in state.backoff
                   if job.period_of is not None and any(job.period_of(w) == label for w in state.owed)]
        if outcome == "interrupted":
            upcoming = start  # the cut-short run is due again when the daemon comes back
        elif retries:  # a period job: the first owed period's own retry (periods back off alone)
            upcoming = min(regular, *retries)
        elif failed:  # a job of no period, or one that failed before any period was tried
            upcoming = min(regular, now + retry_delay(failures, self.config.schedule.retry))
        else:
            upcoming = regular
        self._record(replace(state, outcome=outcome, error=error, exit_code=code, last_end=now,
                             duration=round((now - start).total_seconds(), 3), runs=state.runs + 1,
                             failures=state.failures + failed, consecutive_failures=failures,
                             next_run=upcoming))
        took = f"{(now - start).total_seconds():.1f} s"
        if failed:
            self.notice(f"job {job.name} {outcome} after {took}: {error}; retry at {self._local(upcoming)} "
                        f"({failures} failure{'s' if failures > 1 else ''} in a row)")
        elif outcome == "interrupted":
            self.notice(f"job {job.name} interrupted after {took}; it runs again when the daemon starts")
        else:
            detail = f": {error}" if error else ""
            self.notice(f"job {job.name} {outcome} in {took}{detail}; next {self._local(upcoming)}")

    # -- state -------------------------------------------------------------------------------
    def _record(self, state: JobState) -> None:
        """Keep ``state`` and save it; a failed save (a full disk) is said and the daemon goes on
        with the state it holds (a restart before the next good save repeats that run at most)."""
        with self._guard:
            self.states[state.name] = state
            try:
                self.state.save_job(state)
            except OSError as e:
                self.notice(f"job {state.name}: cannot save its record: {e}")

    def _save_daemon(self, *, running: bool) -> None:
        data: dict[str, Any] = {"pid": os.getpid(), "running": running, "started": self._started,
                                "updated": datetime.now(UTC).isoformat(timespec="seconds"),
                                "timezone": self.config.schedule.timezone,
                                "services": [s.to_json() for s in self.services.services]}
        try:
            self.state.save_daemon(data)
        except OSError as e:  # status shows the daemon as stopped after a while; it goes on
            self.notice(f"cannot save {self.folder / 'daemon.json'}: {e}")

    def _local(self, when: datetime | None) -> str:
        return "-" if when is None else when.astimezone(self.zone).isoformat(timespec="seconds")
