"""`govsoc alerts`: list, group, read and work alerts.

``govsoc alerts`` lists (or groups) alerts with the entities an analyst triages by: source
address, account, host and information system. ``govsoc alerts show ID`` gives one alert whole:
its rule with author and references, the evidence events with their raw lines (from the alert's
own snapshot, so it reads the same after event retention) and the asset context. ``ack``,
``close``, ``false-positive``, ``reopen``, ``assign`` and ``note`` work an alert; a later
detection pass keeps what they did.
"""

from __future__ import annotations

import getpass
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import click
from rich.text import Text

from govsoc.cli.context import AppContext
from govsoc.cli.main import cli
from govsoc.cli.output import FORMAT_OPTION, as_text, console, emit, local_time, printable, shown
from govsoc.cli.terminal import json_for_terminal, one_line
from govsoc.cli.timeargs import TIME, check_span
from govsoc.core.alert import LEVELS, STATUSES, Alert, Note, TriageChange
from govsoc.core.errors import StoreError
from govsoc.rules import BUILTIN_PACKS, load_rules
from govsoc.rules.compliance import control_label, findings_per_control
from govsoc.rules.silence import silent_sources

#: Entity columns: header -> the ECS field, read from the alert's group, then its context.
ENTITIES = (("source", "source.ip"), ("user", "user.name"), ("host", "host.name"), ("system", "govsoc.system"))
ALERT_COLUMNS = (("start", "start"), ("level", "level"), ("status", "status"), ("rule", "rule"),
                 *((f, h) for h, f in ENTITIES), ("controls", "等保/密评"), ("events", "events"),
                 ("assignee", "assignee"), ("author", "author"), ("id", "id"))
CONTROL_COLUMNS = (("label", "control"), ("alerts", "alerts"), ("first", "first"), ("last", "last"),
                   ("text", "requirement"))
SILENT_COLUMNS = (("source", "source"), ("field", "named by"), ("last", "last event"), ("events", "events"))
GROUP_FIELDS = ("rule", *(f for _, f in ENTITIES))
GROUP_COLUMNS = (("value", "value"), ("alerts", "alerts"), ("open", "open"), ("highest", "highest level"),
                 ("latest", "latest"))
#: Longest raw line `alerts show` prints.
RAW_LIMIT = 2000


def entity(alert: Alert, name: str) -> Any:
    """An entity of an alert: the correlation's group value, else the matched event's."""
    value = alert.group.get(name)
    return value if value is not None else alert.context.get(name)


def controls(alert: Alert) -> str:
    """The 等保 controls and 密评 items an alert's rule is tagged with, as labels (等保 8.1.4.1 b))."""
    return ", ".join(label for label in map(control_label, alert.tags) if label)


def rule_matcher(app: AppContext, wanted: str) -> Callable[[Alert], bool]:
    """Whether an alert belongs to the rule given by id, title or Sigma ``name`` (any case).

    Ids and titles are on every stored alert; names are looked up in the rules detect loads
    (bundled packs and store.rules paths).
    """
    folded = wanted.casefold()
    ids = {wanted}
    sources = ([BUILTIN_PACKS] if app.config.rules.builtin else []) + list(app.config.rules.paths)
    ruleset = load_rules(sources)
    for rule in (*ruleset.rules, *ruleset.correlations):
        if folded in {(rule.name or "").casefold(), rule.title.casefold()}:
            ids.add(str(rule.id))
    return lambda a: a.rule_id in ids or a.rule_title.casefold() == folded


@dataclass(slots=True)
class Selection:
    """The first ``limit`` alerts that pass the filters, and how many passed in all."""

    shown: list[Alert] = field(default_factory=list)
    total: int = 0


def select(app: AppContext, *, rule: str | None, start: datetime | None, end: datetime | None,
           level: str | None, statuses: tuple[str, ...], assignee: str | None, oldest_first: bool) -> Iterator[Alert]:
    """Stored alerts that pass the filters, newest first (or oldest first)."""
    floor = LEVELS.index(level) if level else 0
    matches_rule = rule_matcher(app, rule) if rule else None
    order: Literal["asc", "desc"] = "asc" if oldest_first else "desc"
    for alert in app.store.alerts(start=start, end=end, order=order):
        if LEVELS.index(alert.level) < floor or (statuses and alert.status not in statuses):
            continue
        if (assignee and alert.assignee != assignee) or (matches_rule and not matches_rule(alert)):
            continue
        yield alert


