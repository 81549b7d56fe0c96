"""A set of syslog receivers with their delivery thread: what `govsoc listen` runs, and what the
scheduler daemon runs beside its jobs.

    receivers = ReceiverSet(settings, pipeline, data_dir=config.data_dir, timezone="Asia/Shanghai")
    receivers.start()        # binds every listener (a GovsocError names the one that failed)
    ...                      # receivers.addresses, receivers.counters
    receivers.stop()         # stops listening, stores (or spools) what was accepted, saves the counters

Threads: one per UDP listener, one asyncio loop for every TCP and TLS listener, and one delivery
thread (collectors.receivers.delivery) that owns the pipeline; they meet at the bounded hand-off
queue (collectors.receivers.handoff). The counters are saved every second and at ``stop`` under
``<data_dir>/state/receivers/`` for `govsoc status`.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from govsoc.collectors.pipeline import Pipeline
from govsoc.collectors.receivers.backlog import backlog_spool
from govsoc.collectors.receivers.counters import ReceiverCounters
from govsoc.collectors.receivers.delivery import DeliveryWorker, ReceiverState
from govsoc.collectors.receivers.handoff import Handoff
from govsoc.collectors.receivers.senders import SenderRules
from govsoc.collectors.receivers.stream import StreamLoop, StreamReceiver
from govsoc.collectors.receivers.udp import UdpReceiver
from govsoc.core.config import ReceiverSettings

__all__ = ["ReceiverSet", "counters_folder"]

#: The interpreter's thread switch interval while UDP receivers run (seconds).
UDP_SWITCH_INTERVAL = 0.0005


def counters_folder(data_dir: Path) -> Path:
    """Where receivers keep their counters."""
    return Path(data_dir) / "state" / "receivers"


class ReceiverSet:
    """Runs receivers into a pipeline (see the module docstring)."""

    def __init__(self, settings: Sequence[ReceiverSettings], pipeline: Pipeline, *, data_dir: Path,
                 timezone: str = "Asia/Shanghai", handoff: Handoff | None = None, batch_size: int = 2000,
                 notice: Callable[[str], None] | None = None) -> None:
        self.settings = list(settings)
        self.pipeline = pipeline
        self.folder = counters_folder(data_dir)
        self.handoff = handoff if handoff is not None else Handoff()  # (an empty one is falsy)
        self.notice = notice or (lambda _message: None)
        self.run_id = run_id = os.urandom(6).hex()
        self.timezone = timezone
        self.states = [ReceiverState(name=s.name, transport=s.transport, run_id=run_id,
                                     rules=SenderRules(s, timezone),
                                     counters=ReceiverCounters.resume(self.folder, s.name, s.transport, s.listen))
                       for s in self.settings]
        #: Messages not yet parsed at a stop (collectors.receivers.backlog), parsed at the next start.
        self.backlog = backlog_spool(pipeline.spool.folder, pipeline.spool.max_bytes)
        self.worker = DeliveryWorker(pipeline, self.handoff, rejects_dir=Path(data_dir) / "rejects",
                                     batch_size=batch_size, tick=self.save, notice=self.notice,
                                     backlog=self.backlog, state_of=self.state_of)
        self._udp: list[UdpReceiver] = []
        self._streams: StreamLoop | None = None
        self._thread: threading.Thread | None = None
        self._stopped = threading.Event()
        self._switch_interval: float | None = None
        #: receiver name -> when its next kernel-drop notice may come (monotonic seconds)
        self._drops_said: dict[str, float] = {}
        #: Per UDP receiver, the kernel drops its last notice covered: drops read by the socket's
        #: own stop (which reads them before closing it) are said by the last save too.
        self._drops_told: dict[str, int] = {}
        self.addresses: dict[str, tuple[str, int]] = {}

    def state_of(self, name: str, transport: str) -> ReceiverState:
        """The state of receiver ``name`` (a message of the shutdown spool names its receiver);
        a receiver no longer configured is read with the defaults (parser auto, the default time
        zone) and its counters are kept beside the others'."""
        found = next((state for state in self.states if state.name == name), None)
        if found is None:
            try:
                settings = ReceiverSettings.model_validate({"name": name, "transport": transport,
                                                            "listen": "127.0.0.1:0"})
            except ValueError:  # pydantic's ValidationError: a name or transport no receiver may have
                name, transport = "unknown-receiver", "udp"
                settings = ReceiverSettings(name=name, transport="udp", listen="127.0.0.1:0")
            found = ReceiverState(name=name, transport=transport, run_id=self.run_id,
                                  rules=SenderRules(settings, self.timezone),
                                  counters=ReceiverCounters.resume(self.folder, name, transport, settings.listen))
            self.states.append(found)
        return found

    @property
    def counters(self) -> list[ReceiverCounters]:
        """Each receiver's counters, in the order of the settings."""
        return [state.counters for state in self.states]

    def start(self) -> None:
        """Bind every listener and start the threads; on a bind failure, what was started is
        stopped again and the GovsocError propagates."""
        if any(s.transport == "udp" for s in self.settings):
            # The UDP reader must get the interpreter within half a millisecond, or the kernel
            # drops datagrams while the delivery thread parses (5 ms by default: a burst of
            # 100,000 datagrams/s overflows a 4 MiB receive buffer in that time).
            self._switch_interval = sys.getswitchinterval()
            sys.setswitchinterval(min(self._switch_interval, UDP_SWITCH_INTERVAL))
        try:
            for settings, state in zip(self.settings, self.states, strict=True):
                if settings.transport == "udp":
                    udp = UdpReceiver(state, settings.listen, settings.max_message_bytes, state.rules,
                                      state.counters, self.handoff, settings.receive_buffer_bytes)
                    self.addresses[settings.name] = udp.start()
                    self._udp.append(udp)
                else:
                    if self._streams is None:
                        self._streams = StreamLoop()
                        self.handoff.on_room = self._streams.resume_all
                    stream = StreamReceiver(state, settings, state.rules, state.counters, self.handoff,
                                            self._streams)
                    self._streams.receivers.append(stream)
                    self.addresses[settings.name] = stream.start()
        except BaseException:
            self._close_network()
            if self._switch_interval is not None:
                sys.setswitchinterval(self._switch_interval)
            raise
        self._thread = threading.Thread(target=self.worker.run, name="govsoc-receiver-delivery", daemon=True)
        self._thread.start()
        self.save()

    def save(self, *, running: bool = True) -> None:
        """Save every receiver's counters (kernel drops read now)."""
        said = []
        for udp in self._udp:
            name = udp.counters.name
            udp.kernel_drops()
            before = self._drops_told.get(name, 0)
            if udp.counters.kernel_drops > before and time.monotonic() >= self._drops_said.get(name, 0.0):
                # datagrams were lost while the socket was open: say so (once a minute), also at the stop
                self._drops_said[name] = time.monotonic() + 60.0
                self._drops_told[name] = udp.counters.kernel_drops
                said.append(f"receiver {name} ({udp.counters.address}): the kernel dropped "
                            f"{udp.counters.kernel_drops - before} datagrams since the last count (its receive buffer "
                            f"was full: {udp.counters.kernel_drops} this run; see receive_buffer_bytes and "
                            f"net.core.rmem_max)")
        if self._streams is not None and running:
            self._streams.sync_counters()
        said += self._check_listeners() if running and not self._stopped.is_set() else []  # (closed on purpose)
        for state in self.states:
            state.counters.save(self.folder, running=running)
        for message in said:  # said once saved: `govsoc status` shows it by then
            self.notice(message)

    def _check_listeners(self) -> list[str]:
        """Mark a listener whose thread or socket died as not listening (`govsoc status` shows
        it, and the run says it once: the notices returned): the process runs on, but that port
        hears nothing."""
        streams = self._streams.receivers if self._streams is not None else []
        listeners: list[UdpReceiver | StreamReceiver] = [*self._udp, *streams]
        said = []
        for listener in listeners:
            counters = listener.counters
            problem = listener.problem()
            if problem and not counters.problem:
                said.append(f"receiver {counters.name} ({counters.transport} {counters.address}) is not listening "
                            f"any more: {problem}")
            counters.listening, counters.problem = not problem, problem
        return said

    def _close_network(self) -> None:
        for udp in self._udp:
            udp.stop()
        if self._streams is not None:
            self._streams.close()

    def stop(self, timeout: float = 30.0) -> None:
        """Stop listening and reading at once (what senders' and our kernel still hold is not
        accepted). What was accepted and not parsed yet is parsed and stored when it fits in one
        batch; a larger backlog goes to the shutdown spool as it arrived (collectors.receivers.
        backlog: a copy and an fsync, not a parse per message), stored by the next start. The
        batch being stored when the stop came gets ``timeout`` seconds, then goes to the event
        spool (only what a full spool cannot take is counted ``dropped``). Waits for the
        delivery thread to end (the store may be closed after this), saves the counters. Safe
        to call twice."""
        if self._stopped.is_set():
            return
        self._stopped.set()
        self.worker.winding_down.set()
        self._close_network()
        self.worker.stopping.set()
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                self.notice(f"receivers: {len(self.handoff)} accepted messages not stored after {timeout:.0f} s; "
                            f"spooling them")
                self.worker.spill.set()
                self._thread.join()
        self.save(running=False)
        if self._switch_interval is not None:
            sys.setswitchinterval(self._switch_interval)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until ``stop`` was called (or ``timeout``); True when stopped."""
        return self._stopped.wait(timeout)
