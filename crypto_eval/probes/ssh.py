"""SSH probe: the server's identification banner and its KEXINIT algorithm lists, with the weak
algorithms flagged (crypto_eval.algorithms.SSH_WEAK). SSH-1 (a 1.x banner other than 1.99) is a
deprecated technique on the high-risk list. "SSH-1.99" announces a server that speaks SSH-2 and
still accepts SSH-1 clients (RFC 4253 5.1): its channel is SSH-2 (judged on its KEXINIT, as the
passive check reads the same banner), with a note that SSH-1 should be switched off."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace

from govsoc.collectors.protocols import ssh
from govsoc.core.errors import ParseError
from govsoc.crypto_eval.algorithms import Assessment, classify_ssh
from govsoc.crypto_eval.probes.connection import exchange

__all__ = ["SshProbeResult", "probe_ssh", "CLIENT_KEXINIT"]

#: A broad client offer, so the server's lists are sent whole (servers send theirs regardless).
CLIENT_KEXINIT = ssh.KexInit(
    cookie=bytes(16), kex_algorithms=("curve25519-sha256", "ecdh-sha2-nistp256", "diffie-hellman-group14-sha256"),
    server_host_key_algorithms=("ssh-ed25519", "ecdsa-sha2-nistp256", "rsa-sha2-256"),
    encryption_client_to_server=("aes128-ctr", "aes256-gcm@openssh.com"),
    encryption_server_to_client=("aes128-ctr", "aes256-gcm@openssh.com"),
    mac_client_to_server=("hmac-sha2-256",), mac_server_to_client=("hmac-sha2-256",),
    compression_client_to_server=("none",), compression_server_to_client=("none",),
    languages_client_to_server=(), languages_server_to_client=())


@dataclass(frozen=True, slots=True, kw_only=True)
class SshProbeResult:
    """The server's banner, algorithm lists and the weak algorithms among them."""

    endpoint: str
    reachable: bool
    speaks_ssh: bool
    banner: str | None = None
    ssh1: bool = False
    kexinit: ssh.KexInit | None = None
    weak: tuple[tuple[str, Assessment], ...] = ()  # (category, assessment)
    error: str | None = None

    def algorithms(self) -> dict[str, tuple[str, ...]]:
        """category -> the server's list (kex, host_key, cipher, mac)."""
        k = self.kexinit
        if k is None:
            return {}
        return {"kex": tuple(a for a in k.kex_algorithms if not _marker(a)), "host_key": k.server_host_key_algorithms,
                "cipher": tuple(dict.fromkeys(k.encryption_server_to_client + k.encryption_client_to_server)),
                "mac": tuple(dict.fromkeys(k.mac_server_to_client + k.mac_client_to_server))}


def _marker(name: str) -> bool:
    """Pseudo-algorithms that signal extensions, not algorithms (strict kex, ext-info)."""
    return name.startswith(("kex-strict-", "ext-info-")) or name == "kex-strict-s-v00@openssh.com"


def _enough(data: bytes) -> bool:
    try:
        banner, rest = ssh.split_banner(data)
    except ParseError:
        return True
    if banner is None:
        return False
    if not banner.speaks_ssh2:
        return True
    try:
        payloads, _ = ssh.parse_packets(rest, limit=1)
    except ParseError:
        return True
    return bool(payloads)


async def probe_ssh(host: str, port: int, *, timeout: float = 3.0) -> SshProbeResult:
    """Read the banner and the server's KEXINIT (after sending ours)."""
    endpoint = f"{host}:{port}"
    kexinit = replace(CLIENT_KEXINIT, cookie=os.urandom(16))
    ours = ssh.encode_banner("govsoc_probe") + ssh.encode_packet(ssh.encode_kexinit(kexinit))
    answer = await exchange(host, port, ours, timeout=timeout, enough=_enough)
    if not answer.connected:
        return SshProbeResult(endpoint=endpoint, reachable=False, speaks_ssh=False, error=answer.error)
    try:
        banner, rest = ssh.split_banner(answer.received)
        if banner is None:
            return SshProbeResult(endpoint=endpoint, reachable=True, speaks_ssh=False, error="no SSH banner")
        payloads, _ = ssh.parse_packets(rest, limit=1) if banner.speaks_ssh2 else ([], b"")
        server_kexinit = ssh.parse_kexinit(payloads[0]) if payloads else None
    except ParseError as e:
        return SshProbeResult(endpoint=endpoint, reachable=True, speaks_ssh=False, error=str(e))
    result = SshProbeResult(endpoint=endpoint, reachable=True, speaks_ssh=True, banner=str(banner),
                            ssh1=not banner.speaks_ssh2, kexinit=server_kexinit)
    weak = tuple((category, verdict) for category, names in result.algorithms().items() for name in names
                 if (verdict := classify_ssh(name)).klass == "weak")
    return SshProbeResult(endpoint=endpoint, reachable=True, speaks_ssh=True, banner=str(banner), ssh1=result.ssh1,
                          kexinit=server_kexinit, weak=weak)