@cli.group(invoke_without_command=True)
@click.option("--rule", help="Only alerts of this rule: its id, title or Sigma name (any case).")
@click.option("--from", "start", type=TIME, help="Alerts starting at or after this time.")
@click.option("--to", "end", type=TIME, help="Alerts starting before this time.")
@click.option("--level", type=click.Choice(LEVELS), help="Only alerts of at least this level.")
@click.option("--status", "statuses", type=click.Choice(STATUSES), multiple=True,
              help="Only alerts in this status; repeat for more.")
@click.option("--assignee", help="Only alerts assigned to this analyst.")
@click.option("--group-by", type=click.Choice(GROUP_FIELDS), help="Count alerts per rule or entity instead.")
@click.option("--limit", "-n", type=click.IntRange(min=1), default=50, show_default=True)
@click.option("--oldest-first", is_flag=True, help="List the oldest alerts first (default: newest first).")
@FORMAT_OPTION
@click.pass_context
def alerts(ctx: click.Context, rule: str | None, start: datetime | None, end: datetime | None, level: str | None,
           statuses: tuple[str, ...], assignee: str | None, group_by: str | None, limit: int,
           oldest_first: bool, fmt: str) -> None:
    """List stored alerts, newest first, with "N of M" (M: all that pass the filters).

    Rule authors are shown, as the Sigma rule licence asks. Subcommands read and work one
    alert: `govsoc alerts show ID`, `ack`, `close`, `false-positive`, `reopen`, `assign`, `note`.
    """
    if ctx.invoked_subcommand is not None:
        return
    check_span(start, end)
    app: AppContext = ctx.obj
    found = select(app, rule=rule, start=start, end=end, level=level, statuses=statuses, assignee=assignee,
                   oldest_first=oldest_first)
    zone = app.config.reports.timezone
    if group_by:
        _emit_groups(found, group_by, limit, fmt, zone)
        return
    selection = Selection()
    for alert in found:
        selection.total += 1
        if len(selection.shown) < limit:
            selection.shown.append(alert)
    if fmt == "json":
        emit((a.to_document() for a in selection.shown), ALERT_COLUMNS, fmt)
        return
    rows = [{"start": local_time(a.start, zone), "level": a.level, "status": a.status, "rule": a.rule_title,
             **{f: entity(a, f) for _, f in ENTITIES}, "controls": controls(a),
             "events": a.event_count + a.suppressed,
             "assignee": a.assignee, "author": a.author, "id": a.id} for a in selection.shown]
    order = "oldest" if oldest_first else "newest"
    emit(rows, ALERT_COLUMNS, fmt, title=f"alerts: {len(rows):,} of {selection.total:,}, {order} first "
                                         f"(times in {zone})", unbroken=("id",))
    if selection.total == 0 and rule:
        # escaped once: repr() of the escaped text doubled each backslash (R49a-7)
        click.echo(f"no alert of a rule with id, title or name '{one_line(rule)}'", err=True)


def _emit_groups(found: Iterator[Alert], group_by: str, limit: int, fmt: str, zone: str) -> None:
    counts: Counter[Any] = Counter()
    open_counts: Counter[Any] = Counter()
    highest: dict[Any, int] = {}
    latest: dict[Any, datetime] = {}
    total = 0
    for alert in found:
        total += 1
        key = alert.rule_title if group_by == "rule" else entity(alert, group_by)
        key = "(none)" if key is None else (", ".join(map(str, key)) if isinstance(key, list) else key)
        counts[key] += 1
        open_counts[key] += alert.status == "open"
        highest[key] = max(highest.get(key, 0), LEVELS.index(alert.level))
        latest[key] = max(latest.get(key, alert.start), alert.start)
    ranked = sorted(counts, key=lambda k: (-counts[k], -highest[k], str(k)))[:limit]
    rows = [{"value": k, "alerts": counts[k], "open": open_counts[k], "highest": LEVELS[highest[k]],
             "latest": latest[k].isoformat() if fmt == "json" else local_time(latest[k], zone)} for k in ranked]
    emit(rows, GROUP_COLUMNS, fmt, title=f"alerts by {group_by}: {len(rows):,} of {len(counts):,} groups, "
                                         f"{total:,} alerts (times in {zone})")


