"""Feeding the day's device logs and flow exports to the collectors' own network receivers on
loopback, as the devices would: the same ReceiverSet `govsoc listen` runs (syslog over UDP and
TCP, RFC 5426 / RFC 6587 newline framing) and the same NetflowReceiver (NetFlow v9 / IPFIX).

The senders keep pace with the receivers (a burst larger than the socket's receive buffer would
be dropped by the kernel, which the receivers count; a demo should show a clean run).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from govsoc.collectors import Pipeline
from govsoc.collectors.netflow.receiver import NetflowReceiver
from govsoc.collectors.receivers import ReceiverSet, counters_folder
from govsoc.core.collector_settings import ReceiverSettings

__all__ = ["FeedResult", "feed_syslog", "feed_netflow"]

#: How long a receiver may stay behind its sender before the demo gives up waiting.
STALL_SECONDS = 30.0


@dataclass(frozen=True, slots=True)
class FeedResult:
    """What one receiver got: messages (or datagrams) sent, received, events stored."""

    name: str
    sent: int
    received: int
    stored: int
    rejected: int = 0


def _wait_for(received: Callable[[], int], target: int) -> bool:
    """Until ``received()`` reaches ``target``, or STALL_SECONDS."""
    deadline = time.monotonic() + STALL_SECONDS
    while received() < target:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def _paced(send: Callable[[bytes], object], items: Sequence[bytes], chunk: int, received: Callable[[], int],
           progress: Callable[[int], None] | None) -> None:
    """Send ``items`` in chunks, each once the receiver has read the ones before it."""
    for at in range(0, len(items), chunk):
        part = items[at:at + chunk]
        for item in part:
            send(item)
        _wait_for(received, at + len(part))
        if progress:
            progress(len(part))


def _replay_spool(pipeline: Pipeline) -> bool:
    """Write what the pipeline spooled (the store was busy, or the receivers stopped before
    storing everything) to the store, waiting out the pipeline's back-off; gives up after
    STALL_SECONDS without progress. True when the spool is empty."""
    deadline = time.monotonic() + STALL_SECONDS
    while not pipeline.spool.is_empty() and time.monotonic() < deadline:
        if pipeline.drain():
            deadline = time.monotonic() + STALL_SECONDS
        else:
            time.sleep(min(1.0, pipeline.retry_seconds))
    return pipeline.spool.is_empty()


def feed_syslog(pipeline: Pipeline, data_dir: Path, udp_lines: Sequence[bytes], tcp_lines: Sequence[bytes], *,
                timezone: str, progress: Callable[[int], None] | None = None,
                stop_timeout: float = 30.0) -> list[FeedResult]:
    """Run a UDP and a TCP syslog receiver on 127.0.0.1 into ``pipeline``, send the lines, stop
    once every message was received. Stopping stores what was accepted for ``stop_timeout``
    seconds and spools the rest (on a loaded machine the delivery thread can be that far
    behind); the spool is then written to the store here, as `govsoc listen` would at its next
    start, so the demo's store holds every accepted message before detection runs. The stop
    comes once the delivery took every message: a larger backlog would be spooled unparsed
    for a next start (collectors.receivers.backlog), which the demo does not have."""
    settings = [ReceiverSettings(name="demo-udp", transport="udp", listen="127.0.0.1:0", timezone=timezone),
                ReceiverSettings(name="demo-tcp", transport="tcp", listen="127.0.0.1:0", timezone=timezone)]
    receivers = ReceiverSet(settings, pipeline, data_dir=data_dir, timezone=timezone)
    receivers.start()
    udp_counters, tcp_counters = receivers.counters
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as out:
            address = receivers.addresses["demo-udp"]
            _paced(lambda line: out.sendto(line, address), udp_lines, 200, lambda: udp_counters.received, progress)
        with socket.create_connection(receivers.addresses["demo-tcp"]) as out:
            for at in range(0, len(tcp_lines), 500):
                out.sendall(b"".join(line + b"\n" for line in tcp_lines[at:at + 500]))
                if progress:
                    progress(len(tcp_lines[at:at + 500]))
        _wait_for(lambda: tcp_counters.received, len(tcp_lines))
        # a stop with a backlog spools it unparsed for the next start (collectors.receivers.backlog):
        # the demo has no next start, so it lets the delivery take everything first
        receivers.handoff.wait_empty(600.0)
    finally:
        receivers.stop(stop_timeout)
    replayed = _replay_spool(pipeline)
    return [FeedResult(name=f"syslog {c.transport} {c.address}", sent=sent, received=c.received,
                       stored=c.stored + (c.spooled if replayed else 0),
                       rejected=sum(c.rejected.values()) + c.store_rejected + c.dropped)
            for c, sent in ((udp_counters, len(udp_lines)), (tcp_counters, len(tcp_lines)))]


def feed_netflow(pipeline: Pipeline, datagrams: Sequence[bytes], *, data_dir: Path | None = None,
                 progress: Callable[[int], None] | None = None) -> FeedResult:
    """Run a NetFlow/IPFIX receiver on 127.0.0.1 into ``pipeline`` and export the datagrams to it;
    with ``data_dir`` its counters are saved beside the syslog receivers' (as `govsoc listen`
    saves them), where `govsoc status` and the 等保 log audit read them."""
    receiver = NetflowReceiver("127.0.0.1", 0)
    stop = threading.Event()
    summaries = []
    thread = threading.Thread(target=lambda: summaries.append(receiver.serve(pipeline, stop=stop)),
                              name="demo-netflow")
    thread.start()
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as out:
            _paced(lambda d: out.sendto(d, receiver.address), datagrams, 50, lambda: receiver.counters.datagrams,
                   progress)
    finally:
        stop.set()
        thread.join()
        receiver.close()
    _replay_spool(pipeline)  # flows spooled while the store was busy reach it before detection
    summary = summaries[0]
    if data_dir is not None:
        receiver.save_counters(summary, counters_folder(data_dir))
    return FeedResult(name=f"netflow udp {receiver.address[0]}:{receiver.address[1]}", sent=len(datagrams),
                      received=receiver.counters.datagrams, stored=summary.receipt.created,
                      rejected=summary.dropped + summary.parse_failures)
