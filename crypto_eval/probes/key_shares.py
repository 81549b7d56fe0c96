"""TLS 1.3 key shares the probes can offer and complete (RFC 8446 4.2.8, 7.4): x25519/x448
(RFC 7748), secp256r1/384r1/521r1 (uncompressed points; the shared secret is the x-coordinate,
7.4.2) by ``cryptography``, curveSM2 (RFC 8998) by crypto_eval.sm2, and the RFC 7919 finite-field
groups ffdhe2048 ... ffdhe8192 (public value and secret left-padded to the prime's size, 4.2.8.1 and
7.4.1) by modular exponentiation. A server that asks in a HelloRetryRequest for one of these gets it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from functools import cache

from cryptography.hazmat.primitives.asymmetric import ec, x448, x25519
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from govsoc.crypto_eval import sm2

__all__ = ["KeyShare", "make_share", "SHARE_GROUPS", "CURVE_SM2", "ffdhe_prime"]

CURVE_SM2 = 0x0029
_NIST: dict[int, ec.EllipticCurve] = {23: ec.SECP256R1(), 24: ec.SECP384R1(), 25: ec.SECP521R1()}
#: RFC 7919 groups: code -> (prime bits, the X of the prime's definition in its appendix A).
_FFDHE = {256: (2048, 560316), 257: (3072, 2625351), 258: (4096, 5736041), 259: (6144, 15705020),
          260: (8192, 10965728)}
#: Named groups a key share can be made for.
SHARE_GROUPS = frozenset({29, 30, CURVE_SM2, *_NIST, *_FFDHE})


@cache
def ffdhe_prime(group: int) -> int:
    """The RFC 7919 safe prime of ``group``: p = 2^b - 2^{b-64} + {[2^{b-130} e] + X} * 2^64 - 1,
    with e computed to b bits from its series (the generator is 2)."""
    bits, x = _FFDHE[group]
    scale = bits - 130 + 64  # 64 guard bits below the truncation
    total, term, k = 0, 1 << scale, 1
    while term:
        total, term, k = total + term, term // k, k + 1
    return (1 << bits) - (1 << (bits - 64)) + ((total >> 64) + x) * (1 << 64) - 1


@dataclass(frozen=True, slots=True)
class _Ffdhe:
    group: int
    exponent: int


@dataclass(frozen=True, slots=True)
class KeyShare:
    """One ephemeral key pair of a named group: ``public`` goes into the ClientHello."""

    group: int
    public: bytes
    _private: object

    def shared_secret(self, peer: bytes) -> bytes:
        """The (EC)DHE shared secret with the server's share; ValueError when the share is not a
        valid key of the group (or the result is degenerate)."""
        key = self._private
        if isinstance(key, x25519.X25519PrivateKey):
            return key.exchange(x25519.X25519PublicKey.from_public_bytes(peer))
        if isinstance(key, x448.X448PrivateKey):
            return key.exchange(x448.X448PublicKey.from_public_bytes(peer))
        if isinstance(key, ec.EllipticCurvePrivateKey):
            return key.exchange(ec.ECDH(), ec.EllipticCurvePublicKey.from_encoded_point(key.curve, peer))
        if isinstance(key, _Ffdhe):
            p = ffdhe_prime(key.group)
            y = int.from_bytes(peer, "big")
            if len(peer) != (p.bit_length() + 7) // 8 or not 1 < y < p - 1:
                raise ValueError("finite-field share out of range (RFC 7919 5.1)")
            return pow(y, key.exponent, p).to_bytes(len(peer), "big")
        assert isinstance(key, int)
        point = sm2.multiply(key, sm2.decode_point(peer))
        if point is None:
            raise ValueError("degenerate shared point")
        return point[0].to_bytes(32, "big")


def make_share(group: int, *, sm2_private: int | None = None) -> KeyShare:
    """A fresh key share of ``group`` (one of SHARE_GROUPS; curveSM2 may reuse ``sm2_private``)."""
    if group == 29:
        k25519 = x25519.X25519PrivateKey.generate()
        return KeyShare(group, k25519.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw), k25519)
    if group == 30:
        k448 = x448.X448PrivateKey.generate()
        return KeyShare(group, k448.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw), k448)
    if group in _NIST:
        kec = ec.generate_private_key(_NIST[group])
        return KeyShare(group, kec.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint), kec)
    if group in _FFDHE:
        p = ffdhe_prime(group)
        exponent = secrets.randbits(512) | 1 << 511  # ephemeral: twice the 256-bit strength of the largest group
        return KeyShare(group, pow(2, exponent, p).to_bytes((p.bit_length() + 7) // 8, "big"), _Ffdhe(group, exponent))
    if group == CURVE_SM2:
        d = sm2_private if sm2_private is not None else sm2.generate_private_key()
        return KeyShare(group, sm2.encode_point(sm2.public_key(d)), d)
    raise ValueError(f"no key share for group {group:#06x}")
