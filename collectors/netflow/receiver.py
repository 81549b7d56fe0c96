"""The NetFlow/IPFIX UDP receiver: datagrams from exporters into the ingest pipeline.

Stage: collectors (source). One socket, one :class:`NetflowParser` (its decoder keeps every
exporter's templates), events delivered through :meth:`Pipeline.deliver` in batches of
``batch_size`` or every ``flush_seconds``, whichever comes first: to the store, else the spool,
and counted as dropped only when the spool is full (a network source cannot wait). A record's
origin is ``udp://<exporter>:<port>`` and its offset the header's sequence number, so the event
ids of a datagram are the same however often it arrives. Datagrams the kernel dropped before
we read them (receive buffer full) are read from ``/proc/net/udp`` for this socket, and every
decoding problem is counted per reason (``decoder.problems``) and stored as a
``pipeline_error`` event naming the exporter. Over UDP, the sampling rates, boot times and
templates the exporters announced are saved with the counters and restored when the receiver
starts again (collectors.netflow.state), so records that arrive before the exporters' next
refresh are decoded and scaled as before the restart.
"""

from __future__ import annotations

import logging
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from govsoc.collectors.base import ParseContext, RawRecord
from govsoc.collectors.netflow import state as decoder_state
from govsoc.collectors.netflow.decoder import Problem
from govsoc.collectors.netflow.parser import UDP_ORIGIN, NetflowParser, exporter_of, problem_event
from govsoc.collectors.receivers.counters import ReceiverCounters as SavedCounters
from govsoc.collectors.receivers.udp import socket_drops
from govsoc.collectors.summary import IngestSummary
from govsoc.core.errors import ConfigError
from govsoc.core.event import Event

if TYPE_CHECKING:
    from govsoc.collectors.pipeline import Pipeline

#: Where the sequence number sits in each version's header (v5 counts flows, v9 packets,
#: IPFIX data records).
SEQUENCE_AT = {5: 16, 9: 12, 10: 8}
#: Largest UDP payload.
MAX_DATAGRAM = 65535
log = logging.getLogger(__name__)


def parse_endpoint(text: str) -> tuple[str, int]:
    """``host:port`` (``[v6]:port`` for IPv6; port 0: any free one) as a (host, port) pair;
    ConfigError otherwise."""
    host, colon, port = text.rpartition(":")
    if not colon or not port.isdigit() or not 0 <= int(port) < 65536:
        raise ConfigError(f"{text!r} is not host:port (e.g. 127.0.0.1:2055)")
    return host.strip("[]") or "0.0.0.0", int(port)


def sequence_of(data: bytes) -> int | None:
    """The header's sequence number of a NetFlow/IPFIX datagram, when it has one."""
    if len(data) < 20:
        return None
    at = SEQUENCE_AT.get(int.from_bytes(data[:2], "big"))
    return None if at is None else int(struct.unpack_from("!I", data, at)[0])


@dataclass(slots=True)
class ReceiverCounters:
    """What a receiver saw: datagrams and bytes read, and what the kernel dropped."""

    datagrams: int = 0
    bytes: int = 0
    kernel_drops: int = 0
    exporters: set[str] = field(default_factory=set)
    #: exporter host -> [datagrams, bytes, last heard (epoch seconds), 0] (as the syslog receivers'
    #: senders, so `govsoc status --senders` shows an exporter that went silent)
    senders: dict[str, list[float]] = field(default_factory=dict)
    #: records whose handling raised something unexpected (logged, kept as pipeline_error events)
    failures: int = 0


