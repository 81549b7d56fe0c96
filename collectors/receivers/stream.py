"""Syslog over TCP (RFC 6587) and TLS (RFC 5425): listeners on one asyncio loop in a thread.

Each connection has its own framer (collectors.syslog.framing: octet counting or newline
framing, decided per frame) and hands its messages to the delivery thread. When the
hand-off queue is full the connection stops reading, so TCP's flow control slows the sender and
nothing it sent is lost; reading resumes when the queue has room again.

Connections from senders outside the allow-list are closed at once and counted; so are
connections over ``max_connections``. A connection silent for ``idle_timeout`` seconds is closed
(a half-open connection from a crashed device holds no resources for ever); what it sent of an
unfinished frame is kept, flagged. TLS starts after the allow-list check (asyncio's start_tls);
handshakes that fail (no or a wrong client certificate, plain TCP sent to the TLS port, a
time-out) are counted as ``tls_handshake`` rejections.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import threading
import time
from collections.abc import Callable
from typing import Any

from govsoc.collectors.receivers.counters import ReceiverCounters
from govsoc.collectors.receivers.handoff import Handoff, Message
from govsoc.collectors.receivers.senders import SenderRules, plain_host
from govsoc.collectors.receivers.udp import bind_address
from govsoc.collectors.syslog.framing import FramingStats, StreamFramer
from govsoc.core.config import ReceiverSettings
from govsoc.core.errors import GovsocError

__all__ = ["StreamLoop", "StreamReceiver", "tls_context"]

#: Seconds a TLS handshake may take.
HANDSHAKE_SECONDS = 10.0


def tls_context(settings: ReceiverSettings) -> ssl.SSLContext:
    """The server context of a TLS receiver: its certificate and, when ``client_ca`` is set,
    client certificates required and checked against it (RFC 5425 section 5)."""
    assert settings.tls is not None
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        context.load_cert_chain(settings.tls.cert, settings.tls.key)
        if settings.tls.client_ca is not None:
            context.load_verify_locations(cafile=settings.tls.client_ca)
            context.verify_mode = ssl.CERT_REQUIRED
    except (OSError, ssl.SSLError) as e:
        raise GovsocError(f"tls receiver {settings.name}: cannot load its certificate, key or client CA: {e}") from e
    return context


def _dual_stack(port: int) -> socket.socket:
    """A listening socket on [::]:port that IPv4 senders reach too (as ::ffff:a.b.c.d)."""
    sock = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        sock.bind(("::", port))
        sock.listen(512)
    except OSError:
        sock.close()
        raise
    sock.setblocking(False)
    return sock


class _Connection(asyncio.Protocol):
    """One sender's connection."""

    def __init__(self, receiver: StreamReceiver) -> None:
        self.receiver = receiver
        self.transport: asyncio.Transport | None = None
        self.host, self.port = "", 0
        self.framer = StreamFramer(receiver.settings.max_message_bytes, receiver.framing)
        self.last_data = time.monotonic()
        self.idle: asyncio.TimerHandle | None = None
        self.handshake: asyncio.Task[None] | None = None
        self.paused = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        peer = transport.get_extra_info("peername") or ("", 0)
        self.host, self.port = plain_host(str(peer[0])), int(peer[1])
        receiver = self.receiver
        if not receiver.rules.allowed(self.host):
            receiver.counters.refuse("sender_not_allowed")
            transport.abort()
            return
        if len(receiver.connections) >= receiver.settings.max_connections:
            receiver.counters.refuse("too_many_connections")
            transport.abort()
            return
        receiver.connections.add(self)
        receiver.last_activity = time.monotonic()
        self.idle = receiver.loop.call_later(receiver.settings.idle_timeout, self._check_idle)
        if receiver.tls is None:
            self.transport = transport
            receiver.counters.connections += 1
        else:  # the handshake after the allow-list: a refused sender costs no cryptography
            self.handshake = receiver.loop.create_task(self._start_tls(transport, receiver.tls))

    async def _start_tls(self, transport: asyncio.Transport, context: ssl.SSLContext) -> None:
        receiver = self.receiver
        try:
            secured = await receiver.loop.start_tls(transport, self, context, server_side=True,
                                                    ssl_handshake_timeout=HANDSHAKE_SECONDS)
        except (OSError, TimeoutError, ConnectionError) as e:  # ssl.SSLError is an OSError
            receiver.counters.refuse("tls_handshake")
            receiver.last_handshake_error = str(e)
            transport.abort()
            self.connection_lost(None)
            return
        if secured is None:
            self.connection_lost(None)
            return
        assert isinstance(secured, asyncio.Transport)
        self.transport = secured
        receiver.counters.connections += 1

    def data_received(self, data: bytes) -> None:
        if self.receiver.closing:  # stopping: not read, not accepted (a TLS shutdown may still deliver some)
            return
        self.last_data = self.receiver.last_activity = time.monotonic()
        counters = self.receiver.counters
        counters.bytes += len(data)
        counters.heard(self.host, 0, len(data), time.time())
        self._hand_off(self.framer.feed(data))

    def _hand_off(self, frames: list[tuple[bytes, str | None]]) -> None:
        if not frames:
            return
        receiver, now = self.receiver, time.time()
        key, host, port = receiver.key, self.host, self.port
        messages: list[Message] = [(key, host, port, frame, flag, now) for frame, flag in frames]
        counters = receiver.counters
        counters.heard(host, len(messages), 0, now)  # here, so the frames a close completes count too
        counters.received += len(messages)
        counters.accepted += len(messages)
        if receiver.handoff.put(messages) and self.transport is not None and not self.paused:
            self.paused = True
            self.transport.pause_reading()
            receiver.paused.add(self)

    def resume(self) -> None:
        """Read again (the queue has room)."""
        if self.paused and self.transport is not None and not self.transport.is_closing():
            self.paused = False
            self.transport.resume_reading()

    def eof_received(self) -> bool:
        return False  # close our side too

    def connection_lost(self, exc: Exception | None) -> None:
        receiver = self.receiver
        if self in receiver.connections:
            receiver.connections.discard(self)
            receiver.paused.discard(self)
            self._hand_off(self.framer.close())
        if self.idle is not None:
            self.idle.cancel()

    def _check_idle(self) -> None:
        silent = time.monotonic() - self.last_data
        timeout = self.receiver.settings.idle_timeout
        if self.transport is None and self.handshake is not None and not self.handshake.done():
            self.handshake.cancel()  # ssl_handshake_timeout ends it before, in practice
            return
        if self.transport is None or self.transport.is_closing():
            return
        if silent >= timeout and not self.paused:
            self.transport.close()
        else:
            self.idle = self.receiver.loop.call_later(max(0.05, timeout - silent), self._check_idle)


