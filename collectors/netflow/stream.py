"""IPFIX over TCP (RFC 7011 section 10.4): a listener whose connections carry IPFIX messages
back to back, each framed by the Length field of its own header.

Stage: collectors (source). Every connection is read in a thread of its own and cut into
messages by :class:`MessageFramer`; the messages reach the same parser and pipeline as UDP
datagrams do (collectors.netflow.receiver), in the order each connection sent them, through one
queue, so the decoder stays single-threaded. A record's origin is ``tcp://<exporter>:<port>``.

On TCP the Transport Session is the connection: templates are valid for its lifetime (RFC 7011
section 8.1), so they are forgotten, with its held data sets and sequence numbering, when it
closes. A header that cannot start a message (version not 10, length under 16) means the stream
has lost its framing: the connection is closed (RFC 7011 section 10.4.1.2 lets the collector
close the session) and the bytes from there on go to the parser as one record, which reports
them as a ``pipeline_error`` event; so does a message the connection ended inside of.

Hostile peers (RFC 7011 sections 10.4 and 11): at most ``max_connections`` connections (default
64) are read at once; one over it is closed at once. A connection that stays inside a message
for ``partial_seconds`` (default 60: a header promising 65535 bytes, then nothing) or sends
nothing for ``idle_seconds`` (default 600) is closed. Each of these is a ``pipeline_error``
event naming the peer (``connection`` problems).
"""

from __future__ import annotations

import queue
import socket
import threading
from datetime import UTC, datetime

from govsoc.collectors.base import RawRecord
from govsoc.collectors.netflow.parser import CLOSED, UNFRAMED, NetflowParser
from govsoc.collectors.netflow.receiver import NetflowReceiver, parse_endpoint, sequence_of

__all__ = ["TCP_ORIGIN", "IpfixTcpReceiver", "MessageFramer", "listener_label", "netflow_listener"]

TCP_ORIGIN = "tcp://"
#: An IPFIX message header: version 10, then the message's length in octets (RFC 7011 3.1).
HEADER_BYTES = 16


class MessageFramer:
    """Bytes of one connection in, whole IPFIX messages out, however TCP cut them. Once a header
    is impossible, ``lost`` says why and nothing more is framed (the rest stays in ``buffer``)."""

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.lost: str | None = None

    def feed(self, data: bytes) -> list[bytes]:
        """The messages ``data`` completes, up to a header that cannot be one."""
        self.buffer += data
        messages: list[bytes] = []
        at = 0
        while self.lost is None and len(self.buffer) - at >= 4:
            version = int.from_bytes(self.buffer[at:at + 2], "big")
            length = int.from_bytes(self.buffer[at + 2:at + 4], "big")
            if version != 10 or length < HEADER_BYTES:
                self.lost = f"version {version}, length {length} where an IPFIX message must start"
                break
            if len(self.buffer) - at < length:
                break
            messages.append(bytes(self.buffer[at:at + length]))
            at += length
        del self.buffer[:at]
        return messages

    @property
    def pending(self) -> int:
        """Bytes of a message not complete yet."""
        return len(self.buffer)


