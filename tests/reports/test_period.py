"""Report periods in the report's zone: whole days, ISO weeks and months, the last whole one or the
one holding a given time, and the trend intervals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from govsoc.core.errors import ReportError
from govsoc.reports.period import Period, period_bounds

ZONE = "Asia/Shanghai"
# Monday 2026-12-07 01:30 in Beijing is Sunday 2026-12-06 17:30 UTC
NOW = datetime(2026, 12, 6, 17, 30, tzinfo=UTC)


def local(text: str) -> datetime:
    return datetime.fromisoformat(text + "+08:00")


@pytest.mark.parametrize(("kind", "at", "start", "end"), [
    ("day", None, "2026-12-06T00:00:00", "2026-12-07T00:00:00"),     # yesterday in Beijing, not in UTC
    ("week", None, "2026-11-30T00:00:00", "2026-12-07T00:00:00"),    # the last whole ISO week, Monday to Monday
    ("month", None, "2026-11-01T00:00:00", "2026-12-01T00:00:00"),   # the last whole month
    ("day", "2026-11-29T23:59:59", "2026-11-29T00:00:00", "2026-11-30T00:00:00"),  # the day holding --at
    ("month", "2026-12-31T12:00:00", "2026-12-01T00:00:00", "2027-01-01T00:00:00"),  # a year's last month
    ("week", "2027-01-01T08:00:00", "2026-12-28T00:00:00", "2027-01-04T00:00:00"),   # a week across years
])
def test_calendar_periods(kind: str, at: str | None, start: str, end: str) -> None:
    period = period_bounds(kind, timezone=ZONE, at=local(at) if at else None, now=NOW)
    assert (period.start, period.end) == (local(start), local(end))


def test_trend_intervals_follow_the_length() -> None:
    day = period_bounds("day", timezone=ZONE, now=NOW)
    assert day.interval == timedelta(hours=1) and len(day.intervals()) == 24
    assert day.label(day.start) == "12-06 00:00"
    month = period_bounds("month", timezone=ZONE, now=NOW)
    assert month.interval == timedelta(days=1) and len(month.intervals()) == 30
    year = Period(start=local("2026-01-01T00:00:00"), end=local("2027-01-01T00:00:00"), timezone=ZONE)
    assert year.interval == timedelta(days=7) and len(year.intervals()) == 53


def test_custom_periods_need_both_ends_in_order() -> None:
    with pytest.raises(ReportError):
        period_bounds("custom", timezone=ZONE, start=NOW)
    with pytest.raises(ReportError):
        Period(start=NOW, end=NOW, timezone=ZONE)
    with pytest.raises(ReportError):
        period_bounds("year", timezone=ZONE, now=NOW)


def test_trend_intervals_start_on_a_whole_second() -> None:
    # a relative --from (24h ago) carries microseconds; Elasticsearch's histogram keys are milliseconds
    start = datetime(2026, 12, 6, 1, 2, 3, 456789, tzinfo=UTC)
    period = Period(start=start, end=start + timedelta(days=1), timezone=ZONE)
    assert period.origin == datetime(2026, 12, 6, 1, 2, 3, tzinfo=UTC) == period.intervals()[0]
