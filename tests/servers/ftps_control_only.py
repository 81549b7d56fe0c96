"""A scripted FTPS server that encrypts its control channel only: AUTH TLS is honoured (a real TLS
handshake by Python's ssl module), but PROT P is refused with RFC 2228's 536 ("Requested PROT
level not supported by mechanism"), so every data connection would be in the clear. Neither
vsftpd nor any other Debian FTP server can be configured to refuse PROT P; this is the answer of
servers whose TLS covers the control connection only. Logins are refused before TLS (as vsftpd
force_local_logins_ssl does), so the probe takes the AUTH TLS path."""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager

from tests.servers.certs import CertFiles
from tests.servers.listener import listening

_REPLIES = {
    b"FEAT": b"211-Features:\r\n AUTH TLS\r\n PBSZ\r\n PROT\r\n211 End",
    b"USER": b"530 Non-anonymous sessions must use encryption.",
    b"PASS": b"530 Login incorrect.",
    b"AUTH": b"234 Proceed with negotiation.",
    b"PBSZ": b"200 PBSZ=0",
    b"PROT C": b"200 Protection level set to Clear.",
    b"PROT P": b"536 Requested PROT level not supported by mechanism.",
    b"QUIT": b"221 Goodbye.",
}


def _converse(conn: socket.socket, streams: list[socket.socket], ctx: ssl.SSLContext) -> None:
    """Answer commands line by line; after AUTH TLS, over TLS (the TLS socket is added to ``streams``)."""
    stream = conn
    stream.sendall(b"220 control-only FTPS\r\n")
    pending = b""
    while data := stream.recv(4096):
        pending += data
        while b"\n" in pending:
            line, pending = pending.split(b"\n", 1)
            command = line.strip().upper()
            verb = command if command.startswith(b"PROT") else command.split(b" ")[0]
            stream.sendall(_REPLIES.get(verb, b"502 Command not implemented.") + b"\r\n")
            if verb == b"AUTH":
                stream, pending = ctx.wrap_socket(conn, server_side=True), b""
                streams.append(stream)
            elif verb == b"QUIT":
                return


@contextmanager
def ftps_control_only(cert: CertFiles) -> Iterator[int]:
    """The server on a free loopback port; yields the port."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert.cert, cert.key)

    def handle(conn: socket.socket) -> None:
        conn.settimeout(5)
        streams: list[socket.socket] = [conn]
        try:
            _converse(conn, streams, ctx)
        finally:
            for stream in streams[1:]:  # the TLS socket took over the connection's descriptor
                stream.close()

    with listening(handle) as port:
        yield port


__all__ = ["ftps_control_only"]
