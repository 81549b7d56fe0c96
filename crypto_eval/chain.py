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
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Literal

from cryptography import x509
from cryptography.utils import CryptographyDeprecationWarning

from govsoc.collectors.protocols.x509 import CertificateInfo
from govsoc.core.errors import ConfigError
from govsoc.core.trust_anchors import is_v1_root, read_anchor_file
from govsoc.crypto_eval.algorithms import Assessment, classify_certificate
from govsoc.crypto_eval.certificate_rules import (
    Cert,
    extension,
    issuer_problem,
    key_ids,
    load_cert,
    purpose_problems,
    signed_by,
    unprocessed,
    validity_problem,
)
from govsoc.crypto_eval.probes.address import numeric_address
from govsoc.crypto_eval.probes.tls import certificate_names, hostname_matches
from govsoc.crypto_eval.revocation import FetchCache, Revocation, RevocationStatus, unchecked_note

__all__ = ["TrustStore", "ChainVerdict", "validate_chain", "describe", "NO_ANCHORS", "BUDGET_EXHAUSTED"]

#: Why a chain cannot be trusted when the inventory declares no anchor (what to provide).
NO_ANCHORS = ("未声明信任根：证书链无法验证到可信的CA，需在资产清单 trust_anchors（全局或系统 crypto.trust_anchors）"
              "中声明签发服务端证书的CA根证书（国密CA根）")


@dataclass(frozen=True, slots=True)
class TrustStore:
    """The declared trust anchors of one system (its own and the inventory's global ones)."""

    anchors: tuple[Cert, ...] = ()
    #: where the revocation status of the chains' certificates comes from (declared CRLs, fetched ones)
    revocation: Revocation = field(default_factory=Revocation, compare=False)

    @classmethod
    def from_files(cls, paths: Sequence[Path], crls: Sequence[Path] = (),
                   cache: FetchCache | None = None) -> TrustStore:
        """Read anchor files and CRL files (ConfigError naming the file when one is unusable);
        ``cache``: CRLs already fetched in this run (Revocation)."""
        ders: list[bytes] = []
        for path in dict.fromkeys(paths):
            try:
                ders += read_anchor_file(path)
            except ValueError as e:
                raise ConfigError(str(e)) from e
        return cls.from_der(ders, Revocation.from_files(crls, cache=cache))

    @classmethod
    def from_der(cls, ders: Sequence[bytes], revocation: Revocation | None = None) -> TrustStore:
        """Anchors from DER certificates (an unreadable one is left out)."""
        loaded = (load_cert(d) for d in dict.fromkeys(ders))
        return cls(tuple(c for c in loaded if c is not None), revocation or Revocation())

    def __bool__(self) -> bool:
        return bool(self.anchors)


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


def _may_issue(child: Cert, issuer: Cert) -> bool:
    """Whether ``issuer`` is a candidate issuer of ``child``: its subject is the child's issuer name
    and, when both carry key identifiers, its SKI is the child's AKI (RFC 5280 4.2.1.1: the AKI is
    there "to distinguish keys when an issuer has multiple signing keys"; OpenSSL's check_issued)."""
    if issuer.x.subject != child.x.issuer:
        return False
    aki, ski = key_ids(child)[0], key_ids(issuer)[1]
    return aki is None or ski is None or aki == ski


#: Bounds of the path search (RFC 4158 path building), counted in work, not time: at most
#: _MAX_PATHS candidate paths are judged, a path holds at most _MAX_DEPTH certificates (OpenSSL's
#: default verify depth is 100; no real server's chain comes near 32), and the search takes at most
#: _MAX_STEPS steps (a step: one certificate added to a path) and _MAX_CHECKS signature checks to pick
#: among candidates of one name. Every path the bounds cut is recorded
#: with why, so a chain beyond them is untrusted (missing evidence naming the bound), never a crash,
#: and a server that sends many certificates of one name (every one a candidate issuer of every
#: other: factorially many orderings) costs at most _MAX_STEPS steps and the signatures along them.
_MAX_PATHS, _MAX_DEPTH, _MAX_STEPS = 64, 32, 256
#: Signatures the search checks to order candidates (each one cached: signed_by).
_MAX_CHECKS = 512

#: Why a path was cut by a bound (what the evidence says).
TOO_LONG = f"证书路径超过 {_MAX_DEPTH} 级（路径过长），本工具未继续构建"
#: Seconds one chain's path building and judging may take in all (SM2 signatures are checked in
#: Python, ~10 ms each): past it, the paths not yet built or judged are left out and said so. The
#: counted bounds above keep real chains far inside it; this is what holds when they do not.
CHAIN_SECONDS = 10.0
TOO_SLOW = f"证书链验证超过 {CHAIN_SECONDS:g} 秒时限，本工具未继续构建和验证其余路径"
#: What a chain whose valid path was not found within the bounds is: missing evidence, never a forgery
#: (the broken candidate paths met on the way were wrong turns among certificates of one name).
BUDGET_EXHAUSTED = "证书链未验证（路径构建预算耗尽）"
TOO_MANY = f"候选证书路径过多（路径搜索超过 {_MAX_STEPS} 步上限，如服务端发送大量同名CA证书），本工具未继续搜索"


