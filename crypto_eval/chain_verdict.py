"""The outcome of validating one certificate chain (crypto_eval.chain): trusted, untrusted (missing
evidence, naming what to provide) or broken (✗, with the reason), and how its evidence names a
certificate."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from govsoc.collectors.protocols.x509 import CertificateInfo
from govsoc.crypto_eval.algorithms import Assessment

#: Why a chain cannot be trusted when the inventory declares no anchor (what to provide).
NO_ANCHORS = ("未声明信任根：证书链无法验证到可信的CA，需在资产清单 trust_anchors（全局或系统 crypto.trust_anchors）"
              "中声明签发服务端证书的CA根证书（国密CA根）")


@dataclass(frozen=True, slots=True, kw_only=True)
class ChainVerdict:
    """The outcome of validating one chain: trusted / untrusted (missing evidence) / broken (✗)."""

    status: Literal["trusted", "untrusted", "broken"]
    why: str
    chain: str  # the path as found: subjects, issuers, SHA-256 fingerprints, and the anchor
    #: weak signatures (SHA-1, MD5) on the path's certificates above the leaf, as 密评 algorithm
    #: assessments (the leaf's own signature is classified with the leaf; an anchor is trusted by
    #: declaration, its self-signature is not part of the path: RFC 5280 6.1.1 d)
    weak: tuple[Assessment, ...] = ()
    #: what the evaluator should know of a chain that holds (a leaf that is a CA, a revocation status
    #: not checked): INFO findings beside the ✓
    notes: tuple[str, ...] = ()
    #: untrusted only because a revocation status the CA publishes could not be read (the path holds)
    status_unknown: bool = False
    #: the chain of a TLCP encryption certificate (validate_chain's ``signing`` given)
    encryption: bool = False


def describe(cert: CertificateInfo) -> str:
    """How evidence names a certificate: subject, issuer and the start of its SHA-256 fingerprint."""
    return f"{cert.subject}（签发者 {cert.issuer}，SHA-256 {cert.sha256[:16]}）"
