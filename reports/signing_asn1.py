"""The encodings of the report-signing keys and signatures (reports.signing): SM3 digests and key
ids (GB/T 32905), SM2 signatures as DER SEQUENCE {r, s} (GB/T 35276), PEM, the SM2 public key as
SubjectPublicKeyInfo (RFC 5280 4.1, GB/T 35276 OIDs), the private key as PKCS#8 (RFC 5208),
sealed with PBES2 (RFC 8018: PBKDF2-HMAC-SHA256, SM4-CBC, GB/T 32907).
"""

from __future__ import annotations

import base64
import os

from cryptography.hazmat.primitives import hashes, padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

from govsoc.crypto_eval import sm2

ALGORITHM = "SM2-with-SM3"
_OID_EC_PUBLIC_KEY = bytes.fromhex("06072a8648ce3d0201")  # 1.2.840.10045.2.1
_OID_SM2 = bytes.fromhex("06082a811ccf5501822d")           # 1.2.156.10197.1.301
_OID_PBES2 = bytes.fromhex("06092a864886f70d01050d")       # 1.2.840.113549.1.5.13
_OID_PBKDF2 = bytes.fromhex("06092a864886f70d01050c")      # 1.2.840.113549.1.5.12
_OID_HMAC_SHA256 = bytes.fromhex("06082a864886f70d0209")   # 1.2.840.113549.2.9
_OID_SM4_CBC = bytes.fromhex("06082a811ccf55016802")       # 1.2.156.10197.1.104.2
_ITERATIONS = 200_000


def sm3_hex(data: bytes) -> str:
    """SM3 of ``data`` as hex (OpenSSL's SM3 through cryptography)."""
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()


def key_id(public: tuple[int, int]) -> str:
    """A short name of a public key: the first 16 bytes of SM3 over 04 ‖ X ‖ Y, in hex."""
    return sm3_hex(sm2.encode_point(public))[:32]


# --- DER, as far as PKCS#8, SubjectPublicKeyInfo and GM/T 0009 signatures need it ----------------------

def _tlv(tag: int, body: bytes) -> bytes:
    n = len(body)
    width = (n.bit_length() + 7) // 8
    size = bytes([n]) if n < 0x80 else bytes([0x80 | width]) + n.to_bytes(width, "big")
    return bytes([tag]) + size + body