@dataclass(frozen=True, slots=True)
class _Path:
    """One candidate path from the leaf up; ``anchor`` None: it ends where no issuer was found."""

    certs: tuple[Cert, ...]
    anchor: Cert | None
    end: str  # why it ends without an anchor ("" when it reaches one)
    #: why the certificate it ends at impersonates a declared anchor (a break: validate_chain's ✗)
    forged: str = ""


def _dead_end(path: tuple[Cert, ...], store: TrustStore) -> _Path:
    """The path ending at a certificate none of whose candidate issuers was sent or declared.

    Where a declared anchor bears the issuer's name but did not sign it (another key: the anchor
    was no candidate by key identifier, or is not the self-signed certificate the server sent),
    the path impersonates that anchor: a CA "of the declared root's name" is whoever made a key and
    wrote the name (RFC 5280 6.1 trusts an anchor's *key*; 4.2.1.1: the key identifiers tell one
    name's keys apart), so it is ✗ unless the server gives positive evidence of a re-key, a
    certificate of the new key signed by the declared anchor (a cross-certificate, then a candidate
    issuer and a valid path). Only an anchor that does verify the signature under another key
    identifier is left to a person (issue 16 fifth review, finding 6)."""
    current = path[-1]
    same_name = [a for a in store.anchors if a.x.subject == current.x.issuer]
    if same_name and not any(signed_by(current, a) for a in same_name):
        aki, ski = (key_ids(current)[0] or b"").hex(), (key_ids(same_name[0])[1] or b"").hex()
        ids = f"（AKI {aki[:16]}，信任根 SKI {ski[:16]}）" if aki and ski else ""
        sent_root = current.x.subject == current.x.issuer and len(path) > 1
        what = (f"服务端发送的自签名证书 {describe(current.info)} 与声明的信任根 {current.info.issuer} 同名但密钥不同"
                if sent_root else f"{current.info.subject} 声称由声明的信任根 {current.info.issuer} 签发，"
                                  f"但其签名不能用该信任根的公钥验证{ids}")
        return _Path(path, None, "", forged=(
            f"{what}：冒充声明信任根的CA（伪造的证书链，高风险）；若该CA确已更换根密钥，须由已声明的信任根签发新密钥的"
            "交叉证书并由服务端发送，或经向CA核实后在 trust_anchors 中声明新根"))
    if same_name:  # the anchor's key signed it under another key identifier: odd, not forged
        return _Path(path, None, (
            f"签发者 {current.info.issuer} 的密钥标识（AKI {(key_ids(current)[0] or b'').hex()}）与声明的同名"
            f"信任根（SKI {(key_ids(same_name[0])[1] or b'').hex()}）不同，但签名可用该信任根的公钥验证：需向CA核实"))
    if current.x.subject == current.x.issuer:
        kind = ("自签名证书" if signed_by(current, current)
                else "自颁发证书（主体与签发者同名，但签名不能用其自身公钥验证）")
        return _Path(path, None, f"{kind} {current.info.subject} 不是声明的信任根")
    return _Path(path, None, (f"签发者 {current.info.issuer} 的证书既未由服务端发送，也不是声明的信任根"
                              "（中间证书缺失或签发CA未声明）"))


