"""The TLS 1.3 handshake key schedule (RFC 8446 7.1, 7.3) and record protection (5.2), with the
hash and AEAD as parameters (SUITES: the five RFC 8446 suites, checked against RFC 8448's trace,
and SM3 + SM4-GCM for TLS_SM4_GCM_SM3, RFC 8998). The RFC 8998 probe uses it to read the server's
encrypted flight (EncryptedExtensions, Certificate, CertificateVerify, Finished)."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESCCM, ChaCha20Poly1305

__all__ = ["HandshakeKeys", "hkdf_extract", "hkdf_expand_label", "derive_secret", "handshake_keys", "open_record",
           "seal_record", "finished_mac", "transcript_hash", "SUITES", "AEADS"]


def transcript_hash(hash_name: str, *messages: bytes) -> bytes:
    """Hash of the concatenated handshake messages (headers included)."""
    return hashlib.new(hash_name, b"".join(messages)).digest()


def hkdf_extract(hash_name: str, salt: bytes, ikm: bytes) -> bytes:
    """HKDF-Extract (RFC 5869); an empty salt is a string of zeros."""
    size = hashlib.new(hash_name).digest_size
    return hmac.new(salt or bytes(size), ikm or bytes(size), hash_name).digest()


def hkdf_expand_label(hash_name: str, secret: bytes, label: str, context: bytes, length: int) -> bytes:
    """HKDF-Expand-Label: HKDF-Expand(secret, HkdfLabel{length, "tls13 " + label, context}, length)."""
    full = b"tls13 " + label.encode("ascii")
    info = length.to_bytes(2, "big") + bytes([len(full)]) + full + bytes([len(context)]) + context
    out, block, counter = b"", b"", 1
    while len(out) < length:
        block = hmac.new(secret, block + info + bytes([counter]), hash_name).digest()
        out += block
        counter += 1
    return out[:length]


def derive_secret(hash_name: str, secret: bytes, label: str, messages_hash: bytes) -> bytes:
    """Derive-Secret(secret, label, messages) with the messages already hashed."""
    return hkdf_expand_label(hash_name, secret, label, messages_hash, hashlib.new(hash_name).digest_size)


@dataclass(frozen=True, slots=True, kw_only=True)
class HandshakeKeys:
    """Handshake traffic secrets and the record keys derived from them."""

    client_secret: bytes
    server_secret: bytes
    client_key: bytes
    client_iv: bytes
    server_key: bytes
    server_iv: bytes


def handshake_keys(hash_name: str, shared_secret: bytes, hello_hash: bytes, key_length: int = 16) -> HandshakeKeys:
    """From the (EC)DHE shared secret and Hash(ClientHello ‖ ServerHello), without a PSK."""
    empty = hashlib.new(hash_name, b"").digest()
    early = hkdf_extract(hash_name, b"", b"")
    handshake = hkdf_extract(hash_name, derive_secret(hash_name, early, "derived", empty), shared_secret)
    c = derive_secret(hash_name, handshake, "c hs traffic", hello_hash)
    s = derive_secret(hash_name, handshake, "s hs traffic", hello_hash)
    return HandshakeKeys(client_secret=c, server_secret=s,
                         client_key=hkdf_expand_label(hash_name, c, "key", b"", key_length),
                         client_iv=hkdf_expand_label(hash_name, c, "iv", b"", 12),
                         server_key=hkdf_expand_label(hash_name, s, "key", b"", key_length),
                         server_iv=hkdf_expand_label(hash_name, s, "iv", b"", 12))


#: TLS 1.3 cipher suite -> (hash, AEAD) (RFC 8446 B.4, RFC 8998 2).
SUITES: dict[int, tuple[str, str]] = {
    0x1301: ("sha256", "aes-128-gcm"), 0x1302: ("sha384", "aes-256-gcm"),
    0x1303: ("sha256", "chacha20-poly1305"), 0x1304: ("sha256", "aes-128-ccm"),
    0x1305: ("sha256", "aes-128-ccm-8"), 0x00C6: ("sm3", "sm4-gcm"),
}
#: AEAD -> (key length, tag length).
AEADS = {"aes-128-gcm": (16, 16), "aes-256-gcm": (32, 16), "chacha20-poly1305": (32, 16),
         "aes-128-ccm": (16, 16), "aes-128-ccm-8": (16, 8), "sm4-gcm": (16, 16)}


def _algorithm(aead: str, key: bytes) -> algorithms.SM4 | algorithms.AES:
    return algorithms.SM4(key) if aead == "sm4-gcm" else algorithms.AES(key)


def _nonce(iv: bytes, sequence: int) -> bytes:
    return bytes(a ^ b for a, b in zip(iv, sequence.to_bytes(12, "big"), strict=True))


def _decrypt(aead: str, key: bytes, nonce: bytes, header: bytes, body: bytes) -> bytes:
    """AEAD-Open; InvalidTag when the record does not authenticate."""
    if aead == "chacha20-poly1305":
        return ChaCha20Poly1305(key).decrypt(nonce, body, header)
    if aead.startswith("aes-128-ccm"):
        return AESCCM(key, tag_length=AEADS[aead][1]).decrypt(nonce, body, header)
    decryptor = Cipher(_algorithm(aead, key), modes.GCM(nonce, body[-16:])).decryptor()
    decryptor.authenticate_additional_data(header)
    return decryptor.update(body[:-16]) + decryptor.finalize()


def open_record(aead: str, key: bytes, iv: bytes, sequence: int, record: bytes) -> tuple[int, bytes]:
    """Decrypt one application_data record (header included) → (inner content type, content).
    Raises ValueError when the record does not authenticate."""
    header, body = record[:5], record[5:]
    if len(body) < AEADS[aead][1] + 1:
        raise ValueError("record too short for an AEAD tag")
    try:
        inner = _decrypt(aead, key, _nonce(iv, sequence), header, body)
    except InvalidTag as e:
        raise ValueError("record does not authenticate under the derived key") from e
    inner = inner.rstrip(b"\x00")
    if not inner:
        raise ValueError("record without an inner content type")
    return inner[-1], inner[:-1]


def seal_record(aead: str, key: bytes, iv: bytes, sequence: int, content_type: int, content: bytes) -> bytes:
    """Encrypt content into one application_data record (the test server's side)."""
    inner = content + bytes([content_type])
    header = b"\x17\x03\x03" + (len(inner) + 16).to_bytes(2, "big")
    encryptor = Cipher(_algorithm(aead, key), modes.GCM(_nonce(iv, sequence))).encryptor()
    encryptor.authenticate_additional_data(header)
    body = encryptor.update(inner) + encryptor.finalize()
    return header + body + encryptor.tag


def finished_mac(hash_name: str, traffic_secret: bytes, messages_hash: bytes) -> bytes:
    """verify_data of a Finished message (RFC 8446 4.4.4)."""
    key = hkdf_expand_label(hash_name, traffic_secret, "finished", b"", hashlib.new(hash_name).digest_size)
    return hmac.new(key, messages_hash, hash_name).digest()
