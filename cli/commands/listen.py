"""`govsoc listen`: run syslog receivers (UDP, TCP, TLS) into the store until SIGTERM, SIGHUP or Ctrl-C."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import click
from pydantic import ValidationError

from govsoc.cli.commands.ingest import make_pipeline
from govsoc.cli.context import AppContext
from govsoc.cli.main import cli
from govsoc.cli.stop_signals import stopping_on_signals
from govsoc.cli.terminal import printable
from govsoc.collectors import IngestSummary, Pipeline, parsers
from govsoc.collectors.netflow.receiver import NetflowReceiver
from govsoc.collectors.netflow.stream import netflow_listener
from govsoc.collectors.receivers import ReceiverCounters, ReceiverSet, counters_folder
from govsoc.core.collector_settings import ReceiverSettings, TlsSettings


def _name(transport: str, listen: str) -> str:
    host, _, port = listen.rpartition(":")
    return re.sub(r"[^A-Za-z0-9_.-]", "_", f"{transport}-{host.strip('[]')}-{port}")[:64]


def command_line_receivers(udp: tuple[str, ...], tcp: tuple[str, ...], tls: tuple[str, ...], *,
                           cert: Path | None, key: Path | None, client_ca: Path | None, allow: tuple[str, ...],
                           parser: str, charset: str, timezone: str | None,
                           max_message_bytes: int | None) -> Iterator[ReceiverSettings]:
    """The receivers the options name, each named after its transport and address."""
    if tls and (cert is None or key is None):
        raise click.UsageError("--tls needs --cert and --key (the server certificate and its private key)")
    common: dict[str, object] = {"allow": list(allow), "parser": parser, "charset": charset, "timezone": timezone}
    if max_message_bytes is not None:
        common["max_message_bytes"] = max_message_bytes
    for transport, addresses in (("udp", udp), ("tcp", tcp), ("tls", tls)):
        for listen in addresses:
            extra: dict[str, object] = {}
            if transport == "tls":
                assert cert is not None and key is not None
                extra["tls"] = TlsSettings(cert=cert, key=key, client_ca=client_ca)
            try:
                yield ReceiverSettings.model_validate({"name": _name(transport, listen), "transport": transport,
                                                       "listen": listen, **common, **extra})
            except ValidationError as e:
                first = e.errors()[0]
                raise click.BadParameter(str(first["msg"]), param_hint=f"--{transport} {listen}") from e


def run_line(counters: ReceiverCounters) -> str:
    """What one receiver did in this run, on one line."""
    rejected = sum(counters.rejected.values())
    reasons = ", ".join(f"{reason} {count}" for reason, count in sorted(counters.rejected.items()))
    refused = ", ".join(f"{reason} {count}" for reason, count in sorted(counters.refused.items()))
    parts = [f"{counters.name} ({counters.transport} {counters.address}): {counters.received} received, "
             f"{counters.accepted} accepted ({counters.stored} stored, {counters.spooled} spooled until the "
             f"store answers), {rejected} rejected{f' ({reasons})' if reasons else ''}"]
    notes = [(sum(counters.refused.values()), f"connections refused ({refused})"),
             (counters.kernel_drops, "dropped by the kernel (receive buffer full)"),
             (counters.dropped, "dropped (store down and spool full at shutdown)"),
             (counters.spooled_unparsed, "spooled unparsed at the stop (the next start stores them)"),
             (counters.replayed, "spooled at the last stop, parsed and delivered now"),
             (counters.store_rejected, "refused by the store (see the rejects folder)"),
             (counters.truncated, "over the size limit, truncated"),
             (counters.decoded_gb18030, "decoded as GB18030"),
             (counters.decode_replaced, "undecodable, kept with replacement characters"),
             (counters.parse_failures, "unparsed, kept as pipeline_error events"),
             (counters.framing_errors, "framing errors")]
    parts += [f"{count} {what}" for count, what in notes if count]
    return printable("; ".join(parts))


@cli.command()
@click.option("--udp", multiple=True, metavar="HOST:PORT", help="Listen for syslog over UDP (RFC 5426), e.g. "
              "0.0.0.0:514. Repeatable.")
@click.option("--tcp", multiple=True, metavar="HOST:PORT", help="Listen for syslog over TCP (RFC 6587, octet "
              "counting or newline framing, found per frame), e.g. 0.0.0.0:601.")
@click.option("--tls", multiple=True, metavar="HOST:PORT", help="Listen for syslog over TLS (RFC 5425), e.g. "
              "0.0.0.0:6514; needs --cert and --key.")
@click.option("--cert", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="TLS server certificate (PEM, with its chain).")
@click.option("--key", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Its private key (PEM).")
@click.option("--client-ca", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Require client certificates issued by this CA (PEM).")
@click.option("--allow", multiple=True, metavar="CIDR", help="Accept only these senders (repeatable; default: "
              "every sender).")
@click.option("--parser", "-p", default="auto", show_default=True,
              help="Parser id for every message, or auto (found per message).")
@click.option("--charset", type=click.Choice(["auto", "utf-8", "gbk"]), default="auto", show_default=True,
              help="auto: UTF-8, else GB18030, decided per message.")
@click.option("--timezone", "tz", help="IANA zone of times without one (default: collectors.timezone).")
@click.option("--max-message-size", "max_message_bytes", type=click.IntRange(480, 16 << 20),
              help="Longer messages are truncated and flagged [default: 65536].")
@click.option("--netflow", multiple=True, metavar="HOST:PORT", help="Receive NetFlow v5/v9 and IPFIX over UDP, "
              "e.g. 0.0.0.0:2055 (IPFIX's own port is 4739), or IPFIX over TCP: tcp://0.0.0.0:4739. Repeatable.")
@click.option("--stop-after", type=click.FloatRange(min=0), help="Stop after this many seconds.")
@click.pass_obj
def listen(app: AppContext, udp: tuple[str, ...], tcp: tuple[str, ...], tls: tuple[str, ...], cert: Path | None,
           key: Path | None, client_ca: Path | None, allow: tuple[str, ...], parser: str, charset: str,
           tz: str | None, max_message_bytes: int | None, netflow: tuple[str, ...], stop_after: float | None) -> None:
    """Receive syslog from devices and servers and store it, until SIGTERM, SIGHUP or Ctrl-C.

    Without --udp/--tcp/--tls/--netflow, runs the receivers of collectors.receivers (with
    per-sender time zones, parsers and charsets) and collectors.netflow in govsoc.yaml. What was
    accepted is stored, or spooled while the store is down; `govsoc status` shows each
    receiver's counters.
    """
    config = app.config
    if parser != "auto":
        parsers.get(parser)
    if udp or tcp or tls:
        settings = list(command_line_receivers(udp, tcp, tls, cert=cert, key=key, client_ca=client_ca, allow=allow,
                                               parser=parser, charset=charset, timezone=tz,
                                               max_message_bytes=max_message_bytes))
    elif netflow:
        settings = []
    else:  # the configuration's: syslog receivers and NetFlow listeners
        settings, netflow = list(config.collectors.receivers), tuple(config.collectors.netflow)
    if not settings and not netflow:
        raise click.UsageError("no receivers: name one (--udp 0.0.0.0:514, --tcp, --tls, --netflow) or configure "
                               "collectors.receivers or collectors.netflow in govsoc.yaml")
    for receiver in settings:
        if receiver.parser != "auto":
            parsers.get(receiver.parser)
        for sender in receiver.senders:
            if sender.parser:
                parsers.get(sender.parser)

    def notice(message: str) -> None:
        click.echo(printable(f"govsoc: {message}"), err=True)

    flows = NetflowReceivers(app, netflow, notice)
    receivers = ReceiverSet(settings, make_pipeline(app, notice), data_dir=config.data_dir,
                            timezone=config.collectors.timezone, notice=notice)
    stop = threading.Event()

    with stopping_on_signals(stop.set):
        _serve(receivers, flows, settings, stop, stop_after, notice)
    for counters in receivers.counters:
        click.echo(run_line(counters))
    for line in flows.run_lines():
        click.echo(line)


def _serve(receivers: ReceiverSet, flows: NetflowReceivers, settings: list[ReceiverSettings], stop: threading.Event,
           stop_after: float | None, notice: Callable[[str], None]) -> None:
    """Run the receivers until ``stop`` is set (a signal) or ``stop_after`` seconds have passed,
    then stop them, storing what they accepted."""
    try:
        receivers.start()
        flows.start()
        for one in settings:
            allowed = ", ".join(one.allow) or "every sender"
            notice(f"listening: {one.name} {one.transport} {receivers.addresses[one.name][0]}:"
                   f"{receivers.addresses[one.name][1]} (allow: {allowed})")
        deadline = None if stop_after is None else time.monotonic() + stop_after
        while not stop.wait(0.2):
            if deadline is not None and time.monotonic() >= deadline:
                break
        notice("stopping: storing what was accepted")
    finally:
        flows.stop()
        receivers.stop()


class NetflowReceivers:
    """The --netflow receivers of one run, each serving in a thread of its own into a pipeline
    of its own (own store connection, spool and checkpoints under <data dir>/netflow/<port>),
    so they never share state with the syslog receivers' delivery thread."""

    def __init__(self, app: AppContext, listens: tuple[str, ...], notice: Callable[[str], None]) -> None:
        self.notice = notice
        limits = app.config.collectors
        self.receivers = [netflow_listener(listen, max_connections=limits.netflow_tcp_max_connections,
                                           partial_seconds=limits.netflow_tcp_partial_seconds,
                                           idle_seconds=limits.netflow_tcp_idle_seconds) for listen in listens]
        self.apps = [AppContext(config_path=app.config_path, verbose=app.verbose) for _ in listens]
        #: each receiver's summary, keyed by the receiver (threads finish in any order)
        self.summaries: dict[int, IngestSummary] = {}
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        """Start serving; say where."""
        for receiver, app in zip(self.receivers, self.apps, strict=True):
            host, port = receiver.address
            pipeline = make_pipeline(app, self.notice, data_dir=app.config.data_dir / "netflow" / str(port))
            thread = threading.Thread(target=self._serve, args=(receiver, pipeline), name=f"netflow-{port}")
            thread.start()
            self._threads.append(thread)
            what = "NetFlow v5, v9, IPFIX" if receiver.transport == "udp" else "IPFIX, RFC 7011 10.4"
            self.notice(f"listening: netflow {receiver.transport} {host}:{port} ({what})")

    def _serve(self, receiver: NetflowReceiver, pipeline: Pipeline) -> None:
        try:
            summary = receiver.serve(pipeline, stop=self._stop,
                                     counters_folder=counters_folder(self.apps[0].config.data_dir))
        except Exception as e:  # a dead receiver shows: in the notices, the closing line and status
            host, port = receiver.address
            self.notice(printable(f"netflow {receiver.transport} {host}:{port} stopped: {type(e).__name__}: {e}"))
            summary = IngestSummary(source=f"{receiver.scheme}{host}:{port}")
            summary.error = f"receiver stopped: {type(e).__name__}: {e}"
            receiver.parser.decoder.problems["receiver-stopped"] += 1
        self.summaries[id(receiver)] = summary
        self._save(receiver, summary)

    def _save(self, receiver: NetflowReceiver, summary: IngestSummary) -> None:
        """The run's counters where `govsoc status` reads the receivers' (problems as rejects)."""
        receiver.save_counters(summary, counters_folder(self.apps[0].config.data_dir))

    def stop(self) -> None:
        """Stop, storing what was received; close the sockets and stores."""
        self._stop.set()
        for thread in self._threads:
            thread.join()
        for receiver, app in zip(self.receivers, self.apps, strict=True):
            receiver.close()
            app.close()

    def run_lines(self) -> Iterator[str]:
        """One line per receiver: what it received, stored, and could not decode."""
        for receiver in self.receivers:
            if (summary := self.summaries.get(id(receiver))) is None:
                yield printable(f"netflow {receiver.transport} {receiver.address[0]}:{receiver.address[1]}: "
                                "no summary (its thread did not finish)")
                continue
            counters, decoder = receiver.counters, receiver.parser.decoder
            problems = ", ".join(f"{kind} {n}" for kind, n in sorted(decoder.problems.items()) if n) or "none"
            unit = "datagrams" if receiver.transport == "udp" else "messages"
            yield printable(f"netflow {receiver.transport} {receiver.address[0]}:{receiver.address[1]}: "
                            f"{counters.datagrams} {unit} from {len(counters.exporters)} exporters, "
                            f"{decoder.records} records, "
                            f"{summary.receipt.created} events stored, {summary.spooled} spooled, "
                            f"{summary.dropped} dropped; {counters.kernel_drops} dropped by the kernel; "
                            f"problems: {problems}")
