"""X.509 certificate facts for TLS/TLCP evidence, parsed with ``cryptography``.

Subject, issuer, validity, the signature algorithm (SM2-with-SM3 is 1.2.156.10197.1.501, GM/T
0006), key type and size, DNS names and key usage. ``cryptography`` loads SM2 certificates but
refuses their public key ("Curve 1.2.156.10197.1.301 is not supported"), so the curve OID is read
from the SubjectPublicKeyInfo with a small DER walk instead.
"""

from __future__ import annotations

import hashlib
import warnings
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeGuard

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.x509.oid import ExtensionOID

from govsoc.collectors.protocols.wire import Reader
from govsoc.core.errors import Location, ParseError

__all__ = ["CertificateInfo", "is_dsa_key", "parse_certificate", "SIGNATURE_ALGORITHMS", "SM2_CURVE_OID",
           "SM2_SM3_OID"]

SM2_CURVE_OID = "1.2.156.10197.1.301"
SM2_SM3_OID = "1.2.156.10197.1.501"
_EC_PUBLIC_KEY = "1.2.840.10045.2.1"

def _dsa_key_class() -> type | None:
    """cryptography's DSA public key class, looked up with its deprecation warning silenced: cryptography 51
    deprecates DSA and warns at each use of the name (an error under the tests' warning filter), yet a
    server's or host's DSA key must still be named for what it is (a weak key the evaluation reports). None
    once a release drops it: then no key is one."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        return getattr(dsa, "DSAPublicKey", None)


_DSA_KEY = _dsa_key_class()


def is_dsa_key(key: object) -> TypeGuard[dsa.DSAPublicKey]:  # an annotation only: never evaluated
    """Whether ``key`` is a DSA public key (FIPS 186)."""
    return _DSA_KEY is not None and isinstance(key, _DSA_KEY)


#: Signature algorithm OID -> short name; the names say hash and key family.
SIGNATURE_ALGORITHMS: dict[str, str] = {
    "1.2.840.113549.1.1.4": "md5WithRSAEncryption", "1.2.840.113549.1.1.5": "sha1WithRSAEncryption",
    "1.2.840.113549.1.1.11": "sha256WithRSAEncryption", "1.2.840.113549.1.1.12": "sha384WithRSAEncryption",
    "1.2.840.113549.1.1.13": "sha512WithRSAEncryption", "1.2.840.113549.1.1.10": "rsassaPss",
    "1.2.840.10045.4.1": "ecdsa-with-SHA1", "1.2.840.10045.4.3.2": "ecdsa-with-SHA256",
    "1.2.840.10045.4.3.3": "ecdsa-with-SHA384", "1.2.840.10045.4.3.4": "ecdsa-with-SHA512",
    "1.3.101.112": "ed25519", "1.3.101.113": "ed448", "1.2.840.10040.4.3": "dsa-with-SHA1",
    "2.16.840.1.101.3.4.3.2": "dsa-with-SHA256", SM2_SM3_OID: "SM2-with-SM3",
    "1.2.156.10197.1.504": "SM3-with-RSA",
}

#: What ``cryptography`` (48-50) raises for a certificate it cannot read: ValueError for malformed
#: DER, fields and extensions; x509.InvalidVersion for a version other than v1/v3 (not a
#: ValueError: a version 7 certificate from a server aborted whole runs); DuplicateExtension and
#: UnsupportedGeneralNameType from the extensions; UnsupportedAlgorithm from public_key();
#: TypeError/IndexError/OverflowError from our own DER walk on truncated fields.
_UNREADABLE = (ValueError, TypeError, IndexError, OverflowError, x509.InvalidVersion, x509.DuplicateExtension,
               x509.UnsupportedGeneralNameType, UnsupportedAlgorithm)

_CURVES = {"secp256r1": 256, "secp384r1": 384, "secp521r1": 521, "secp256k1": 256, "secp224r1": 224,
           "secp192r1": 192}


@dataclass(frozen=True, slots=True, kw_only=True)
class CertificateInfo:
    """What evidence needs from one certificate."""

    subject: str
    issuer: str
    serial: str
    signature_algorithm_oid: str
    signature_algorithm: str
    key_type: str  # rsa, ec, sm2, ed25519, ed448, dsa, unknown
    key_bits: int
    curve: str | None
    not_before: datetime
    not_after: datetime
    dns_names: tuple[str, ...]
    key_usage: tuple[str, ...]
    is_ca: bool
    self_signed: bool
    sha256: str
    sm2_public_key: bytes | None = None  # 04 ‖ X ‖ Y of an SM2 key (cryptography cannot give it)
    common_names: tuple[str, ...] = ()  # the subject's CN values (host names of certificates without SAN)
    der: bytes = field(default=b"", repr=False)  # the certificate as sent (path validation re-reads it)
    ip_addresses: tuple[str, ...] = ()  # SAN iPAddress entries (compressed), for endpoints asked by address

    def valid_at(self, when: datetime) -> bool:
        """Whether ``when`` (aware, UTC) lies in the validity period."""
        return self.not_before <= when <= self.not_after


def _spki_ec(tbs: bytes) -> tuple[str | None, bytes]:
    """The namedCurve OID and the public point of an EC SubjectPublicKeyInfo, found by walking
    the TBSCertificate DER."""

    def element(r: Reader) -> tuple[int, bytes]:
        tag = r.uint(1)
        first = r.uint(1)
        length = first if first < 0x80 else r.uint(first & 0x7F)
        return tag, r.take(length)

    _, body = element(Reader(tbs, "x509.tbs"))
    fields = Reader(body, "x509.tbs")
    items = []
    while fields.remaining:
        items.append(element(fields))
    offset = 1 if items and items[0][0] == 0xA0 else 0  # [0] version is optional
    spki = Reader(items[offset + 5][1], "x509.spki")
    _, alg_body = element(spki)
    tag, bits = element(spki)
    ids = Reader(alg_body, "x509.spki.algorithm")
    tags = [element(ids) for _ in range(2)]
    point = bits[1:] if tag == 0x03 and bits[:1] == b"\x00" else b""  # BIT STRING, no unused bits
    return (_oid(tags[1][1]) if tags[1][0] == 0x06 else None), point


def _oid(der: bytes) -> str:
    parts = [der[0] // 40, der[0] % 40] if der[0] < 80 else [2, der[0] - 80]
    value = 0
    for byte in der[1:]:
        value = value << 7 | byte & 0x7F
        if not byte & 0x80:
            parts.append(value)
            value = 0
    return ".".join(map(str, parts))


def _key(cert: x509.Certificate) -> tuple[str, int, str | None, bytes | None]:
    try:
        key = cert.public_key()
    except (ValueError, UnsupportedAlgorithm) as e:
        if cert.public_key_algorithm_oid.dotted_string == _EC_PUBLIC_KEY:
            try:
                curve, point = _spki_ec(cert.tbs_certificate_bytes)
            except (ParseError, IndexError):  # a truncated OID or SPKI
                curve, point = None, b""
            if curve == SM2_CURVE_OID:
                return "sm2", 256, "sm2p256v1", point if len(point) == 65 else None
        raise ParseError(f"unsupported public key: {e}", location=Location(field="x509.spki")) from e
    if isinstance(key, rsa.RSAPublicKey):
        return "rsa", key.key_size, None, None
    if isinstance(key, ec.EllipticCurvePublicKey):
        return "ec", key.curve.key_size, key.curve.name, None
    if isinstance(key, ed25519.Ed25519PublicKey):
        return "ed25519", 256, None, None
    if isinstance(key, ed448.Ed448PublicKey):
        return "ed448", 456, None, None
    if is_dsa_key(key):
        return "dsa", key.key_size, None, None
    return "unknown", 0, None, None


def _extension_facts(cert: x509.Certificate) -> tuple[tuple[str, ...], tuple[str, ...], bool, tuple[str, ...]]:
    exts = {e.oid: e.value for e in cert.extensions}
    san = exts.get(ExtensionOID.SUBJECT_ALTERNATIVE_NAME)
    names = tuple(san.get_values_for_type(x509.DNSName)) if isinstance(san, x509.SubjectAlternativeName) else ()
    ips = (tuple(ip.compressed for ip in san.get_values_for_type(x509.IPAddress))
           if isinstance(san, x509.SubjectAlternativeName) else ())
    usage: list[str] = []
    ku = exts.get(ExtensionOID.KEY_USAGE)
    if isinstance(ku, x509.KeyUsage):
        for attr in ("digital_signature", "content_commitment", "key_encipherment", "data_encipherment",
                     "key_agreement", "key_cert_sign", "crl_sign"):
            if getattr(ku, attr):
                usage.append(attr)
    bc = exts.get(ExtensionOID.BASIC_CONSTRAINTS)
    return names, tuple(usage), isinstance(bc, x509.BasicConstraints) and bc.ca, ips


def parse_certificate(der: bytes) -> CertificateInfo:
    """Facts of one DER certificate; ParseError when it is not one ``cryptography`` can read.
    cryptography's deprecation notes (a non-positive serial, which a few shipped roots and servers
    have) are not printed: the certificate is read as it is."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        return _parse_certificate(der)


