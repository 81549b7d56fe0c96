"""A minimal TLCP (GB/T 38636) and TLS 1.3 + RFC 8998 test server, for probe tests only.

No Debian or PyPI package ships either protocol, so this server answers ClientHellos the way
shared/reference/crypto-eval.md's appendix says real SM implementations do:

- TLCP hello (record/client version 0x0101), SM suites, no extension outside {server_name,
  supported_groups, signature_algorithms}: ServerHello (0x0101, the server's own preference),
  Certificate (signing certificate, then encryption certificate), ServerKeyExchange (an SM2
  signature over client random ‖ server random ‖ encryption certificate), ServerHelloDone, each
  in 0x0101 records. Any other extension: close with no bytes. No SM suite: fatal
  insufficient_security in a 0x0101 record.
- A TLS hello to a TLCP-only server: fatal protocol_version in a 0x0101 record (15 0101 0002 02 46).
  In mode "tls+tlcp" (a gateway that switches on the hello's version) it goes to Python's ssl
  module instead, so the port speaks both TLS and TLCP.
- TLS 1.3 hello with TLS_SM4_GCM_SM3, supported_groups {curveSM2}, signature_algorithms
  {sm2sig_sm3}: an empty key_share gets a HelloRetryRequest for curveSM2; a valid 65-byte SM2
  point gets a ServerHello (0x0303, 0x00C6, key_share curveSM2), a ChangeCipherSpec and the
  encrypted flight (RFC 8446 key schedule with SM3, SM4-GCM records): EncryptedExtensions,
  Certificate (the SM2 signing certificate), CertificateVerify (sm2sig_sm3, ID
  "TLSv1.3+GM+Cipher+Suite") and Finished. Anything else: silent close.

It handshakes no further than that first flight. Not part of the product.
"""

from __future__ import annotations

import os
import secrets
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache

from govsoc.collectors.protocols import tls
from govsoc.collectors.protocols.tls_encoders import (
    encode_certificate_list,
    encode_handshake,
    encode_record,
    encode_server_hello,
    ext_key_share,
    ext_supported_versions,
)
from govsoc.collectors.protocols.tls_names import HRR_RANDOM, TLCP_VERSION
from govsoc.core.errors import ParseError
from govsoc.crypto_eval import sm2
from govsoc.crypto_eval.probes import tls13_keys as keys
from govsoc.crypto_eval.probes.tls13_flight import CERTIFICATE_VERIFY_ID, certificate_verify_content
from tests.servers.listener import listening

SERVER_PREFERENCE = (0xE053, 0xE013, 0xE051, 0xE011)
TLCP_EXTENSIONS_ACCEPTED = {0, 10, 13}


@dataclass(frozen=True)
class SmServerConfig:
    mode: str  # "tlcp", "tls13sm", "dual" (TLCP + TLS 1.3-SM) or "tls+tlcp" (TLCP, else Python's TLS)
    sign_cert: bytes
    enc_cert: bytes
    sign_key: int
    tls: ssl.SSLContext | None = None  # the international TLS side of "tls+tlcp"
    certificate_verify_der: bytes | None = None  # sent instead of the real TLS 1.3 signature (a malformed one)
    suites: tuple[int, ...] = ()  # the TLCP suites the server prefers (default SERVER_PREFERENCE)
    certificate_verify_scheme: int = 0x0708  # the scheme code the TLS 1.3-SM CertificateVerify carries
    certificate_verify: bool = True  # False: an impostor that sends the certificate but no CertificateVerify
    silent_to_tls: bool = False  # a TLCP-only gateway that says nothing at all to an international TLS hello
    chain: tuple[bytes, ...] = ()  # CA certificates sent after the server's own (GB/T 38636: after the enc one)


def _read_hello(conn: socket.socket) -> tuple[int, tls.ClientHello, bytes, bytes] | None:
    """(record version, hello, hello body, every byte read) of the first ClientHello."""
    data = b""
    while True:
        try:
            records, _ = tls.parse_records(data)
        except ParseError:
            return None
        for kind, body in tls.iter_handshakes(records):
            if kind == 1:
                try:
                    return records[0].version, tls.parse_client_hello(body), body, data
                except ParseError:
                    return None
        chunk = conn.recv(65536)
        if not chunk:
            return None
        data += chunk


