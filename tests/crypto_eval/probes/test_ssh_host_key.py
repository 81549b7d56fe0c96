"""Third review of issue 16, finding 4: an SSH channel's authentication is ✓ only when the server
proved its host key by signing the exchange hash H (RFC 4253 8; X25519 exchange per RFC 8731), as
a TLS server must sign our transcript. Against Debian's sshd with Ed25519, ECDSA P-256 and RSA host
keys the signature verifies; a server that sends a banner and KEXINIT and never does the key
exchange (the reviewer's sshimp.py) gives no evidence (MISSING, not ✓); one that replays a
KEX_ECDH_REPLY recorded elsewhere (its signature is over another exchange hash) is ✗."""

from __future__ import annotations

import asyncio
import os
import socket
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, x25519

from govsoc.collectors.protocols import ssh
from govsoc.crypto_eval.checks.channel_view import view_of
from govsoc.crypto_eval.probes.runner import EndpointReport, Target, run_probes
from govsoc.crypto_eval.probes.ssh import CLIENT_KEXINIT, probe_ssh
from tests.servers.listener import listening
from tests.servers.ssh_kexinit import kexinit_server
from tests.servers.sshd import running_sshd


@pytest.mark.usefixtures("sshd_binary")
@pytest.mark.parametrize("key_type", ["ed25519", "ecdsa", "rsa"])
def test_a_real_sshd_proves_its_host_key(tmp_path: Path, key_type: str) -> None:
    with running_sshd(tmp_path, key_type=key_type) as server:
        result = asyncio.run(probe_ssh("127.0.0.1", server.port))
        (report,) = run_probes([Target(host="127.0.0.1", port=server.port, protocol="ssh")], question_timeout=2.0)
    assert result.host_key_verified is True and result.host_key_note is not None
    assert "SHA256:" in result.host_key_note
    view = view_of(report)
    assert view.authentication is not None and view.authentication[0] is True


def test_banner_and_kexinit_without_a_key_exchange_is_no_evidence() -> None:
    with kexinit_server(kex=("curve25519-sha256",), host_key=("ssh-ed25519",), ciphers=("aes128-ctr",),
                        macs=("hmac-sha2-256",), software="OpenSSH_9.2p1") as port:
        (report,) = run_probes([Target(host="127.0.0.1", port=port, protocol="ssh")], question_timeout=1.0)
    assert report.ssh is not None and report.ssh.speaks_ssh and report.ssh.host_key_verified is None
    view = view_of(report)
    assert view.protocol == "SSH" and view.authentication is None
    assert any("未完成密钥交换" in n for n in view.notes)


def _string(data: bytes) -> bytes:
    return len(data).to_bytes(4, "big") + data


def _probe_answered(reply: bytes) -> EndpointReport:
    """Probe a loopback server that answers with a banner, a KEXINIT and ``reply`` (its KEX_ECDH_REPLY)."""
    flight = (ssh.encode_banner("OpenSSH_9.2p1") + ssh.encode_packet(ssh.encode_kexinit(CLIENT_KEXINIT))
              + ssh.encode_packet(reply))

    def handle(conn: socket.socket) -> None:
        conn.settimeout(5)
        conn.recv(4096)
        conn.sendall(flight)
        while conn.recv(4096):
            pass

    with listening(handle) as port:
        (report,) = run_probes([Target(host="127.0.0.1", port=port, protocol="ssh")], question_timeout=1.0)
    return report


def test_a_replayed_key_exchange_reply_is_an_impostor() -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    k_s = _string(b"ssh-ed25519") + _string(key.public_key().public_bytes(serialization.Encoding.Raw,
                                                                           serialization.PublicFormat.Raw))
    q_s = x25519.X25519PrivateKey.generate().public_key().public_bytes(serialization.Encoding.Raw,
                                                                       serialization.PublicFormat.Raw)
    recorded = key.sign(os.urandom(32))  # a genuine signature, over another session's exchange hash
    reply = bytes([31]) + _string(k_s) + _string(q_s) + _string(_string(b"ssh-ed25519") + _string(recorded))
    report = _probe_answered(reply)
    assert report.ssh is not None and report.ssh.host_key_verified is False
    view = view_of(report)
    assert view.authentication is not None and view.authentication[0] is False
    assert "可被冒充" in view.authentication[1]


# Each row: the host key's type name and the signature's algorithm name as the server sent them
# (RFC 4251 §6: US-ASCII names), and what the note must show of the byte that is not ASCII.
@pytest.mark.parametrize(("key_type", "algorithm", "shown"), [
    (b"ssh-\xe9d25519", b"ssh-ed25519", "ssh-\\xe9d25519"),    # the key unreadable: its type named
    (b"ssh-ed25519", b"ssh-ed25519\xff", "ssh-ed25519\\xff"),  # the signature's name matches no key
])
def test_a_name_that_is_not_ascii_is_shown_escaped(key_type: bytes, algorithm: bytes, shown: str) -> None:
    # before: the names were decoded as Latin-1, so 0xE9 showed as "é" and 0xFF as "ÿ", as if the
    # server had written those letters; SSH names are ASCII, and a byte outside it is shown as such
    key = ed25519.Ed25519PrivateKey.generate()
    k_s = _string(key_type) + _string(key.public_key().public_bytes(serialization.Encoding.Raw,
                                                                    serialization.PublicFormat.Raw))
    q_s = x25519.X25519PrivateKey.generate().public_key().public_bytes(serialization.Encoding.Raw,
                                                                       serialization.PublicFormat.Raw)
    reply = bytes([31]) + _string(k_s) + _string(q_s) + _string(_string(algorithm) + _string(key.sign(b"x")))
    report = _probe_answered(reply)
    assert report.ssh is not None and report.ssh.host_key_verified is False
    note = report.ssh.host_key_note or ""
    assert shown in note and not any(c in note for c in "éÿ"), note
