"""`govsoc classify`: the data classification-and-grading inventory of files, databases and indices."""

from __future__ import annotations

import json
import os
from pathlib import Path

import click

from govsoc.cli.context import AppContext
from govsoc.cli.main import cli
from govsoc.cli.terminal import printable
from govsoc.core.errors import GovsocError


def _shown(text: str) -> str:
    """A name or value inside a line: controls shown as \\xNN, and tab and newline too, so that a
    column named 'a\\tb' cannot shift the listing's columns or start a line of its own."""
    return printable(text).replace("\t", "\\t").replace("\n", "\\n")


def _masked(error: GovsocError, target: str) -> GovsocError:
    """``error`` with the target's path shown as the inventory shows it (a person's name in it
    masked: 王**.json), in its location and its message: a file named after its person is personal
    data in an error line too, which the scheduler's logs keep (R15n-8: an unreadable 王芳.json,
    会计刘敏.xlsx or .csv was named in clear; only SQLite's was masked, by its source)."""
    from dataclasses import replace

    from govsoc.classification.inventory import shown_source

    spellings = {target, str(Path(target)), str(Path(target).absolute())}
    if error.location is not None and error.location.path:
        spellings.add(error.location.path)
        error.location = replace(error.location, path=shown_source(error.location.path))
    for raw in sorted(spellings, key=len, reverse=True):  # the longest first: a path holds its shorter forms
        error.message = error.message.replace(raw, shown_source(raw))
    error.args = (error.message,)
    return error


@cli.command()
@click.argument("target")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the inventory JSON here (it is always saved as "
                   "<data dir>/results/classification/<source>.json, which reports read).")
@click.option("--scheme", default="gbt43697", show_default=True,
              help="Grading scheme: gbt43697, zhejiang, or a YAML file of the same shape.")
@click.option("--sample", type=click.IntRange(1, 100_000), default=1000, show_default=True,
              help="Rows sampled per table, and values judged per column (all of them: 1-100,000).")
@click.pass_obj
def classify(app: AppContext, target: str, output: Path | None, scheme: str, sample: int) -> None:
    """Classify and grade the data in TARGET (数据分类分级清单).

    \b
    TARGET is a file or folder (CSV, TSV, JSON lines, JSON, XLSX, SQLite), a database URL
    (postgresql://user@host/db, mysql://user@host/db, sqlite:///path.db) or es://INDEX.
    Database passwords come from GOVSOC_DB_PASSWORD or GOVSOC_DB_PASSWORD_FILE (chmod 600),
    never the command line; Elasticsearch uses the configured cluster and GOVSOC_ES_* credentials.
    Prints one line per sensitive field (values masked) and saves the inventory as JSON under
    <data dir>/results/classification/ (one file per source, the newest run replacing the last),
    where the compliance report reads it.
    """
    from govsoc.classification.grading import load_scheme
    from govsoc.classification.inventory import build_inventory, save_inventory, shown_source
    from govsoc.classification.path_secret import results_secret
    from govsoc.classification.sources import open_source
    from govsoc.classification.sources.files import FileSource
    from govsoc.cli.progress import progress

    grading = load_scheme(scheme)
    es_url = None
    if target.startswith("es://"):
        es_url = os.environ.get("GOVSOC_ES_URL") or app.config.store.elasticsearch.url
    try:
        source = open_source(target, sample=sample, es_url=es_url, es=app.config.store.elasticsearch)
        # files: a bar in bytes, moving as a large CSV's rows are read (R15at-8); else in tables
        in_bytes = isinstance(source, FileSource)
        with progress(bytes_mode=in_bytes) as bar:
            task = bar.add_task(_shown(f"classify {shown_source(source.name)}"),
                                total=source.size() if isinstance(source, FileSource) else source.count())
            if isinstance(source, FileSource):
                source.on_bytes = lambda done: bar.advance(task, done)
            inventory = build_inventory(source.tables(), source=source.name, scheme=grading, sample_size=sample,
                                        on_table=None if in_bytes else lambda _t: bar.advance(task),
                                        secret=results_secret(app.config.data_dir))
    except GovsocError as e:
        raise _masked(e, target) from None
    target_file = save_inventory(inventory, app.config.data_dir)
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        # as write_result writes it: a lone surrogate left in a string is its JSON escape, never a crash
        output.write_bytes((json.dumps(inventory.to_dict(), ensure_ascii=False, indent=2) + "\n")
                           .encode("utf-8", "backslashreplace"))
        target_file = output
    # every name below is data (file, sheet, table, column names; scheme labels from a YAML file):
    # printed through _shown, never as markup or control sequences
    for table in inventory.tables:
        click.echo(f"{_shown(table.table)}  rows={table.rows if table.rows is not None else '?'}  "
                   f"{_shown(table.level_label)}" + ("  [重要数据 review]" if table.important_candidate else ""))
        for f in table.fields:
            if f.status != "none":
                cells = (f.field, f.status, f.entity, f.level_label, f"{f.confidence:.2f}", " ".join(f.masked_examples))
                click.echo("  " + "\t".join(_shown(c) for c in cells))
    for skipped in inventory.skipped:
        click.echo(f"govsoc: {'note' if skipped.note else 'skipped'} {_shown(str(skipped))}", err=True)
    listed = sum(not s.note for s in inventory.skipped)  # notes are listed, never counted
    if inventory.skipped_count > listed:
        click.echo(f"govsoc: skipped {inventory.skipped_count - listed} more (counted, not listed)", err=True)
    summary = inventory.summary()
    click.echo(f"{summary['tables']} tables, {summary['fields']} fields: {summary['tagged']} tagged, "
               f"{summary['suspected']} suspected, {inventory.skipped_count} skipped, "
               f"highest {_shown(grading.label(inventory.level))} -> {_shown(str(target_file))}")
