"""Report periods in the report's zone: whole days, ISO weeks and months, the last whole one or the
one holding a given time, and the trend intervals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from govsoc.core.errors import ReportError
from govsoc.reports.build import build
from govsoc.reports.period import Period, period_bounds
from govsoc.store.sqlite import SqliteStore

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


@pytest.mark.parametrize(("now", "status", "mark"), [
    # made the next morning: the day is over
    (datetime(2026, 11, 30, 1, tzinfo=UTC), "complete", None),
    # made at noon that day: its numbers will still grow (review r18c finding 13)
    (datetime(2026, 11, 29, 4, tzinfo=UTC), "partial", "不完整"),
    # made the day before: nothing can be in it yet
    (datetime(2026, 11, 27, 4, tzinfo=UTC), "future", "未来时段"),
])
def test_a_period_not_over_is_marked(tmp_path: Path, now: datetime, status: str, mark: str | None) -> None:
    day = period_bounds("day", timezone="Asia/Shanghai", at=datetime(2026, 11, 29, 4, tzinfo=UTC))
    with SqliteStore(tmp_path / "events.db") as store:
        for kind in ("situation", "compliance", "alerts"):
            document = build(kind, store, start=day.start, end=day.end, timezone="Asia/Shanghai", now=now)
            assert document.to_dict()["period"]["status"] == status
            shown = document.meta.get("period_status")
            assert (shown is None) if mark is None else (mark in str(shown) and "2026-11-" in str(shown))
