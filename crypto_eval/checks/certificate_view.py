"""The server's certificates in the 密评 reading of a channel (crypto_eval.checks.channel_view):
authentication proved only by a verified signature of the certificate's key and a chain to a
declared trust anchor (crypto_eval.chain), a verifiably broken chain, the name or address a
certificate must carry (RFC 6066 3.), and key usage: GB/T 38636's dual certificates (signing and
encryption) and the TLS leaf that signs the handshake (RFC 5280 4.2.1.3, RFC 8446 4.4.2.2).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from govsoc.collectors.protocols.x509 import CertificateInfo
from govsoc.crypto_eval.algorithms import (
    Assessment,
)
from govsoc.crypto_eval.chain import ChainVerdict, TrustStore, validate_chain
from govsoc.crypto_eval.checks.no_evidence import CHAIN_UNTRUSTED, NO_PROOF, STATUS_UNKNOWN
from govsoc.crypto_eval.probes.address import address_asked, server_name_of
from govsoc.crypto_eval.probes.runner import Target
from govsoc.crypto_eval.probes.tls import VersionResult


def _proved(label: str, chain: bool, verified: bool | None, note: str | None, notes: list[str],
            verdicts: Sequence[ChainVerdict]) -> tuple[bool, str] | None:
    """✓ only when a signature by the certificate's key verified and every certificate's chain
    reaches a declared trust anchor (crypto_eval.chain); otherwise no evidence (None), with the
    reasons added to ``notes``: a key signature proves the key, the chain says whose key it is."""
    untrusted = [v for v in verdicts if v.status != "trusted"]
    if chain and verified is not True:
        notes.append(f"{label}: {NO_PROOF}" + (f"（{note}）" if note else ""))
    # a TLCP encryption certificate's own chain is named as such: its key is the one the ECC suites'
    # pre-master secret is encrypted to (fifth review, finding 6)
    notes += [f"{'TLCP加密证书' if label == 'TLCP' and v.encryption else label}: "
              f"{STATUS_UNKNOWN if v.status_unknown else CHAIN_UNTRUSTED}（{v.why}；证书链：{v.chain or '未收到证书'}）"
              for v in untrusted]
    notes += list(dict.fromkeys(f"{label}: {n}" for v in verdicts for n in v.notes))  # a CA leaf, no CRL read
    if chain and verified is True and verdicts and not untrusted:
        return (True, "服务端以数字证书鉴别身份（已验证服务端证书私钥签名；"
                      + "；".join(f"{v.why}，证书链：{v.chain}" for v in verdicts) + "）")
    return None


def _chain_of(certs: Sequence[CertificateInfo], name: str | None, when: datetime, trust: TrustStore,
              address: str | None = None, signing: CertificateInfo | None = None,
              staple: bytes | None = None) -> ChainVerdict | None:
    """The path validation of a chain as sent (None: no certificate); ``address``: the endpoint's
    address when it is asked without a name; ``signing``: the TLCP signing certificate, when this
    is the encryption one (the same subject); ``staple``: the OCSP answer stapled to the leaf."""
    return validate_chain(certs, trust, host=name, at=when, address=address, signing=signing,
                          staple=staple) if certs else None


def _chain_failure(label: str, verdict: ChainVerdict | None) -> tuple[bool, str] | None:
    """D ✗ for a chain that is verifiably broken (forged signature, validity, not a CA, another name)."""
    if verdict is None or verdict.status != "broken":
        return None
    # "TLCP CN=tlcp.test 的签名…", "TLCP证书与域名…", "TLCP加密证书：CN=…"
    gap = " " if label and not label.endswith("：") and verdict.why[:1].isascii() else ""
    return (False, f"{label}{gap}{verdict.why}，身份鉴别无效（证书链：{verdict.chain}）")


def _declared_address(target: Target) -> str | None:
    """A server_name the inventory declares as an address (sent as no SNI, RFC 6066 §3): the
    identity the certificate's iPAddress must match (a mismatch is ✗ as for a declared name)."""
    return address_asked(target.host, target.server_name) if target.server_name else None


def _server_name(target: Target) -> str | None:
    """The name a certificate must carry: the declared SNI, else the host when it is a name (as the probes send)."""
    return server_name_of(target.host, target.server_name)


