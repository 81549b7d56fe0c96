"""A stapled OCSP answer (RFC 6960, delivered in the TLS handshake: RFC 6066 8 status_request,
TLS 1.2 CertificateStatus, TLS 1.3 the leaf's CertificateEntry extension, RFC 8446 4.4.2.1) as
revocation evidence for the server's leaf (crypto_eval.revocation).

It counts only when it is a successful basic response about this certificate (the issuer name and
key hashes and the serial number of its CertID), signed by the issuer's key or by a responder
certificate the issuer signed for OCSP signing (id-kp-OCSPSigning, RFC 6960 4.2.2.2), and current
(thisUpdate ≤ now ≤ nextUpdate). Signatures: SM2-with-SM3 with the GM/T 0009 default ID, RSA PKCS#1
v1.5 and ECDSA with ``cryptography``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from cryptography.x509 import ocsp
from cryptography.x509.oid import ExtendedKeyUsageOID

from govsoc.collectors.protocols.x509 import SM2_SM3_OID, CertificateInfo, parse_certificate
from govsoc.core.errors import ParseError
from govsoc.crypto_eval import sm2
from govsoc.crypto_eval.probes.certificate_verify import raw_signature

__all__ = ["StapleVerdict", "read_staple"]


@dataclass(frozen=True, slots=True, kw_only=True)
class StapleVerdict:
    """What a stapled answer says of the leaf: good, revoked, or unusable (with why)."""

    state: Literal["good", "revoked", "unusable"]
    why: str
    revoked_at: datetime | None = None
    reason: x509.ReasonFlags | None = None


def _key_bits(cert: x509.Certificate, info: CertificateInfo) -> bytes | None:
    """The subjectPublicKey BIT STRING's content (what an OCSP issuerKeyHash hashes, RFC 6960 4.1.1)."""
    if info.sm2_public_key is not None:
        return info.sm2_public_key
    try:
        key = cert.public_key()
    except (ValueError, UnsupportedAlgorithm):
        return None
    if isinstance(key, ec.EllipticCurvePublicKey):
        return key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    if isinstance(key, rsa.RSAPublicKey):
        return key.public_bytes(Encoding.DER, PublicFormat.PKCS1)
    return None


def _verify(data: bytes, signature: bytes, oid: str, hash_algorithm: object, cert: x509.Certificate,
            info: CertificateInfo) -> bool:
    """Whether ``cert``'s key signed ``data``."""
    if oid == SM2_SM3_OID:
        if info.sm2_public_key is None:
            return False
        try:
            return sm2.verify(sm2.decode_point(info.sm2_public_key), data, raw_signature(signature))
        except ValueError:
            return False
    try:
        key = cert.public_key()
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, data, padding.PKCS1v15(), hash_algorithm)  # type: ignore[arg-type]
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, data, ec.ECDSA(hash_algorithm))  # type: ignore[arg-type]
        else:
            return False
    except (InvalidSignature, ValueError, TypeError, UnsupportedAlgorithm):
        return False
    return True


def _signer(response: ocsp.OCSPResponse, issuer: x509.Certificate,
            issuer_info: CertificateInfo) -> tuple[x509.Certificate, CertificateInfo] | str:
    """The certificate whose key must have signed the response, or why there is none."""
    for candidate in [issuer, *response.certificates]:
        info = issuer_info if candidate is issuer else parse_certificate(candidate.public_bytes(Encoding.DER))
        named = response.responder_name is not None and response.responder_name == candidate.subject
        keyed = response.responder_key_hash is not None and (bits := _key_bits(candidate, info)) is not None and \
            hashlib.sha1(bits).digest() == response.responder_key_hash  # noqa: S324 - RFC 6960 KeyHash is SHA-1
        if not (named or keyed):
            continue
        if candidate is issuer:
            return candidate, info
        delegated = _delegated(candidate, issuer, issuer_info)
        return (candidate, info) if delegated is None else delegated
    return "应答者不是证书签发者，也未附带签发者授权的OCSP签名证书"


def _delegated(responder: x509.Certificate, issuer: x509.Certificate, issuer_info: CertificateInfo) -> str | None:
    """Why a responder certificate is not one the issuer authorised (None: it is)."""
    try:
        eku = responder.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except (x509.ExtensionNotFound, ValueError):
        return "OCSP签名证书缺少 id-kp-OCSPSigning 扩展密钥用法"
    if ExtendedKeyUsageOID.OCSP_SIGNING not in eku:
        return "OCSP签名证书缺少 id-kp-OCSPSigning 扩展密钥用法"
    if responder.issuer != issuer.subject or not _verify(
            responder.tbs_certificate_bytes, responder.signature, responder.signature_algorithm_oid.dotted_string,
            responder.signature_hash_algorithm, issuer, issuer_info):
        return "OCSP签名证书不是由证书签发者签发"
    return None


def read_staple(staple: bytes, cert: x509.Certificate, issuer: x509.Certificate, issuer_info: CertificateInfo,
                at: datetime) -> StapleVerdict:
    """The stapled OCSP answer's word on ``cert`` (issued by ``issuer``) at ``at``."""
    try:
        response = ocsp.load_der_ocsp_response(staple)
        if response.response_status != ocsp.OCSPResponseStatus.SUCCESSFUL:
            return StapleVerdict(state="unusable", why=f"OCSP应答状态为 {response.response_status.name}")
        found = next((r for r in response.responses if r.serial_number == cert.serial_number), None)
        if found is None:
            return StapleVerdict(state="unusable", why="OCSP应答不含该证书的状态")
        digest = found.hash_algorithm
        bits = _key_bits(issuer, issuer_info)
        hasher = hashlib.new(digest.name)
        hasher.update(issuer.subject.public_bytes())
        if bits is None or hasher.digest() != found.issuer_name_hash or \
                hashlib.new(digest.name, bits).digest() != found.issuer_key_hash:
            return StapleVerdict(state="unusable", why="OCSP应答所指的签发者不是该证书的签发者")
        signer = _signer(response, issuer, issuer_info)
        if isinstance(signer, str):
            return StapleVerdict(state="unusable", why=signer)
        if not _verify(response.tbs_response_bytes, response.signature,
                       response.signature_algorithm_oid.dotted_string, response.signature_hash_algorithm, *signer):
            return StapleVerdict(state="unusable", why="OCSP应答签名验证失败（伪造或被篡改的应答）")
        if at < found.this_update_utc or (found.next_update_utc is not None and at > found.next_update_utc):
            return StapleVerdict(state="unusable", why=f"OCSP应答不在有效期内（发布于 "
                                                      f"{found.this_update_utc:%Y-%m-%d %H:%M} UTC）")
        if found.certificate_status == ocsp.OCSPCertStatus.GOOD:
            return StapleVerdict(state="good", why=f"OCSP装订应答，发布于 {found.this_update_utc:%Y-%m-%d %H:%M} UTC")
        if found.certificate_status == ocsp.OCSPCertStatus.REVOKED:
            return StapleVerdict(state="revoked", why="OCSP装订应答", revoked_at=found.revocation_time_utc,
                                 reason=found.revocation_reason)
        return StapleVerdict(state="unusable", why="OCSP应答称该证书状态未知（unknown）")
    except (ValueError, ParseError, UnsupportedAlgorithm) as e:
        return StapleVerdict(state="unusable", why=f"OCSP应答无法解析（{type(e).__name__}）")
