"""Report periods: a day, an ISO week, a month or a custom range, in the report's time zone.

A report covers a half-open range [start, end) of event time. ``day``, ``week`` and ``month`` are
whole calendar periods of the report's zone (Asia/Shanghai by default): the one that holds
``at`` when it is given, else the last one that has ended (a daily report written at 01:00 covers
yesterday). Trends are drawn in intervals of an hour, a day, a week or 30 days, the smallest that
keeps a chart under :data:`MAX_INTERVALS` points, aligned on the period's start.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from govsoc.core.errors import ReportError

__all__ = ["MAX_INTERVALS", "PERIODS", "STATUSES", "Period", "local_text", "period_bounds"]

PERIODS: Final = ("day", "week", "month", "custom")
#: What Period.status says of a period at the time a report is made.
STATUSES: Final = ("complete", "partial", "future")
MAX_INTERVALS: Final = 100
_STEPS: Final = (timedelta(hours=1), timedelta(days=1), timedelta(days=7), timedelta(days=30))


@dataclass(frozen=True, slots=True, kw_only=True)
class Period:
    """The range a report covers, and how it prints times."""

    start: datetime
    end: datetime
    timezone: str

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ReportError("a report period needs times with a zone")
        if self.end <= self.start:
            raise ReportError(f"a report period must end after it starts ({self.start} .. {self.end})")

    @property
    def zone(self) -> ZoneInfo:
        """The report's time zone."""
        return ZoneInfo(self.timezone)

    @property
    def interval(self) -> timedelta:
        """The trend interval: the smallest step giving at most MAX_INTERVALS points."""
        span = self.end - self.start
        return next((s for s in _STEPS if span / s <= MAX_INTERVALS), _STEPS[-1])

    @property
    def origin(self) -> datetime:
        """Where trend intervals start: the period's start to the whole second (UTC), so that
        stores counting in milliseconds (Elasticsearch) and in microseconds (SQLite) cut alike."""
        return self.start.astimezone(UTC).replace(microsecond=0)

    def intervals(self) -> list[datetime]:
        """The start of every trend interval (UTC), from :attr:`origin`."""
        out: list[datetime] = []
        at = self.origin
        while at < self.end and len(out) < MAX_INTERVALS * 2:
            out.append(at)
            at += self.interval
        return out

    def label(self, ts: datetime) -> str:
        """An interval's start as a chart shows it: "11-29 14:00" for hours, "2026-11-29" else."""
        local = ts.astimezone(self.zone)
        return local.strftime("%m-%d %H:00") if self.interval < timedelta(days=1) else local.strftime("%Y-%m-%d")

    def local(self, ts: datetime | None) -> str:
        """A time in the report's zone, to the second ("" for None)."""
        return "" if ts is None else ts.astimezone(self.zone).strftime("%Y-%m-%d %H:%M:%S")

    def status(self, now: datetime) -> str:
        """``complete`` when the period has ended by ``now``, ``partial`` while it is under way
        (its numbers will still grow), ``future`` before it starts (nothing can be in it yet)."""
        if now >= self.end:
            return "complete"
        return "partial" if now >= self.start else "future"

    def local_text(self, text: object) -> str:
        """An ISO time written by another stage (a checkpoint's update, a 密评 run's
        ``evaluated_at``) in the report's zone, as :meth:`local` writes it; a time without an
        offset is UTC (what govsoc writes); "" for none, and text that is no time as it is."""
        return local_text(text, self.timezone)


def local_text(text: object, timezone: str) -> str:
    """:meth:`Period.local_text` for a zone name (sections built without a period)."""
    if text is None or text == "":
        return ""
    try:
        ts = datetime.fromisoformat(str(text))
    except ValueError:
        return str(text)
    return (ts if ts.tzinfo else ts.replace(tzinfo=UTC)).astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M:%S")


def period_bounds(kind: str, *, timezone: str, at: datetime | None = None, start: datetime | None = None,
                  end: datetime | None = None, now: datetime | None = None) -> Period:
    """The period of ``kind`` (see the module docstring); ``custom`` takes ``start`` and ``end``."""
    zone = ZoneInfo(timezone)
    if kind == "custom":
        if start is None or end is None:
            raise ReportError("a custom period needs --from and --to")
        if end <= start:  # said in the times as given (local), not as stored (UTC)
            raise ReportError(f"a report period must end after it starts (--from {start.isoformat()} "
                              f"--to {end.isoformat()})")
        return Period(start=start.astimezone(UTC), end=end.astimezone(UTC), timezone=timezone)
    if kind not in PERIODS:
        raise ReportError(f"unknown period {kind!r}: one of {', '.join(PERIODS)}")
    moment = (at or now or datetime.now(UTC)).astimezone(zone)
    first = _start_of(kind, moment)
    if at is None:  # the last whole period before now
        first = _start_of(kind, first - timedelta(days=1))
    return Period(start=first.astimezone(UTC), end=_next(kind, first).astimezone(UTC), timezone=timezone)


def _start_of(kind: str, local: datetime) -> datetime:
    day = datetime(local.year, local.month, local.day, tzinfo=local.tzinfo)
    if kind == "week":
        return day - timedelta(days=day.weekday())
    if kind == "month":
        return day.replace(day=1)
    return day


def _next(kind: str, first: datetime) -> datetime:
    if kind == "month":
        year, month = (first.year + 1, 1) if first.month == 12 else (first.year, first.month + 1)
        return first.replace(year=year, month=month)
    days = 7 if kind == "week" else 1
    # wall-clock arithmetic on the zone's dates (a day is 23 or 25 hours across a DST change)
    nxt = first + timedelta(days=days)
    return datetime(nxt.year, nxt.month, nxt.day, tzinfo=first.tzinfo)
