"""`govsoc retention`: drop events older than the retention period."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import click

from govsoc.cli.context import AppContext
from govsoc.cli.main import cli


@cli.command()
@click.option("--days", type=click.IntRange(min=1),
              help="Keep this many days (default: store.retention_days, 180 — the Cybersecurity Law's six months).")
@click.pass_obj
def retention(app: AppContext, days: int | None) -> None:
    """Drop events on days older than the retention period (whole days, UTC)."""
    keep = days or app.config.store.retention_days
    dropped = app.store.delete_before(datetime.now(UTC) - timedelta(days=keep))
    click.echo(f"kept {keep} days; dropped {dropped} events")