class NetflowReceiver:
    """A bound UDP socket that feeds NetFlow/IPFIX datagrams into a pipeline (module docstring)."""

    #: the transport, the scheme of its records' origins, its socket type
    transport, scheme, socket_type = "udp", UDP_ORIGIN, socket.SOCK_DGRAM

    def __init__(self, host: str, port: int, *, parser: NetflowParser | None = None,
                 receive_buffer: int = 8 << 20) -> None:
        self.sock = self._open(host, port, receive_buffer)
        self.address = self.sock.getsockname()[:2]
        self.parser = parser or NetflowParser()
        self.counters = ReceiverCounters()
        self._offsets: dict[str, int] = {}
        #: the saved counters of this listener (resumed from its earlier runs at the first save)
        self.saved: SavedCounters | None = None

    def _open(self, host: str, port: int, receive_buffer: int) -> socket.socket:
        """The bound socket of this receiver's transport; ConfigError when the address is taken."""
        sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, self.socket_type)
        try:
            self._prepare(sock, receive_buffer)
            sock.bind((host, port))
            self._bound(sock)
        except OSError as e:
            sock.close()
            raise ConfigError(f"cannot listen on {host}:{port}: {e.strerror}") from e
        return sock

    def _prepare(self, sock: socket.socket, receive_buffer: int) -> None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)

    def _bound(self, sock: socket.socket) -> None:
        """After the bind (a stream socket starts listening here)."""

    def close(self) -> None:
        """Stop listening."""
        self.sock.close()

    def receive(self, timeout: float) -> RawRecord | None:
        """The next datagram as a record, or None after ``timeout`` seconds without one."""
        self.sock.settimeout(timeout)
        try:
            data, peer = self.sock.recvfrom(MAX_DATAGRAM)
        except TimeoutError:
            return None
        exporter = f"[{peer[0]}]:{peer[1]}" if ":" in peer[0] else f"{peer[0]}:{peer[1]}"
        self.heard(exporter, len(data))
        sequence = sequence_of(data)
        if sequence is None:  # not NetFlow: number it by arrival, per exporter
            sequence = self._offsets[exporter] = self._offsets.get(exporter, 0) + 1
        return RawRecord(data=data, origin=UDP_ORIGIN + exporter, offset=sequence, received=datetime.now(UTC))

    def heard(self, exporter: str, size: int) -> None:
        """Count one datagram (or IPFIX message) of ``size`` bytes from ``exporter`` (host:port)."""
        counters = self.counters
        counters.datagrams += 1
        counters.bytes += size
        counters.exporters.add(exporter)
        host = exporter.rpartition(":")[0].strip("[]")
        entry = counters.senders.get(host)
        if entry is None:
            entry = counters.senders[host] = [0, 0, 0.0, 0]
        entry[0] += 1
        entry[1] += size
        entry[2] = time.time()

    def serve(self, pipeline: Pipeline, *, stop: threading.Event | None = None, seconds: float | None = None,
              batch_size: int = 2000, flush_seconds: float = 1.0, counters_folder: Path | None = None,
              save_seconds: float = 1.0) -> IngestSummary:
        """Receive until ``stop`` is set or ``seconds`` have passed; returns what was done. Data
        sets still waiting for a template at the end are reported (``parser.flush``). With
        ``counters_folder``, the counters are saved there every ``save_seconds`` while it runs
        (`govsoc status` shows a running listener, its kernel drops and silent exporters) and
        at the end."""
        summary = IngestSummary(source=f"{self.scheme}{self.address[0]}:{self.address[1]}")
        context = ParseContext(timezone=ZoneInfo("UTC"), reference=datetime.now(UTC))
        if counters_folder is not None and self.transport == "udp":
            # what the exporters announced before a restart (collectors.netflow.state)
            restored = decoder_state.load(self.parser.decoder, decoder_state.state_path(counters_folder, self.name))
            if restored:
                log.info("netflow %s: %d sampling rates, boot times and templates restored", self.name, restored)
        stop = stop or threading.Event()
        ends = None if seconds is None else time.monotonic() + seconds
        batch: list[Event] = []
        flushed = saved = time.monotonic()
        while not stop.is_set() and (ends is None or time.monotonic() < ends):
            record = self.receive(0.2)
            if record is not None:
                batch.extend(self._events(pipeline, record, context, summary))
            if batch and (len(batch) >= batch_size or time.monotonic() - flushed >= flush_seconds):
                self._deliver(pipeline, batch, summary)
                batch, flushed = [], time.monotonic()
            if counters_folder is not None and time.monotonic() - saved >= save_seconds:
                self.kernel_drops()
                self.save_counters(summary, counters_folder, running=True)
                saved = time.monotonic()
        while (record := self.receive(0.05)) is not None:  # what already arrived
            batch.extend(self._events(pipeline, record, context, summary))
        batch.extend(self.parser.flush(context))
        self._deliver(pipeline, batch, summary)
        pipeline.refresh()
        self.kernel_drops()
        if counters_folder is not None:
            self.save_counters(summary, counters_folder)
        return summary

    def kernel_drops(self) -> None:
        """Read what the kernel dropped for this socket (UDP: /proc/net/udp) into the counters."""
        if self.transport == "udp" and self.sock.fileno() >= 0:
            self.counters.kernel_drops = socket_drops(self.sock) or 0

    def save_counters(self, summary: IngestSummary, folder: Path, *, running: bool = False) -> Path:
        """Add this run's counters to the listener's saved ones in ``folder`` (the receivers'
        counters folder, ``collectors.receivers.counters_folder``), where `govsoc status` and the
        等保 log audit read every receiver's; decoding problems count as rejects. ``received``
        counts datagrams (IPFIX messages over TCP: ``unit``), ``records`` the flow and options
        records decoded from them, ``events_stored`` / ``events_spooled`` / ``events_dropped``
        the events those became; the message outcomes (``stored`` ...) stay 0: a datagram has
        none of its own (receivers.counters). Returns the file."""
        host, port = self.address
        name = self.name
        if self.saved is None:
            self.saved = SavedCounters.resume(folder, name, "netflow", f"{host}:{port}")
        saved = self.saved
        saved.address = f"{host}:{port}"
        saved.unit = "datagram" if self.transport == "udp" else "ipfix message"
        saved.received = saved.accepted = self.counters.datagrams
        saved.bytes, saved.kernel_drops = self.counters.bytes, self.counters.kernel_drops
        saved.records = self.parser.decoder.records
        saved.events, saved.events_stored = summary.events, summary.receipt.accepted
        saved.events_spooled, saved.events_dropped = summary.spooled, summary.dropped
        saved.parse_failures = summary.parse_failures
        saved.senders = {host: list(entry) for host, entry in list(self.counters.senders.items())}
        # a sequence gap is what the network lost before us, not a record we rejected
        saved.rejected = {kind: n for kind, n in self.parser.decoder.problems.items() if n and kind != "sequence-gap"}
        saved.save(folder, running=running)
        if self.transport == "udp":
            decoder_state.save(self.parser.decoder, decoder_state.state_path(folder, name))
        return folder / f"{name}.json"

    @property
    def name(self) -> str:
        """This listener's name among the receivers' state files (by its address and transport)."""
        host, port = self.address
        return (f"netflow-{host}-{port}" + ("" if self.transport == "udp" else f"-{self.transport}")).replace(
            ":", "_")[:64]

    def _events(self, pipeline: Pipeline, record: RawRecord, context: ParseContext,
                summary: IngestSummary) -> list[Event]:
        """The events of one record; whatever its decoding raises is logged, counted (``failures``,
        the decoder's ``internal`` problems) and kept as a pipeline_error event naming the exporter:
        one bad datagram never ends the receiver."""
        events: list[Event] = []
        try:
            for _, finished in pipeline.events([record], self.parser, context, summary, defects_raise=True):
                events.extend(finished)
        except Exception as e:  # the receiver must outlive any datagram
            exporter = exporter_of(record)
            self.counters.failures += 1
            self.parser.decoder.problems["internal"] += 1
            summary.parse_failures += 1
            log.exception("netflow datagram from %s could not be handled", exporter)
            problem = Problem(exporter=exporter, domain=None, kind="internal",
                              reason=f"datagram {record.offset} not handled: {type(e).__name__}: {e}")
            event = problem_event([problem], exporter, record.received or datetime.now(UTC), record.data)
            events = [Event(id=record.event_id(0), timestamp=event.timestamp, dataset=event.dataset,
                            fields=event.fields)]
        return events

    @staticmethod
    def _deliver(pipeline: Pipeline, batch: list[Event], summary: IngestSummary) -> None:
        if not batch:
            return
        delivery = pipeline.deliver(batch, "drop")
        summary.receipt += delivery.receipt
        summary.spooled += delivery.spooled
        summary.dropped += delivery.dropped
