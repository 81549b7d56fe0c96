"""Live capture from a network interface into flows (issue 14, "Live capture").

Stage: collectors (source). Wireshark's capture engine, ``dumpcap`` (Debian package
wireshark-common, installed with tshark), captures the interface and writes pcapng to a pipe.
That pipe is read from dumpcap's start on by a thread of its own into a spool
(collectors.flows.capture_spool, review 14c finding 1: while the compiled engine compiled, dumpcap
blocked on a full pipe and the packets the kernel held were lost at the stop, unsaid); the same
reader and flow table as for capture files (collectors.flows.assemble) read the spool as it
comes, so flows that end are yielded while the capture goes on. ``stop()`` drains: once what
dumpcap still had has come, dumpcap gets SIGTERM, writes what it holds and closes the pipe, and
the flows still open are flushed, as at the end of a file. So a live capture gives the same
flows as a pcap of the same traffic. dumpcap's closing report is kept in ``report``, and
``accounting()`` compares its "Packets captured" with the packets govsoc read: any difference is
said as lost, and packets the kernel or interface dropped before dumpcap had them are said too.

The problems the reader and decoders meet (a damaged header, overlapping fragments, a datagram
never reassembled) are handed on as they are counted (review 14c finding 2), with the same text
as an ingest of a capture file gives (packet number, byte offset in the pcapng stream, reason),
and so are the problems not kept in full, at the end.

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
import re
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

from govsoc.collectors.base import RawRecord
from govsoc.collectors.flows.assemble import FlowAssembler
from govsoc.collectors.flows.capture_spool import SPOOL_BYTES, CaptureSpool
from govsoc.collectors.flows.ecs import flow_fields
from govsoc.collectors.flows.flow import Flow
from govsoc.collectors.flows.pcap import CaptureError
from govsoc.collectors.flows.run_marker import LostRun
from govsoc.collectors.flows.source import PROBLEM_PREFIX
from govsoc.collectors.flows.table import MAX_FLOWS, SAMPLE_BUDGET
from govsoc.core.errors import ConfigError
from govsoc.core.event import make_id

__all__ = ["LiveCapture", "LiveCaptureSource", "wait_until_capturing"]

#: prctl(2) option: the signal a process gets when its parent dies
PR_SET_PDEATHSIG = 1
#: A quiet link's flows are expired as of this long before the wall clock: packets dumpcap has
#: captured but not yet written to the pipe are not taken for silence.
LIVE_LAG_SECONDS = 1.0
#: dumpcap's closing report: packets written, and received/dropped on the interface
CAPTURED = re.compile(r"Packets captured: (\d+)")
RECEIVED = re.compile(r"Packets received/dropped on interface .*: (\d+)/(\d+) ")


class LiveCapture:
    """dumpcap on one interface, its pcapng read into flows (see the module docstring)."""

    def __init__(self, interface: str, *, capture_filter: str | None = None, snaplen: int | None = None,
                 netns: str | None = None, engine: str = "auto", idle_seconds: float = 1.0,
                 spool_dir: Path | None = None, spool_bytes: int = SPOOL_BYTES, max_flows: int = MAX_FLOWS,
                 sample_budget: int = SAMPLE_BUDGET) -> None:
        self.interface, self.engine, self.idle_seconds = interface, engine, idle_seconds
        self.max_flows, self.sample_budget = max_flows, sample_budget
        self.spool_dir, self.spool_bytes = spool_dir, spool_bytes
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
        self.spool: CaptureSpool | None = None
        self.assembler: FlowAssembler | None = None
        self.report = ""
        #: from dumpcap's report: packets it captured (wrote), and received/dropped on the interface
        self.captured: int | None = None
        self.received: int | None = None
        self.dropped: int | None = None
        #: why dumpcap ended by itself mid-capture (killed by a signal, an error), the flows it
        #: had given stored all the same; None when it ended as asked
        self.failure: str | None = None
        self._reported = 0

    def start(self, settle: float = 10.0) -> None:
        """Start capturing: the pipe is read into the spool from now on; returns once dumpcap's
        capture ring is mapped and running on the interface (so traffic sent after this is
        captured; its "Capturing on" line comes before it opens the interface), at most
        ``settle`` seconds after that line. ConfigError when dumpcap cannot capture."""
        self.process = subprocess.Popen(self.args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        preexec_fn=_die_with_parent)
        assert self.process.stdout is not None and self.process.stderr is not None
        self.spool = CaptureSpool(self.process.stdout.fileno(), directory=self.spool_dir, max_bytes=self.spool_bytes,
                                  idle_seconds=self.idle_seconds)
        self.spool.on_drained = self._terminate
        self.spool.start()
        said = []
        for line in self.process.stderr:
            said.append(line.decode("utf-8", "replace").strip())
            if line.startswith(b"Capturing on"):
                wait_until_capturing(self.process, settle)
                return
        self._finish()
        raise ConfigError(f"dumpcap on {self.interface} did not start: {' '.join(said) or self.report}")

    def flows(self, expired: Callable[[list[Flow]], None] | None = None,
              problem: Callable[[str], None] | None = None) -> Iterator[Flow]:
        """Each flow as it ends, until the capture stops; then every flow still open. With
        ``expired``, a quiet link (no packet for ``idle_seconds``) does not hold flows back:
        those idle past their time-out by the wall clock (less LIVE_LAG_SECONDS, for packets
        dumpcap may still hold) are handed to ``expired`` at once, from this generator's thread.
        With ``problem``, the text of each problem met (as an ingest of a file words it) is
        handed to it between two chunks, and the count of those not kept at the end."""
        if self.process is None:
            self.start()
        assert self.spool is not None
        spool = self.spool
        if expired is not None:
            def on_idle() -> None:
                assert self.assembler is not None
                ended = self.assembler.expire(time.time_ns() - int(LIVE_LAG_SECONDS * 1e9))
                if ended:
                    expired(ended)
            spool.on_idle = on_idle
        if problem is not None:
            spool.on_read = lambda: self._hand_problems(problem)
        self.assembler = FlowAssembler(spool, engine=self.engine, max_flows=self.max_flows,  # type: ignore[arg-type]
                                       sample_budget=self.sample_budget)
        try:
            yield from self.assembler.flows()
        except CaptureError:
            self._terminate()
            self._finish(fail=True)  # dumpcap failed before writing a capture: say why
            raise
        if problem is not None:
            self._hand_problems(problem)
            overflow = self.assembler.problems.overflow_text()
            if overflow is not None:
                problem(overflow)
        self._finish(fail=False)

    def _hand_problems(self, problem: Callable[[str], None]) -> None:
        assert self.assembler is not None
        kept = self.assembler.problems.kept
        while self._reported < len(kept):
            problem(str(kept[self._reported]))
            self._reported += 1

    def stop(self) -> None:
        """Stop capturing: once what dumpcap still has has come (collectors.flows.capture_spool),
        dumpcap writes what it holds and closes the pipe (``flows`` then ends). Returns at once."""
        if self.spool is not None:
            self.spool.stop()
        else:
            self._terminate()

    def _terminate(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)

    def _finish(self, *, fail: bool = True) -> None:
        """Reap dumpcap and read its report. When it ended by itself (killed, crashed, an
        error) rather than on SIGTERM: ConfigError with ``fail``, else (the flows of what it
        wrote were read and flushed: review R14b N10) ``failure`` says why."""
        assert self.process is not None and self.spool is not None
        self.spool.join()
        self.spool.close()
        if self.process.stdout is not None:
            self.process.stdout.close()
        _, err = self.process.communicate(timeout=30)
        self.report = err.decode("utf-8", "replace").strip()
        captured, received = CAPTURED.search(self.report), RECEIVED.search(self.report)
        self.captured = int(captured[1]) if captured else None
        if received:
            self.received, self.dropped = int(received[1]), int(received[2])
        code = self.process.returncode
        if code < 0 and code != -signal.SIGTERM:
            self.failure = f"dumpcap on {self.interface} ended: killed by signal {-code} ({signal.Signals(-code).name})"
        elif code not in (0, -signal.SIGTERM) and not self.report.startswith("Packets"):
            first = self.report.splitlines()[0] if self.report else f"exit status {code}"
            self.failure = f"dumpcap on {self.interface} failed: {first}"
        if fail and self.failure is not None:
            raise ConfigError(self.failure)

    def accounting(self) -> str:
        """The packets govsoc read against dumpcap's count, once the capture has ended: every
        packet dumpcap captured and govsoc did not read is said as lost, and so are the packets
        dropped before dumpcap had them."""
        read = self.assembler.packets if self.assembler is not None else 0
        if self.captured is None:
            first = self.report.splitlines()[-1] if self.report else "no report"
            return f"{read:,} packets read; dumpcap gave no count of its own ({first})"
        text = f"{read:,} of the {self.captured:,} packets dumpcap captured read"
        if read != self.captured:
            lost = self.captured - read
            share = int(1000 * read / self.captured) / 10 if self.captured else 0.0  # never rounded up to 100
            text += f", {lost:,} lost ({share}% read)" if lost > 0 else f", {-lost:,} more than dumpcap counted"
        else:
            text += ", none lost"
        if self.dropped:
            text += f"; {self.dropped:,} more dropped before dumpcap had them (kernel or interface)"
        if self.spool is not None and self.spool.full:
            text += (f"; the capture spool ({self.spool_bytes >> 20} MiB) was full, dumpcap had to wait "
                     "(what the kernel dropped then is counted above)")
        return text


def wait_until_capturing(process: subprocess.Popen[bytes], settle: float) -> None:
    """Wait until the process has a packet socket whose capture ring is mapped and running
    (/proc/PID/maps and /proc/PID/net/packet, seen from the process's own network namespace):
    from then on the kernel keeps every packet of the interface for it. At most ``settle``
    seconds; where /proc does not tell, ``settle`` seconds."""
    deadline = time.monotonic() + settle
    while time.monotonic() < deadline and process.poll() is None:
        try:
            mapped = {line.rsplit("socket:[", 1)[1].split("]")[0]
                      for line in Path(f"/proc/{process.pid}/maps").read_text().splitlines() if "socket:[" in line}
            running = {fields[8] for fields in (line.split() for line in
                       Path(f"/proc/{process.pid}/net/packet").read_text().splitlines()[1:])
                       if len(fields) > 8 and fields[5] == "1"}
        except (OSError, IndexError):
            time.sleep(settle)
            return
        if mapped & running:
            return
        time.sleep(0.01)


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
    ends (its ECS fields as JSON, read by the ``network.pcap`` parser) and one per problem as
    it is met (refused by that parser: the pipeline keeps it as a ``pipeline_error`` event, as
    for a capture file), numbered from 1 under an identity made of the interface and the time
    the capture started, so each capture's events have ids of their own."""

    def __init__(self, capture: LiveCapture, *, lost: Sequence[LostRun] = ()) -> None:
        self.capture = capture
        self.identity = make_id("capture", capture.interface, datetime.now(UTC).isoformat())
        #: earlier captures killed without stopping (collectors.flows.run_marker): each is handed
        #: on first, as a problem record under an identity of its own (reported again, stored once)
        self.lost = tuple(lost)
        #: problem records handed on
        self.problems = 0

    def records(self) -> Iterator[RawRecord | None]:
        """Each flow's and problem's record, until the capture stops. The capture is read on a
        thread of its own, so that flows ended on a quiet link come out at once and, while
        nothing comes, a tick (None) every ``idle_seconds`` lets the pipeline deliver what it
        holds."""
        origin = f"capture://{self.capture.interface}"
        out: queue.SimpleQueue[Flow | str | BaseException | None] = queue.SimpleQueue()

        def expired(flows: list[Flow]) -> None:
            for flow in flows:
                out.put(flow)

        def read() -> None:
            try:
                for flow in self.capture.flows(expired=expired, problem=out.put):
                    out.put(flow)
            except BaseException as e:  # noqa: BLE001 - raised again in the reading thread
                out.put(e)
            out.put(None)

        for run in self.lost:
            yield RawRecord(data=PROBLEM_PREFIX + run.text.encode(), origin=origin, offset=1,
                            identity=make_id("capture-lost", str(run.pid), run.started), received=datetime.now(UTC))
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
                if isinstance(item, str):
                    self.problems += 1
                    data = PROBLEM_PREFIX + item.encode()
                else:
                    data = json.dumps(flow_fields(item), sort_keys=True, separators=(",", ":")).encode()
                yield RawRecord(data=data, origin=origin, offset=offset, identity=self.identity,
                                received=datetime.now(UTC))
        finally:
            self.capture.stop()
            reader.join()