def _paths(leaf: Cert, sent: Sequence[Cert], store: TrustStore, deadline: float) -> tuple[list[_Path], str]:
    """(every candidate path (RFC 4158) within the bounds, the bound that cut the search or ""): at
    each step every declared anchor and every sent certificate that may have issued the current one
    (name and key identifier) is tried, so a stale or cross-certified issuer sent beside the right
    one does not hide the valid path; those issued by an anchor's key first (RFC 4158 3.5.1/3.5.12:
    a certificate the trust anchor issued ends the path; in a mesh of cross-certified CAs of one
    name, the short way up). The certificates sent are taken once each (a duplicate is the same
    candidate)."""
    anchor_ders = {a.info.der for a in store.anchors}
    anchor_skis = {ski for a in store.anchors if (ski := key_ids(a)[1]) is not None}
    pool = [c for c in {c.info.der: c for c in sent}.values()
            if c.info.der != leaf.info.der and c.info.der not in anchor_ders]
    out: list[_Path] = []
    steps = checks = 0
    cut = ""

    def _by_anchor(candidate: Cert) -> bool:
        """Whether an anchor's key issued ``candidate``: by key identifier, else (within the checks
        budget) by its signature."""
        nonlocal checks
        aki = key_ids(candidate)[0]
        if aki is not None and anchor_skis:
            return aki in anchor_skis
        named = [a for a in store.anchors if _may_issue(candidate, a)]
        if not named or checks + len(named) > _MAX_CHECKS:
            return False
        checks += len(named)
        return any(signed_by(candidate, a) for a in named)

    def _preferred(child: Cert, candidates: list[Cert]) -> list[Cert]:
        """The candidates whose key verifies ``child``'s signature when there are any (RFC 4158 3.5:
        a path through a wrong candidate is a dead end; a dozen certificates of one name then leave
        one way up), else all of them (a tampered certificate is judged on its broken path). At most
        _MAX_CHECKS signatures are checked for this ordering; past that, the candidates go as sent."""
        nonlocal checks
        if len(candidates) < 2 or checks + len(candidates) > _MAX_CHECKS:
            return candidates
        checks += len(candidates)
        verified = [c for c in candidates if signed_by(child, c)] or candidates
        first = [c for c in verified if _by_anchor(c)]
        return first + [c for c in verified if c not in first]

    def walk(path: tuple[Cert, ...]) -> None:
        nonlocal steps, cut
        current = path[-1]
        anchors = [a for a in store.anchors if _may_issue(current, a)]
        out.extend(_Path(path, a, "") for a in anchors)
        used = {c.info.der for c in path}
        issuers = _preferred(current, [c for c in pool if c.info.der not in used and _may_issue(current, c)])
        for issuer in issuers:
            bound = ("paths" if len(out) >= _MAX_PATHS else TOO_LONG if len(path) >= _MAX_DEPTH
                     else TOO_MANY if steps >= _MAX_STEPS else TOO_SLOW if time.monotonic() > deadline else "")
            if bound:
                cut = cut or (TOO_MANY if bound == "paths" else bound)
                if bound != "paths":
                    out.append(_Path(path, None, bound))
                return
            steps += 1
            walk((*path, issuer))
        if not anchors and not issuers:
            out.append(_dead_end(path, store))

    walk((leaf,))
    return out, cut


def _signature_problems(path: _Path) -> tuple[list[str], list[str]]:
    """(breaks, reasons it cannot be checked) of the signatures along ``path``."""
    broken: list[str] = []
    unchecked: list[str] = []
    pairs = list(zip(path.certs, [*path.certs[1:], *([path.anchor] if path.anchor else [])], strict=False))
    for child, issuer in pairs:
        ok = signed_by(child, issuer)
        if ok is None:
            unchecked.append(f"{child.info.subject} 的签名算法 {child.info.signature_algorithm} 无法验证")
        elif not ok and issuer is path.anchor:
            broken.append(f"证书声称由信任根 {child.info.issuer} 签发，但其签名不能用该信任根的公钥验证"
                          "（伪造或被篡改的证书）")
        elif not ok:
            broken.append(f"{child.info.subject} 的签名不能用签发者 {child.info.issuer} 的公钥验证")
    return broken, unchecked


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


def _revocation(path: _Path, store: TrustStore, at: datetime, staple: bytes | None = None,
                deadline: float | None = None) -> list[RevocationStatus]:
    """The revocation status of every certificate of ``path`` below its anchor (the anchor, and a
    self-signed certificate declared as its own anchor, are trusted by declaration: RFC 5280 6.1.1 d);
    ``staple``: the leaf's stapled OCSP answer; ``deadline``: when the endpoint's revocation budget
    ends (the distribution points of the whole path are fetched side by side first)."""
    if path.anchor is None:
        return []
    issuers = [*path.certs[1:], path.anchor]
    pairs = [(n, child, issuer) for n, (child, issuer) in enumerate(zip(path.certs, issuers, strict=True))
             if child.info.der != path.anchor.info.der]
    store.revocation.prefetch([child.x for _, child, _ in pairs])
    return [store.revocation.status(child.x, child.info.subject, issuer.x, issuer.info, at,
                                    staple if n == 0 else None, deadline) for n, child, issuer in pairs]


def _notes(leaf: Cert, path: _Path, statuses: list[RevocationStatus]) -> tuple[str, ...]:
    """What an evaluator should know of a chain that holds."""
    unchecked = [r.subject for r in statuses if r.state == "unchecked"]
    notes = [unchecked_note(unchecked)] if unchecked else []
    bc = extension(leaf, x509.BasicConstraints)
    if isinstance(bc, x509.BasicConstraints) and bc.ca:
        notes.append(f"服务端证书 {leaf.info.subject} 是CA证书（basicConstraints cA=TRUE）：其私钥保存在服务器上，"
                     "可签发同一信任根所信任的其他证书；RFC 5280 未禁止，但终端实体证书应为 cA=FALSE（CA/Browser Forum "
                     "基线要求，订户证书的 basicConstraints），建议更换为终端实体证书")
    if path.anchor is not None and is_v1_root(path.anchor.x):
        notes.append(f"信任根 {path.anchor.info.subject} 为v1自签名证书（无 basicConstraints 扩展）：按声明作为信任根"
                     "（RFC 5280 6.1.1 d），需测评人员确认其确为CA根证书")
    return tuple(notes)