def _der_signature(rs: bytes) -> bytes:
    def integer(value: bytes) -> bytes:
        value = value.lstrip(b"\x00") or b"\x00"
        if value[0] & 0x80:
            value = b"\x00" + value
        return b"\x02" + bytes([len(value)]) + value
    body = integer(rs[:32]) + integer(rs[32:])
    return b"\x30" + bytes([len(body)]) + body


def sm2_sign_fast(d: int, message: bytes, user_id: bytes = sm2.DEFAULT_ID) -> bytes:
    """SM2 signature r ‖ s (GB/T 32918.2 6.1) with crypto_eval.sm2's Jacobian arithmetic: the test
    server signs every hello and gmssl's arithmetic is slow. Tests check it verifies under gmssl."""
    public = _public(d)
    e = int.from_bytes(sm2.message_digest(public, message, user_id), "big")
    while True:
        k = secrets.randbelow(sm2.N - 1) + 1
        point = sm2.multiply(k)
        assert point is not None
        r = (e + point[0]) % sm2.N
        if r == 0 or r + k == sm2.N:
            continue
        s = pow(1 + d, -1, sm2.N) * (k - r * d) % sm2.N
        if s:
            return r.to_bytes(32, "big") + s.to_bytes(32, "big")


@cache
def _public(d: int) -> tuple[int, int]:
    return sm2.public_key(d)


def _tlcp_flight(config: SmServerConfig, hello: tls.ClientHello) -> bytes:
    if any(e.type not in TLCP_EXTENSIONS_ACCEPTED for e in hello.extensions):
        return b""
    common = [s for s in (config.suites or SERVER_PREFERENCE) if s in hello.cipher_suites]
    if not common:
        return encode_record(21, TLCP_VERSION, b"\x02\x47")
    server_random = os.urandom(32)
    if common[0] in (0xE051, 0xE011, 0xE001):  # ECDHE: randoms ‖ ServerECDHParams (curveSM2 point)
        point = sm2.encode_point(sm2.public_key(sm2.generate_private_key()))
        params = b"\x03\x00\x29" + bytes([len(point)]) + point
        signature = _der_signature(sm2_sign_fast(config.sign_key, hello.random + server_random + params))
        key_exchange = params + len(signature).to_bytes(2, "big") + signature
    else:  # ECC (and, unchecked by the probe, RSA): randoms ‖ the encryption certificate
        enc = len(config.enc_cert).to_bytes(3, "big") + config.enc_cert
        signature = _der_signature(sm2_sign_fast(config.sign_key, hello.random + server_random + enc))
        key_exchange = len(signature).to_bytes(2, "big") + signature
    messages = [
        encode_handshake(2, encode_server_hello(version=TLCP_VERSION, random=server_random,
                                                cipher_suite=common[0], session_id=os.urandom(32))),
        encode_handshake(11, encode_certificate_list([config.sign_cert, config.enc_cert, *config.chain])),
        encode_handshake(12, key_exchange),
        encode_handshake(14, b""),
    ]
    return b"".join(encode_record(22, TLCP_VERSION, m) for m in messages)


def _key_share(hello: tls.ClientHello) -> bytes | None:
    data = next((e.data for e in hello.extensions if e.type == 51), None)
    if data is None:
        return None
    pos, end = 2, len(data)
    while pos + 4 <= end:
        group, length = int.from_bytes(data[pos:pos + 2], "big"), int.from_bytes(data[pos + 2:pos + 4], "big")
        if group == 0x0029:
            return data[pos + 4:pos + 4 + length]
        pos += 4 + length
    return b""


def _tls13_flight(config: SmServerConfig, hello: tls.ClientHello, raw_body: bytes) -> bytes:
    if (0x00C6 not in hello.cipher_suites or 0x0029 not in hello.supported_groups
            or 0x0708 not in hello.signature_algorithms):
        return b""
    share = _key_share(hello)
    versions = ext_supported_versions([0x0304], server=True)
    if not share:
        retry = encode_server_hello(version=0x0303, random=HRR_RANDOM, cipher_suite=0x00C6,
                                    session_id=hello.session_id,
                                        extensions=[versions, ext_key_share([(0x0029, b"")], retry=True)])
        return encode_record(22, 0x0303, encode_handshake(2, retry))
    try:
        peer = sm2.decode_point(share)
    except ValueError:
        return b""
    private = sm2.generate_private_key()
    point = sm2.encode_point(sm2.public_key(private))
    server_hello = encode_handshake(2, encode_server_hello(
        version=0x0303, random=os.urandom(32), cipher_suite=0x00C6, session_id=hello.session_id,
        extensions=[versions, ext_key_share([(0x0029, point)], server=True)]))
    return (encode_record(22, 0x0303, server_hello) + encode_record(20, 0x0303, b"\x01")
            + _encrypted_flight(config, encode_handshake(1, raw_body), server_hello, private, peer))