class IpfixTcpReceiver(NetflowReceiver):
    """A listening TCP socket whose connections' IPFIX messages feed a pipeline (module docstring).
    ``serve``, ``save_counters`` and the counters are the UDP receiver's; ``datagrams`` counts
    messages."""

    transport, scheme, socket_type = "tcp", TCP_ORIGIN, socket.SOCK_STREAM
    #: connections waiting to be accepted
    backlog = 64

    def __init__(self, host: str, port: int, *, parser: NetflowParser | None = None, max_connections: int = 64,
                 partial_seconds: float = 60.0, idle_seconds: float = 600.0) -> None:
        super().__init__(host, port, parser=parser)
        self.max_connections, self.partial_seconds, self.idle_seconds = max_connections, partial_seconds, idle_seconds
        #: (exporter, data, flag) as connections read them: flag "" for a message, UNFRAMED for bytes
        #: no message could be framed from, CLOSED for why a connection was closed (data: the
        #: reason); (exporter, None, "") when one closes
        self._queue: queue.Queue[tuple[str, bytes | None, str]] = queue.Queue(maxsize=10000)
        #: connections closed at once because max_connections were open, or for idling
        self.refused = self.timed_out = 0
        self._connections: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._closed = threading.Event()
        #: connections closed because their framing was lost, or cut inside a message
        self.framing_errors = 0
        threading.Thread(target=self._accept, name=f"ipfix-tcp-{self.address[1]}", daemon=True).start()

    def _prepare(self, sock: socket.socket, receive_buffer: int) -> None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)

    def _bound(self, sock: socket.socket) -> None:
        sock.listen(self.backlog)

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                connection, peer = self.sock.accept()
            except OSError:
                return
            exporter = f"[{peer[0]}]:{peer[1]}" if ":" in peer[0] else f"{peer[0]}:{peer[1]}"
            with self._lock:
                full = len(self._connections) >= self.max_connections
                if not full:
                    self._connections.add(connection)
            if full:
                self.refused += 1
                self._queue.put((exporter, f"connection refused: {self.max_connections} connections already open "
                                           f"(the limit)".encode(), CLOSED))
                connection.close()
                continue
            threading.Thread(target=self._read, args=(connection, exporter), daemon=True).start()

    def _read(self, connection: socket.socket, exporter: str) -> None:
        framer = MessageFramer()
        try:
            while framer.lost is None:
                connection.settimeout(self.partial_seconds if framer.pending else self.idle_seconds)
                try:
                    data = connection.recv(65536)
                except TimeoutError:
                    self.timed_out += 1
                    why = (f"inside a message for {self.partial_seconds:g} s ({framer.pending} bytes of it read)"
                           if framer.pending else f"silent for {self.idle_seconds:g} s")
                    self._queue.put((exporter, f"connection closed: {why}".encode(), CLOSED))
                    framer.buffer.clear()
                    break
                if not data:
                    break
                for message in framer.feed(data):
                    self._queue.put((exporter, message, ""))  # a full queue holds the sender back
        except OSError:
            pass
        finally:
            if framer.pending:
                # what cannot be framed goes to the parser flagged, which reports it as a
                # pipeline_error event naming the exporter (a bad header, or a message cut short)
                self.framing_errors += 1
                self._queue.put((exporter, bytes(framer.buffer[:65535]), UNFRAMED))
            with self._lock:
                self._connections.discard(connection)
            connection.close()
            self._queue.put((exporter, None, ""))

    def receive(self, timeout: float) -> RawRecord | None:
        """The next message as a record, or None after ``timeout`` seconds without one (a
        connection that ended has its templates forgotten on the way)."""
        while True:
            try:
                exporter, data, flag = self._queue.get(timeout=timeout)
            except queue.Empty:
                return None
            if data is not None:
                break
            self.parser.decoder.forget(exporter)
        if flag == CLOSED:
            closed = self._offsets[exporter] = self._offsets.get(exporter, 0) + 1
            return RawRecord(data=data, origin=TCP_ORIGIN + exporter, offset=closed, received=datetime.now(UTC),
                             flags=(CLOSED,))
        self.heard(exporter, len(data))
        sequence = sequence_of(data)
        if sequence is None:
            sequence = self._offsets[exporter] = self._offsets.get(exporter, 0) + 1
        return RawRecord(data=data, origin=TCP_ORIGIN + exporter, offset=sequence, received=datetime.now(UTC),
                         flags=(flag,) if flag else ())

    def close(self) -> None:
        """Stop listening and close every connection."""
        self._closed.set()
        self.sock.close()
        with self._lock:
            for connection in self._connections:
                try:
                    connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


def netflow_listener(listen: str, *, max_connections: int = 64, partial_seconds: float = 60.0,
                     idle_seconds: float = 600.0) -> NetflowReceiver:
    """The receiver a ``collectors.netflow`` entry or ``--netflow`` value names: ``HOST:PORT`` or
    ``udp://HOST:PORT`` for NetFlow/IPFIX over UDP, ``tcp://HOST:PORT`` for IPFIX over TCP (with
    its limits: ``collectors.netflow_tcp_*``)."""
    if listen.startswith(TCP_ORIGIN):
        return IpfixTcpReceiver(*parse_endpoint(listen[len(TCP_ORIGIN):]), max_connections=max_connections,
                                partial_seconds=partial_seconds, idle_seconds=idle_seconds)
    return NetflowReceiver(*parse_endpoint(listen.removeprefix("udp://")))


def listener_label(listen: str) -> str:
    """``udp HOST:PORT`` or ``tcp HOST:PORT`` for a ``collectors.netflow`` entry."""
    if listen.startswith(TCP_ORIGIN):
        return f"tcp {listen[len(TCP_ORIGIN):]}"
    return f"udp {listen.removeprefix('udp://')}"
