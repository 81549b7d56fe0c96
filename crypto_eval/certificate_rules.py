"""The rules of one certificate in a path (RFC 5280 6.1.3, 6.1.4), for crypto_eval.chain: its
signature under a candidate issuer's key (SM2-with-SM3 with this project's sm2 and the GM/T 0009
default ID; RSA, ECDSA, EdDSA, DSA with ``cryptography``; SHA-1 and MD5 ones checked by the key
directly so that they are reported as weak rather than unverifiable), its key identifiers, its
validity, what an issuer must be (basicConstraints cA, pathLenConstraint, keyCertSign; a version 1
certificate is no intermediate CA), a TLS server leaf's purpose (extendedKeyUsage, keyUsage), and
the constraints this validator leaves to a person (name, policy, inhibit-anyPolicy constraints,
unrecognised critical extensions).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.x509.oid import ExtendedKeyUsageOID

from govsoc.collectors.protocols.x509 import SM2_SM3_OID, CertificateInfo, parse_certificate
from govsoc.core.errors import ParseError
from govsoc.crypto_eval import sm2
from govsoc.crypto_eval.probes.certificate_verify import raw_signature

__all__ = ["Cert", "load_cert", "signed_by", "key_ids", "purpose_problems", "validity_problem", "extension",
           "issuer_problem", "unprocessed"]


@dataclass(frozen=True, slots=True)
class Cert:
    """A certificate both ways: ``cryptography``'s object (extensions, signature) and our facts
    (the SM2 point cryptography cannot give, names, fingerprint)."""

    x: x509.Certificate
    info: CertificateInfo


def load_cert(der: bytes) -> Cert | None:
    """The certificate both ways (None: it does not parse)."""
    try:
        with warnings.catch_warnings():  # a root with a non-positive serial (a few shipped ones): still a root
            warnings.simplefilter("ignore", CryptographyDeprecationWarning)
            return Cert(x=x509.load_der_x509_certificate(der), info=parse_certificate(der))
    except (ValueError, ParseError):
        return None


@lru_cache(maxsize=4096)
def signed_by(child: Cert, issuer: Cert) -> bool | None:
    """Whether ``issuer``'s key verifies ``child``'s signature (None: it cannot be checked here).
    Cached: one intermediate's signature by its root recurs on every endpoint and in both TLCP
    chains, and an SM2 verification in Python costs about 10 ms."""
    if child.x.signature_algorithm_oid.dotted_string == SM2_SM3_OID:
        point = issuer.info.sm2_public_key
        if point is None:
            return False  # an SM2 signature under a key that is not SM2
        try:
            return sm2.verify(sm2.decode_point(point), child.x.tbs_certificate_bytes, raw_signature(child.x.signature))
        except ValueError:
            return False
    if issuer.info.key_type == "sm2":
        return False  # an SM2 key makes only SM2 signatures
    try:
        child.x.verify_directly_issued_by(issuer.x)
    except InvalidSignature:
        return False
    except (ValueError, TypeError, UnsupportedAlgorithm):
        return _weak_signed_by(child, issuer)
    return True


def _weak_signed_by(child: Cert, issuer: Cert) -> bool | None:
    """A SHA-1 or MD5 signature (which verify_directly_issued_by refuses) checked by the issuer's key
    directly, so the chain is judged and the weak algorithm reported (ChainVerdict.weak) rather than
    called unverifiable; None for anything else."""
    try:
        digest = child.x.signature_hash_algorithm
        key = issuer.x.public_key()
    except (ValueError, UnsupportedAlgorithm):
        return None
    if not isinstance(digest, hashes.SHA1 | hashes.MD5):
        return None
    try:
        if isinstance(key, rsa.RSAPublicKey) and not isinstance(child.x.signature_algorithm_parameters, padding.PSS):
            key.verify(child.x.signature, child.x.tbs_certificate_bytes, padding.PKCS1v15(), digest)
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(child.x.signature, child.x.tbs_certificate_bytes, ec.ECDSA(digest))
        else:
            return None
    except InvalidSignature:
        return False
    except (ValueError, TypeError, UnsupportedAlgorithm):
        return None
    return True


def key_ids(cert: Cert) -> tuple[bytes | None, bytes | None]:
    """(authority key identifier, subject key identifier) when present (RFC 5280 4.2.1.1/4.2.1.2)."""
    aki, ski = extension(cert, x509.AuthorityKeyIdentifier), extension(cert, x509.SubjectKeyIdentifier)
    return (aki.key_identifier if isinstance(aki, x509.AuthorityKeyIdentifier) else None,
            ski.digest if isinstance(ski, x509.SubjectKeyIdentifier) else None)


#: keyUsage bits that let a TLS server's key do its part of some key exchange (RFC 5280 4.2.1.3;
#: RFC 5246 7.4.2 and RFC 8446 4.4.2.2: digitalSignature to sign the handshake, keyEncipherment for
#: RSA key transport, keyAgreement for static (EC)DH); OpenSSL's sslserver purpose accepts the same.
#: SM2 (TLCP, TLS 1.3-SM) leaves are checked by channel_view's GB/T 38636 signing/encryption rules.
_TLS_SERVER_USAGE = ("digital_signature", "key_encipherment", "key_agreement")


def purpose_problems(leaf: Cert) -> list[str]:
    """Why the leaf may not serve as a TLS server certificate: an extendedKeyUsage without
    serverAuth or anyExtendedKeyUsage (RFC 5280 4.2.1.12: "MUST only be used for one of the purposes
    indicated"), or a keyUsage with no bit a key exchange needs (4.2.1.3)."""
    out: list[str] = []
    eku = extension(leaf, x509.ExtendedKeyUsage)
    if isinstance(eku, x509.ExtendedKeyUsage) and not {ExtendedKeyUsageOID.SERVER_AUTH,
                                                        ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE} & set(eku):
        out.append(f"证书用途不符：{leaf.info.subject} 的扩展密钥用法不含 serverAuth（RFC 5280 4.2.1.12）")
    ku = extension(leaf, x509.KeyUsage)
    if (isinstance(ku, x509.KeyUsage) and leaf.info.key_type != "sm2"
            and not any(getattr(ku, bit) for bit in _TLS_SERVER_USAGE)):
        out.append(f"证书用途不符：{leaf.info.subject} 的密钥用法不含 digitalSignature、keyEncipherment 或 "
                   "keyAgreement，不能用于TLS密钥交换（RFC 5280 4.2.1.3）")
    return out


def validity_problem(cert: CertificateInfo, at: datetime) -> str | None:
    """Why the certificate is not valid at ``at`` (RFC 5280 6.1.3 a 2; None: it is)."""
    if at < cert.not_before:
        return f"证书尚未生效（{cert.subject}，有效期 {cert.not_before:%Y-%m-%d} 至 {cert.not_after:%Y-%m-%d}）"
    if at > cert.not_after:
        return f"证书已过期（{cert.subject}，有效期 {cert.not_before:%Y-%m-%d} 至 {cert.not_after:%Y-%m-%d}）"
    return None


def extension(cert: Cert, kind: type[x509.ExtensionType]) -> x509.ExtensionType | None:
    """The certificate's extension of ``kind`` (None: absent, or malformed)."""
    try:
        return cert.x.extensions.get_extension_for_class(kind).value
    except x509.ExtensionNotFound:
        return None
    except ValueError:  # a malformed extension: as good as absent (an issuer without it is no CA)
        return None


def issuer_problem(issuer: Cert, below: int) -> str | None:
    """RFC 5280 6.1.4 k-n for a certificate that issued the one below it; ``below``: the number of
    non-self-issued intermediate certificates between it and the leaf."""
    name = issuer.info.subject
    bc = extension(issuer, x509.BasicConstraints)
    if issuer.x.version == x509.Version.v1:
        return (f"签发者 {name} 为v1证书（无扩展，无 basicConstraints），不能作为中间CA（RFC 5280 4.2.1.9：CA证书"
                "必须含 basicConstraints；仅声明的自签名v1根可作为信任根）")
    if not isinstance(bc, x509.BasicConstraints) or not bc.ca:
        return f"签发者 {name} 不是CA证书（basicConstraints 无 cA，RFC 5280 6.1.4 k）"
    if bc.path_length is not None and below > bc.path_length:
        return f"签发者 {name} 的路径长度约束为 {bc.path_length}，其下有 {below} 级中间证书（RFC 5280 6.1.4 m）"
    ku = extension(issuer, x509.KeyUsage)
    if isinstance(ku, x509.KeyUsage) and not ku.key_cert_sign:
        return f"签发者 {name} 的密钥用法不含 keyCertSign（RFC 5280 6.1.4 n）"
    return None


#: Constraints this validator does not process (RFC 5280 6.1.3 b-f, 6.1.4 g-j): a path through a
#: CA that sets them is left to a person rather than called valid.
_UNPROCESSED = (x509.NameConstraints, x509.PolicyConstraints, x509.InhibitAnyPolicy)


def unprocessed(cert: Cert) -> str | None:
    """A constraint this validator does not process, or an unrecognised critical extension (None: none)."""
    for ext in cert.x.extensions if _safe_extensions(cert) else ():
        if isinstance(ext.value, _UNPROCESSED):
            return f"{cert.info.subject} 含名称或策略约束（{ext.oid.dotted_string}），本工具未处理，需人工核实"
        if ext.critical and isinstance(ext.value, x509.UnrecognizedExtension):
            return f"{cert.info.subject} 含无法识别的关键扩展 {ext.oid.dotted_string}（RFC 5280 6.1.4 o）"
    return None


def _safe_extensions(cert: Cert) -> bool:
    try:
        _ = cert.x.extensions
    except ValueError:
        return False
    return True
