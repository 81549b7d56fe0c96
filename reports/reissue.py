"""Reports of a period that data reached after they were issued (review r18d finding 12).

A daily report is written once the day is over, but events of that day keep arriving: a spool
replayed after a store outage, devices that buffer, a file tail that catches up. Each period
report written by `govsoc report` (masked, of a day, week or month) leaves a record of what the
store held for its period when it was issued: ``<data dir>/state/reports/<kind>-<start>--<end>.json``
(UTC bounds), with the events and alerts counted then. `govsoc report ... --reissue-late N`
(which the daemon's report job passes) looks at the N periods before the one it writes: a period
whose store now holds more events or alerts than its record is reported again, under the same
name (the earlier files and signatures are replaced together, reports.publish), and the new
report says on its cover when the first was issued and how many events and alerts arrived since.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Final

from govsoc.core.event import format_timestamp
from govsoc.reports.period import Period
from govsoc.store.base import Query, Store

__all__ = ["RECORDS", "IssueRecord", "late_note", "load_record", "period_counts", "save_record"]

#: Where the records live, under the data dir.
RECORDS: Final = Path("state") / "reports"
_NOTE: Final = {
    "zh": "重新生成：本期报告首次生成于 {first}（当时事件 {events:,} 个、告警 {alerts:,} 条）；上次生成（{last}）后"
          "又存入本期事件 {late_events:,} 个、告警 {late_alerts:,} 条，本报告包含它们",
    "en": "RE-ISSUED: this period's report was first issued {first} (then {events:,} events, {alerts:,} alerts); "
          "{late_events:,} events and {late_alerts:,} alerts of the period were stored after the last issue "
          "({last}) and are included here",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class IssueRecord:
    """What the store held for a report's period when the report was (first and last) issued."""

    kind: str
    start: str
    end: str
    first_issued: str
    first_events: int
    first_alerts: int
    issued: str
    events: int
    alerts: int


def _path(data_dir: Path, kind: str, period: Period) -> Path:
    stamp = "%Y%m%dT%H%M%SZ"
    return data_dir / RECORDS / f"{kind}-{period.start.strftime(stamp)}--{period.end.strftime(stamp)}.json"


def period_counts(store: Store, period: Period) -> tuple[int, int]:
    """The events and alerts (by start) the store holds for ``period``: two store-side counts."""
    events = store.count(Query(start=period.start, end=period.end))
    alerts = sum(g.count for g in store.groups(Query(start=period.start, end=period.end), "event.severity_name",
                                               size=10, target="alerts"))
    return events, alerts


def load_record(data_dir: Path, kind: str, period: Period) -> IssueRecord | None:
    """The record of the ``kind`` report of ``period`` (None: never issued, or unreadable)."""
    try:
        return IssueRecord(**json.loads(_path(data_dir, kind, period).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def save_record(data_dir: Path, kind: str, period: Period, counts: tuple[int, int], now: datetime) -> IssueRecord:
    """Record that the ``kind`` report of ``period`` was issued at ``now`` over ``counts``
    (events, alerts); the first issue's time and counts are kept."""
    previous = load_record(data_dir, kind, period)
    issued = format_timestamp(now)
    record = IssueRecord(kind=kind, start=format_timestamp(period.start), end=format_timestamp(period.end),
                         first_issued=previous.first_issued if previous else issued,
                         first_events=previous.first_events if previous else counts[0],
                         first_alerts=previous.first_alerts if previous else counts[1],
                         issued=issued, events=counts[0], alerts=counts[1])
    path = _path(data_dir, kind, period)
    path.parent.mkdir(parents=True, exist_ok=True)
    aside = path.with_name(f".{path.name}.tmp")
    aside.write_text(json.dumps(asdict(record)), encoding="utf-8")
    aside.replace(path)
    return record


def late_note(record: IssueRecord, counts: tuple[int, int], period: Period, lang: str) -> str | None:
    """What a re-issued report says on its cover; None when nothing arrived since ``record``."""
    late_events, late_alerts = max(0, counts[0] - record.events), max(0, counts[1] - record.alerts)
    if not late_events and not late_alerts:
        return None
    return _NOTE["en" if lang == "en" else "zh"].format(
        first=period.local_text(record.first_issued), events=record.first_events, alerts=record.first_alerts,
        last=period.local_text(record.issued), late_events=late_events, late_alerts=late_alerts)
