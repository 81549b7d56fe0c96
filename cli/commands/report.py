"""`govsoc report [situation|compliance|alerts]`: write a report of a period.

``situation`` (态势感知报告) and ``compliance`` (合规状况报告) are computed in the store over a
day, an ISO week, a month or a custom range (govsoc.reports.build); ``alerts`` without
``--period`` is the list of every stored alert (the report govsoc has always written), with
``--period`` the store-side alert summary of that period.

Reports are signed (issue 18 "Integrity"): the administrator's key (`govsoc keys init`) signs each
file, and the files and their signatures appear together or not at all (reports.publish).
Without a key the command fails and says how to make one; ``--unsigned`` writes the report anyway,
with a warning, and the report says on its cover (and in its JSON) that it is unsigned.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from govsoc.cli.context import AppContext
from govsoc.cli.main import cli
from govsoc.cli.timeargs import TIME
from govsoc.reports import build_report, renderers
from govsoc.reports.build import KINDS, build, inventory_systems, mark_unsigned, write
from govsoc.reports.period import PERIODS, period_bounds
from govsoc.reports.publish import publish
from govsoc.reports.renderers import as_document
from govsoc.reports.signing import SigningKey, key_folder, require_key
from govsoc.rules import BUILTIN_PACKS


def signing_key(app: AppContext, unsigned: bool) -> SigningKey | None:
    """The key that signs the report, loaded before anything is computed or written (a missing,
    unusable or revoked key fails here, leaving nothing behind); None with ``unsigned``, after a
    warning."""
    folder = key_folder(app.config.data_dir)
    if unsigned:
        click.echo("govsoc: warning: writing an UNSIGNED report (--unsigned): nobody can verify it was not "
                   "changed; the report says so on its cover", err=True)
        return None
    return require_key(folder, otherwise="or pass --unsigned to write an unsigned report")


def write_report(app: AppContext, output: Path | None, fmt: str, lang: str | None, unmasked: bool,
                 start: datetime | None = None, end: datetime | None = None, *, key: SigningKey | None) -> Path:
    """Render the report of the stored alerts to ``output`` (default: the data folder), signed
    with ``key`` (None: unsigned, and marked so)."""
    renderer = renderers.get(fmt)()
    report = as_document(build_report(app.store.alerts(start=start, end=end), store=app.store.kind,
                                      lang=lang or app.config.reports.lang, masked=not unmasked,
                                      timezone=app.config.reports.timezone))
    target = output or app.config.report_dir / f"alerts{renderer.suffix}"
    return publish([(target, renderer.render(report if key else mark_unsigned(report)))], key)[0]


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
@click.option("--unsigned", is_flag=True,
              help="Write the report without a signature, no key needed (a warning is printed and the "
                   "report says it is unsigned). Without it a report needs the key `govsoc keys init` makes.")
@click.pass_obj
def report(app: AppContext, kind: str, period: str | None, at: datetime | None, start: datetime | None,
           end: datetime | None, formats: tuple[str, ...], output: Path | None, folder: Path | None,
           lang: str | None, unmasked: bool, unsigned: bool) -> None:
    """Write the situation (态势感知), compliance (合规) or alert report of a period, in Chinese
    by default, personal data masked, signed with the key `govsoc keys init` made.

    Exit 0 written; 1 the report could not be made or written (the message names the file and
    the reason; the folder is left as it was); 2 usage, configuration or no signing key."""
    formats = formats or ("html",)
    if output is not None and len(formats) > 1:
        raise click.UsageError("--output names one file: give one --format, or --folder")
    if period == "custom" and (start is None or end is None):
        raise click.UsageError("a custom period needs --from and --to")
    key = signing_key(app, unsigned)
    if kind == "alerts" and period is None and at is None:
        click.echo(str(write_report(app, output, formats[0], lang, unmasked, start, end, key=key)))
        return
    settings = app.config.reports
    chosen = period_bounds(period or ("custom" if start and end else "day"), timezone=settings.timezone, at=at,
                           start=start, end=end)
    document = build(kind, app.store, start=chosen.start, end=chosen.end, lang=lang or settings.lang,
                     masked=not unmasked, data_dir=app.config.data_dir, timezone=settings.timezone,
                     rule_paths=([BUILTIN_PACKS] if app.config.rules.builtin else []) + list(app.config.rules.paths),
                     systems=inventory_systems(app.inventory()))
    target = output.parent if output is not None else (folder or app.config.report_dir)
    for path in write(document, formats, target, key=key, unsigned=key is None, output=output):
        click.echo(str(path))