@alerts.command(name="controls")
@click.option("--from", "start", type=TIME, help="Alerts starting at or after this time.")
@click.option("--to", "end", type=TIME, help="Alerts starting before this time.")
@FORMAT_OPTION
@click.pass_obj
def controls_command(app: AppContext, start: datetime | None, end: datetime | None, fmt: str) -> None:
    """Alerts per 等保 2.0 control and 密评 item (the djbh./mipin. tags of their rules), counted
    in the store: what a compliance report shows as findings per control. Alerts closed as false
    positives (`govsoc alerts false-positive`) are not counted."""
    check_span(start, end)
    zone = app.config.reports.timezone
    found = findings_per_control(app.store, start, end)
    rows = [{"label": f.label, "tag": f"{f.namespace}.{f.control}", "alerts": f.alerts, "text": f.text or "",
             "first": (f.first.isoformat() if fmt == "json" else local_time(f.first, zone)) if f.first else "",
             "last": (f.last.isoformat() if fmt == "json" else local_time(f.last, zone)) if f.last else ""}
            for f in found]
    emit(rows, CONTROL_COLUMNS, fmt, title=f"alerts per control: {len(rows):,} controls (times in {zone})")


@alerts.command(name="silent")
@click.option("--quiet", "quiet_hours", type=click.FloatRange(min=0, min_open=True), default=24.0, show_default=True,
              help="Hours without an event after which a source counts as silent.")
@FORMAT_OPTION
@click.pass_obj
def silent_command(app: AppContext, quiet_hours: float, fmt: str) -> None:
    """Log sources (datasets, network devices, hosts) that sent events before but none in the
    last --quiet hours, however long ago they stopped: a 等保 8.1.5.4 d) finding (audit data
    collected centrally). A govsoc check over the store, not a Sigma rule."""
    zone = app.config.reports.timezone
    found = silent_sources(app.store, now=datetime.now(UTC), quiet=timedelta(hours=quiet_hours))
    rows = [{"field": s.field, "source": s.value, "events": s.events,
             "last": s.last_event.isoformat() if fmt == "json" else local_time(s.last_event, zone)} for s in found]
    emit(rows, SILENT_COLUMNS, fmt,
         title=f"silent sources: {len(rows):,} quiet for {quiet_hours:g} h (times in {zone})")


def find_alert(app: AppContext, wanted: str) -> Alert:
    """The alert with this id, or the one whose id starts with it (at least 6 characters)."""
    alert = app.store.alert(wanted)
    if alert is not None:
        return alert
    if len(wanted) >= 6:
        candidates = [a for a in app.store.alerts() if a.id.startswith(wanted)]
        if len(candidates) == 1:
            return candidates[0]
        if candidates:
            raise click.UsageError(f"{len(candidates)} alerts start with '{one_line(wanted)}'; give more of the id")
    if len(wanted) < 6:  # R58b-11: "no alert '7'" where one alert's id starts with 7
        raise click.UsageError(f"no alert with the id '{one_line(wanted)}'; give at least 6 characters of an id "
                               "(list them with `govsoc alerts`)")
    # The id as typed, escaped once (the CLI's error line shows control characters; repr() of the
    # escaped text doubled each backslash: R49a-7).
    raise StoreError(f"no alert '{one_line(wanted)}'; list them with `govsoc alerts`")


@alerts.command()
@click.argument("alert_id", metavar="ID")
@FORMAT_OPTION
@click.pass_obj
def show(app: AppContext, alert_id: str, fmt: str) -> None:
    """One alert whole: rule, author and references, evidence events with raw lines, asset
    context, notes. ID may be the first characters of the id."""
    alert = find_alert(app, alert_id)
    if fmt == "json":
        click.echo(json_for_terminal(alert.to_document()))
        return
    zone = app.config.reports.timezone
    out = console()
    for line in _describe(alert, zone):
        out.print(line)
    out.print(Text(f"\nevidence: {len(alert.evidence)} of {alert.event_count + alert.suppressed} events",
                   style="bold"))
    for ev in alert.evidence:
        fields = "  ".join(f"{k}={as_text(v)}" for k, v in ev.fields.items() if k != "message")
        out.print(Text(f"- {local_time(ev.timestamp, zone)}  ") + shown(f"{ev.dataset}  {ev.event_id}"))
        if fields:
            out.print(Text("    ") + shown(fields, RAW_LIMIT))
        if ev.original is not None:
            note = " [cut when the alert was stored]" if ev.truncated else ""
            out.print(Text("    raw: ") + shown(ev.original, RAW_LIMIT, whole="--format json") + Text(note))
        elif "message" in ev.fields:
            out.print(Text("    message: ") + shown(ev.fields["message"], RAW_LIMIT))
    if not alert.evidence:
        out.print(Text("  no snapshot (stored before snapshots); event ids: " + ", ".join(alert.event_ids[:10])))


