"""A TLS 1.3 server that sends a real certificate but may not hold its key (an impostor replaying a
public certificate), for probe tests only. Not part of the product.

X25519 and TLS_AES_128_GCM_SHA256 (RFC 8446 key schedule from crypto_eval.probes.tls13_keys):
ServerHello, ChangeCipherSpec, then EncryptedExtensions, Certificate, CertificateVerify and a
correct Finished (the Finished MAC needs only the handshake keys, which an impostor has). The
CertificateVerify is chosen by ``mode``:

- "genuine": rsa_pss_rsae_sha256 signed with the certificate's key (the control);
- "forged": rsa_pss_rsae_sha256 with random bytes;
- "pkcs1": rsa_pkcs1_sha256 (0x0401, forbidden in TLS 1.3 CertificateVerify) with random bytes;
- "unknown": an unknown scheme 0xFFFF with random bytes;
- "mismatch": ecdsa_secp256r1_sha256 (0x0403) under an RSA certificate;
- "none": no CertificateVerify at all.

Any hello without TLS 1.3 gets a fatal protocol_version alert; without an X25519 share, a fatal
handshake_failure. These shapes are the reviewer's impostors of issue 16 (second review, imp13.py).
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa, x25519
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from govsoc.collectors.protocols import tls
from govsoc.collectors.protocols.tls_encoders import (
    encode_certificate_list,
    encode_handshake,
    encode_record,
    encode_server_hello,
    ext_key_share,
    ext_supported_versions,
)
from govsoc.crypto_eval.probes import tls13_keys as keys
from govsoc.crypto_eval.probes.tls13_flight import certificate_verify_content
from tests.servers.certs import CertFiles
from tests.servers.listener import listening
from tests.servers.tlcp_server import _read_hello

MODES = ("genuine", "forged", "pkcs1", "unknown", "mismatch", "none")


def _x25519_share(hello: tls.ClientHello) -> bytes | None:
    data = next((e.data for e in hello.extensions if e.type == 51), b"")
    pos = 2
    while pos + 4 <= len(data):
        group, size = int.from_bytes(data[pos:pos + 2], "big"), int.from_bytes(data[pos + 2:pos + 4], "big")
        if group == 29:
            return data[pos + 4:pos + 4 + size]
        pos += 4 + size
    return None


def _certificate_verify(mode: str, key: rsa.RSAPrivateKey, content: bytes) -> bytes:
    if mode == "none":
        return b""
    scheme, signature = {"forged": 0x0804, "pkcs1": 0x0401, "unknown": 0xFFFF}.get(mode, 0x0804), os.urandom(256)
    if mode == "genuine":
        signature = key.sign(content, padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32),
                             hashes.SHA256())
    elif mode == "mismatch":
        scheme, signature = 0x0403, os.urandom(70)
    return encode_handshake(15, scheme.to_bytes(2, "big") + len(signature).to_bytes(2, "big") + signature)


def flight(mode: str, cert: CertFiles, hello: tls.ClientHello, body: bytes) -> bytes:
    """The server's answer to one ClientHello (``body``: the hello's bytes as sent)."""
    if 0x0304 not in hello.supported_versions:
        return encode_record(21, 0x0303, b"\x02\x46")
    peer = _x25519_share(hello)
    if not peer:
        return encode_record(21, 0x0303, b"\x02\x28")
    private = x25519.X25519PrivateKey.generate()
    public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    server_hello = encode_handshake(2, encode_server_hello(
        version=0x0303, random=os.urandom(32), cipher_suite=0x1301, session_id=hello.session_id,
        extensions=[ext_supported_versions([0x0304], server=True), ext_key_share([(29, public)], server=True)]))
    client_hello = encode_handshake(1, body)
    k = keys.handshake_keys("sha256", private.exchange(x25519.X25519PublicKey.from_public_bytes(peer)),
                            keys.transcript_hash("sha256", client_hello, server_hello))
    messages = [encode_handshake(8, b"\x00\x00"),
                encode_handshake(11, encode_certificate_list([cert.der], tls13=True))]
    key = serialization.load_pem_private_key(cert.key.read_bytes(), None)
    assert isinstance(key, rsa.RSAPrivateKey)
    verify = _certificate_verify(mode, key, certificate_verify_content(
        keys.transcript_hash("sha256", client_hello, server_hello, *messages)))
    messages += [verify] if verify else []
    messages.append(encode_handshake(20, keys.finished_mac(
        "sha256", k.server_secret, keys.transcript_hash("sha256", client_hello, server_hello, *messages))))
    return (encode_record(22, 0x0303, server_hello) + encode_record(20, 0x0303, b"\x01")
            + keys.seal_record("aes-128-gcm", k.server_key, k.server_iv, 0, 22, b"".join(messages)))


@contextmanager
def tls13_impostor(mode: str, cert: CertFiles) -> Iterator[int]:
    """Serve ``mode`` (one of MODES) with the RSA certificate ``cert`` on a free loopback port."""
    assert mode in MODES, mode

    def serve_one(conn: socket.socket) -> None:
        conn.settimeout(5)
        got = _read_hello(conn)
        if got is not None:
            conn.sendall(flight(mode, cert, got[1], got[2]))
            conn.settimeout(1)
            conn.recv(1)

    with listening(serve_one) as port:
        yield port
