"""`govsoc detect`: one detection pass over the stored events.

Exit codes: 0 when every rule loaded and ran, EXIT_RULES_FAILED (3) when the pass ran but some
rules failed to load, convert or run (their alerts may be missing: a scheduler or CI must be
able to tell), 1 and 2 as every govsoc command (failure, usage or configuration error).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from types import FrameType

import click

from govsoc.cli.context import AppContext
from govsoc.cli.main import cli
from govsoc.cli.progress import progress
from govsoc.cli.timeargs import TIME, check_span
from govsoc.rules import BUILTIN_PACKS, DetectionSummary, load_rules
from govsoc.rules import detect as run_pass
from govsoc.rules.suppress import apply_configured
from govsoc.store.base import Store

#: The pass ran, but at least one rule did not load or run.
EXIT_RULES_FAILED = 3


def run_detect(app: AppContext, paths: tuple[Path, ...], builtin: bool, start: datetime | None = None,
               end: datetime | None = None) -> DetectionSummary:
    """Load the rules (built-in pack, configured paths, PATHS) and run one pass."""
    sources = ([BUILTIN_PACKS] if builtin and app.config.rules.builtin else []) + list(app.config.rules.paths)
    ruleset = load_rules([*sources, *paths])
    entries = [entry.model_dump() for entry in app.config.rules.suppress]
    for name in apply_configured(ruleset.rules, entries):
        click.echo(f"govsoc: rules.suppress names no loaded rule: {name!r} (give its id, name or title)", err=True)
    with progress() as bar, interruptible(app.store):
        task = bar.add_task("rules", total=len(ruleset))
        summary = run_pass(app.store, ruleset, start=start, end=end, progress=lambda _t: bar.advance(task))
    summary.failed[:0] = ruleset.errors
    return summary


@contextmanager
def interruptible(store: Store) -> Iterator[None]:
    """Ctrl-C stops the pass (R12d N3): the store is told first (Store.interrupt: SQLite stops
    the statement running Python inside its engine, where a KeyboardInterrupt is swallowed),
    then KeyboardInterrupt is raised as Python's own handler does. Only where Python's own
    handler is in place, on the main thread (a SIGINT that is ignored stays ignored)."""
    if threading.current_thread() is not threading.main_thread() \
            or signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        yield
        return

    def stop(signum: int, frame: FrameType | None) -> None:
        store.interrupt()
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def echo_detection(summary: DetectionSummary) -> None:
    """Each rule that did not load or run and the log sources rules lacked, on stderr, then the
    closing line."""
    for error in summary.failed:
        click.echo(f"rule failed: {error}", err=True)
    for line in summary.no_source_lines():
        click.echo(line, err=True)
    for line in summary.notices:  # damaged state dropped (V13 V1)
        click.echo(f"notice: {line}", err=True)
    for line in summary.gaps:  # passes a rule failed, still open or covered by this pass
        click.echo(line, err=True)
    click.echo(summary.line())


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--no-builtin", is_flag=True, help="Do not run the bundled rule packs.")
@click.option("--from", "start", type=TIME, help="Only events at or after this time.")
@click.option("--to", "end", type=TIME, help="Only events before this time.")
@click.pass_obj
def detect(app: AppContext, paths: tuple[Path, ...], no_builtin: bool, start: datetime | None,
           end: datetime | None) -> int:
    """Run Sigma rules (the bundled packs plus rule files or folders in PATHS) over the stored
    events and store the alerts. Running it again does not duplicate alerts.

    \b
    Exit status: 0 every rule ran; 3 the pass ran but some rules failed
    (listed on stderr); 1 failure; 2 usage or configuration error."""
    check_span(start, end)
    summary = run_detect(app, paths, not no_builtin, start, end)
    echo_detection(summary)
    return EXIT_RULES_FAILED if summary.failed else 0