def _int(value: int) -> bytes:
    return _tlv(0x02, value.to_bytes(value.bit_length() // 8 + 1, "big"))


def _read(der: bytes, pos: int = 0) -> tuple[int, bytes, int]:
    """(tag, body, position after) of the element at ``pos``; ValueError when truncated."""
    if pos + 2 > len(der):
        raise ValueError("truncated DER")
    tag, first = der[pos], der[pos + 1]
    pos += 2
    if first & 0x80:
        count = first & 0x7F
        if count == 0 or count > 4 or pos + count > len(der):
            raise ValueError("bad DER length")
        length, pos = int.from_bytes(der[pos:pos + count], "big"), pos + count
    else:
        length = first
    if pos + length > len(der):
        raise ValueError("truncated DER")
    return tag, der[pos:pos + length], pos + length


def _children(body: bytes) -> list[tuple[int, bytes]]:
    out, pos = [], 0
    while pos < len(body):
        tag, value, pos = _read(body, pos)
        out.append((tag, value))
    return out


def _der_signature(raw: bytes) -> bytes:
    return _tlv(0x30, _int(int.from_bytes(raw[:32], "big")) + _int(int.from_bytes(raw[32:], "big")))


def _raw_signature(der: bytes) -> bytes:
    tag, body, end = _read(der)
    parts = _children(body) if tag == 0x30 and end == len(der) else []
    if len(parts) != 2 or any(t != 0x02 or not v or v[0] & 0x80 for t, v in parts):
        raise ValueError("not a GM/T 0009 SM2 signature (SEQUENCE of two INTEGERs)")
    r, s = (int.from_bytes(v, "big") for _, v in parts)
    if not (0 < r < sm2.N and 0 < s < sm2.N):
        raise ValueError("signature values out of range")
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def _pem(label: str, der: bytes) -> str:
    text = base64.encodebytes(der).decode("ascii").replace("\n", "")
    lines = [text[i:i + 64] for i in range(0, len(text), 64)]
    return f"-----BEGIN {label}-----\n" + "\n".join(lines) + f"\n-----END {label}-----\n"


def _unpem(text: str, label: str) -> bytes:
    begin, end = f"-----BEGIN {label}-----", f"-----END {label}-----"
    if begin not in text or end not in text:
        raise ValueError(f"no {label} PEM block")
    return base64.b64decode("".join(text.split(begin, 1)[1].split(end, 1)[0].split()), validate=True)


def _spki(public: tuple[int, int]) -> bytes:
    algorithm = _tlv(0x30, _OID_EC_PUBLIC_KEY + _OID_SM2)
    return _tlv(0x30, algorithm + _tlv(0x03, b"\x00" + sm2.encode_point(public)))


def _pkcs8(d: int, public: tuple[int, int]) -> bytes:
    ec_key = _tlv(0x30, _int(1) + _tlv(0x04, d.to_bytes(32, "big"))
                  + _tlv(0xA1, _tlv(0x03, b"\x00" + sm2.encode_point(public))))
    return _tlv(0x30, _int(0) + _tlv(0x30, _OID_EC_PUBLIC_KEY + _OID_SM2) + _tlv(0x04, ec_key))


def _sm4_key(passphrase: str, salt: bytes, iterations: int) -> bytes:
    # The PRF is HMAC-SHA256, not HMAC-SM3, so that the key file stays readable by the standard tool:
    # OpenSSL 3.0 (Debian 12's 3.0.19) has no hmacWithSM3 PRF for PBES2 ("openssl pkcs8 -topk8 -v2
    # sm4-cbc -v2prf hmacWithSM3" says "Unknown PRF algorithm hmacWithSM3", and it cannot read such a
    # key either), while "-v2prf hmacWithSHA256" writes and reads this very form. The key's
    # confidentiality rests on SM4-CBC; PBKDF2 only stretches the passphrase into the SM4 key.
    kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=16, salt=salt, iterations=iterations)
    return kdf.derive(passphrase.encode("utf-8"))


def _encrypt_pkcs8(der: bytes, passphrase: str) -> bytes:
    """EncryptedPrivateKeyInfo (RFC 5958) with PBES2 (RFC 8018): PBKDF2-HMAC-SHA256, SM4-CBC."""
    salt, iv = os.urandom(16), os.urandom(16)
    padder = padding.PKCS7(128).padder()
    plain = padder.update(der) + padder.finalize()
    encryptor = Cipher(algorithms.SM4(_sm4_key(passphrase, salt, _ITERATIONS)), modes.CBC(iv)).encryptor()
    sealed = encryptor.update(plain) + encryptor.finalize()
    kdf = _tlv(0x30, _OID_PBKDF2 + _tlv(0x30, _tlv(0x04, salt) + _int(_ITERATIONS)
                                         + _tlv(0x30, _OID_HMAC_SHA256 + b"\x05\x00")))
    scheme = _tlv(0x30, _OID_PBES2 + _tlv(0x30, kdf + _tlv(0x30, _OID_SM4_CBC + _tlv(0x04, iv))))
    return _tlv(0x30, scheme + _tlv(0x04, sealed))


def _decrypt_pkcs8(der: bytes, passphrase: str) -> bytes:
    """The PrivateKeyInfo inside an EncryptedPrivateKeyInfo this module (or OpenSSL with
    ``-v2 sm4-cbc``) wrote; ValueError for another scheme or a wrong passphrase."""
    _, body, _ = _read(der)
    (_, scheme), (_, sealed) = _children(body)
    oid_end = 2 + scheme[1]
    if scheme[:oid_end] != _OID_PBES2:
        raise ValueError("the private key is not PBES2-encrypted")
    (_, kdf), (_, cipher) = _children(_children(scheme[oid_end:])[0][1])
    kdf_oid_end = 2 + kdf[1]
    if kdf[:kdf_oid_end] != _OID_PBKDF2 or cipher[:10] != _OID_SM4_CBC:
        raise ValueError("the private key is encrypted with a scheme other than PBKDF2 + SM4-CBC")
    params = _children(_children(kdf[kdf_oid_end:])[0][1])
    salt, iterations = params[0][1], int.from_bytes(params[1][1], "big")
    prf = [v for t, v in params[2:] if t == 0x30]
    if not prf or prf[0][:10] != _OID_HMAC_SHA256:  # absent means HMAC-SHA1 (RFC 8018): not taken
        raise ValueError("the private key's PBKDF2 uses a PRF other than HMAC-SHA256")
    iv = _children(cipher[10:])[0][1]
    decryptor = Cipher(algorithms.SM4(_sm4_key(passphrase, salt, iterations)), modes.CBC(iv)).decryptor()
    unpadder = padding.PKCS7(128).unpadder()
    plain = decryptor.update(sealed) + decryptor.finalize()
    return unpadder.update(plain) + unpadder.finalize()


def _algorithm_is_sm2(body: bytes) -> bool:
    return body == _OID_EC_PUBLIC_KEY + _OID_SM2


def read_public_key(text: str) -> tuple[int, int]:
    """The SM2 point of a SubjectPublicKeyInfo PEM (ValueError when it is not an SM2 key)."""
    tag, body, _ = _read(_unpem(text, "PUBLIC KEY"))
    parts = _children(body) if tag == 0x30 else []
    if len(parts) != 2 or parts[0][0] != 0x30 or not _algorithm_is_sm2(parts[0][1]) or parts[1][0] != 0x03:
        raise ValueError("not an SM2 public key")
    return sm2.decode_point(parts[1][1][1:])


def _sm2_scalar(der: bytes) -> int:
    """The private scalar of an unencrypted SM2 PKCS#8 key; ValueError when it is not one."""
    tag, body, _ = _read(der)
    parts = _children(body) if tag == 0x30 else []
    if len(parts) != 3 or parts[1][0] != 0x30 or not _algorithm_is_sm2(parts[1][1]) or parts[2][0] != 0x04:
        raise ValueError("not an unencrypted SM2 PKCS#8 private key")
    _, ec_body, _ = _read(parts[2][1])
    fields = _children(ec_body)
    if len(fields) < 2 or fields[1][0] != 0x04:
        raise ValueError("not an SM2 ECPrivateKey")
    d = int.from_bytes(fields[1][1], "big")
    if not 0 < d < sm2.N - 1:
        raise ValueError("SM2 private key out of range")
    return d
