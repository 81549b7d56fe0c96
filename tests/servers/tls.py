"""Real TLS servers on loopback for probe tests: Python's ssl module in a thread, and
`openssl s_server` subprocesses (TLS 1.0-1.3, chosen suites, RSA or ECDSA certificates)."""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from tests.servers.certs import CertFiles
from tests.servers.listener import listening
from tests.servers.sshd import free_port, wait_for_port


@contextmanager
def python_tls_server(cert: CertFiles, *, minimum: ssl.TLSVersion = ssl.TLSVersion.TLSv1_2,
                      maximum: ssl.TLSVersion = ssl.TLSVersion.TLSv1_3, ciphers: str | None = None,
                      client_ca: CertFiles | None = None, seen_sni: list[str | None] | None = None) -> Iterator[int]:
    """An ssl-module server answering handshakes on a free port until the block ends; yields the port.
    ``seen_sni``: every handshake's server_name (None: the client sent none) is appended there."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    if seen_sni is not None:
        ctx.sni_callback = lambda _sock, name, _ctx: seen_sni.append(name)  # type: ignore[assignment,misc]
    if ciphers:
        ctx.set_ciphers(ciphers)  # first: "@SECLEVEL=0" must be in force before a weak key is loaded
    ctx.load_cert_chain(cert.cert, cert.key)
    ctx.minimum_version, ctx.maximum_version = minimum, maximum
    if client_ca is not None:  # ask for client certificates (CertificateRequest)
        ctx.verify_mode = ssl.CERT_REQUIRED
        ctx.load_verify_locations(client_ca.cert)

    def serve_one(conn: socket.socket) -> None:
        conn.settimeout(5)
        try:
            with ctx.wrap_socket(conn, server_side=True) as tls_conn:
                tls_conn.recv(1)
        except ssl.SSLError:
            pass

    with listening(serve_one) as port:
        yield port


def openssl_binary() -> str | None:
    return shutil.which("openssl")


@contextmanager
def openssl_s_server(cert: CertFiles, args: Sequence[str] = ()) -> Iterator[int]:
    """`openssl s_server` on a free loopback port with ``args`` (e.g. ["-tls1", "-cipher", "..."])."""
    openssl = openssl_binary()
    if openssl is None:
        raise FileNotFoundError("openssl")
    port = free_port()
    proc = subprocess.Popen([openssl, "s_server", "-quiet", "-accept", f"127.0.0.1:{port}", "-cert", str(cert.cert),
                             "-key", str(cert.key), *args], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=10)


__all__ = ["python_tls_server", "openssl_s_server", "openssl_binary", "Path"]
