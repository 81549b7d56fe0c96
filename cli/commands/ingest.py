"""`govsoc ingest`: read log files into the store."""

from __future__ import annotations

import functools
from pathlib import Path

import click

from govsoc.cli.context import AppContext
from govsoc.cli.main import cli
from govsoc.cli.progress import progress
from govsoc.collectors import IngestSummary, ingest_file, parsers


def run_ingest(app: AppContext, files: tuple[Path, ...], parser: str) -> list[IngestSummary]:
    """Ingest files with a progress bar; returns one summary per file."""
    parsers.get(parser)  # an unknown parser is a usage error before any file is read
    summaries = []
    inventory = app.inventory()
    with progress(bytes_mode=True) as bar:
        for path in files:
            task = bar.add_task(path.name, total=path.stat().st_size)
            summaries.append(ingest_file(
                path, parser_id=parser, store=app.store, inventory=inventory,
                timezone=app.config.collectors.timezone, rejects_dir=app.config.data_dir / "rejects",
                progress=functools.partial(bar.advance, task)))
    return summaries


@cli.command()
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, readable=True, path_type=Path))
@click.option("--parser", "-p", default="linux.auth", show_default=True,
              help="Parser id for the files' format (see `govsoc ingest --list-parsers`).")
@click.option("--list-parsers", is_flag=True, is_eager=True, expose_value=False,
              callback=lambda ctx, _p, v: _list_parsers(ctx) if v else None, help="List parser ids and exit.")
@click.pass_obj
def ingest(app: AppContext, files: tuple[Path, ...], parser: str) -> None:
    """Read log FILES, normalise them to ECS events and store them.

    Lines no parser understands are kept as event.kind:pipeline_error events with the reason;
    storing a file twice keeps one copy of each event.
    """
    for summary in run_ingest(app, files, parser):
        click.echo(summary.line())
        for failure in summary.first_failures:
            click.echo(f"  unparsed: {failure}", err=True)


def _list_parsers(ctx: click.Context) -> None:
    for ident in parsers.ids():
        click.echo(ident)
    ctx.exit(0)
