"""`govsoc demo`: the main job on the embedded default.

For now the foundation's thin path: ingest an OpenSSH log (loghub's OpenSSH_2k sample by
default), run the bundled Sigma rules (failed SSH logins and the brute-force correlation), and
write the HTML report. The demo issue replaces it with a whole synthetic city network.
"""

from __future__ import annotations

from pathlib import Path

import click

from govsoc.cli.commands.detect import echo_detection, run_detect
from govsoc.cli.commands.ingest import run_ingest
from govsoc.cli.commands.report import write_report
from govsoc.cli.context import AppContext
from govsoc.cli.main import cli

SAMPLE = Path("shared/corpus/loghub/OpenSSH/OpenSSH_2k.log")


def find_sample(start: Path) -> Path | None:
    """The loghub OpenSSH sample in ``start`` or a parent folder's shared/ corpus."""
    for folder in (start, *start.parents):
        candidate = folder / SAMPLE
        if candidate.is_file():
            return candidate
    return None


@cli.command()
@click.argument("log", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Report file to write.")
@click.pass_obj
def demo(app: AppContext, log: Path | None, output: Path | None) -> None:
    """Ingest an sshd log (default: loghub's OpenSSH_2k sample from ../shared/corpus), detect, report."""
    log = log or find_sample(Path.cwd())
    if log is None:
        raise click.UsageError(f"no LOG given and no {SAMPLE} found above {Path.cwd()}")
    click.echo(f"store: {app.store.kind} ({app.config.sqlite_path if app.store.kind == 'sqlite' else 'cluster'})")
    for summary in run_ingest(app, (str(log),), "linux.auth").summaries:
        click.echo(summary.line())
    echo_detection(run_detect(app, (), True))
    click.echo(f"report: {write_report(app, output, 'html', None, False)}")
