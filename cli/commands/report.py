"""`govsoc report`: write the alert report."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from govsoc.cli.context import AppContext
from govsoc.cli.main import cli
from govsoc.cli.timeargs import TIME
from govsoc.reports import build_report, renderers


def write_report(app: AppContext, output: Path | None, fmt: str, lang: str | None, unmasked: bool,
                 start: datetime | None = None, end: datetime | None = None) -> Path:
    """Render the report of the stored alerts to ``output`` (default: the data folder)."""
    renderer = renderers.get(fmt)()
    report = build_report(app.store.alerts(start=start, end=end), store=app.store.kind,
                          lang=lang or app.config.reports.lang, masked=not unmasked,
                          timezone=app.config.reports.timezone)
    target = output or app.config.report_dir / f"alerts{renderer.suffix}"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(renderer.render(report))
    return target


@cli.command()
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (default: <data dir>/reports/alerts.<format>).")
@click.option("--format", "fmt", type=click.Choice(["html", "json"]), default="html", show_default=True)
@click.option("--lang", type=click.Choice(["zh", "en"]), help="Language (default from config: zh).")
@click.option("--unmasked", is_flag=True, help="Show personal data (account names) unmasked.")
@click.option("--from", "start", type=TIME, help="Alerts starting at or after this time.")
@click.option("--to", "end", type=TIME, help="Alerts starting before this time.")
@click.pass_obj
def report(app: AppContext, output: Path | None, fmt: str, lang: str | None, unmasked: bool,
           start: datetime | None, end: datetime | None) -> None:
    """Write a one-page report of the stored alerts (HTML or JSON)."""
    click.echo(str(write_report(app, output, fmt, lang, unmasked, start, end)))