def _describe(alert: Alert, zone: str) -> Iterator[Text]:
    yield Text(f"alert {alert.id}", style="bold")
    yield Text("rule:       ") + shown(f"{alert.rule_title} ({alert.rule_id}), level {alert.level}")
    yield Text("author:     ") + shown(alert.author or "(not given)")
    for ref in alert.references:
        yield Text("reference:  ") + shown(ref)
    if alert.tags:
        yield Text("tags:       ") + shown(", ".join(alert.tags))
    if controls(alert):
        yield Text("controls:   ") + shown(controls(alert))
    yield Text(f"kind:       {alert.kind}, {local_time(alert.start, zone)} to {local_time(alert.end, zone)} "
               f"({zone}), {alert.event_count} events" + (f", {alert.suppressed} more suppressed"
                                                           if alert.suppressed else ""))
    yield Text("status:     ") + shown(f"{alert.status}, assignee {alert.assignee or '(none)'}")
    if alert.group:
        yield Text("group:      ") + shown(", ".join(f"{k}={as_text(v)}" for k, v in alert.group.items()))
    context = ", ".join(f"{k}={as_text(v)}" for k, v in alert.context.items())
    yield Text("context:    ") + shown(context or "(no asset known)")
    for note in alert.notes:
        yield Text(f"note:       {local_time(note.time, zone)} ") + shown(f"{note.author}: {note.text}")


def _triage(app: AppContext, ids: tuple[str, ...], change: TriageChange) -> None:
    for wanted in ids:
        alert = app.store.update_alert(find_alert(app, wanted).id, change)
        assignee = f", assignee {alert.assignee}" if alert.assignee else ""
        click.echo(printable(f"{alert.id}: {alert.status}{assignee}, {len(alert.notes)} notes  {alert.rule_title}"))


def _note(text: str | None, author: str | None) -> Note | None:
    return Note(author=author or getpass.getuser(), time=datetime.now(UTC), text=text) if text else None


NOTE_OPTION = click.option("--note", "-m", "text", help="Add this note with the change.")
BY_OPTION = click.option("--by", "author", help="Who is acting (default: the login name).")


def _status_command(name: str, status: str, help_text: str) -> None:
    @alerts.command(name=name, help=help_text)
    @click.argument("ids", nargs=-1, required=True, metavar="ID...")
    @NOTE_OPTION
    @BY_OPTION
    @click.pass_obj
    def command(app: AppContext, ids: tuple[str, ...], text: str | None, author: str | None) -> None:
        _triage(app, ids, TriageChange(status=status, note=_note(text, author)))


_status_command("ack", "acknowledged", "Acknowledge alerts: someone is looking at them.")
_status_command("close", "closed", "Close alerts that were dealt with.")
_status_command("false-positive", "false_positive", "Close alerts as false positives.")
_status_command("reopen", "open", "Open closed or acknowledged alerts again.")


@alerts.command()
@click.argument("alert_id", metavar="ID")
@click.argument("assignee", required=False)
@click.option("--none", "unassign", is_flag=True, help="Remove the assignee.")
@NOTE_OPTION
@BY_OPTION
@click.pass_obj
def assign(app: AppContext, alert_id: str, assignee: str | None, unassign: bool, text: str | None,
           author: str | None) -> None:
    """Assign an alert to ASSIGNEE (default: yourself), or --none."""
    who = None if unassign else (assignee or getpass.getuser())
    _triage(app, (alert_id,), TriageChange(assignee=who, unassign=unassign, note=_note(text, author)))


@alerts.command()
@click.argument("alert_id", metavar="ID")
@click.argument("text")
@BY_OPTION
@click.pass_obj
def note(app: AppContext, alert_id: str, text: str, author: str | None) -> None:
    """Add TEXT to an alert's notes history."""
    _triage(app, (alert_id,), TriageChange(note=_note(text, author)))
