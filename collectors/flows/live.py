"""Live capture from a network interface into flows (issue 14, "Live capture").

Stage: collectors (source). Wireshark's capture engine, ``dumpcap`` (Debian package
wireshark-common, installed with tshark), captures the interface and writes pcapng to a pipe;
the same reader and flow table as for capture files (collectors.flows.assemble) read that pipe
as it comes: :class:`PipeStream` hands the reader whatever bytes the pipe holds instead of
waiting for a full block, so flows that end are yielded while the capture goes on. ``stop()``
ends dumpcap (SIGTERM): it writes what it holds and closes the pipe, and the flows still open
are flushed, as at the end of a file. So a live capture gives the same flows as a pcap of the
same traffic. dumpcap's closing report (packets captured, dropped by the kernel or interface)
is kept in ``report``.

A quiet link does not hold ended flows back (review 14 finding 5): when no packet has come for
``idle_seconds``, the flows idle past their time-out by the wall clock are expired and handed
on, and :class:`LiveCaptureSource` (which reads the capture on a thread of its own) ticks the
pipeline, which then stores a batch that waited ``flush_seconds`` however small it is.
"""

from __future__ import annotations

import ctypes
import json
import os
import queue
import select
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

from govsoc.collectors.base import RawRecord
from govsoc.collectors.flows.assemble import FlowAssembler
from govsoc.collectors.flows.ecs import flow_fields
from govsoc.collectors.flows.pcap import CaptureError
from govsoc.collectors.flows.table import Flow
from govsoc.core.errors import ConfigError
from govsoc.core.event import make_id

__all__ = ["LiveCapture", "LiveCaptureSource", "PipeStream"]

#: prctl(2) option: the signal a process gets when its parent dies
PR_SET_PDEATHSIG = 1
#: A quiet link's flows are expired as of this long before the wall clock: packets dumpcap has
#: captured but not yet written to the pipe are not taken for silence.
LIVE_LAG_SECONDS = 1.0


class PipeStream:
    """A readable pipe whose ``read(n)`` returns as soon as any bytes are there (at most ``n``),
    and b"" only at its end: the capture reader's blocks follow the traffic, not 4 MiB. While
    nothing comes, ``on_idle`` is called every ``idle_seconds`` (from the reader's thread,
    between two chunks: the flow table is between packets then)."""

    def __init__(self, fd: int, *, idle_seconds: float = 1.0, on_idle: Callable[[], None] | None = None) -> None:
        self.fd = fd
        self.idle_seconds, self.on_idle = idle_seconds, on_idle

    def read(self, size: int = -1) -> bytes:
        """Up to ``size`` bytes, waiting only for the first."""
        if self.on_idle is not None:
            while not select.select([self.fd], [], [], self.idle_seconds)[0]:
                self.on_idle()
        return os.read(self.fd, size if size > 0 else 1 << 20)

    def readable(self) -> bool:
        """A pipe is read, never written."""
        return True


