"""SSH banner and KEXINIT decoding against Debian's OpenSSH sshd (started here on loopback) and
what `sshd -T` says that server's configuration is; the packet layer against RFC 4253's rules."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govsoc.collectors.protocols import ssh
from govsoc.core.errors import ParseError
from tests.servers.sshd import running_sshd

CLIENT_KEX = ssh.KexInit(
    cookie=bytes(16), kex_algorithms=("curve25519-sha256", "diffie-hellman-group14-sha256"),
    server_host_key_algorithms=("ssh-ed25519", "rsa-sha2-256"),
    encryption_client_to_server=("aes256-ctr", "aes128-ctr"), encryption_server_to_client=("aes256-ctr",),
    mac_client_to_server=("hmac-sha2-256",), mac_server_to_client=("hmac-sha2-256",),
    compression_client_to_server=("none",), compression_server_to_client=("none",),
    languages_client_to_server=(), languages_server_to_client=())


def _converse(port: int) -> tuple[bytes, bytes]:
    """Send our banner, KEXINIT and an ECDH init; return (what we sent, what the server sent)."""
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    point = X25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    sent = (ssh.encode_banner("govsoc_test") + ssh.encode_packet(ssh.encode_kexinit(CLIENT_KEX))
            + ssh.encode_packet(b"\x1e" + len(point).to_bytes(4, "big") + point))  # SSH_MSG_KEX_ECDH_INIT
    received = b""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(sent)
        while True:
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                break
            if not chunk:
                break
            received += chunk
            sock.settimeout(0.5)
    return sent, received


@pytest.mark.usefixtures("sshd_binary")
def test_real_sshd_weak_config(tmp_path: Path) -> None:
    options = ["KexAlgorithms diffie-hellman-group1-sha1,curve25519-sha256", "Ciphers aes128-cbc,aes256-ctr",
               "MACs hmac-md5,hmac-sha2-256"]
    with running_sshd(tmp_path, options) as server:
        sent, received = _converse(server.port)
    facts = ssh.ssh_session_facts(sent, received)
    assert facts.server is not None and facts.server.software.startswith("OpenSSH_9")
    assert facts.client is not None and facts.client.software == "govsoc_test" and facts.version == 2
    kex = facts.server_kexinit
    assert kex is not None
    # the lists sshd -T reports, plus OpenSSH's strict-kex marker (CVE-2023-48795 countermeasure)
    assert [a for a in kex.kex_algorithms if "kex-strict" not in a] == server.effective["kexalgorithms"].split(",")
    assert kex.encryption_server_to_client == tuple(server.effective["ciphers"].split(","))
    assert kex.mac_client_to_server == tuple(server.effective["macs"].split(","))
    assert kex.server_host_key_algorithms == ("ssh-ed25519",)
    assert (facts.kex_alg, facts.cipher_alg, facts.mac_alg, facts.host_key_alg) == (
        "curve25519-sha256", "aes256-ctr", "hmac-sha2-256", "ssh-ed25519")
    # host key fingerprint from the ECDH reply equals ssh-keygen's MD5 fingerprint of the key file
    pub = (tmp_path / "host_ed25519.pub").read_text().split()[1]
    import base64
    import hashlib
    blob = base64.b64decode(pub)
    assert facts.host_key_blob == blob
    assert facts.host_key == ":".join(f"{b:02x}" for b in hashlib.md5(blob).digest())


@pytest.mark.parametrize("line,proto,software,comments", [
    (b"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n", "2.0", "OpenSSH_9.2p1", "Debian-2+deb12u3"),
    (b"SSH-1.99-Cisco-1.25\r\n", "1.99", "Cisco-1.25", None),   # speaks 1 and 2: SSH-1 still offered
    (b"SSH-1.5-OldServer\n", "1.5", "OldServer", None),          # SSH-1 only: high risk
])
def test_banners(line: bytes, proto: str, software: str, comments: str | None) -> None:
    banner = ssh.parse_banner(line)
    assert (banner.proto_version, banner.software, banner.comments) == (proto, software, comments)
    assert banner.ssh1 == proto.startswith("1.") and banner.speaks_ssh2 == (proto != "1.5")
    assert (str(banner) + "\r\n").encode() == line.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def test_lines_before_the_banner_are_skipped() -> None:
    banner, rest = ssh.split_banner(b"Welcome\r\nSSH-2.0-x\r\nREST")
    assert banner is not None and banner.software == "x" and rest == b"REST"
    assert ssh.split_banner(b"SSH-2.0-trunc") == (None, b"")


def test_negotiation_follows_the_client_order() -> None:
    assert ssh.negotiate(["a", "b", "c"], ["c", "b"]) == "b"
    assert ssh.negotiate(["a"], ["b"]) is None


@pytest.mark.parametrize("bad", [
    b"HTTP/1.1 200 OK\r\n",                  # not SSH
    b"SSH-2.0\r\n",                          # no softwareversion
    b"SSH-2.0-\xff\xfe\r\n",                 # not ASCII
])
def test_bad_banners(bad: bytes) -> None:
    with pytest.raises(ParseError):
        ssh.parse_banner(bad)


def test_implausible_packet() -> None:
    with pytest.raises(ParseError):
        ssh.parse_packets(b"\xff\xff\xff\xff\x04" + bytes(10))


names = st.lists(st.text("abcdefghijklmnopqrstuvwxyz0123456789@.+-", min_size=1, max_size=20), max_size=6).map(tuple)


@settings(max_examples=100, deadline=None)
@given(lists=st.lists(names, min_size=10, max_size=10), follows=st.booleans())
def test_kexinit_round_trip(lists: list[tuple[str, ...]], follows: bool) -> None:
    kex = ssh.KexInit(cookie=os.urandom(16), kex_algorithms=lists[0], server_host_key_algorithms=lists[1],
                      encryption_client_to_server=lists[2], encryption_server_to_client=lists[3],
                      mac_client_to_server=lists[4], mac_server_to_client=lists[5],
                      compression_client_to_server=lists[6], compression_server_to_client=lists[7],
                      languages_client_to_server=lists[8], languages_server_to_client=lists[9],
                      first_kex_packet_follows=follows)
    payloads, rest = ssh.parse_packets(ssh.encode_packet(ssh.encode_kexinit(kex)))
    assert rest == b"" and ssh.parse_kexinit(payloads[0]) == kex


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_raise_only_parse_error(data: bytes) -> None:
    for decode in (ssh.parse_banner, ssh.split_banner, ssh.parse_packets, ssh.parse_kexinit,
                   lambda b: ssh.ssh_session_facts(b, b),
                   lambda b: ssh.ssh_session_facts(b"SSH-2.0-x\r\n" + b, b"SSH-2.0-y\r\n" + b)):
        try:
            decode(data)
        except ParseError:
            pass
