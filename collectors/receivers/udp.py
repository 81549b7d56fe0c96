"""Syslog over UDP (RFC 5426): one message per datagram, read by a thread of its own.

UDP has no acknowledgement and no back-pressure: what the receiver does not read in time, the
kernel drops when the socket's receive buffer is full. Those drops are counted by the kernel per
socket (the ``drops`` column of /proc/net/udp and /proc/net/udp6, found by the socket's inode)
and reported as ``kernel_drops``, so a loss is always visible: ``received + kernel_drops`` is
every datagram that reached the host. The receive buffer is enlarged (32 MiB by default:
``SO_RCVBUFFORCE`` when the process may, else ``SO_RCVBUF`` up to net.core.rmem_max) so that a
burst fits while the reader waits for the interpreter or the CPU.

A datagram longer than the size limit is cut to it (flagged ``truncated``): it is read into a
buffer one byte longer than the limit, so a full buffer means the kernel cut the rest.
"""

from __future__ import annotations

import os
import select
import socket
import sys
import threading
import time
from pathlib import Path

from govsoc.collectors.receivers.counters import ReceiverCounters
from govsoc.collectors.receivers.handoff import Handoff
from govsoc.collectors.receivers.senders import SenderRules, plain_host
from govsoc.collectors.syslog.framing import TRUNCATED, datagram_message
from govsoc.core.errors import GovsocError

__all__ = ["UdpReceiver", "bind_address", "socket_drops"]

#: Receive buffer asked for (ReceiverSettings.receive_buffer_bytes): what a burst must fit in
#: while the reader waits for the interpreter.
RECEIVE_BUFFER = 32 << 20
#: Linux's SO_RCVBUFFORCE (not in Python's socket module): a buffer above net.core.rmem_max,
#: allowed with CAP_NET_ADMIN.
_SO_RCVBUFFORCE = 33
#: At stop, the reader goes on while datagrams still arrive within STOP_QUIET seconds of each
#: other, for at most STOP_GRACE seconds.
STOP_QUIET = 0.1
STOP_GRACE = 2.0
#: The largest UDP payload.
MAX_DATAGRAM = 65535
_PROC_TABLES = (Path("/proc/net/udp"), Path("/proc/net/udp6"))


def bind_address(listen: str) -> tuple[socket.AddressFamily, str, int]:
    """The family, host and port of ``HOST:PORT`` (``[::]:514`` for IPv6)."""
    host, _, port = listen.rpartition(":")
    host = host.strip("[]")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    return family, host, int(port)


def socket_drops(sock: socket.socket) -> int | None:
    """How many datagrams the kernel dropped for ``sock`` (None when /proc cannot tell)."""
    inode = str(os.fstat(sock.fileno()).st_ino)
    for table in _PROC_TABLES:
        try:
            lines = table.read_text(encoding="ascii").splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            columns = line.split()
            if len(columns) >= 13 and columns[9] == inode:
                return int(columns[-1])
    return None


def _receive_buffer(sock: socket.socket, size: int) -> None:
    """Ask for a ``size``-byte receive buffer: forced past net.core.rmem_max when the process
    may (root or CAP_NET_ADMIN), else as large as rmem_max allows (raise it with
    ``sysctl -w net.core.rmem_max=33554432`` for bursty senders)."""
    if sys.platform == "linux":
        try:
            sock.setsockopt(socket.SOL_SOCKET, _SO_RCVBUFFORCE, size)
            return
        except PermissionError:
            pass
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, size)


