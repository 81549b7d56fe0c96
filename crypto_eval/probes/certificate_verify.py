"""TLS 1.3 CertificateVerify (RFC 8446 4.4.3) checked under the server certificate's key with
``cryptography``: RSA-PSS (rsae and pss), ECDSA, Ed25519 and Ed448. A server that cannot sign the
transcript with the key of the certificate it sent has not proved its identity."""

from __future__ import annotations

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, padding, rsa

__all__ = ["verify_certificate_verify"]

_HASHES: dict[int, type[hashes.HashAlgorithm]] = {
    0x0403: hashes.SHA256, 0x0503: hashes.SHA384, 0x0603: hashes.SHA512,
    0x0804: hashes.SHA256, 0x0805: hashes.SHA384, 0x0806: hashes.SHA512,
    0x0809: hashes.SHA256, 0x080A: hashes.SHA384, 0x080B: hashes.SHA512,
}


def verify_certificate_verify(certificate: bytes, scheme: int, signature: bytes, content: bytes) -> bool | None:
    """True / False whether ``signature`` (scheme ``scheme``) over ``content`` verifies under the
    DER ``certificate``'s key; None when this cannot be checked (unknown scheme, unreadable key,
    or a scheme that does not fit the key)."""
    try:
        key = x509.load_der_x509_certificate(certificate).public_key()
        if isinstance(key, ed25519.Ed25519PublicKey) and scheme == 0x0807:
            key.verify(signature, content)
        elif isinstance(key, ed448.Ed448PublicKey) and scheme == 0x0808:
            key.verify(signature, content)
        elif isinstance(key, ec.EllipticCurvePublicKey) and scheme in (0x0403, 0x0503, 0x0603):
            key.verify(signature, content, ec.ECDSA(_HASHES[scheme]()))
        elif isinstance(key, rsa.RSAPublicKey) and scheme in _HASHES and scheme >= 0x0804:
            digest = _HASHES[scheme]()
            key.verify(signature, content, padding.PSS(mgf=padding.MGF1(digest), salt_length=digest.digest_size),
                       digest)
        else:
            return None
    except InvalidSignature:
        return False
    except (ValueError, TypeError, UnsupportedAlgorithm, x509.InvalidVersion):
        return None
    return True
