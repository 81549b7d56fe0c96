"""Reading a TLS 1.3 server's encrypted flight with the probe's own key share: ServerHello →
(EC)DHE → handshake keys → EncryptedExtensions, Certificate, CertificateVerify, Finished. RFC 8998
(curveSM2, SM3, SM4-GCM; CertificateVerify SM2 with the ID "TLSv1.3+GM+Cipher+Suite") and the
RFC 8446 suites and groups alike (key_shares, tls13_keys.SUITES). The Finished MAC proves both
sides derived the same keys; the certificate is what a passive observer can never see.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from govsoc.collectors.protocols import tls
from govsoc.collectors.protocols.tls_encoders import encode_handshake
from govsoc.collectors.protocols.wire import Reader
from govsoc.core.errors import ParseError
from govsoc.crypto_eval.probes import tls13_keys as keys
from govsoc.crypto_eval.probes.key_shares import KeyShare, make_share

__all__ = ["FlightReader", "CERTIFICATE_VERIFY_ID", "certificate_verify_content", "leaf_staple", "certificate_status",
           "STATUS_REQUEST"]

#: RFC 8998 3.2: the SM2 user ID of CertificateVerify signatures in TLS 1.3.
CERTIFICATE_VERIFY_ID = b"TLSv1.3+GM+Cipher+Suite"


def leaf_staple(body: bytes) -> bytes | None:
    """The OCSP response in the first entry of a TLS 1.3 Certificate message (None: none, or unreadable)."""
    try:
        r = Reader(body, "tls.certificate")
        r.vector(1)
        entries = Reader(r.vector(3), r.what)
        entries.vector(3)
        extensions = Reader(entries.vector(2), r.what)
        while extensions.remaining:
            kind, data = extensions.uint(2), extensions.vector(2)
            if kind == STATUS_REQUEST:
                return certificate_status(data)
    except ParseError:
        return None
    return None


def certificate_status(body: bytes) -> bytes | None:
    """The OCSPResponse of a CertificateStatus (RFC 6066 8: status_type ocsp(1), then the response)."""
    try:
        r = Reader(body, "tls.certificate_status")
        if r.uint(1) != 1:
            return None
        return r.vector(3) or None
    except ParseError:
        return None


#: The status_request extension (RFC 6066 8).
STATUS_REQUEST = 5


def certificate_verify_content(transcript: bytes) -> bytes:
    """What a server's CertificateVerify signs (RFC 8446 4.4.3), ``transcript`` = the hash so far."""
    return b" " * 64 + b"TLS 1.3, server CertificateVerify" + b"\x00" + transcript


@dataclass(slots=True)
class FlightReader:
    """Feeds on the bytes a server sent and decrypts its flight once the ServerHello is in."""

    private_key: int | None = None  # an SM2 scalar (the RFC 8998 probe), or:
    client_hello: bytes = b""  # the ClientHello handshake message, header included
    key_share: KeyShare | None = None  # the share the ClientHello offered (any group of key_shares)
    server_hello: tls.ServerHello | None = None
    messages: list[tuple[int, bytes]] = field(default_factory=list)  # decrypted (type, body)
    raw: list[bytes] = field(default_factory=list)                   # the same, header included
    error: str | None = None
    _keys: keys.HandshakeKeys | None = None
    _sh_message: bytes = b""
    _hash: str = "sm3"
    _aead: str = "sm4-gcm"

    def feed(self, data: bytes) -> bool:
        """Read what arrived so far; True once the flight is complete (Finished) or cannot be read."""
        self.messages, self.raw = [], []
        try:
            records, _ = tls.parse_records(data, lenient=True)
        except ParseError as e:
            self.error = str(e)
            return True
        encrypted = [r for r in records if r.content_type == 23]
        try:
            started = self._keys is not None or self._start(records)
        except ParseError as e:  # a ServerHello that does not parse ends the flight
            self.error = str(e)
            return True
        if not started:
            return self.error is not None
        assert self._keys is not None
        buffer = b""
        for sequence, record in enumerate(encrypted):
            wire = bytes([23]) + record.version.to_bytes(2, "big") + len(record.fragment).to_bytes(2, "big")
            try:
                kind, content = keys.open_record(self._aead, self._keys.server_key, self._keys.server_iv, sequence,
                                                 wire + record.fragment)
            except ValueError as e:
                self.error = str(e)
                return True
            if kind == 22:
                buffer += content
        while len(buffer) >= 4:
            length = int.from_bytes(buffer[1:4], "big")
            if len(buffer) < 4 + length:
                break
            self.messages.append((buffer[0], buffer[4:4 + length]))
            self.raw.append(buffer[:4 + length])
            buffer = buffer[4 + length:]
        return any(kind == 20 for kind, _ in self.messages)

    def _start(self, records: list[tls.Record]) -> bool:
        if self.key_share is None:
            self.key_share = make_share(0x0029, sm2_private=self.private_key)
        share = self.key_share
        for kind, body in tls.iter_handshakes(records):
            if kind != 2:
                continue
            hello = tls.parse_server_hello(body)
            self.server_hello = hello
            peer = next((e.data for e in hello.extensions if e.type == 51), b"")
            if hello.is_hello_retry_request or hello.key_share_group != share.group or len(peer) < 4:
                self.error = f"no {share.group:#06x} key share in the ServerHello"
                return False
            if hello.cipher_suite not in keys.SUITES:
                self.error = f"cipher suite {hello.cipher_suite:#06x} cannot be read"
                return False
            try:
                secret = share.shared_secret(peer[4:])
            except ValueError as e:
                self.error = f"server key share: {e}"
                return False
            self._hash, self._aead = keys.SUITES[hello.cipher_suite]
            self._sh_message = encode_handshake(2, body)
            self._keys = keys.handshake_keys(self._hash, secret,
                                             keys.transcript_hash(self._hash, self.client_hello, self._sh_message),
                                             key_length=keys.AEADS[self._aead][0])
            return True
        self.error = "no ServerHello"  # called once the answer is complete: an alert, or nothing usable
        return False

    def certificates(self) -> tuple[bytes, ...]:
        """The DER certificates of the decrypted Certificate message."""
        body = next((b for kind, b in self.messages if kind == 11), None)
        return tls.parse_certificate_list(body, tls13=True) if body is not None else ()

    def ocsp_staple(self) -> bytes | None:
        """The OCSP answer the server stapled to its leaf (RFC 8446 4.4.2.1: the first CertificateEntry's
        status_request extension, a CertificateStatus of type ocsp; None: none)."""
        body = next((b for kind, b in self.messages if kind == 11), None)
        return leaf_staple(body) if body is not None else None

    def finished_ok(self) -> bool | None:
        """Whether the server's Finished MAC checks out under the derived keys (None: not seen)."""
        if self._keys is None:
            return None
        for index, (kind, body) in enumerate(self.messages):
            if kind == 20:
                transcript = keys.transcript_hash(self._hash, self.client_hello, self._sh_message, *self.raw[:index])
                return body == keys.finished_mac(self._hash, self._keys.server_secret, transcript)
        return None

    def certificate_verify(self) -> tuple[int, bytes, bytes] | None:
        """(scheme, signature, signed content) of the CertificateVerify, when present."""
        for index, (kind, body) in enumerate(self.messages):
            if kind == 15 and len(body) >= 4:
                transcript = keys.transcript_hash(self._hash, self.client_hello, self._sh_message, *self.raw[:index])
                return int.from_bytes(body[:2], "big"), body[4:], certificate_verify_content(transcript)
        return None
