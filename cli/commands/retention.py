"""`govsoc retention`: drop events older than the retention period, or say what would go."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import click

from govsoc.cli.context import AppContext
from govsoc.cli.main import cli
from govsoc.store.base import week_start


@cli.command()
@click.option("--days", type=click.IntRange(min=1),
              help="Keep this many days (default: store.retention_days, 180 — the Cybersecurity Law's six months).")
@click.option("--alert-days", type=click.IntRange(min=1),
              help="Keep alerts whose last event is this recent (default: store.alert_retention_days, 365).")
@click.option("--dry-run", is_flag=True, help="Count what would be dropped; drop nothing.")
@click.pass_obj
def retention(app: AppContext, days: int | None, alert_days: int | None, dry_run: bool) -> None:
    """Drop events of whole UTC weeks (Monday to Sunday) that ended before the retention period
    began, so at least --days are kept. Alerts have their own, longer retention (--alert-days):
    they keep a snapshot of their evidence and stay readable after their events are gone."""
    keep = days or app.config.store.retention_days
    cutoff = datetime.now(UTC) - timedelta(days=keep)
    boundary = f"{week_start(cutoff):%Y-%m-%d}"
    dropped = app.store.delete_before(cutoff, dry_run=dry_run)
    if dry_run:
        click.echo(f"kept {keep} days; would drop {dropped} events before {boundary} (UTC); dropped nothing")
    else:
        click.echo(f"kept {keep} days; dropped {dropped} events before {boundary} (UTC)")
    keep_alerts = alert_days or app.config.store.alert_retention_days
    expired = app.store.delete_alerts_before(datetime.now(UTC) - timedelta(days=keep_alerts), dry_run=dry_run)
    verb = "would drop" if dry_run else "dropped"
    click.echo(f"alerts: kept {keep_alerts} days; {verb} {expired} alerts whose last event is older")
