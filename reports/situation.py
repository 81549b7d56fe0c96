"""The situation report (态势感知报告) of a period, computed in the store.

Every number comes from a store aggregation (Store.count / groups / histogram / cardinality) or
from a bounded read (the newest alert of each of the top rules, for its evidence): about sixty
store calls and a document of bounded size, however many events the period holds (a test counts
the calls at two sizes). Sections, by stable id:

``overview``   events by source and zone, alerts by severity and status, new versus recurring
               (an alert is recurring when its rule also fired before the period), systems affected
``trend``      events and alerts per hour or day, alerts per severity
``rules``      the top rules with severity, alerts, events, first and last
``assets``     the most alerted systems, agencies, hosts and accounts (accounts masked)
``sources``    alerting source addresses, and external sources (source zone ``internet``) by events
``attack``     ATT&CK tactics and techniques of the alerts' tags
``network``    traffic by zone and protocol, cleartext and weak-crypto shares (govsoc.reports.network)
``compliance`` 密评 per system, classification inventories, findings per 等保 control
``incidents``  the top high and critical rules, each with its newest alert's evidence
``recommendations`` what the numbers above call for

Zones, agencies and systems are the ``govsoc.*`` fields the inventory (inventory.yaml) sets at
ingest (govsoc.core.inventory); without an inventory they are absent and the report says so.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from govsoc.classification.asset_names import mask_asset_name
from govsoc.classification.masking import mask
from govsoc.core.alert import Alert
from govsoc.core.event import format_timestamp
from govsoc.reports.compliance import Saved, compliance_blocks, compliance_recommendations, load_saved
from govsoc.reports.document import (
    Block,
    Chart,
    Document,
    Figure,
    Figures,
    Finding,
    Findings,
    Paragraph,
    Scalar,
    Section,
    Series,
    Table,
)
from govsoc.reports.incident_evidence import _evidence
from govsoc.reports.log_audit import log_audit_section
from govsoc.reports.network import network_overview
from govsoc.reports.period import Period
from govsoc.reports.top_merge import top_of_sum
from govsoc.reports.wording import TACTICS, shown_status, shown_zone, words
from govsoc.store.base import Bucket, Group, Query, Store

__all__ = ["LEVEL_ORDER", "build_situation", "finding_level"]

#: Alert severities, most severe first.
LEVEL_ORDER = ("critical", "high", "medium", "low", "informational")
_TOP = 10
#: Rules looked at for new versus recurring (more than any pack ships).
_RULES = 2000
#: Zones listed per table: far more than a city's inventory names (the rest would count as unregistered).
_ZONES = 200
_SOURCES = 100
_INCIDENTS = 5
#: Pending rules of one level listed among the incidents (those past _INCIDENTS in a table).
_INCIDENT_RULES = 200
#: Alert statuses still waiting for someone: a closed or false-positive alert is neither pending nor notable.
PENDING = ("open", "acknowledged")
#: Recommendations are listed most severe first (review r18d finding 8).
_SEVERITY_ORDER = ("critical", "high", "medium", "low", "info")
#: Alerts of a rule read for its newest pending one (the incident's evidence).
_NEWEST_READ = 100


def finding_level(level: str) -> str:
    """A Sigma level as a document finding level."""
    return "info" if level == "informational" else level


def build_situation(store: Store, period: Period, *, lang: str, masked: bool, data_dir: Path | None,
                    now: datetime | None = None, systems: Mapping[str, int] | None = None,
                    coverage: Collection[str] | None = None, retention_days: int | None = None) -> Document:
    """The situation report of ``period`` (``systems``: the asset inventory's systems and their
    等保 levels, each listed in the 密评 table). Its recommendations include every one the
    compliance report of the period gives (``coverage`` and ``retention_days`` as there)."""
    t = words(lang)
    q = Query(start=period.start, end=period.end)
    numbers: dict[str, Any] = {}
    overview = _overview(store, q, period, t, numbers)
    rules_section, _ = _rules(store, q, period, t, numbers)
    network, numbers["network"] = network_overview(store, q, t)
    tags = store.groups(q, "tags", size=1000, target="alerts")
    saved = load_saved(data_dir, period.end, systems, masked=masked)
    compliance = Section(id="compliance", title=t["compliance"],
                         blocks=compliance_blocks(saved, tags, t, lang=lang, period=period, masked=masked))
    numbers["mipin"] = [{"system": r.get("system"), "verdict": r.get("verdict"), "total": r.get("total"),
                         "missing_evidence": r.get("missing_evidence"), "last_conclusive": r.get("last_conclusive")}
                        for r in saved.mipin]
    numbers["mipin_never_evaluated"] = sorted(saved.never)
    sections = (
        overview, _trend(store, q, period, t), rules_section, _assets(store, q, t, masked),
        _sources(store, q, period, t), _attack(tags, t, lang), network, compliance,
        _incidents(store, q, period, t, masked),
        _recommendations(numbers, saved, t, log_audit_section(store, period, t, data_dir, coverage=coverage,
                                                              masked=masked, retention_days=retention_days)[1]),
    )
    return Document(kind="situation", title=t["situation_title"], lang=lang,
                    generated=period.local(now or datetime.now(UTC)), timezone=period.timezone, masked=masked,
                    period_start=period.start.astimezone(period.zone).isoformat(timespec="seconds"),
                    period_end=period.end.astimezone(period.zone).isoformat(timespec="seconds"),
                    meta={"store": store.kind}, sections=sections, data=numbers)


def _levels(store: Store, q: Query) -> dict[str, int]:
    found = {str(g.key): g.count for g in store.groups(q, "event.severity_name", size=10, target="alerts")}
    return {level: found.get(level, 0) for level in LEVEL_ORDER}


def _overview(store: Store, q: Query, period: Period, t: dict[str, str], numbers: dict[str, Any]) -> Section:
    events = store.count(q)
    datasets = store.groups(q, "event.dataset", size=_SOURCES, span=True)
    zones = store.groups(q, "govsoc.zone", size=_ZONES)
    levels = _levels(store, q)
    statuses = store.groups(q, "alert.status", size=10, target="alerts")
    systems = store.cardinality(q, "context.govsoc.system", target="alerts")
    now_rules = store.groups(q, "rule.id", size=_RULES, target="alerts")
    before = {str(g.key) for g in store.groups(Query(end=period.start), "rule.id", size=_RULES, target="alerts")}
    alerts = sum(levels.values())
    recurring = sum(g.count for g in now_rules if str(g.key) in before)
    high = levels["critical"] + levels["high"]
    open_alerts = sum(g.count for g in statuses if g.key == "open")
    # high and critical alerts nobody has closed or called a false positive yet
    high_q = replace(q, terms={"event.severity_name": ("critical", "high")})
    numbers["high_pending"] = sum(g.count for g in store.groups(high_q, "alert.status", size=10, target="alerts")
                                  if g.key in PENDING)
    numbers.update(events=events, alerts=alerts, by_level=levels, high=high, open=open_alerts,
                   by_status={str(g.key): g.count for g in statuses}, systems_affected=systems,
                   new_alerts=alerts - recurring, recurring_alerts=recurring,
                   by_dataset={str(g.key): g.count for g in datasets}, by_zone={str(g.key): g.count for g in zones})
    blocks: list[Block] = [
        Figures(items=(
            Figure(label=t["event_total"], value=events), Figure(label=t["sources_count"], value=len(datasets)),
            Figure(label=t["alert_total"], value=alerts), Figure(label=t["high_alerts"], value=high),
            Figure(label=t["open_alerts"], value=open_alerts), Figure(label=t["systems_affected"], value=systems),
            Figure(label=t["new_alerts"], value=alerts - recurring, note=t["new_note"]),
            Figure(label=t["recurring_alerts"], value=recurring, note=t["recurring_note"]))),
        Table(caption=t["events_by_source"], columns=(t["source"], t["events"], t["first"], t["last"]),
              rows=tuple((str(g.key), g.count, period.local(g.first), period.local(g.last)) for g in datasets)),
        _zone_table(zones, events, t),
        Chart(kind="bar", title=t["alerts_by_level"], categories=tuple(t[f"level_{lv}"] for lv in LEVEL_ORDER),
              series=(Series(name=t["alerts"], values=tuple(float(levels[lv]) for lv in LEVEL_ORDER)),)),
        Table(caption=t["alerts_by_status"], columns=(t["status"], t["alerts"]),
              rows=tuple((shown_status(g.key, t), g.count) for g in statuses)),
    ]
    if events and not zones:
        blocks.append(Paragraph(text=t["no_zone_note"]))
    elif events:
        blocks.insert(3, Paragraph(text=t["attribution"]))  # how the zone table's rows were decided
    return Section(id="overview", title=t["overview"], blocks=tuple(blocks))


def _zone_table(zones: list[Group], events: int, t: dict[str, str]) -> Table:
    """Events per zone, and a row for those in no registered zone (no ``govsoc.zone``: an address
    in none of inventory.yaml's zones, or no inventory), so that the rows sum to the period's events."""
    rows: list[tuple[Scalar, ...]] = [(shown_zone(g.key, t), g.count) for g in zones]
    unregistered = events - sum(g.count for g in zones)
    if unregistered > 0:
        rows.append((t["unregistered_zone"], unregistered))
    return Table(caption=t["events_by_zone"], columns=(t["zone"], t["events"]), rows=tuple(rows))


def _series(buckets: list[Bucket], starts: list[datetime]) -> tuple[float, ...]:
    found = {b.key: b.count for b in buckets}
    return tuple(float(found.get(format_timestamp(s), 0)) for s in starts)


def _trend(store: Store, q: Query, period: Period, t: dict[str, str]) -> Section:
    starts = period.intervals()
    step, origin = period.interval, period.origin
    events = store.histogram(q, interval=step, origin=origin)
    alerts = store.histogram(q, interval=step, origin=origin, target="alerts")
    categories = tuple(period.label(s) for s in starts)
    by_level = []
    for level in LEVEL_ORDER:
        level_q = replace(q, terms={"event.severity_name": (level,)})
        buckets = store.histogram(level_q, interval=step, origin=origin, target="alerts")
        if buckets:
            by_level.append(Series(name=t[f"level_{level}"], values=_series(buckets, starts)))
    blocks: list[Block] = [
        Chart(kind="line", title=t["events"], categories=categories,
              series=(Series(name=t["events"], values=_series(events, starts)),)),
        Chart(kind="line", title=t["alerts"], categories=categories,
              series=(Series(name=t["alerts"], values=_series(alerts, starts)),)),
    ]
    if by_level:
        blocks.append(Chart(kind="stacked", title=t["alerts_by_level"], categories=categories, series=tuple(by_level)))
    return Section(id="trend", title=t["trend"], blocks=tuple(blocks))


def _rules(store: Store, q: Query, period: Period, t: dict[str, str],
           numbers: dict[str, Any]) -> tuple[Section, list[tuple[str, Group, Alert]]]:
    """The top rules: the top of each severity holds the overall top, so one call per severity."""
    candidates: list[tuple[str, Group]] = []
    for level in LEVEL_ORDER:
        level_q = replace(q, terms={"event.severity_name": (level,)})
        candidates += [(level, g) for g in store.groups(level_q, "rule.id", size=_TOP, total="event.count",
                                                        span=True, target="alerts")]
    candidates.sort(key=lambda lg: (-lg[1].count, LEVEL_ORDER.index(lg[0]), str(lg[1].key)))
    top: list[tuple[str, Group, Alert]] = []
    for level, group in candidates[:_TOP]:
        newest = next(store.alerts(rule_id=str(group.key), start=q.start, end=q.end, limit=1, order="desc"), None)
        if newest is not None:
            top.append((level, group, newest))
    numbers["top_rules"] = [{"rule_id": str(g.key), "rule": a.rule_title, "level": lv, "alerts": g.count}
                            for lv, g, a in top]
    table = Table(caption=t["rules"], columns=(t["rule"], t["level"], t["alerts"], t["events"], t["first"], t["last"]),
                  rows=tuple((a.rule_title, t[f"level_{lv}"], g.count, int(g.total), period.local(g.first),
                              period.local(g.last)) for lv, g, a in top))
    return Section(id="rules", title=t["rules"], blocks=(table,)), top


def _assets(store: Store, q: Query, t: dict[str, str], masked: bool) -> Section:
    blocks: list[Block] = []
    for field, heading in (("context.govsoc.system", "system"), ("context.govsoc.agency", "agency"),
                           ("context.host.name", "host"), ("context.user.name", "accounts_targeted")):
        groups = store.groups(q, field, size=_TOP, target="alerts")
        if not groups:
            continue
        shown: dict[str, int] = {}  # masked names may coincide ("o***", "张**的电脑"): one row each
        for g in groups:
            key = _shown_asset(str(g.key), heading, masked)
            shown[key] = shown.get(key, 0) + g.count
        rows = sorted(shown.items(), key=lambda kv: (-kv[1], kv[0]))
        blocks.append(Table(caption=t[heading], columns=(t[heading], t["alerts"]), rows=tuple(rows)))
    return Section(id="assets", title=t["assets"], blocks=tuple(blocks) or (Paragraph(text=t["none"]),))


def _shown_asset(name: str, heading: str, masked: bool) -> str:
    """An account, system, agency or host name as the report shows it: the account masked, the
    personal names in the others (张三的电脑, zhangsan-pc, an agency's contact) masked."""
    if not masked:
        return name
    if heading == "accounts_targeted":
        return mask("account", name)
    return mask_asset_name(name, "host" if heading == "host" else "agency" if heading == "agency" else "system")


def _sources(store: Store, q: Query, period: Period, t: dict[str, str]) -> Section:
    # single matches / correlations by source: exact over both (review r18e: adding the two top
    # lists dropped a source in neither list's top but first overall)
    alerting = top_of_sum(store, q, ("context.source.ip", "group.source.ip"), size=_TOP)
    external = store.groups(replace(q, terms={"govsoc.source_zone": ("internet",)}), "source.ip", size=_TOP,
                            span=True)
    return Section(id="sources", title=t["sources"], blocks=(
        Table(caption=t["alert_sources"], columns=(t["address"], t["alerts"]), rows=tuple(alerting)),
        Table(caption=t["external_sources"], columns=(t["address"], t["events"], t["first"], t["last"]),
              rows=tuple((str(g.key), g.count, period.local(g.first), period.local(g.last)) for g in external)),
    ))


def _attack(tags: list[Group], t: dict[str, str], lang: str) -> Section:
    tactics, techniques = [], []
    for g in tags:
        name = str(g.key)
        if not name.startswith("attack."):
            continue
        short = name[len("attack."):]
        if short[:1] in ("t", "T") and short[1:2].isdigit():
            techniques.append((short.upper(), g.count))
        elif short.replace("_", "-") in TACTICS:
            zh_en = TACTICS[short.replace("_", "-")]
            tactics.append((zh_en[1] if lang == "en" else zh_en[0], g.count))
    return Section(id="attack", title=t["attack"], blocks=(
        Chart(kind="bar", title=t["tactic"], categories=tuple(n for n, _ in tactics),
              series=(Series(name=t["alerts"], values=tuple(float(c) for _, c in tactics)),)),
        Table(caption=t["technique"], columns=(t["technique"], t["alerts"]), rows=tuple(techniques[:30]),
              total=len(techniques)),
    ))


def _incidents(store: Store, q: Query, period: Period, t: dict[str, str], masked: bool) -> Section:
    """The notable incidents: the rules with pending alerts, critical before high (over all rules,
    not only the most frequent), then the most alerts first; the first few each with its newest
    pending alert's evidence and status, every other such rule in a table after them (review r18d
    finding 4: a log-tampering rule that fired once was ranked last and not even counted)."""
    chosen: list[tuple[str, Group]] = []
    cut = False
    for level in ("critical", "high"):
        level_q = replace(q, terms={"event.severity_name": (level,), "alert.status": PENDING})
        groups = store.groups(level_q, "rule.id", size=_INCIDENT_RULES, total="event.count", span=True,
                              target="alerts")
        cut = cut or len(groups) == _INCIDENT_RULES
        chosen += [(level, g) for g in sorted(groups, key=lambda g: (-g.count, str(g.key)))]
    items: list[Finding] = []
    rest: list[tuple[Scalar, ...]] = []
    for level, group in chosen:
        full = len(items) < _INCIDENTS
        newest = list(store.alerts(rule_id=str(group.key), start=q.start, end=q.end,
                                   limit=_NEWEST_READ if full else 1, order="desc"))
        alert = next((a for a in newest if a.status in PENDING), newest[0] if newest else None)
        if alert is None:
            continue
        if not full:
            rest.append((alert.rule_title, t[f"level_{level}"], group.count, int(group.total),
                         period.local(group.first), period.local(group.last)))
            continue
        where = ", ".join(_shown_asset(str(alert.context[k]), heading, masked)
                          for k, heading in (("govsoc.system", "system"), ("host.name", "host"))
                          if alert.context.get(k))
        source = alert.group.get("source.ip") or alert.context.get("source.ip") or ""
        text = (f"{t['alerts']} {group.count}, {t['events']} {int(group.total)}; {period.local(group.first)} – "
                f"{period.local(group.last)}" + (f"; {where}" if where else "") + (f"; {source}" if source else "")
                + f"; {t['status']}: {shown_status(alert.status, t)}")
        items.append(Finding(level=finding_level(level), title=alert.rule_title, text=text,
                             evidence=_evidence(alert, period, masked), reference=alert.rule_id))
    if not items:
        return Section(id="incidents", title=t["incidents"], blocks=(Paragraph(text=t["no_incidents"]),))
    blocks: list[Block] = [Findings(items=tuple(items))]
    if rest:
        caption = t["incidents_more"].format(n=len(rest)) + (t["incidents_cut"].format(n=_INCIDENT_RULES)
                                                              if cut else "")
        blocks.append(Table(caption=caption, columns=(t["rule"], t["level"], t["alerts"], t["events"], t["first"],
                                                      t["last"]), rows=tuple(rest)))
    return Section(id="incidents", title=t["incidents"], blocks=tuple(blocks))


def _recommendations(numbers: dict[str, Any], saved: Saved, t: dict[str, str], audit: dict[str, Any]) -> Section:
    """The period's alerts and traffic call for some; the compliance report's (密评, log audit,
    inventory) are all given too (review r18d finding 8), most severe first."""
    items = []
    if numbers["high_pending"]:
        items.append(Finding(level="high", title=t["rec_high_open"].format(n=numbers["high_pending"]),
                             advice=t["rec_high_open_text"]))
    top = numbers.get("top_rules") or []
    if top and top[0]["alerts"]:  # the rule that fired most: its cause is the period's main work
        items.append(Finding(level=finding_level(str(top[0]["level"])),
                             title=t["rec_top_rule"].format(rule=top[0]["rule"], n=top[0]["alerts"]),
                             advice=t["rec_top_rule_text"]))
    network = numbers["network"]
    if network.get("cleartext_flows"):
        items.append(Finding(level="medium", title=t["rec_cleartext"].format(
            names=", ".join(network["cleartext_services"])), advice=t["rec_cleartext_text"]))
    if network.get("weak_sessions"):
        items.append(Finding(level="medium", title=t["rec_weak_tls"].format(n=network["weak_sessions"]),
                             advice=t["rec_weak_tls_text"]))
    items += compliance_recommendations(saved, audit, t)
    if numbers["events"] and not numbers["by_zone"]:
        items.append(Finding(level="low", title=t["rec_inventory"], advice=t["rec_inventory_text"]))
    if not items:
        items.append(Finding(level="info", title=t["rec_none"]))
    items.sort(key=lambda f: _SEVERITY_ORDER.index(f.level) if f.level in _SEVERITY_ORDER else len(_SEVERITY_ORDER))
    return Section(id="recommendations", title=t["recommendations"], blocks=(Findings(items=tuple(items)),))
