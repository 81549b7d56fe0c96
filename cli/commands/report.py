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

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import click

from govsoc.cli.context import AppContext
from govsoc.cli.main import cli
from govsoc.cli.timeargs import TIME
from govsoc.reports import build_report, renderers
from govsoc.reports.build import KINDS, UNMASKED_MARK, build, file_stamp, inventory_systems, mark_unsigned, write
from govsoc.reports.period import PERIODS, Period, period_bounds
from govsoc.reports.publish import publish
from govsoc.reports.reissue import late_note, load_record, period_counts, save_record
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


def write_alert_list(app: AppContext, output: Path | None, folder: Path | None, formats: tuple[str, ...],
                     lang: str | None, unmasked: bool, start: datetime | None = None, end: datetime | None = None, *,
                     key: SigningKey | None) -> list[Path]:
    """Render the report of the stored alerts in each format into ``folder`` (default: the
    reports folder; ``output``: the one file of one format), signed with ``key`` (None:
    unsigned, and marked so)."""
    report = as_document(build_report(app.store.alerts(start=start, end=end), store=app.store.kind,
                                      lang=lang or app.config.reports.lang, masked=not unmasked,
                                      timezone=app.config.reports.timezone, start=start, end=end))
    shown = report if key else mark_unsigned(report)
    files = []
    for fmt in formats:
        renderer = renderers.get(fmt)()
        stem = _list_name(start, end, app.config.reports.timezone) + ("" if not unmasked else UNMASKED_MARK)
        target = output or (folder or app.config.report_dir) / f"{stem}{renderer.suffix}"
        files.append((target, renderer.render(shown)))
    return publish(files, key)


def _list_name(start: datetime | None, end: datetime | None, timezone: str) -> str:
    """The file name stem of an alert list: ``alerts`` for every stored alert, with its bounds
    (local time, to the minute or second, as a period report's) when --from or --to gave them,
    ``alerts-2026-11-01T0000--2026-12-01T0000``, ``alerts-from-…``, ``alerts-until-…``: the name is
    signed, so a list of another span no longer verifies in this one's place, nor replaces it (R49a-6)."""
    zone = ZoneInfo(timezone)
    shown = [None if at is None else file_stamp(at.astimezone(zone)) for at in (start, end)]
    if shown[0] and shown[1]:
        return f"alerts-{shown[0]}--{shown[1]}"
    return f"alerts-from-{shown[0]}" if shown[0] else f"alerts-until-{shown[1]}" if shown[1] else "alerts"


def _chosen_period(kind: str, period: str | None, at: datetime | None, start: datetime | None,
                   end: datetime | None, timezone: str) -> Period | None:
    """The period the options name (None: the list of every stored alert); an option that would
    be ignored is a usage error (exit 2), not a silent default."""
    if kind == "alerts" and period is None and at is None:
        return None  # --from and --to each bound the list on their own
    if period is None and (start is not None or end is not None):
        if start is None or end is None:
            raise click.UsageError(f"{'--from' if start is not None else '--to'} alone names no period: give both "
                                   "--from and --to (a custom period), or --period day|week|month with --at")
        period = "custom"
    if period == "custom":
        if start is None or end is None:
            raise click.UsageError("a custom period needs --from and --to")
        if at is not None:
            raise click.UsageError("--at picks a day, week or month: it has no meaning with --period custom")
        if start.microsecond or end.microsecond:  # a report names and prints its bounds to the second
            raise click.UsageError(f"a custom period's bounds are whole seconds (--from {start.isoformat()} "
                                   f"--to {end.isoformat()}): a report is named and shown to the second")
        if end <= start:  # in the times as given (local), not as stored (UTC)
            raise click.UsageError(f"a report period must end after it starts (--from {start.isoformat()} "
                                   f"--to {end.isoformat()})")
    elif start is not None or end is not None:
        raise click.UsageError(f"--from and --to bound a custom period: they have no meaning with --period {period} "
                               "(use --at to pick the period)")
    try:
        return period_bounds(period or "day", timezone=timezone, at=at, start=start, end=end)
    except (OverflowError, ValueError):  # 0001-01-01 in UTC or the day before it, the day after 9999-12-31
        given = " ".join(f"{flag} {value.isoformat()}" for flag, value in (("--from", start), ("--to", end),
                                                                             ("--at", at)) if value is not None)
        raise click.UsageError(f"the report period of {given} reaches outside the years 0001-9999 "
                               f"(in UTC and in {timezone}): choose a period inside them") from None


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
@click.option("--unmasked", is_flag=True,
              help="Show personal data unmasked. The files are named <kind>-<period>.unmasked.<format> (never the "
                   "masked report's name; an existing --output file is refused) and say so at their top.")
