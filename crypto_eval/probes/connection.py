"""One probe conversation: connect, send bytes, read until the answer is enough, closed or late.

Probes never raise for what the network does (refused, reset, silent, slow): the Exchange says
what happened, because "the server closed without a byte" is itself evidence (an RFC 8998 server
refusing a hello does exactly that). Running out of file descriptors (EMFILE/ENFILE) is the probing
host's failure, not the endpoint's: it raises ProbeError, which the runner reports as that
endpoint's probe error.
"""

from __future__ import annotations

import asyncio
import errno
import socket
from collections.abc import Callable
from dataclasses import dataclass

from govsoc.core.errors import ProbeError
from govsoc.crypto_eval.probes.received_text import received_text

__all__ = ["Exchange", "exchange", "MAX_ANSWER", "read_reply", "close_quietly", "STARTTLS", "connect_failure",
           "REFUSED", "NO_SUCH_NAME", "CONNECT_TIMEOUT", "starttls_opening"]

_OUT_OF_DESCRIPTORS = frozenset({errno.EMFILE, errno.ENFILE})

#: Bytes read at most from one answer (a certificate chain fits easily).
MAX_ANSWER = 256 * 1024


@dataclass(frozen=True, slots=True, kw_only=True)
class Exchange:
    """What one conversation produced."""

    received: bytes
    connected: bool
    closed: bool = False      # the peer closed (FIN or reset) before we were satisfied
    timed_out: bool = False
    error: str | None = None  # connect failure or reset, as text

    @property
    def silent_close(self) -> bool:
        """Connected, then closed without sending anything."""
        return self.connected and self.closed and not self.received


#: Why a connection could not be made, as ``Exchange.error`` says it (``connect_failure``): the port
#: refused it (RST: nothing listens, or a firewall rejects), the host name does not resolve, or no
#: answer came in time (a firewall that drops, a host that is down).
REFUSED = "connection refused"
NO_SUCH_NAME = "no such host name"
CONNECT_TIMEOUT = "connect timed out"


def connect_failure(error: BaseException) -> str:
    """Why a connect failed, in one of the words above, else the error's own text."""
    if isinstance(error, socket.gaierror):
        return f"{NO_SUCH_NAME} ({error.strerror or error})"
    if isinstance(error, ConnectionRefusedError) or (isinstance(error, OSError) and error.errno == errno.ECONNREFUSED):
        return REFUSED
    if isinstance(error, TimeoutError):
        return CONNECT_TIMEOUT
    return str(error) or type(error).__name__


#: Plain-text openings that switch a connection to TLS: protocol -> (command, the answer that says
#: "go on with the TLS handshake", its name in evidence, whether the server greets first).
#: FTP: RFC 4217 §4 (AUTH TLS, 234). PostgreSQL (its protocol documentation, "SSL Session
#: Encryption"; no RFC): the client sends SSLRequest, 8 bytes (length 8, code 80877103), and the
#: server answers one byte, 'S' (TLS follows) or 'N' (no TLS: the session goes on in the clear).
STARTTLS: dict[str, tuple[bytes, bytes, str, bool]] = {
    "ftp": (b"AUTH TLS\r\n", b"234", "AUTH TLS", True),
    "postgresql": ((8).to_bytes(4, "big") + (80877103).to_bytes(4, "big"), b"S", "SSLRequest", False),
}


async def close_quietly(writer: asyncio.StreamWriter) -> None:
    """Close a connection without waiting long for the peer or raising for what it did."""
    writer.close()
    try:
        await asyncio.wait_for(writer.wait_closed(), 0.5)
    except (ConnectionError, OSError, TimeoutError):
        pass


async def read_reply(reader: asyncio.StreamReader, timeout: float) -> bytes:
    """One complete FTP/SMTP-style reply (RFC 959 §4.2: a multi-line reply ends with the line that
    repeats its code followed by a space); b"" on close or time-out."""
    lines: list[bytes] = []
    while True:
        line = await asyncio.wait_for(reader.readline(), timeout)
        if not line:
            return b""
        lines.append(line)
        first = lines[0]
        if len(line) >= 4 and line[:3].isdigit() and line[3:4] == b" " and line[:3] == first[:3]:
            return b"".join(lines)
        if len(lines) > 200:
            return b"".join(lines)


async def starttls_opening(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, protocol: str,
                    timeout: float) -> str | None:
    """Run the plain-text opening; None when the server agreed to start TLS, else why not."""
    command, go_on, name, greets = STARTTLS[protocol]
    if greets and not await read_reply(reader, timeout):
        return "no greeting"
    writer.write(command)
    await writer.drain()
    # a line-based reply, or the one byte of a binary protocol (read alone: TLS follows at once)
    answer = await read_reply(reader, timeout) if greets else await asyncio.wait_for(reader.read(1), timeout)
    if not answer.startswith(go_on):
        return f"{name} refused: {received_text(answer[:80]).strip() or 'closed'}"
    return None


async def exchange(host: str, port: int, data: bytes, *, timeout: float,
                   enough: Callable[[bytes], bool] = lambda b: bool(b), first_wait: float | None = None,
                   starttls: str | None = None) -> Exchange:
    """Send ``data`` (may be empty: read the greeting) and read until ``enough(received)``; with
    ``starttls`` ("ftp"), first ask the server to start TLS in its plain-text protocol."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
    except (OSError, TimeoutError) as e:
        if isinstance(e, OSError) and e.errno in _OUT_OF_DESCRIPTORS:
            # the probe host ran out of sockets: says nothing about the endpoint (not "unreachable")
            raise ProbeError(f"{errno.errorcode[e.errno]}: out of file descriptors on the probing host "
                             "(lower --concurrency or raise ulimit -n)") from e
        return Exchange(received=b"", connected=False, timed_out=isinstance(e, TimeoutError),
                        error=connect_failure(e))
    received = b""
    closed = timed_out = False
    error = None
    try:
        if starttls is not None:
            refused = await starttls_opening(reader, writer, starttls, timeout)
            if refused is not None:
                return Exchange(received=b"", connected=True, closed=True, error=refused)
        if data:
            writer.write(data)
            await writer.drain()
        while not enough(received) and len(received) < MAX_ANSWER:
            left = deadline - loop.time()
            if first_wait is not None and not received:
                left = min(left, first_wait)
            if left <= 0:
                timed_out = True
                break
            try:
                chunk = await asyncio.wait_for(reader.read(65536), left)
            except TimeoutError:
                timed_out = True
                break
            if not chunk:
                closed = True
                break
            received += chunk
    except (ConnectionError, OSError, ValueError) as e:  # ValueError: a reply line over the stream limit
        closed, error = True, str(e) or type(e).__name__
    except TimeoutError:
        timed_out = True
    finally:
        await close_quietly(writer)
    return Exchange(received=received, connected=True, closed=closed, timed_out=timed_out, error=error)
