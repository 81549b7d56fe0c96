"""TLS 1.3 key shares the probes can offer and complete (RFC 8446 4.2.8, 7.4): x25519/x448
(RFC 7748), secp256r1/384r1/521r1 (uncompressed points; the shared secret is the x-coordinate,
7.4.2) by ``cryptography``, and curveSM2 (RFC 8998) by crypto_eval.sm2. A server that asks in a
HelloRetryRequest for one of these gets it; the finite-field groups are not offered as shares.
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric import ec, x448, x25519
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from govsoc.crypto_eval import sm2

__all__ = ["KeyShare", "make_share", "SHARE_GROUPS", "CURVE_SM2"]

CURVE_SM2 = 0x0029
_NIST: dict[int, ec.EllipticCurve] = {23: ec.SECP256R1(), 24: ec.SECP384R1(), 25: ec.SECP521R1()}
#: Named groups a key share can be made for.
SHARE_GROUPS = frozenset({29, 30, CURVE_SM2, *_NIST})


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
    if group == CURVE_SM2:
        d = sm2_private if sm2_private is not None else sm2.generate_private_key()
        return KeyShare(group, sm2.encode_point(sm2.public_key(d)), d)
    raise ValueError(f"no key share for group {group:#06x}")