class LiveCapture:
    """dumpcap on one interface, its pcapng read into flows (see the module docstring)."""

    def __init__(self, interface: str, *, capture_filter: str | None = None, snaplen: int | None = None,
                 netns: str | None = None, engine: str = "auto", idle_seconds: float = 1.0) -> None:
        self.interface, self.engine, self.idle_seconds = interface, engine, idle_seconds
        if shutil.which("dumpcap") is None:
            raise ConfigError("dumpcap is missing: install Debian's tshark (scripts/system-packages.sh)")
        self.args = ["dumpcap", "-q", "-i", interface, "-w", "-"]  # pcapng is dumpcap's own format
        if capture_filter:
            self.args += ["-f", capture_filter]
        if snaplen:
            self.args += ["-s", str(snaplen)]
        if netns:  # capture inside a network namespace (ip-netns(8))
            self.args = ["ip", "netns", "exec", netns, *self.args]
        self.process: subprocess.Popen[bytes] | None = None
        self.assembler: FlowAssembler | None = None
        self.report = ""

    def start(self, settle: float = 1.0) -> None:
        """Start capturing; returns ``settle`` seconds after dumpcap says it captures (its
        "Capturing on" line comes a little before its capture loop reads the interface: traffic
        in the next tenths of a second was missed in tests here), so traffic sent after this is
        seen. ConfigError when dumpcap cannot capture."""
        self.process = subprocess.Popen(self.args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        preexec_fn=_die_with_parent)
        assert self.process.stderr is not None
        said = []
        for line in self.process.stderr:
            said.append(line.decode("utf-8", "replace").strip())
            if line.startswith(b"Capturing on"):
                time.sleep(settle)
                return
        self._finish()
        raise ConfigError(f"dumpcap on {self.interface} did not start: {' '.join(said) or self.report}")

    def flows(self, expired: Callable[[list[Flow]], None] | None = None) -> Iterator[Flow]:
        """Each flow as it ends, until the capture stops; then every flow still open. With
        ``expired``, a quiet link (no packet for ``idle_seconds``) does not hold flows back:
        those idle past their time-out by the wall clock (less LIVE_LAG_SECONDS, for packets
        dumpcap may still hold) are handed to ``expired`` at once, from this generator's thread."""
        if self.process is None:
            self.start()
        assert self.process is not None and self.process.stdout is not None
        on_idle = None
        if expired is not None:
            def on_idle() -> None:
                assert self.assembler is not None
                ended = self.assembler.expire(time.time_ns() - int(LIVE_LAG_SECONDS * 1e9))
                if ended:
                    expired(ended)
        stream = PipeStream(self.process.stdout.fileno(), idle_seconds=self.idle_seconds, on_idle=on_idle)
        self.assembler = FlowAssembler(stream, engine=self.engine)  # type: ignore[arg-type]
        try:
            yield from self.assembler.flows()
        except CaptureError:
            self._finish()  # dumpcap failed before writing a capture: say why
            raise
        self._finish()

    def stop(self) -> None:
        """Stop capturing: dumpcap writes what it holds and closes the pipe (``flows`` then ends)."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)

    def _finish(self) -> None:
        assert self.process is not None
        if self.process.stdout is not None:
            self.process.stdout.close()
        _, err = self.process.communicate(timeout=30)
        self.report = err.decode("utf-8", "replace").strip()
        if self.process.returncode not in (0, -signal.SIGTERM) and not self.report.startswith("Packets"):
            first = self.report.splitlines()[0] if self.report else f"exit status {self.process.returncode}"
            raise ConfigError(f"dumpcap on {self.interface} failed: {first}")


def _die_with_parent() -> None:
    """In the dumpcap child before exec: the kernel sends it SIGTERM when govsoc dies, even by
    SIGKILL (prctl PR_SET_PDEATHSIG; kept across exec of a binary without set-id bits or file
    capabilities), so no capture is left running orphaned."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG)")
    if os.getppid() == 1:  # the parent died before the prctl: nobody reads the capture
        os.kill(os.getpid(), signal.SIGTERM)


class LiveCaptureSource:
    """A live capture as a record source for the ingest pipeline: one record per flow as it
    ends (its ECS fields as JSON, read by the ``network.pcap`` parser), numbered from 1 under
    an identity made of the interface and the time the capture started, so each capture's
    events have ids of their own."""

    def __init__(self, capture: LiveCapture) -> None:
        self.capture = capture
        self.identity = make_id("capture", capture.interface, datetime.now(UTC).isoformat())

    def records(self) -> Iterator[RawRecord | None]:
        """Each flow's record, until the capture stops. The capture is read on a thread of its
        own, so that flows ended on a quiet link come out at once and, while nothing comes, a
        tick (None) every ``idle_seconds`` lets the pipeline deliver what it holds."""
        origin = f"capture://{self.capture.interface}"
        out: queue.SimpleQueue[Flow | BaseException | None] = queue.SimpleQueue()

        def expired(flows: list[Flow]) -> None:
            for flow in flows:
                out.put(flow)

        def read() -> None:
            try:
                for flow in self.capture.flows(expired=expired):
                    out.put(flow)
            except BaseException as e:  # noqa: BLE001 - raised again in the reading thread
                out.put(e)
            out.put(None)

        reader = threading.Thread(target=read, name=f"capture-{self.capture.interface}", daemon=True)
        reader.start()
        offset = 0
        try:
            while True:
                try:
                    item = out.get(timeout=self.capture.idle_seconds)
                except queue.Empty:
                    yield None
                    continue
                if item is None:
                    break
                if isinstance(item, BaseException):
                    raise item
                offset += 1
                data = json.dumps(flow_fields(item), sort_keys=True, separators=(",", ":")).encode()
                yield RawRecord(data=data, origin=origin, offset=offset, identity=self.identity,
                                received=datetime.now(UTC))
        finally:
            self.capture.stop()
            reader.join()
