"""When jobs run (scheduler.clock) and what the ``schedule`` section accepts (core.schedule), at
fixed instants: 2026-11-30 is a Monday; Europe/Berlin moves to summer time on 2026-03-29."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from govsoc.core.config import load_config
from govsoc.core.errors import ConfigError
from govsoc.core.schedule import JobSchedule, RetrySettings
from govsoc.scheduler.clock import first_run, following_run, occurrence_after, retry_delay

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


@pytest.mark.parametrize(("schedule", "instant", "expected"), [
    # 07:00 in Shanghai (23:00 UTC the day before): today's 08:00 is still ahead
    (JobSchedule(at="08:00"), "2026-11-30T07:00:00+08:00", "2026-11-30T08:00:00+08:00"),
    # exactly at 08:00: strictly after, so tomorrow's
    (JobSchedule(at="08:00"), "2026-11-30T08:00:00+08:00", "2026-12-01T08:00:00+08:00"),
    # local midnight is another UTC date than the local one: the local date counts
    (JobSchedule(at="00:30"), "2026-11-30T00:10:00+08:00", "2026-11-30T00:30:00+08:00"),
    # weekly on Sunday from a Monday: six days ahead
    (JobSchedule(at="02:00", weekday="sun"), "2026-11-30T09:00:00+08:00", "2026-12-06T02:00:00+08:00"),
    # weekly on Monday, that Monday's time passed: a week later
    (JobSchedule(at="02:00", weekday="mon"), "2026-11-30T09:00:00+08:00", "2026-12-07T02:00:00+08:00"),
    # weekly on Monday, before its time that Monday: the same day
    (JobSchedule(at="10:00", weekday="mon"), "2026-11-30T09:00:00+08:00", "2026-11-30T10:00:00+08:00"),
])
def test_at_times_are_local_wall_clock(schedule: JobSchedule, instant: str, expected: str) -> None:
    assert occurrence_after(schedule, _utc(instant), SHANGHAI) == _utc(expected)


def test_at_times_keep_the_wall_clock_across_a_daylight_saving_change() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    after = occurrence_after(JobSchedule(at="08:00"), _utc("2026-03-28T08:00:00+01:00"), berlin)
    assert after == _utc("2026-03-29T08:00:00+02:00")  # 23 hours later: the clocks moved
    assert after - _utc("2026-03-28T08:00:00+01:00") == timedelta(hours=23)


def test_every_runs_at_once_then_an_interval_after_each_start() -> None:
    every = JobSchedule(every="5m")
    start = _utc("2026-11-30T10:00:00+08:00")
    assert first_run(every, start, SHANGHAI) == start
    assert following_run(every, start, start + timedelta(seconds=40), SHANGHAI) == start + timedelta(minutes=5)
    # a run longer than the interval does not queue missed runs: the next is now
    late = start + timedelta(minutes=7)
    assert following_run(every, start, late, SHANGHAI) == late


def test_a_daily_job_without_state_waits_for_its_time() -> None:
    now = _utc("2026-11-30T10:00:00+08:00")
    assert first_run(JobSchedule(at="03:00"), now, SHANGHAI) == _utc("2026-12-01T03:00:00+08:00")
    # a run that went past its next time (03:00 run ending the next day at 03:30): the one after
    assert following_run(JobSchedule(at="03:00"), _utc("2026-11-30T03:00:00+08:00"),
                         _utc("2026-12-01T03:30:00+08:00"), SHANGHAI) == _utc("2026-12-02T03:00:00+08:00")


@pytest.mark.parametrize(("failures", "seconds"), [
    (1, 60),        # first retry after "first"
    (2, 120),       # doubling
    (3, 240),
    (6, 1920),
    (7, 3600),      # 3840 s capped at "max"
    (10_000, 3600),  # never overflows
])
def test_retry_back_off_doubles_up_to_its_maximum(failures: int, seconds: int) -> None:
    assert retry_delay(failures, RetrySettings(first="1m", max="1h")) == timedelta(seconds=seconds)


@pytest.mark.parametrize(("section", "message"), [
    ("detection: {every: 5m, at: '08:00'}", "either every"),
    ("detection: {}", "either every"),
    ("reports: {every: 5 minutes}", "not a duration"),
    ("reports: {at: '8:00'}", "not a time of day"),
    ("retention: {every: 1d, weekday: sun}", "weekday needs at"),
    ("timezone: Mars/Olympus", "unknown time zone"),
    ("retry: {first: 0s}", "longer than zero"),
])
def test_bad_schedules_name_the_key(tmp_path: Path, section: str, message: str) -> None:
    config = tmp_path / "govsoc.yaml"
    config.write_text(f"schedule:\n  {section}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(config, env={})
    assert message in str(caught.value) and "govsoc.yaml:2" in str(caught.value)


def test_defaults_and_relative_targets(tmp_path: Path) -> None:
    config = tmp_path / "govsoc.yaml"
    config.write_text("schedule:\n  classification: {at: '02:00', targets: [exports, 'sqlite:///x.db']}\n",
                      encoding="utf-8")
    schedule = load_config(config, env={}).schedule
    assert schedule.classification.targets == [str(tmp_path / "exports"), "sqlite:///x.db"]
    assert schedule.detection.describe() == "every 5m" and schedule.retention.describe() == "daily 03:00"
    assert schedule.crypto_eval.describe() == "sun 01:00" and schedule.timezone == "Asia/Shanghai"
    assert schedule.classification.describe() == "daily 02:00"  # weekday given only in the default
