"""Certificate path validation (RFC 5280 6.1) of a server's chain as it sent it, to the trust
anchors the inventory declares (core.trust_anchors): the part of 8.2 a) 身份鉴别 that a signature
by the certificate's key cannot give. That signature proves possession of a key; only a chain to a
CA the relying party trusts says whose key it is (GB/T 38636: certificates of a licensed CA).

Paths are built from the leaf upwards through the certificates the server sent and the declared
anchors (RFC 4158): every candidate issuer is tried (its subject is the issuer name and, when both
carry key identifiers, its SKI is the AKI: RFC 5280 4.2.1.1, a CA re-keyed under one name), so a
stale intermediate sent beside the renewed one, or an expired cross-certificate, does not hide a
valid path; the first path that holds wins, and only when none does is the chain untrusted or
broken. For every certificate of a path: its signature under its issuer's key, validity
at the probe's time (6.1.3 a), basicConstraints cA and pathLenConstraint on issuers (6.1.4 k-m),
keyUsage keyCertSign on issuers (6.1.4 n), no unrecognised critical extension (6.1.3/6.1.4 o); and
the leaf's name against the host name asked (RFC 6125, probes.tls.hostname_matches); the revocation
status of every certificate below the anchor (RFC 5280 6.1.3 a 3: declared CRLs and the
certificates' distribution points, crypto_eval.revocation). A revoked certificate is broken (✗); a
status the CA publishes but that could not be read is untrusted (missing evidence); a certificate
that names no distribution point and has no declared CRL is noted (ChainVerdict.notes).

A declared version 1 self-signed root (no extensions, so no basicConstraints) is an anchor by
declaration (RFC 5280 6.1.1 d; OpenSSL's "V1 root"), said in the evidence; a version 1 certificate
as an intermediate is not a CA (RFC 5280 4.2.1.9: CA certificates MUST carry basicConstraints;
OpenSSL refuses it too). A leaf with basicConstraints cA TRUE is noted, not ✗: RFC 5280 does not
forbid a CA certificate as a TLS server's (OpenSSL's sslserver purpose accepts it), but its key,
held on the server, can issue certificates the same anchor makes trusted, and the CA/Browser Forum
Baseline Requirements (7.1.2.7.8) want cA FALSE in a subscriber certificate.

Three outcomes, scored differently by 密评: ``trusted`` (the path reaches an anchor and every check
holds: with the server's verified key signature, 8.2 a ✓); ``untrusted`` (no anchor declared, an
issuer neither sent nor declared, a self-signed certificate, a signature that cannot be checked,
or a name or policy constraint this validator does not process: missing evidence naming what to
provide, never ✓); ``broken`` (an issuer's signature that does not verify, a certificate out of
its validity, an issuer that is not a CA, a leaf for another name: ✗ with the reason).

Why not ``cryptography.x509.verification`` (PolicyBuilder / build_server_verifier): it cannot
verify SM2-with-SM3 signatures, which 国密 chains are made of; it applies the CA/Browser Forum web
profile on top of RFC 5280 (a SubjectAlternativeName is required, so the CN-only SM2 certificates
of GB/T 38636 servers fail, as do chains without AuthorityKeyIdentifier); and its one error type
does not tell an unknown issuer (missing evidence) from a forged signature (✗). So one RFC 5280
validator serves every key type; the signatures themselves are ``cryptography``'s
(verify_directly_issued_by: RSA PKCS#1 v1.5 and PSS, ECDSA, Ed25519, Ed448, DSA), and this
project's sm2.verify for SM2-with-SM3 with the GM/T 0009 default ID 1234567812345678 (the ID
certificates are signed with, GM/T 0015). Tests compare the verdicts with ``openssl verify`` and
``cryptography``'s verifier where those apply. The rules of one certificate (its signature, validity,
what an issuer must be, a leaf's purpose) are in crypto_eval.certificate_rules.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from cryptography.utils import CryptographyDeprecationWarning

from govsoc.collectors.protocols.x509 import CertificateInfo
from govsoc.crypto_eval.algorithms import classify_certificate
from govsoc.crypto_eval.certificate_rules import load_cert, purpose_problems
from govsoc.crypto_eval.chain_judge import _judge, _notes, _revocation, _verdict
from govsoc.crypto_eval.chain_paths import BUDGET_EXHAUSTED, CHAIN_SECONDS, TOO_SLOW, _Path, _paths
from govsoc.crypto_eval.chain_verdict import NO_ANCHORS, ChainVerdict, describe
from govsoc.crypto_eval.probes.address import numeric_address
from govsoc.crypto_eval.probes.tls import certificate_names, hostname_matches
from govsoc.crypto_eval.revocation import RevocationStatus
from govsoc.crypto_eval.trust_store import TrustStore

__all__ = ["TrustStore", "ChainVerdict", "validate_chain", "describe", "NO_ANCHORS", "BUDGET_EXHAUSTED"]


def validate_chain(certs: Sequence[CertificateInfo], store: TrustStore, *, host: str | None,
                   at: datetime, address: str | None = None, signing: CertificateInfo | None = None,
                   seconds: float = CHAIN_SECONDS, staple: bytes | None = None) -> ChainVerdict:
    """Validate the chain a server sent (leaf first) at time ``at`` against ``store``; ``host``:
    the name the leaf must carry (a declared address: its iPAddress); ``address``: for an endpoint
    asked by address without a name, the address the leaf must carry as an iPAddress (RFC 5280
    4.2.1.6); neither: not checked;
    ``signing``: for a TLCP encryption certificate, the server's signing certificate, whose subject
    it must share (GB/T 38636: the server's signing and encryption certificates are one entity's pair);
    ``seconds``: the time path building and judging may take (CHAIN_SECONDS); ``staple``: the OCSP
    answer the server stapled to the leaf (crypto_eval.ocsp)."""
    with warnings.catch_warnings():  # cryptography's deprecation notes (a non-positive serial) are not the user's
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        verdict = _validate(certs, store, host=host, at=at, address=address,
                            deadline=time.monotonic() + seconds, staple=staple)
    if signing is not None:
        verdict = replace(verdict, encryption=True)
    if signing is not None and verdict.status == "trusted" and certs and certs[0].subject != signing.subject:
        # a valid chain for another entity's key: the pre-master secret of the ECC suites is
        # encrypted to it, so whose it is matters; left to the evaluator, never ✓
        return replace(verdict, status="untrusted",
                       why=f"TLCP加密证书主体 {certs[0].subject} 与签名证书主体 {signing.subject} 不同（GB/T 38636："
                           "服务端的签名证书与加密证书应属同一实体）：需核实加密证书属于该服务端")
    return verdict


def _validate(certs: Sequence[CertificateInfo], store: TrustStore, *, host: str | None, at: datetime,
              address: str | None, deadline: float, staple: bytes | None = None) -> ChainVerdict:
    loaded = [c for c in (load_cert(i.der) for i in certs if i.der) if c is not None]
    if not loaded:
        return ChainVerdict(status="untrusted", why="未收到可解析的服务端证书", chain="")
    leaf, sent = loaded[0], loaded[1:]
    leaf_problems = purpose_problems(leaf)
    if host is not None and numeric_address(host) is not None:
        # a declared server name that is an address: the certificate's iPAddress is its reference
        # identity (RFC 6125 6.2.1 / RFC 5280 4.2.1.6), never a dNSName (issue 16 fifth review, finding 4)
        if numeric_address(host) not in leaf.info.ip_addresses:
            shown = (f"证书中的地址 iPAddress：{', '.join(leaf.info.ip_addresses)}" if leaf.info.ip_addresses
                     else "证书不含 iPAddress")
            leaf_problems.append(f"证书与地址 {host} 不符（{shown}）")
    elif host is not None and not hostname_matches(host, certificate_names(leaf.info)):
        names = ", ".join(certificate_names(leaf.info)) or leaf.info.subject
        leaf_problems.append(f"证书与域名 {host} 不符（证书名称：{names}）")
    # RFC 5280 6.1 validates *a* path: the first candidate that holds wins; when none does, the one
    # that tells most (a path to a declared anchor that is broken, then one that ends short of any
    # anchor without a break, then a broken one that ends short), with the fewest problems
    judged = []
    paths, cut = _paths(leaf, sent, store, deadline)
    for n, p in enumerate(paths):
        if n and time.monotonic() > deadline:  # the first path is always judged: a verdict, never none
            judged.append(_judge(_Path(p.certs[:1], None, TOO_SLOW), at) + (n,))
            cut = cut or TOO_SLOW
            break
        judged.append(_judge(p, at) + (n,))
    ranked = sorted(judged, key=lambda j: (j[0], len(j[2]), j[4]))
    rank, path, problems, end, _ = ranked[0]
    if rank > 0 and cut:
        # no valid path within the bounds: the paths judged are those the search reached, so a break
        # on one (a signature a same-name candidate's key does not verify) is no evidence of forgery
        rank, problems, end = 2, [], f"{BUDGET_EXHAUSTED}：{cut}"
    statuses: list[RevocationStatus] = []
    # one budget for the endpoint's revocation check, however many paths and certificates it asks of
    revocation_end = store.revocation.deadline()
    if rank == 0:  # the first valid path none of whose certificates is revoked; else the first one, broken
        first: tuple[_Path, list[RevocationStatus]] | None = None
        for candidate in (j[1] for j in ranked if j[0] == 0):
            found = _revocation(candidate, store, at, staple, revocation_end)
            first = first or (candidate, found)
            if not any(r.state == "revoked" for r in found):
                path, statuses = candidate, found
                break
        else:
            assert first is not None
            path, statuses = first
            rank, problems = 1, [r.why for r in statuses if r.state == "revoked"]
    chain = " ← ".join(describe(c.info) for c in path.certs)
    anchor = path.anchor
    if anchor is not None:
        chain += f" ← 信任根 {anchor.info.subject}（SHA-256 {anchor.info.sha256[:16]}）"
    problems = problems + leaf_problems
    weak = tuple(replace(a, name=f"{a.name} ({c.info.subject})") for c in path.certs[1:]
                 for a in classify_certificate(c.info.signature_algorithm, c.info.key_type, c.info.key_bits)
                 if a.klass == "weak" and a.name == c.info.signature_algorithm)
    verdict = _verdict(rank, path, problems, end, store=store, host=host, address=address, leaf=leaf, chain=chain,
                       weak=weak, at=at, statuses=statuses)
    return replace(verdict, notes=_notes(leaf, path, statuses)) if verdict.status == "trusted" else verdict
