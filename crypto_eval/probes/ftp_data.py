"""FTPS data-channel protection (RFC 4217 §9): after AUTH TLS the control channel is encrypted, but
files and listings travel on separate data connections, protected only when the client sends
``PBSZ 0`` and ``PROT P`` and the server accepts it. A server that refuses PROT P leaves every data
connection in the clear.

Accepting ``PROT C`` at that point proves nothing either way: vsftpd with force_local_data_ssl and
pyftpdlib with tls_data_required answer 200 to PROT C and refuse the transfer itself ("522 Data
connections must be encrypted"). Only a transfer shows it, and a transfer needs a login: when the
server lets an anonymous user in over TLS (what nmap's ftp-anon tries), the probe asks for a
listing under PROT C. A listing served is a data channel in the clear; a 5xx refusal means the
server enforces protection; without an anonymous login the question stays open (manual check).

The TLS here only carries the FTP commands (the probe's TLS findings come from probes.tls with
starttls="ftp"): the certificate is not checked, no password but the anonymous convention is sent.
"""

from __future__ import annotations

import asyncio
import ssl
from dataclasses import dataclass

from govsoc.crypto_eval.probes.connection import close_quietly, read_reply
from govsoc.crypto_eval.probes.received_text import received_text

__all__ = ["FtpDataProtection", "probe_ftp_data"]


@dataclass(frozen=True, slots=True, kw_only=True)
class FtpDataProtection:
    """What an FTPS server said about protecting its data connections."""

    private: bool               # PROT P (after PBSZ 0) accepted
    clear_transfer: bool | None  # a listing under PROT C: served (True), refused (False), not tried (None)
    evidence: str               # the replies, trimmed


def _context() -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE  # the channel only carries the questions; probes.tls judges the certificate
    return ctx


class _Session:
    """One FTP control connection: send a command, read its reply, keep a trimmed log of both."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, timeout: float) -> None:
        self.reader, self.writer, self.timeout = reader, writer, timeout
        self.log: list[str] = []

    async def ask(self, command: str, shown: str | None = None) -> bytes:
        self.writer.write(command.encode("ascii") + b"\r\n")
        await self.writer.drain()
        reply = await read_reply(self.reader, self.timeout)
        self.log.append(f"{shown or command} -> {' '.join(received_text(reply).split())[:80] or '(closed)'}")
        return reply

    async def listing(self, host: str) -> bool | None:
        """LIST over a passive data connection to ``host`` (never to the address the reply names):
        True when the server sends it, False when it refuses, None when it cannot be told."""
        reply = await self.ask("PASV")
        numbers = reply[reply.find(b"(") + 1:reply.find(b")")].split(b",") if reply.startswith(b"227") else []
        if len(numbers) != 6 or not all(n.strip().isdigit() for n in numbers):
            return None
        data_port = int(numbers[4]) * 256 + int(numbers[5])
        try:
            data = await asyncio.wait_for(asyncio.open_connection(host, data_port), self.timeout)
        except (OSError, TimeoutError):
            return None
        try:
            reply = await self.ask("LIST")
            if reply[:1] in (b"4", b"5"):
                return False
            return True if reply[:3] in (b"125", b"150") else None
        finally:
            await close_quietly(data[1])


async def probe_ftp_data(host: str, port: int, *, timeout: float = 3.0) -> FtpDataProtection | None:
    """AUTH TLS, PBSZ 0, PROT P; then, when an anonymous login works, PROT C and a listing. None
    when the conversation fails before PROT P (no FTP, no TLS)."""
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
    except (OSError, TimeoutError):
        return None
    session = _Session(reader, writer, timeout)
    try:
        if not (await read_reply(reader, timeout)).startswith(b"220"):
            return None
        if not (await session.ask("AUTH TLS")).startswith(b"234"):
            return None
        await asyncio.wait_for(writer.start_tls(_context()), timeout)
        await session.ask("PBSZ 0")
        private = (await session.ask("PROT P")).startswith(b"2")
        clear: bool | None = None
        if private and (await session.ask("USER anonymous")).startswith(b"331"):
            if (await session.ask("PASS govsoc-probe@", "PASS ***")).startswith(b"230"):
                clear = await session.listing(host) if (await session.ask("PROT C")).startswith(b"2") else False
        await session.ask("QUIT")
    except (ConnectionError, OSError, TimeoutError, ValueError, ssl.SSLError):
        if not any(line.startswith("PROT P -> ") for line in session.log):
            return None  # cut off before the question: no answer either way
        private = any(line.startswith("PROT P -> 2") for line in session.log)
        clear = None
    finally:
        await close_quietly(writer)
    decisive = [line for line in session.log if line.startswith(("PROT", "LIST", "USER"))]
    return FtpDataProtection(private=private, clear_transfer=clear, evidence="; ".join(decisive))
