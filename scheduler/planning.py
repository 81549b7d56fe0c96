"""Planning the runs of the daemon's report jobs (scheduler.daemon) across downtime and schedule
changes: the report periods owed since the last one accounted for (scheduler.jobs.owed_runs), at
most CATCH_UP_LIMIT of them, oldest first, those whose own back-off has not passed left waiting; a
schedule or a kind of period (day, week, month) that changed while the daemon was down; and the
latest next run a schedule allows. A mixin of Daemon: it reads the daemon's configuration, time
zone, log and local-time formatting, declared below.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from govsoc.core.config import Config
from govsoc.core.schedule import parse_duration
from govsoc.scheduler.clock import first_run, occurrence_after
from govsoc.scheduler.jobs import Job, owed_runs, period_label
from govsoc.scheduler.state import JobState


class PeriodPlanning:
    """The report-period planning of Daemon (see the module docstring); Daemon provides these."""

    config: Config
    zone: ZoneInfo
    notice: Callable[[str], None]
    _local: Callable[[datetime | None], str]

    def _new_kind(self, job: Job, saved: JobState, now: datetime) -> JobState:
        """A report job whose kind of period changed (day, week, month): the periods the old kind
        still owed are not the new kind's; they are named in the log with the command that writes
        them, and the new kind starts with its next scheduled run (its periods before the change
        were never scheduled, so none is owed)."""
        old = str(saved.period_kind)
        zone = ZoneInfo(self.config.reports.timezone)
        owed = sorted({period_label(when, old, zone): when for when in saved.owed}.items(), key=lambda kv: kv[1])
        state = replace(saved, schedule=job.schedule.describe(), period_kind=job.period_kind, owed=(), backoff=(),
                        covered=(), scheduled_through=now, next_run=first_run(job.schedule, now, self.zone),
                        outcome="interrupted" if saved.outcome == "running" else saved.outcome)
        told = (f"{len(owed)} {old} report period{'s' if len(owed) > 1 else ''} still owed are not written by the "
                f"new schedule: {', '.join(label for label, _ in owed)}; write them with govsoc report --period "
                f"{old} --at DATE" if owed else f"no {old} report period was owed")
        self.notice(f"{job.name}: its period changed ({old} -> {job.period_kind}); {told}; "
                    f"next {self._local(state.next_run)}")
        return state

    def _latest_next(self, job: Job, now: datetime) -> datetime:
        """The latest next run a job's schedule can have at ``now`` (one interval, or its next ``at``)."""
        if job.schedule.every is not None:
            return now + parse_duration(job.schedule.every)
        return occurrence_after(job.schedule, now, self.zone)

    def _reschedule(self, job: Job, saved: JobState, now: datetime) -> JobState:
        """A report job whose schedule changed while the daemon was down: owed are the periods
        after the last one accounted for, at the times of the schedule it has now (the period
        that last time covered is not written again), said in the log."""
        assert job.period_of is not None
        after = self._after(saved, now)
        runs, _ = owed_runs(job, saved.owed, after, now, self.zone)
        done = job.period_of(after)
        runs = [when for when in runs if when in saved.owed or job.period_of(when) != done]
        self.notice(f"{job.name}: its schedule changed ({saved.schedule} -> {job.schedule.describe()}); "
                    + (f"{len(runs)} missed period{'s' if len(runs) > 1 else ''} still owed: "
                       + ", ".join(job.period_of(when) for when in runs) if runs else "no missed period owed"))
        return replace(saved, schedule=job.schedule.describe(), owed=tuple(runs), scheduled_through=now,
                       next_run=now if runs else first_run(job.schedule, now, self.zone),
                       outcome="interrupted" if saved.outcome == "running" else saved.outcome)

    def _plan(self, job: Job, state: JobState, now: datetime) -> list[datetime]:
        """The scheduled times this run covers: ``now`` for most jobs; for a period job every
        period owed (owed_runs), said in the log when it is more than the one just due."""
        if job.period_of is None or not job.periodic:
            return [now]
        after = self._after(state, now)
        runs, dropped = owed_runs(job, state.owed, after, now, self.zone)
        waiting = {job.period_of(when): b[1] for when in runs
                   if (b := state.backoff_of(job.period_of(when))) is not None and b[1] > now}
        if waiting:  # failed periods whose own back-off has not passed: owed still, tried later
            runs = [when for when in runs if job.period_of(when) not in waiting]
            self.notice(f"{job.name}: {len(waiting)} failed period{'s' if len(waiting) > 1 else ''} waiting for "
                        "their retry: " + ", ".join(f"{label} at {self._local(at)}" for label, at in waiting.items()))
        if dropped:
            everything, _ = owed_runs(replace(job, catch_up=len(runs) + dropped), state.owed, after, now, self.zone)
            skipped = [job.period_of(when) for when in everything[:dropped]]
            named = ", ".join(skipped) if len(skipped) <= 62 else f"{skipped[0]} to {skipped[-1]}"
            self.notice(f"{job.name}: {dropped} missed period{'s' if dropped > 1 else ''} older than the last "
                        f"{len(runs)} skipped (at most {job.catch_up} are caught up): {named}; "
                        "write them with govsoc report --at")
        if len(runs) > 1:
            self.notice(f"{job.name}: catching up {len(runs)} periods, oldest first: "
                        + ", ".join(job.period_of(when) for when in runs))
        return runs

    @staticmethod
    def _after(state: JobState, now: datetime) -> datetime:
        """The last scheduled time a period job's record accounts for (owed or run)."""
        after = state.scheduled_through
        if after is None and state.last_start is not None:
            # a record written before catch-up existed: its last run covered the time it started
            # at (a failed one did not: a run starts within a tick of its time)
            after = state.last_start - (timedelta(0) if state.outcome in ("ok", "partial") else timedelta(minutes=1))
        elif after is None:  # never ran: owed from its first due time on
            after = (state.next_run or now) - timedelta(microseconds=1)
        return after
