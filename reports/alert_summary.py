"""The alert report of a period as a Document, computed in the store: alerts by severity and
status, every rule that fired (up to :data:`RULES`) with its severity and author, and the newest
:data:`LATEST` alerts. Its size is bounded whatever the number of alerts; ``govsoc alerts`` lists
them all.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from govsoc.classification.asset_names import mask_asset_name
from govsoc.classification.masking import mask
from govsoc.reports.document import Chart, Document, Figure, Figures, Section, Series, Table
from govsoc.reports.period import Period
from govsoc.reports.situation import LEVEL_ORDER
from govsoc.reports.wording import shown_status, words
from govsoc.store.base import Query, Store

__all__ = ["LATEST", "RULES", "build_alert_summary"]

RULES = 100
LATEST = 100


def build_alert_summary(store: Store, period: Period, *, lang: str, masked: bool,
                        now: datetime | None = None) -> Document:
    """The alert report of ``period``."""
    t = words(lang)
    q = Query(start=period.start, end=period.end)
    found = {str(g.key): g.count for g in store.groups(q, "event.severity_name", size=10, target="alerts")}
    levels = {level: found.get(level, 0) for level in LEVEL_ORDER}
    statuses = store.groups(q, "alert.status", size=10, target="alerts")
    rules = []
    for level in LEVEL_ORDER:
        if levels[level]:
            for g in store.groups(replace(q, terms={"event.severity_name": (level,)}), "rule.name", size=RULES,
                                  total="event.count", target="alerts"):
                rules.append((str(g.key), t[f"level_{level}"], g.count, int(g.total)))
    rules.sort(key=lambda r: (-r[2], r[0]))
    latest = []
    for alert in store.alerts(start=period.start, end=period.end, limit=LATEST, order="desc"):
        user, host = str(alert.context.get("user.name") or ""), str(alert.context.get("host.name") or "")
        source = alert.group.get("source.ip") or alert.context.get("source.ip") or ""
        latest.append((period.local(alert.start), alert.rule_title, t.get(f"level_{alert.level}", alert.level),
                       shown_status(alert.status, t), str(source), mask("account", user) if masked and user else user,
                       mask_asset_name(host) if masked else host, alert.event_count + alert.suppressed))
    total = sum(levels.values())
    sections = (
        Section(id="summary", title=t["overview"], blocks=(
            Figures(items=(Figure(label=t["alert_total"], value=total),
                           *(Figure(label=t[f"level_{lv}"], value=levels[lv]) for lv in LEVEL_ORDER))),
            Chart(kind="bar", title=t["alerts_by_level"], categories=tuple(t[f"level_{lv}"] for lv in LEVEL_ORDER),
                  series=(Series(name=t["alerts"], values=tuple(float(levels[lv]) for lv in LEVEL_ORDER)),)),
            Table(caption=t["alerts_by_status"], columns=(t["status"], t["alerts"]),
                  rows=tuple((shown_status(g.key, t), g.count) for g in statuses)),
        )),
        Section(id="rules", title=t["rules"], blocks=(
            Table(columns=(t["rule"], t["level"], t["alerts"], t["events"]), rows=tuple(rules[:RULES]),
                  total=len(rules)),)),
        Section(id="latest", title=t["latest_alerts"], blocks=(
            Table(columns=(t["time"], t["rule"], t["level"], t["status"], t["address"], t["account"], t["host"],
                           t["events"]), rows=tuple(latest), total=total),)),
    )
    return Document(kind="alerts", title=t["alerts_title"], lang=lang, generated=period.local(now or datetime.now(UTC)),
                    timezone=period.timezone, masked=masked,
                    period_start=period.start.astimezone(period.zone).isoformat(timespec="seconds"),
                    period_end=period.end.astimezone(period.zone).isoformat(timespec="seconds"),
                    meta={"store": store.kind}, sections=sections,
                    data={"alerts": total, "by_level": levels, "by_status": {str(g.key): g.count for g in statuses},
                          "rules": [{"rule": r[0], "level": r[1], "alerts": r[2], "events": r[3]} for r in rules]})