#: GB/T 38636-2020 (after GM/T 0024): the server sends two certificates, the signing one first
#: (its key signs ServerKeyExchange: key usage digitalSignature) and the encryption one second (its
#: key decrypts the pre-master secret of the ECC suites: keyEncipherment or dataEncipherment; the
#: ECDHE suites use it in the key agreement: keyAgreement as well). Separate keys: the encryption
#: key pair comes from a key-management centre, the signing one is the holder's own. A certificate
#: without the keyUsage extension has neither usage here: in the dual-certificate system the
#: usage is what tells the two apart (RFC 5280's "absent means any use" does not carry over).
SIGNING_USAGE = frozenset({"digital_signature"})
ENCRYPTION_USAGE = frozenset({"key_encipherment", "data_encipherment"})
ECDHE_ENCRYPTION_USAGE = ENCRYPTION_USAGE | {"key_agreement"}


def _usage_text(cert: CertificateInfo) -> str:
    return ", ".join(cert.key_usage) if cert.key_usage else "无密钥用法扩展"


def _signing_usage(cert: CertificateInfo | None, label: str = "TLCP签名证书",
                   rule: str = "GB/T 38636双证书要求") -> tuple[bool, str] | None:
    """Authentication fails when the certificate the server signs with is not certified for signing."""
    if cert is None or SIGNING_USAGE & set(cert.key_usage):
        return None
    swapped = " （签名证书与加密证书的顺序可能颠倒）" if ENCRYPTION_USAGE & set(cert.key_usage) else ""
    return (False, f"{label}的密钥用法不含digitalSignature（{_usage_text(cert)}）：服务端以未被认证用于签名的"
                   f"密钥证明身份，不符合{rule}，身份鉴别无效{swapped}")


def _tls_signing_usage(leaf: CertificateInfo, accepted: Sequence[VersionResult]) -> tuple[bool, str] | None:
    """✗ when the international TLS leaf's key signs the handshake but its keyUsage, present, lacks
    digitalSignature (RFC 5280 4.2.1.3): TLS 1.3 always signs CertificateVerify (RFC 8446 4.4.2.2:
    "the digitalSignature bit MUST be set if the Key Usage extension is present"), and TLS 1.2 and
    earlier sign ServerKeyExchange with the ECDHE_/DHE_ suites (RFC 4492 2.2 and 5.10 / RFC 5246
    7.4.3); RSA key transport (keyEncipherment) and static (EC)DH (keyAgreement) sign nothing.
    A certificate without the extension may be used for anything (RFC 5280), and SM2 leaves are
    judged by the GB/T 38636 / RFC 8998 rules (_signing_usage)."""
    if not leaf.key_usage or "digital_signature" in leaf.key_usage or leaf.key_type == "sm2":
        return None
    signed = [f"{v.version} {v.suite or ''}".strip() for v in accepted
              if v.version in ("TLSv13", "TLSv1.3") or (v.suite or "").startswith(("TLS_ECDHE_", "TLS_DHE_"))]
    if not signed:
        return None
    return (False, f"证书用途不符：服务端证书 {leaf.subject} 的密钥用法不含 digitalSignature（{_usage_text(leaf)}），"
                   f"但协商的密钥交换由该密钥签名握手（{', '.join(signed)}；RFC 8446 4.4.2.2、RFC 5246 7.4.3）："
                   "服务端以未被认证用于签名的密钥证明身份，身份鉴别无效")


def _encryption_usage(sign: CertificateInfo | None, enc: CertificateInfo | None, suite: str) -> Assessment | None:
    """A non-compliant technique when the encryption certificate cannot encipher keys or shares the
    signing key (A ✗; the key is still SM2, so Ra stays 1)."""
    if enc is None:
        return None
    allowed = ECDHE_ENCRYPTION_USAGE if "ECDHE" in suite else ENCRYPTION_USAGE
    if not allowed & set(enc.key_usage):
        return Assessment(name="TLCP加密证书密钥用法", klass="misused", bits=128,
                          why=f"TLCP加密证书的密钥用法不含keyEncipherment/dataEncipherment（{_usage_text(enc)}），"
                              "不符合GB/T 38636双证书要求")
    if sign is not None and sign.sm2_public_key is not None and sign.sm2_public_key == enc.sm2_public_key:
        return Assessment(name="TLCP双证书同一密钥", klass="misused", bits=128,
                          why="TLCP签名证书与加密证书使用同一密钥对，不符合双证书体系（加密密钥应由密钥管理中心产生）")
    return None