@click.option("--unsigned", is_flag=True,
              help="Write the report without a signature, no key needed (a warning is printed and the "
                   "report says it is unsigned). Without it a report needs the key `govsoc keys init` makes.")
@click.option("--reissue-late", type=click.IntRange(0, 366), default=0, show_default=True,
              help="Also report again each of the N day/week/month periods before this one whose store now holds "
                   "events or alerts that arrived after its report was issued (the daemon passes it); the new "
                   "report replaces the old one and says on its cover what arrived since.")
@click.pass_obj
def report(app: AppContext, kind: str, period: str | None, at: datetime | None, start: datetime | None,
           end: datetime | None, formats: tuple[str, ...], output: Path | None, folder: Path | None,
           lang: str | None, unmasked: bool, unsigned: bool, reissue_late: int) -> None:
    """Write the situation (态势感知), compliance (合规) or alert report of a period, in Chinese
    by default, personal data masked, signed with the key `govsoc keys init` made.

    Exit 0 written; 1 the report could not be made or written (the message names the file and
    the reason; the folder is left as it was); 2 usage, configuration or no signing key."""
    formats = tuple(dict.fromkeys(formats)) or ("html",)
    if output is not None and len(formats) > 1:
        raise click.UsageError("--output names one file: give one --format, or --folder")
    if output is not None and folder is not None:
        raise click.UsageError("--output names the file, --folder the folder: give one of them")
    if unmasked and output is not None and (output.exists() or output.is_symlink()):
        raise click.UsageError(f"--unmasked does not replace {output}, which exists (it may be a masked report that "
                               "others read): name a new file, or leave out --output (an unmasked report is "
                               f"written as <kind>-<period>{UNMASKED_MARK}.<format>)")
    settings = app.config.reports
    chosen = _chosen_period(kind, period, at, start, end, settings.timezone)  # before any warning or key
    key = signing_key(app, unsigned)
    if chosen is None:
        for path in write_alert_list(app, output, folder, formats, lang, unmasked, start, end, key=key):
            click.echo(str(path))
        return
    status = chosen.status(datetime.now(UTC))
    if status != "complete":
        click.echo(f"govsoc: warning: the period {chosen.local(chosen.start)} .. {chosen.local(chosen.end)} "
                   f"{'has not ended' if status == 'partial' else 'has not begun'}: the report is marked "
                   f"{status}", err=True)
    if reissue_late and (period or "day") == "custom":
        raise click.UsageError("--reissue-late looks at the days, weeks or months before a --period day|week|month")
    target = output.parent if output is not None else (folder or app.config.report_dir)
    options = _Options(kind=kind, formats=formats, target=target, output=output, lang=lang or settings.lang,
                       masked=not unmasked, key=key)
    _issue(app, chosen, options, note=None)
    earlier = chosen
    for _ in range(reissue_late):
        earlier = period_bounds(period or "day", timezone=settings.timezone, at=earlier.start - timedelta(seconds=1))
        record = load_record(app.config.data_dir, kind, earlier)
        if record is None:  # never issued here: nothing to re-issue
            continue
        note = late_note(record, period_counts(app.store, earlier), earlier, options.lang)
        if note is not None:
            _issue(app, earlier, replace(options, output=None), note=note)


@dataclass(frozen=True, slots=True, kw_only=True)
class _Options:
    kind: str
    formats: tuple[str, ...]
    target: Path
    output: Path | None
    lang: str
    masked: bool
    key: SigningKey | None


def _issue(app: AppContext, chosen: Period, o: _Options, *, note: str | None) -> None:
    """Build and write the report of ``chosen``; a masked report of a whole period leaves the
    record of what it covered (reports.reissue), which ``--reissue-late`` compares with later."""
    counts = period_counts(app.store, chosen)  # before building: what arrives meanwhile counts as late
    document = build(o.kind, app.store, start=chosen.start, end=chosen.end, lang=o.lang, masked=o.masked,
                     data_dir=app.config.data_dir, timezone=chosen.timezone,
                     rule_paths=([BUILTIN_PACKS] if app.config.rules.builtin else []) + list(app.config.rules.paths),
                     systems=inventory_systems(app.inventory()), retention_days=app.config.store.retention_days)
    if note is not None:
        document = replace(document, meta={"reissued": note, **document.meta})
    for path in write(document, o.formats, o.target, key=o.key, unsigned=o.key is None, output=o.output):
        click.echo(str(path))
    now = datetime.now(UTC)
    if o.masked and o.output is None and chosen.status(now) == "complete":
        save_record(app.config.data_dir, o.kind, chosen, counts, now)
