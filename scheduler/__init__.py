"""govsoc.scheduler: the daemon (`govsoc run`) that runs collection, detection, scans and reports
on a clock, from the ``schedule`` section of govsoc.yaml (core.schedule).

    daemon       Daemon: the loop, the lock, starting and stopping in order
    jobs         the jobs and the govsoc commands each runs (detection, retention, classification,
                 crypto_eval, reports)
    services     receivers (`govsoc listen`) and file tails (`govsoc ingest --follow`), restarted
                 when they end
    clock        when a job runs next, and the back-off after failures
    state        the persisted job records, daemon.json and the data folder's lock
    children     the child processes (why processes: see there)
"""

from __future__ import annotations

from govsoc.scheduler.daemon import Daemon
from govsoc.scheduler.jobs import Job, jobs_for
from govsoc.scheduler.state import DaemonLock, JobState, SchedulerState, scheduler_folder

__all__ = ["Daemon", "DaemonLock", "Job", "JobState", "SchedulerState", "jobs_for", "scheduler_folder"]
