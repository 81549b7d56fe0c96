"""`govsoc capture`: capture an interface live (dumpcap) into flow events until SIGTERM, SIGHUP or Ctrl-C."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import click

from govsoc.cli.commands.ingest import make_pipeline
from govsoc.cli.context import AppContext
from govsoc.cli.main import cli
from govsoc.cli.stop_signals import stopping_on_signals
from govsoc.cli.terminal import printable
from govsoc.collectors import IngestSummary, ParseContext, parsers
from govsoc.collectors.flows.live import LiveCapture, LiveCaptureSource


@cli.command()
@click.option("--interface", "-i", required=True, help="Interface to capture (e.g. eth1, a SPAN or mirror port).")
@click.option("--filter", "-f", "capture_filter", help="Capture filter (BPF syntax, e.g. 'not port 22').")
@click.option("--netns", help="Capture inside this network namespace (ip netns).")
@click.option("--batch", type=click.IntRange(min=1), default=200, show_default=True,
              help="Flows stored together at most; a flow that ended is stored within about a second, even when no "
                   "further packet comes (all that remain are stored when the capture stops).")
@click.option("--stop-after", type=click.FloatRange(min=0), help="Stop after this many seconds.")
@click.pass_obj
def capture(app: AppContext, interface: str, capture_filter: str | None, netns: str | None, batch: int,
            stop_after: float | None) -> None:
    """Capture an interface into bidirectional flow events (as `govsoc ingest x.pcap` gives),
    until SIGTERM, SIGHUP or Ctrl-C; flows still open then are stored too."""
    # the backlog of a capture (while the flow engine starts, say) waits in the data folder
    live = LiveCapture(interface, capture_filter=capture_filter, netns=netns, spool_dir=app.config.data_dir / "capture")

    def notice(message: str) -> None:
        click.echo(printable(f"govsoc: {message}"), err=True)

    pipeline = make_pipeline(app, notice)
    source = LiveCaptureSource(live)
    summary = IngestSummary(source=f"capture://{interface}")
    context = ParseContext(timezone=ZoneInfo("UTC"), reference=datetime.now(UTC))

    timer = threading.Timer(stop_after, live.stop) if stop_after is not None else None
    with stopping_on_signals(live.stop):
        try:
            live.start()
            notice(f"capturing: {interface}")
            if timer is not None:
                timer.start()
            pipeline.run(source, parsers.get("network.pcap")(), context, summary, batch_size=batch,
                         on_full="drop", flush_seconds=1.0)
        finally:
            if timer is not None:
                timer.cancel()
            live.stop()
    problems = ""
    if live.assembler is not None and live.assembler.problems.total:
        total = live.assembler.problems.total
        note = live.assembler.problems.uncounted_note()
        problems = (f"; {total:,} problems, {source.problems:,} records of them kept as pipeline_error events"
                    + (f"; {note}" if note else ""))
    click.echo(printable(f"capture {interface}: {summary.records - source.problems} flows, {summary.receipt.created} "
                         f"events stored, {summary.spooled} spooled, {summary.dropped} dropped; "
                         f"{live.accounting()}{problems}"))
