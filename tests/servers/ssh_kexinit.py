"""A scripted SSH server for probe tests: it sends an identification line and a KEXINIT with the
algorithm names it is given, then waits for the client to hang up. Debian's sshd cannot offer the
SM names some vendors' SSH stacks use (sm4-cbc, sm4-ctr, hmac-sm3, sm2, sm2-sm3), so this is what
answers a probe the way such a server's first flight looks on the wire (RFC 4253 §4.2, §7.1).
Not part of the product."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from govsoc.collectors.protocols import ssh
from tests.servers.listener import listening


@contextmanager
def kexinit_server(*, kex: Sequence[str], host_key: Sequence[str], ciphers: Sequence[str], macs: Sequence[str],
                   software: str = "Vendor_SSH_7.4", proto_version: str = "2.0") -> Iterator[int]:
    """Serve the banner (``SSH-<proto_version>-<software>``) and KEXINIT on a free loopback port;
    yields the port."""
    kexinit = ssh.KexInit(cookie=os.urandom(16), kex_algorithms=tuple(kex), server_host_key_algorithms=tuple(host_key),
                          encryption_client_to_server=tuple(ciphers), encryption_server_to_client=tuple(ciphers),
                          mac_client_to_server=tuple(macs), mac_server_to_client=tuple(macs),
                          compression_client_to_server=("none",), compression_server_to_client=("none",),
                          languages_client_to_server=(), languages_server_to_client=())
    flight = ssh.encode_banner(software, proto_version=proto_version) + ssh.encode_packet(ssh.encode_kexinit(kexinit))

    def handle(conn: socket.socket) -> None:
        conn.settimeout(5)
        conn.sendall(flight)
        while conn.recv(4096):
            pass

    with listening(handle) as port:
        yield port


__all__ = ["kexinit_server"]