def _verdict(rank: int, path: _Path, problems: list[str], end: str, *, store: TrustStore, host: str | None,
             address: str | None, leaf: Cert, chain: str, weak: tuple[Assessment, ...], at: datetime,
             statuses: Sequence[RevocationStatus] = ()) -> ChainVerdict:
    anchor = path.anchor
    if problems:
        return ChainVerdict(status="broken", why="；".join(problems), chain=chain, weak=weak)
    if not store:
        return ChainVerdict(status="untrusted", why=NO_ANCHORS, chain=chain, weak=weak)
    if anchor is None or rank > 0:
        return ChainVerdict(status="untrusted", chain=chain, weak=weak,
                            why=f"{end}：证书链未到达声明的信任根，" + ("需测评人员人工核实服务端发送的证书链"
                                                                   if end in (TOO_LONG, TOO_MANY, TOO_SLOW)
                                                                   or end.startswith(BUDGET_EXHAUSTED) else
                                                                   "需声明签发CA的根证书或由服务端发送完整证书链"))
    left = next((p for c in [*path.certs, anchor] if (p := unprocessed(c))), None)
    if left is not None:
        return ChainVerdict(status="untrusted", why=left, chain=chain, weak=weak)
    unknown = [r.why for r in statuses if r.state == "unknown"]
    if unknown:  # the CA publishes a status that could not be read: not ✓ (crypto_eval.revocation)
        return ChainVerdict(status="untrusted", why="；".join(unknown), chain=chain, weak=weak, status_unknown=True)
    if host is None and address is not None and address not in leaf.info.ip_addresses:
        # a valid chain says whose key it is, not that it is this endpoint's: without a name to
        # match, the identity of the server asked by address is not established
        return ChainVerdict(status="untrusted", chain=chain, weak=weak,
                            why=f"端点以地址 {address} 访问且未声明 server_name，证书不含该地址（iPAddress）："
                                "无法核对证书是否属于该端点，需声明端点的 server_name")
    if path.certs == (leaf,) and anchor.info.der == leaf.info.der:
        # RFC 5280 6.1: a trust anchor is trusted by declaration, so a self-signed server certificate
        # declared as its own anchor is valid (direct trust, pinning); but no CA vouched for it
        why = (f"服务端自签名证书 {leaf.info.subject} 被声明为其自身的信任根（直接信任/证书固定：RFC 5280 6.1 "
               "信任根按声明信任；该证书非CA签发，需测评人员确认此声明）")
    else:
        why = f"证书链验证到声明的信任根 {anchor.info.subject}"
    why += "".join(f"；{r.why}" for r in statuses if r.state == "good")
    if at > anchor.info.not_after:  # RFC 5280 6.1.1 d leaves the anchor's validity to the relying party
        why += (f"（信任根 {anchor.info.subject} 已于 {anchor.info.not_after:%Y-%m-%d} 过期：信任根按声明信任，"
                "需核实该声明是否已过时）")
    return ChainVerdict(status="trusted", why=why, chain=chain, weak=weak)


def _judge(path: _Path, at: datetime) -> tuple[int, _Path, list[str], str]:
    """(rank, path, its breaks, why it reaches no anchor): rank 0 a valid path to an anchor (a
    constraint left to a person still counts: validate_chain says so), 1 a path to an anchor with
    a break (or ending at an impostor of a declared anchor), 2 no break but no anchor reached (or a
    signature that cannot be checked, or cut by a bound), 3 a break on a path that reaches no anchor."""
    broken, unchecked = _signature_problems(path)
    problems = broken + [p for c in path.certs if (p := validity_problem(c.info, at))]
    issuers = [*path.certs[1:], *([path.anchor] if path.anchor is not None else [])]
    for n, issuer in enumerate(issuers):
        if issuer is path.anchor and is_v1_root(issuer.x):
            continue  # a declared v1 root: an anchor by declaration (RFC 5280 6.1.1 d), it has no extensions
        below = sum(1 for c in path.certs[1:n + 1] if c.x.subject != c.x.issuer)
        if (p := issuer_problem(issuer, below)) is not None:
            problems.append(p)
    reaches = path.anchor is not None
    end = path.end or "；".join(unchecked)
    if path.forged:  # an impostor of a declared anchor: as broken as a forged signature by the anchor
        return 1, path, [*problems, path.forged], end
    if problems:
        return (1 if reaches else 3), path, problems, end
    return (0 if reaches and not unchecked else 2), path, [], end