class UdpReceiver:
    """One UDP listener: binds at ``start``, reads until ``stop``, then reads what the socket
    still holds before it closes."""

    def __init__(self, key: object, listen: str, max_bytes: int, rules: SenderRules, counters: ReceiverCounters,
                 handoff: Handoff, receive_buffer: int = RECEIVE_BUFFER) -> None:
        self.key, self.listen, self.max_bytes, self.receive_buffer = key, listen, max_bytes, receive_buffer
        self.rules, self.counters, self.handoff = rules, counters, handoff
        self.sock: socket.socket | None = None
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._drops_at_start = 0
        #: Why the reader ended before ``stop`` ("" while it runs).
        self.error = ""

    def start(self) -> tuple[str, int]:
        """Bind and start reading; returns the bound host and port."""
        family, host, port = bind_address(self.listen)
        sock = socket.socket(family, socket.SOCK_DGRAM)
        try:
            _receive_buffer(sock, self.receive_buffer)
            sock.bind((host, port))
        except OSError as e:
            sock.close()
            raise GovsocError(f"udp receiver {self.counters.name}: cannot listen on {self.listen}: {e.strerror}"
                              f"{' (ports below 1024 need root or CAP_NET_BIND_SERVICE)' if port < 1024 else ''}"
                              ) from e
        sock.setblocking(False)
        self.sock = sock
        self._drops_at_start = socket_drops(sock) or 0
        bound = sock.getsockname()
        self.counters.address = f"[{bound[0]}]:{bound[1]}" if family == socket.AF_INET6 else f"{bound[0]}:{bound[1]}"
        self._thread = threading.Thread(target=self._run, name=f"govsoc-udp-{self.counters.name}", daemon=True)
        self._thread.start()
        return bound[0], bound[1]

    def problem(self) -> str:
        """Why this listener no longer reads ("" while it does): its thread ended (its socket
        failed or was closed under it) before ``stop``."""
        if self._stopping.is_set() or self._thread is None or self._thread.is_alive():
            return ""
        return self.error or "its reader thread ended"

    def kernel_drops(self) -> None:
        """Read the socket's kernel drop count into the counters."""
        if self.sock is not None and self.sock.fileno() >= 0:
            try:
                drops = socket_drops(self.sock)
            except OSError:  # the socket was closed meanwhile
                return
            if drops is not None:
                self.counters.kernel_drops = drops - self._drops_at_start

    def stop(self, timeout: float = 5.0) -> None:
        """Stop reading (after what the socket holds now) and close the socket."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout)
        if self.sock is not None:
            self.kernel_drops()
            self.sock.close()

    def _run(self) -> None:
        try:
            self._read()
        except Exception as e:  # noqa: BLE001  said by problem() in the counters and `govsoc status`
            self.error = f"its reader failed: {type(e).__name__}: {e}"

    def _read(self) -> None:
        assert self.sock is not None
        # a datagram holds at most 65,535 bytes: a larger limit needs no larger read buffer (recvfrom
        # allocates its whole size for every datagram)
        sock, size, counters, handoff = self.sock, min(self.max_bytes, MAX_DATAGRAM), self.counters, self.handoff
        allowed, key, heard = self.rules.allowed, self.key, counters.heard
        receive = sock.recvfrom
        stop_by: float | None = None
        dual = True if sock.family == socket.AF_INET6 else None  # v4 senders arrive as ::ffff:a.b.c.d
        while True:
            try:
                data, peer = receive(size + 1)
            except BlockingIOError:
                if self._stopping.is_set():
                    # Loopback and local delivery can lag behind the sender's sendto: stop once the
                    # socket stayed empty for QUIET seconds (or, under a flood, after GRACE).
                    if stop_by is None:
                        stop_by = time.monotonic() + STOP_GRACE
                    if not select.select([sock], [], [], STOP_QUIET)[0] or time.monotonic() >= stop_by:
                        return
                    continue
                select.select([sock], [], [], 0.2)
                continue
            except OSError as e:
                self.error = f"reading its socket failed: {e.strerror or e}"
                return
            counters.received += 1
            counters.bytes += len(data)
            host = peer[0] if dual is None else plain_host(peer[0])
            now = time.time()
            heard(host, 1, len(data), now)
            if not allowed(host):
                counters.reject("sender_not_allowed", host)
                continue
            flag = None
            if len(data) > size:
                data, flag = data[:size], TRUNCATED
                counters.truncated += 1
            if not handoff.offer((key, host, peer[1], datagram_message(data), flag, now)):
                counters.reject("overload", host)
            else:
                counters.accepted += 1