class StreamReceiver:
    """One TCP or TLS listener (see the module docstring)."""

    def __init__(self, key: object, settings: ReceiverSettings, rules: SenderRules, counters: ReceiverCounters,
                 handoff: Handoff, loop: StreamLoop) -> None:
        self.key, self.settings, self.rules, self.counters, self.handoff = key, settings, rules, counters, handoff
        self.stream_loop = loop
        self.loop = loop.loop
        self.framing = FramingStats()
        self.connections: set[_Connection] = set()
        self.paused: set[_Connection] = set()
        self.server: asyncio.Server | None = None
        self.tls = tls_context(settings) if settings.transport == "tls" else None
        self.last_handshake_error = ""
        #: When a connection last opened or sent something (time.monotonic()).
        self.last_activity = 0.0
        #: Set by close(): nothing more is read.
        self.closing = False

    def start(self) -> tuple[str, int]:
        """Bind and start accepting connections; returns the bound host and port."""
        _family, host, port = bind_address(self.settings.listen)

        async def serve() -> asyncio.Server:
            if host == "::":  # every address of both families, as for UDP (asyncio would make it IPv6-only)
                return await self.loop.create_server(lambda: _Connection(self), sock=_dual_stack(port))
            return await self.loop.create_server(lambda: _Connection(self), host, port, backlog=512,
                                                 reuse_address=True)

        try:
            self.server = self.stream_loop.call(serve())
        except OSError as e:
            raise GovsocError(f"{self.settings.transport} receiver {self.settings.name}: cannot listen on "
                              f"{self.settings.listen}: {e.strerror or e}"
                              f"{' (ports below 1024 need root or CAP_NET_BIND_SERVICE)' if port < 1024 else ''}"
                              ) from e
        bound = self.server.sockets[0].getsockname()
        self.counters.address = f"[{bound[0]}]:{bound[1]}" if ":" in bound[0] else f"{bound[0]}:{bound[1]}"
        return bound[0], bound[1]

    def problem(self) -> str:
        """Why this listener no longer accepts connections ("" while it does): its loop's
        thread ended, or its server or listening socket was closed under it."""
        if not self.stream_loop.alive():
            return "its event loop thread ended"
        server = self.server
        if server is None or not server.is_serving():
            return "it stopped serving"
        if any(sock.fileno() < 0 for sock in server.sockets):
            return "its listening socket was closed"
        return ""

    def sync_counters(self) -> None:
        """Copy the framing counts into the receiver's counters (on the loop's thread)."""
        stats, counters = self.framing, self.counters
        counters.truncated, counters.framing_errors, counters.skipped_bytes = (stats.truncated, stats.framing_errors,
                                                                               stats.skipped_bytes)

    async def close(self) -> None:
        """Stop: stop accepting and reading at once (what the kernel still holds was not
        accepted: the sender sees its connection reset), and close every connection; the
        unfinished frame a connection had read is kept, flagged. Paused connections stay paused:
        nothing more is read into the full hand-off queue."""
        self.closing = True
        if self.server is not None:
            self.server.close()
        for connection in list(self.connections):
            if connection.transport is not None:
                connection.transport.abort()
            elif connection.handshake is not None:
                connection.handshake.cancel()
        await asyncio.sleep(0)
        for connection in list(self.connections):  # aborted transports report connection_lost soon
            connection.connection_lost(None)
        self.paused.clear()
        self.sync_counters()


