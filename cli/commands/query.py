"""`govsoc events`: list, count and rank the stored events (alerts: cli/commands/alerts.py)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import click
from rich.text import Text

from govsoc.cli.context import AppContext
from govsoc.cli.fieldnames import check_field, check_value
from govsoc.cli.main import cli
from govsoc.cli.output import FORMAT_OPTION, as_text, emit, local_time
from govsoc.cli.timeargs import TIME, check_span
from govsoc.core.event import format_timestamp
from govsoc.store import Query

EVENT_COLUMNS = (("time", "time"), ("event.dataset", "dataset"), ("host.name", "host"),
                 ("event.action", "action"), ("event.outcome", "outcome"), ("source.ip", "source"),
                 ("user.name", "user"), ("message", "message"))


#: What the message column shows for an event without a message, the first form whose fields
#: it has (R49a-2: web access and Kubernetes audit events showed an empty column): a label that
#: says it is not a message, and the fields that say what happened. None: the raw record.
SUMMARIES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    # Kubernetes audit: the verb on the object, and the API server's answer
    ("k8s", ("event.action", "orchestrator.resource.type"),
     "{event.action} {orchestrator.resource.type} {orchestrator.namespace}/{orchestrator.resource.name} "
     "→ {http.response.status_code}"),
    # cloud audit (CloudTrail and the like): the API call on its service
    ("cloud", ("event.action", "cloud.service.name"), "{event.action} on {cloud.service.name}"),
    # web access logs: the request line's method and URL, and the status answered
    ("web", ("url.original",), "{http.request.method} {url.original} → {http.response.status_code}"),
)


def summary(doc: dict[str, Any]) -> Text | None:
    """The message column of an event: its message, else a labelled, dimmed summary from
    :data:`SUMMARIES`, else its raw record; None when it has none of them."""
    message = doc.get("message")
    if message is not None and message != "":
        return Text(as_text(message))
    for label, needed, form in SUMMARIES:
        if all(doc.get(name) not in (None, "") for name in needed):
            filled = re.sub(r"\{([^}]+)\}", lambda m: as_text(doc.get(m[1])) or "-", form)
            return Text(f"({label}) {filled}", style="dim")
    original = doc.get("event.original")
    return Text(f"(raw) {as_text(original)}", style="dim") if original not in (None, "") else None


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
    check_span(start, end)
    terms = _terms(where)
    for name in [*terms, *([top] if top else [])]:
        check_field(app.store, name, "--top" if name == top and name not in terms else "--where")
    for name, values in terms.items():
        for value in values:
            check_value(name, value, "--where")
    query = Query(start=start, end=end, terms=terms, text=text, limit=limit, order="desc")
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
            doc = {"time": local_time(event.timestamp, zone), **{k: doc.get(k) for k, _ in EVENT_COLUMNS[1:]},
                   "message": summary(doc)}
        rows.append(doc)
    emit(rows, EVENT_COLUMNS, fmt, title=f"events, newest first (times in {zone})")