def _encrypted_flight(config: SmServerConfig, client_hello: bytes, server_hello: bytes, private: int,
                      peer: tuple[int, int]) -> bytes:
    """EncryptedExtensions, Certificate, CertificateVerify and Finished under SM4-GCM (RFC 8998)."""
    shared = sm2.multiply(private, peer)
    assert shared is not None
    k = keys.handshake_keys("sm3", shared[0].to_bytes(32, "big"),
                            keys.transcript_hash("sm3", client_hello, server_hello))
    messages = [encode_handshake(8, b"\x00\x00"),
                encode_handshake(11, encode_certificate_list([config.sign_cert, *config.chain], tls13=True))]
    content = certificate_verify_content(keys.transcript_hash("sm3", client_hello, server_hello, *messages))
    signature = (config.certificate_verify_der
                 or _der_signature(sm2_sign_fast(config.sign_key, content, CERTIFICATE_VERIFY_ID)))
    if config.certificate_verify:
        messages.append(encode_handshake(15, config.certificate_verify_scheme.to_bytes(2, "big")
                                         + len(signature).to_bytes(2, "big") + signature))
    transcript = keys.transcript_hash("sm3", client_hello, server_hello, *messages)
    messages.append(encode_handshake(20, keys.finished_mac("sm3", k.server_secret, transcript)))
    return keys.seal_record("sm4-gcm", k.server_key, k.server_iv, 0, 22, b"".join(messages))


def answer(config: SmServerConfig, record_version: int, hello: tls.ClientHello, raw_body: bytes) -> bytes:
    """The server's first flight for one ClientHello (``raw_body``: its bytes as sent, for the
    TLS 1.3 transcript); empty: close without a byte."""
    is_tlcp = TLCP_VERSION in (record_version, hello.version)
    if is_tlcp:
        return _tlcp_flight(config, hello) if config.mode in ("tlcp", "dual", "tls+tlcp") else b""
    if 0x0304 in hello.supported_versions and config.mode in ("tls13sm", "dual"):
        return _tls13_flight(config, hello, raw_body)
    if config.mode == "tlcp":
        return encode_record(21, TLCP_VERSION, b"\x02\x46")
    return b""


def _relay_tls(conn: socket.socket, config: SmServerConfig, first: bytes) -> None:
    """Answer an international TLS hello with Python's ssl module over memory BIOs."""
    assert config.tls is not None
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls_side = config.tls.wrap_bio(incoming, outgoing, server_side=True)
    incoming.write(first)
    for _ in range(10):
        try:
            tls_side.do_handshake()
            conn.sendall(outgoing.read())
            return
        except ssl.SSLWantReadError:
            conn.sendall(outgoing.read())
            more = conn.recv(65536)
            if not more:
                return
            incoming.write(more)
        except ssl.SSLError:
            conn.sendall(outgoing.read())  # the alert, if any
            return


def _wait_for_close(conn: socket.socket) -> None:
    """Say nothing until the client gives up (or 10 s pass)."""
    conn.settimeout(10)
    try:
        while conn.recv(4096):
            pass
    except TimeoutError:
        pass


@contextmanager
def sm_server(config: SmServerConfig) -> Iterator[int]:
    """Serve on a free loopback port until the block ends; yields the port."""

    def serve_one(conn: socket.socket) -> None:
        conn.settimeout(5)
        got = _read_hello(conn)
        if got is not None and config.silent_to_tls and TLCP_VERSION not in (got[0], got[1].version):
            _wait_for_close(conn)
            return
        if got is not None and config.mode == "tls+tlcp" and TLCP_VERSION not in (got[0], got[1].version):
            _relay_tls(conn, config, got[3])  # the gateway's "auto-switch": TLS hellos go to a TLS stack
            return
        if got is not None:
            flight = answer(config, *got[:3])
            if flight:
                conn.sendall(flight)
                conn.settimeout(1)
                conn.recv(1)

    with listening(serve_one) as port:
        yield port
