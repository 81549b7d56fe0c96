"""The alert report model: one set of numbers that every renderer (HTML, JSON) shows.

Figures are computed once, here, from the stored alerts; renderers only lay them out, so the HTML
and the JSON of one report always agree.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from govsoc.classification.asset_names import mask_asset_name
from govsoc.classification.masking import mask
from govsoc.core.alert import LEVELS, Alert
from govsoc.reports.document import Chart, Document, Figure, Figures, Section, Series, Table
from govsoc.reports.labels import labels

#: Alerts listed per table: the rest are counted (the JSON report has them all), so a report of a
#: 200,000-line log stays a few hundred KB instead of 15 MB.
MAX_ROWS = 200


@dataclass(frozen=True, slots=True, kw_only=True)
class AlertRow:
    """One alert as a report shows it."""

    id: str
    time: str
    end: str
    rule: str
    rule_id: str
    author: str
    level: str
    kind: str
    events: int
    source: str
    user: str
    host: str
    tags: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class AlertReport:
    """An alert report over a period."""

    title: str
    lang: str
    timezone: str
    generated: str
    store: str
    period_start: str | None
    period_end: str | None
    masked: bool
    by_level: dict[str, int]
    by_rule: list[tuple[str, str, int]]
    incidents: list[AlertRow] = field(default_factory=list)
    matches: list[AlertRow] = field(default_factory=list)

    @property
    def total(self) -> int:
        """All alerts in the report."""
        return len(self.incidents) + len(self.matches)

    def to_dict(self) -> dict[str, Any]:
        """The report as plain data (the JSON renderer's output)."""
        return {
            "title": self.title, "lang": self.lang, "timezone": self.timezone, "generated": self.generated,
            "store": self.store,
            "period": {"start": self.period_start, "end": self.period_end}, "masked": self.masked,
            "total": self.total, "by_level": self.by_level,
            "by_rule": [{"rule": r, "author": a, "alerts": n} for r, a, n in self.by_rule],
            "incidents": [_row_dict(r) for r in self.incidents],
            "matches": [_row_dict(r) for r in self.matches],
        }

    def to_document(self) -> Document:
        """The report as a Document, for the renderers; ``data`` keeps every alert."""
        t = labels(self.lang)
        levels = [lv for lv in self.by_level if self.by_level[lv]] or list(self.by_level)
        return Document(
            kind="alerts", title=self.title, lang=self.lang, generated=self.generated, timezone=self.timezone,
            masked=self.masked, period_start=self.period_start, period_end=self.period_end,
            meta={"store": self.store}, data=self.to_dict(),
            sections=(
                Section(id="summary", title=t["heading_summary"], blocks=(
                    Figures(items=(Figure(label=t["total"], value=self.total),
                                   *(Figure(label=t[f"level_{lv}"], value=n) for lv, n in self.by_level.items()))),
                    Chart(kind="bar", title=t["heading_alerts_by_level"], categories=tuple(
                        t[f"level_{lv}"] for lv in levels), series=(Series(name=t["alerts"], values=tuple(
                            float(self.by_level[lv]) for lv in levels)),)),
                )),
                Section(id="rules", title=t["heading_rules"], blocks=(
                    Table(columns=(t["rule"], t["author"], t["alerts"]),
                          rows=tuple(self.by_rule[:MAX_ROWS]), total=len(self.by_rule)),)),
                Section(id="incidents", title=t["heading_incidents"], blocks=(_alert_table(self.incidents, t),)),
                Section(id="matches", title=t["heading_matches"], blocks=(_alert_table(self.matches, t),)),
            ))


def _alert_table(rows: list[AlertRow], t: dict[str, str]) -> Table:
    return Table(columns=(t["time"], t["end"], t["rule"], t["level"], t["source"], t["user"], t["host"],
                          t["events"], t["author"]),
                 rows=tuple((r.time[:19].replace("T", " "), r.end[:19].replace("T", " "), r.rule,
                             t.get(f"level_{r.level}", r.level), r.source, r.user, r.host, r.events, r.author)
                            for r in rows[:MAX_ROWS]),
                 total=len(rows))


def build_report(alerts: Iterable[Alert], *, store: str, lang: str = "zh", masked: bool = True,
                 timezone: str = "Asia/Shanghai", title: str | None = None,
                 now: datetime | None = None, start: datetime | None = None,
                 end: datetime | None = None) -> AlertReport:
    """The report of ``alerts``: correlations first (incidents), then single matches, newest first.
    Times are ISO 8601 in ``timezone`` with their offset, readable by people and machines. Its
    period is the one asked (``start``, ``end``: the list's bounds), a side not asked the alerts'
    span: a list of December that found none says December, not "none — none", and one of
    November says the month, not the minutes its alerts took (R49a-6)."""
    zone = ZoneInfo(timezone)
    items = sorted(alerts, key=lambda a: (a.start, a.id), reverse=True)
    levels = Counter(a.level for a in items)
    rules = Counter((a.rule_title, a.author or "") for a in items)
    rows = [_row(a, masked, zone) for a in items]
    return AlertReport(
        title=title or labels(lang)["alerts_title"],
        lang=lang,
        timezone=timezone,
        generated=_local(now or datetime.now(UTC), zone),
        store=store,
        period_start=_local(start, zone) if start else _local(items[-1].start, zone) if items else None,
        period_end=_local(end, zone) if end else _local(max(a.end for a in items), zone) if items else None,
        masked=masked,
        by_level={level: levels.get(level, 0) for level in reversed(LEVELS)},
        by_rule=sorted(((r, a, n) for (r, a), n in rules.items()), key=lambda x: (-x[2], x[0])),
        incidents=[r for r in rows if r.kind == "correlation"],
        matches=[r for r in rows if r.kind != "correlation"],
    )


def _local(ts: datetime, zone: ZoneInfo) -> str:
    return ts.astimezone(zone).isoformat(timespec="seconds")


def _row(alert: Alert, masked: bool, zone: ZoneInfo) -> AlertRow:
    context = alert.context
    source = alert.group.get("source.ip") or context.get("source.ip") or ""
    user, host = str(context.get("user.name") or ""), str(context.get("host.name") or "")
    return AlertRow(
        id=alert.id, time=_local(alert.start, zone), end=_local(alert.end, zone),
        rule=alert.rule_title, rule_id=alert.rule_id, author=alert.author or "", level=alert.level,
        kind=alert.kind, events=alert.event_count + alert.suppressed, source=str(source),
        user=mask("account", user) if (user and masked) else user,
        host=mask_asset_name(host) if masked else host, tags=alert.tags,
    )


def _row_dict(row: AlertRow) -> dict[str, Any]:
    return {name: (list(value) if isinstance(value, tuple) else value)
            for name in AlertRow.__slots__ for value in [getattr(row, name)]}