class StreamLoop:
    """The asyncio loop of every TCP and TLS listener, run by a thread of its own."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.receivers: list[StreamReceiver] = []
        self._thread = threading.Thread(target=self.loop.run_forever, name="govsoc-stream-receivers", daemon=True)
        self._thread.start()

    def alive(self) -> bool:
        """Whether the loop's thread still runs."""
        return self._thread.is_alive() and self.loop.is_running()

    def call(self, coroutine: Any) -> Any:
        """Run ``coroutine`` on the loop and wait for its result."""
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result()

    def soon(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` on the loop's thread."""
        if not self.loop.is_closed():
            self.loop.call_soon_threadsafe(callback)

    def resume_all(self) -> None:
        """Resume every paused connection (called when the hand-off queue has room)."""
        def resume() -> None:
            for receiver in self.receivers:
                for connection in list(receiver.paused):
                    connection.resume()
                receiver.paused.clear()
        self.soon(resume)

    def sync_counters(self) -> None:
        """Copy every receiver's framing counts into its counters."""
        def sync() -> None:
            for receiver in self.receivers:
                receiver.sync_counters()
        self.soon(sync)

    def close(self) -> None:
        """Close every listener and connection, then stop the loop."""
        async def close_all() -> None:
            await asyncio.gather(*(receiver.close() for receiver in self.receivers))
        try:
            self.call(close_all())
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(5.0)
            if not self._thread.is_alive():
                self.loop.close()