def _parse_certificate(der: bytes) -> CertificateInfo:
    try:
        cert = x509.load_der_x509_certificate(der)
        sig_oid = cert.signature_algorithm_oid.dotted_string
        names, usage, is_ca, ips = _extension_facts(cert)
        subject, issuer = cert.subject.rfc4514_string(), cert.issuer.rfc4514_string()
        common = tuple(str(a.value) for a in cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME))
        not_before, not_after = cert.not_valid_before_utc, cert.not_valid_after_utc
        serial = format(cert.serial_number, "x")
        key_type, key_bits, curve, sm2_point = _key(cert)
    except _UNREADABLE as e:
        raise ParseError(f"not a readable X.509 certificate: {type(e).__name__}: {e}",
                         location=Location(field="x509")) from e
    return CertificateInfo(
        subject=subject, issuer=issuer, serial=serial, signature_algorithm_oid=sig_oid,
        signature_algorithm=SIGNATURE_ALGORITHMS.get(sig_oid, sig_oid), key_type=key_type, key_bits=key_bits,
        curve=curve, not_before=not_before, not_after=not_after, dns_names=names, key_usage=usage,
        is_ca=is_ca, self_signed=cert.subject == cert.issuer, sha256=hashlib.sha256(der).hexdigest(),
        sm2_public_key=sm2_point, common_names=common, der=der, ip_addresses=ips,
    )
