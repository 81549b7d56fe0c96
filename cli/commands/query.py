"""`govsoc events`: list, count and rank the stored events (alerts: cli/commands/alerts.py)."""

from __future__ import annotations

from datetime import datetime

import click

from govsoc.cli.context import AppContext
from govsoc.cli.main import cli
from govsoc.cli.output import FORMAT_OPTION, emit, local_time
from govsoc.cli.timeargs import TIME
from govsoc.core.event import format_timestamp
from govsoc.store import Query

EVENT_COLUMNS = (("time", "time"), ("event.dataset", "dataset"), ("host.name", "host"),
                 ("event.action", "action"), ("event.outcome", "outcome"), ("source.ip", "source"),
                 ("user.name", "user"), ("message", "message"))


def _terms(pairs: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    terms: dict[str, list[str]] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"{pair!r} is not FIELD=VALUE", param_hint="--where")
        terms.setdefault(name.strip(), []).append(value)
    return {k: tuple(v) for k, v in terms.items()}


@cli.command()
@click.option("--from", "start", type=TIME, help="Events at or after this time (ISO 8601, or 24h / 7d ago).")
@click.option("--to", "end", type=TIME, help="Events before this time.")
@click.option("--where", "-w", multiple=True, metavar="FIELD=VALUE",
              help="Field equals value; repeat for more (same field: any of the values).")
@click.option("--text", help="Phrase to find in the message.")
@click.option("--limit", "-n", type=click.IntRange(min=1), default=20, show_default=True)
@click.option("--count", is_flag=True, help="Print only how many events match.")
@click.option("--top", metavar="FIELD", help="Print the most frequent values of FIELD instead of events.")
@FORMAT_OPTION
@click.pass_obj
def events(app: AppContext, start: datetime | None, end: datetime | None, where: tuple[str, ...],
           text: str | None, limit: int, count: bool, top: str | None, fmt: str) -> None:
    """Query stored events, newest first."""
    query = Query(start=start, end=end, terms=_terms(where), text=text, limit=limit, order="desc")
    if count:
        click.echo(app.store.count(query))
        return
    if top:
        buckets = app.store.aggregate(query, top, size=limit)
        emit(({"value": b.key, "count": b.count} for b in buckets), (("value", top), ("count", "events")), fmt)
        return
    rows = []
    zone = app.config.reports.timezone
    for event in app.store.search(query):
        doc = {"@timestamp": format_timestamp(event.timestamp), "event.id": event.id,
               "event.dataset": event.dataset, **event.fields}
        if fmt != "json":
            doc = {"time": local_time(event.timestamp, zone), **{k: doc.get(k) for k, _ in EVENT_COLUMNS[1:]}}
        rows.append(doc)
    emit(rows, EVENT_COLUMNS, fmt, title=f"events, newest first (times in {zone})")
