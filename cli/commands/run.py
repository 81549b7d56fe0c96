"""`govsoc run`: the daemon (govsoc.scheduler), in the foreground until SIGTERM or Ctrl-C."""

from __future__ import annotations

import signal
import threading

import click

from govsoc.cli.context import AppContext
from govsoc.cli.main import cli
from govsoc.cli.stop_signals import stopping_on_signals
from govsoc.cli.terminal import printable


@cli.command()
@click.pass_obj
def run(app: AppContext) -> None:
    """Run the daemon: the receivers and file tails of collectors.receivers and
    collectors.sources, and the jobs of the schedule section (detection every 5 minutes,
    retention daily, classification and 密评 scans weekly, the report every morning, by default),
    until SIGTERM or Ctrl-C. One daemon per data folder; `govsoc status` shows the jobs' last and
    next runs. Each run's output is in <data dir>/state/scheduler/logs/."""
    from govsoc.scheduler import Daemon

    stop = threading.Event()

    with stopping_on_signals(stop.set, (signal.SIGTERM, signal.SIGINT)):
        Daemon(app.config, app.config_path, lambda m: click.echo(printable(f"govsoc run: {m}"), err=True)).run(stop)
