"""`govsoc capture`: capture an interface live (dumpcap) into flow events until SIGTERM, SIGHUP or Ctrl-C."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import click

from govsoc.cli.commands.ingest import make_pipeline
from govsoc.cli.context import AppContext
from govsoc.cli.main import cli
from govsoc.cli.stop_signals import stopping_on_signals
from govsoc.cli.terminal import printable
from govsoc.collectors import IngestSummary, ParseContext, Pipeline, parsers
from govsoc.collectors.flows.live import LiveCapture, LiveCaptureSource
from govsoc.collectors.flows.run_marker import RunMarker, lost_runs
from govsoc.collectors.flows.table import MAX_FLOWS, SAMPLE_BUDGET
from govsoc.core.errors import ConfigError


@cli.command()
@click.option("--interface", "-i", required=True, help="Interface to capture (e.g. eth1, a SPAN or mirror port).")
@click.option("--filter", "-f", "capture_filter", help="Capture filter (BPF syntax, e.g. 'not port 22').")
@click.option("--netns", help="Capture inside this network namespace (ip netns).")
@click.option("--batch", type=click.IntRange(min=1), default=200, show_default=True,
              help="Flows stored together at most; a flow that ended is stored within about a second, even when no "
                   "further packet comes (all that remain are stored when the capture stops).")
@click.option("--stop-after", type=click.FloatRange(min=0), help="Stop after this many seconds.")
@click.option("--max-flows", type=click.IntRange(min=1), default=MAX_FLOWS, show_default=True,
              help="Open flows held at most (about 4 KiB of memory each besides payload samples); past it the "
                   "least recently active end early, counted as 'flow table full' problems.")
@click.option("--sample-mib", type=click.IntRange(min=1), default=SAMPLE_BUDGET >> 20, show_default=True,
              help="MiB of payload samples (each flow's first bytes, for TLS/SSH/DNS/HTTP metadata; 4 KiB a flow, "
                   "24 KiB when worth reading) all open flows hold at most; past it the least recently active "
                   "flows holding samples end early, counted as 'flow table full' problems.")
@click.pass_obj
def capture(app: AppContext, interface: str, capture_filter: str | None, netns: str | None, batch: int,
            stop_after: float | None, max_flows: int, sample_mib: int) -> None:
    """Capture an interface into bidirectional flow events (as `govsoc ingest x.pcap` gives),
    until SIGTERM, SIGHUP or Ctrl-C; flows still open then are stored too."""
    # the backlog of a capture (while the flow engine starts, say) waits in the data folder
    folder = app.config.data_dir / "capture"
    live = LiveCapture(interface, capture_filter=capture_filter, netns=netns, spool_dir=folder, max_flows=max_flows,
                       sample_budget=sample_mib << 20)

    def notice(message: str) -> None:
        click.echo(printable(f"govsoc: {message}"), err=True)

    pipeline = make_pipeline(app, notice)
    lost = lost_runs(folder)
    for run in lost:
        notice(run.text)
    source = LiveCaptureSource(live, lost=lost)
    summary = IngestSummary(source=f"capture://{interface}")
    context = ParseContext(timezone=ZoneInfo("UTC"), reference=datetime.now(UTC))
    marker = RunMarker(folder, interface)
    with stopping_on_signals(live.stop), _beating(marker, summary):
        _run(live, pipeline, source, summary, context, batch, stop_after, notice)
    marker.remove()  # stopped the orderly way: nothing of this run was lost, and the lost runs are stored
    for run in lost:
        run.path.unlink(missing_ok=True)
    _summary_line(interface, live, source, summary)
    if live.failure is not None:  # dumpcap died under us: what it gave is stored, but say so (R14b N10)
        raise ConfigError(f"{live.failure}; the flows it had captured were stored")


def _run(live: LiveCapture, pipeline: Pipeline, source: LiveCaptureSource, summary: IngestSummary,
         context: ParseContext, batch: int, stop_after: float | None, notice: Callable[[str], None]) -> None:
    """Capture until ``live`` is stopped (a signal, ``stop_after`` seconds), storing the flows."""
    timer = threading.Timer(stop_after, live.stop) if stop_after is not None else None
    try:
        live.start()
        notice(f"capturing: {live.interface}")
        if timer is not None:
            timer.start()
        pipeline.run(source, parsers.get("network.pcap")(), context, summary, batch_size=batch,
                     on_full="drop", flush_seconds=1.0)
    finally:
        if timer is not None:
            timer.cancel()
        live.stop()


@contextmanager
def _beating(marker: RunMarker, summary: IngestSummary, seconds: float = 1.0) -> Iterator[None]:
    """Write the run's marker now and every ``seconds`` while the block runs (the events stored
    or spooled so far), so that a kill -9 leaves a trace of what it lost."""
    done = threading.Event()

    def beat() -> None:
        while not done.wait(seconds):
            marker.beat(summary.receipt.created + summary.spooled)

    marker.beat(0)
    thread = threading.Thread(target=beat, name="capture-marker", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()


def _summary_line(interface: str, live: LiveCapture, source: LiveCaptureSource, summary: IngestSummary) -> None:
    problems = ""
    if live.assembler is not None and live.assembler.problems.total:
        total = live.assembler.problems.total
        note = live.assembler.problems.uncounted_note()
        problems = (f"; {total:,} problems, {source.problems:,} records of them kept as pipeline_error events"
                    + (f"; {note}" if note else ""))
    flows = summary.records - source.problems - len(source.lost)
    click.echo(printable(f"capture {interface}: {flows} flows, {summary.receipt.created} "
                         f"events stored, {summary.spooled} spooled, {summary.dropped} dropped; "
                         f"{live.accounting()}{problems}"))
