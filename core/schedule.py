"""The ``schedule`` section of govsoc.yaml: what the daemon (`govsoc run`, govsoc.scheduler) runs
and when.

    schedule:
      timezone: Asia/Shanghai          # the zone of every "at" time
      receivers: true                  # serve collectors.receivers (as `govsoc listen`)
      follow: true                     # tail collectors.sources (as `govsoc ingest --follow`)
      detection: {every: 5m}           # an incremental detection pass
      retention: {at: "03:00"}         # daily at 03:00
      classification: {at: "02:00", weekday: sun, targets: [/srv/exports, "sqlite:///srv/app.db"]}
      crypto_eval: {at: "01:00", weekday: sun}    # needs inventory: in govsoc.yaml
      reports: {at: "08:00", kinds: [situation, compliance], period: day, formats: [html, pdf]}
                                       # signed with the key `govsoc keys init` made (unsigned: true
                                       # writes them unsigned; GOVSOC_KEY_PASSPHRASE[_FILE] in the
                                       # daemon's environment unlocks an encrypted key)
      retry: {first: 1m, max: 1h}      # a failed job is tried again after 1m, 2m, 4m ... 1h

A job runs either ``every`` DURATION (``90s``, ``5m``, ``2h``, ``1d``) or ``at`` HH:MM local time,
daily or on one ``weekday``. ``enabled: false`` switches a job off; ``timeout`` ends a run that
takes longer. Run state (last run, outcome, next run) lives under the data folder, never here.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = ["WEEKDAYS", "ClassificationJob", "JobSchedule", "ReportJob", "RetrySettings", "ScheduleSettings",
           "parse_duration"]

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DURATION = re.compile(r"^([0-9]+(?:\.[0-9]+)?)(s|m|h|d)$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_AT = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])$")


def parse_duration(text: str) -> timedelta:
    """``90s``, ``5m``, ``2h``, ``1d`` (or ``0.5s``) as a timedelta; ValueError otherwise."""
    match = _DURATION.match(text.strip())
    if match is None:
        raise ValueError(f"not a duration: {text!r} (a number and s, m, h or d, e.g. 30s, 5m, 1h, 1d)")
    seconds = float(match[1]) * _UNIT_SECONDS[match[2]]
    if seconds <= 0:
        raise ValueError(f"a duration must be longer than zero: {text!r}")
    return timedelta(seconds=seconds)


def _duration(value: str | None) -> str | None:
    if value is not None:
        parse_duration(value)
    return value


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class JobSchedule(_Model):
    """When one job runs: ``every`` a duration, or ``at`` a local time (daily, or weekly on
    ``weekday``)."""

    enabled: bool = True
    every: str | None = None
    at: str | None = None
    weekday: Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"] | None = None
    timeout: str | None = None

    _durations = field_validator("every", "timeout")(_duration)

    @field_validator("at")
    @classmethod
    def _clock_time(cls, value: str | None) -> str | None:
        if value is not None and not _AT.match(value):
            raise ValueError(f"not a time of day: {value!r} (HH:MM, 24-hour, e.g. 08:00; quote it in YAML)")
        return value

    @model_validator(mode="after")
    def _one_kind(self) -> JobSchedule:
        if self.enabled and (self.every is None) == (self.at is None):
            raise ValueError("give either every: DURATION or at: HH:MM")
        if self.weekday is not None and self.at is None:
            raise ValueError("weekday needs at: HH:MM")
        return self

    def describe(self) -> str:
        """The schedule in a few words: ``every 5m``, ``daily 03:00``, ``sun 02:00``."""
        if not self.enabled:
            return "off"
        if self.every is not None:
            return f"every {self.every}"
        return f"{self.weekday or 'daily'} {self.at}"


class ClassificationJob(JobSchedule):
    """The classification scan: each target as `govsoc classify TARGET` takes it (files,
    folders, database URLs, es://INDEX)."""

    targets: list[str] = []
    scheme: str = "gbt43697"


class ReportJob(JobSchedule):
    """The report job: each of ``kinds`` for the last whole ``period`` (a day, ISO week or month
    in reports.timezone) before the run, in each of ``formats``."""

    kinds: list[Literal["situation", "compliance", "alerts"]] = Field(default=["situation", "compliance"],
                                                                       min_length=1)
    period: Literal["day", "week", "month"] = "day"
    formats: list[Literal["html", "pdf", "json", "md"]] = Field(default=["html"], min_length=1)
    lang: Literal["zh", "en"] | None = None
    #: Write the reports unsigned (`govsoc report --unsigned`). Off: the job fails, and `govsoc
    #: status` shows why, until `govsoc keys init` has made the signing key.
    unsigned: bool = False


class RetrySettings(_Model):
    """The back-off after a failed run: ``first``, doubling with each failure in a row, at most ``max``."""

    first: str = "1m"
    max: str = "1h"

    _durations = field_validator("first", "max")(_duration)


class ScheduleSettings(_Model):
    """What `govsoc run` runs (see the module docstring)."""

    timezone: str = "Asia/Shanghai"
    receivers: bool = True
    follow: bool = True
    follow_interval: float = Field(default=1.0, ge=0.05)
    detection: JobSchedule = JobSchedule(every="5m")
    retention: JobSchedule = JobSchedule(at="03:00")
    classification: ClassificationJob = ClassificationJob(at="02:00", weekday="sun")
    crypto_eval: JobSchedule = JobSchedule(at="01:00", weekday="sun")
    reports: ReportJob = ReportJob(at="08:00")
    retry: RetrySettings = RetrySettings()
    #: Seconds a job gets to end after SIGTERM before it is killed (it resumes on the next run).
    stop_grace: float = Field(default=5.0, gt=0, le=300)

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as e:
            raise ValueError(f"unknown time zone {value!r} (use an IANA name such as Asia/Shanghai)") from e
        return value
