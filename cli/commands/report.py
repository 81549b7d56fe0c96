"""`govsoc report [situation|compliance|alerts]`: write a report of a period.

``situation`` (态势感知报告) and ``compliance`` (合规状况报告) are computed in the store over a
day, an ISO week, a month or a custom range (govsoc.reports.build); ``alerts`` without
``--period`` is the list of every stored alert (the report govsoc has always written), with
``--period`` the store-side alert summary of that period.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from govsoc.cli.context import AppContext
from govsoc.cli.main import cli
from govsoc.cli.timeargs import TIME
from govsoc.core.results import write_file
from govsoc.reports import build_report, renderers
from govsoc.reports.build import KINDS, build, write
from govsoc.reports.period import PERIODS, period_bounds
from govsoc.reports.signing import key_folder, sign_report
from govsoc.rules import BUILTIN_PACKS


def write_report(app: AppContext, output: Path | None, fmt: str, lang: str | None, unmasked: bool,
                 start: datetime | None = None, end: datetime | None = None) -> Path:
    """Render the report of the stored alerts to ``output`` (default: the data folder), signed
    when a signing key exists (`govsoc keys init`)."""
    renderer = renderers.get(fmt)()
    report = build_report(app.store.alerts(start=start, end=end), store=app.store.kind,
                          lang=lang or app.config.reports.lang, masked=not unmasked,
                          timezone=app.config.reports.timezone)
    target = output or app.config.report_dir / f"alerts{renderer.suffix}"
    write_file(target, renderer.render(report))  # 0640 in a 0750 folder (core.results)
    sign_report(target, key_folder(app.config.data_dir))
    return target


@cli.command()
@click.argument("kind", type=click.Choice(KINDS), default="alerts", required=False)
@click.option("--period", type=click.Choice(PERIODS),
              help="day, week or month (the last whole one, or the one holding --at), or custom (--from/--to). "
                   "Default: day for situation and compliance.")
@click.option("--at", "at", type=TIME, help="A time inside the day, week or month to report.")
@click.option("--from", "start", type=TIME, help="Start of a custom period (alerts: starting at or after).")
@click.option("--to", "end", type=TIME, help="End of a custom period, not included (alerts: starting before).")
@click.option("--format", "formats", type=click.Choice(renderers.ids()), multiple=True,
              help="Format; repeat for several (default html).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (one format; default: <data dir>/reports/<kind>-<period>.<format>).")
@click.option("--folder", type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write into (default: <data dir>/reports).")
@click.option("--lang", type=click.Choice(["zh", "en"]), help="Language (default from config: zh).")
@click.option("--unmasked", is_flag=True, help="Show personal data (account names) unmasked.")
@click.pass_obj
def report(app: AppContext, kind: str, period: str | None, at: datetime | None, start: datetime | None,
           end: datetime | None, formats: tuple[str, ...], output: Path | None, folder: Path | None,
           lang: str | None, unmasked: bool) -> None:
    """Write the situation (态势感知), compliance (合规) or alert report of a period, in Chinese
    by default, personal data masked."""
    formats = formats or ("html",)
    if output is not None and len(formats) > 1:
        raise click.UsageError("--output names one file: give one --format, or --folder")
    if kind == "alerts" and period is None and at is None:
        click.echo(str(write_report(app, output, formats[0], lang, unmasked, start, end)))
        return
    if period == "custom" and (start is None or end is None):
        raise click.UsageError("a custom period needs --from and --to")
    settings = app.config.reports
    chosen = period_bounds(period or ("custom" if start and end else "day"), timezone=settings.timezone, at=at,
                           start=start, end=end)
    document = build(kind, app.store, start=chosen.start, end=chosen.end, lang=lang or settings.lang,
                     masked=not unmasked, data_dir=app.config.data_dir, timezone=settings.timezone,
                     rule_paths=([BUILTIN_PACKS] if app.config.rules.builtin else []) + list(app.config.rules.paths))
    target = output.parent if output is not None else (folder or app.config.report_dir)
    if output is not None:
        # written under the name asked for, then signed (the signature names the file it covers)
        path = write(document, formats, target, stem=output.stem)[0].replace(output)
        sign_report(path, key_folder(app.config.data_dir))
        click.echo(str(path))
        return
    for path in write(document, formats, target, keys=key_folder(app.config.data_dir)):
        click.echo(str(path))
