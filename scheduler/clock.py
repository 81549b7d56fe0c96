"""When a job runs next: ``every`` a duration after its last start, or ``at`` a local wall-clock
time (daily or weekly) in the schedule's zone, and the back-off after failures.

Pure functions of the times given (never the clock), so they are tested at fixed instants,
daylight-saving changes included: an ``at`` time is a wall-clock time, kept across a change.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from govsoc.core.schedule import WEEKDAYS, JobSchedule, RetrySettings, parse_duration

__all__ = ["first_run", "following_run", "occurrence_after", "occurrences_between", "retry_delay"]

#: How far back occurrences are listed at most (a data folder restored from a years-old backup).
_HORIZON = timedelta(days=5 * 366)


def occurrence_after(schedule: JobSchedule, instant: datetime, zone: ZoneInfo) -> datetime:
    """The first ``at`` time (on ``weekday`` when given) strictly after ``instant``, in UTC."""
    assert schedule.at is not None
    hour, minute = (int(part) for part in schedule.at.split(":"))
    day = instant.astimezone(zone).date()
    step = 7 if schedule.weekday else 1
    if schedule.weekday:
        day += timedelta(days=(WEEKDAYS.index(schedule.weekday) - day.weekday()) % 7)
    while True:  # at most two rounds: today's (or this week's) time has passed, or not
        candidate = datetime.combine(day, time(hour, minute), tzinfo=zone).astimezone(UTC)
        if candidate > instant:
            return candidate
        day += timedelta(days=step)


def occurrences_between(schedule: JobSchedule, after: datetime, until: datetime, zone: ZoneInfo) -> list[datetime]:
    """Every ``at`` time in (after, until], oldest first, in UTC (none further back than five
    years before ``until``)."""
    found: list[datetime] = []
    when = occurrence_after(schedule, max(after, until - _HORIZON), zone)
    while when <= until:
        found.append(when)
        when = occurrence_after(schedule, when, zone)
    return found


def first_run(schedule: JobSchedule, now: datetime, zone: ZoneInfo) -> datetime:
    """When a job with no saved state runs first: at once for ``every``, else its next ``at``."""
    return now if schedule.every is not None else occurrence_after(schedule, now, zone)


def following_run(schedule: JobSchedule, started: datetime, now: datetime, zone: ZoneInfo) -> datetime:
    """When a job that started at ``started`` and ended at ``now`` runs next. A run longer than
    the interval (or past the next ``at`` time) does not queue up missed runs: the next one is
    the first still ahead (or ``now``, for ``every``)."""
    if schedule.every is not None:
        return max(started + parse_duration(schedule.every), now)
    return occurrence_after(schedule, max(started, now), zone)


def retry_delay(failures: int, retry: RetrySettings) -> timedelta:
    """The wait after ``failures`` failed runs in a row: first, doubling, at most max."""
    first, most = parse_duration(retry.first).total_seconds(), parse_duration(retry.max).total_seconds()
    return timedelta(seconds=min(most, first * 2.0 ** min(max(failures - 1, 0), 64)))
