"""Judging one candidate certification path (RFC 5280 6.1.3 / 6.1.4): the signatures along it, the
validity and issuer rules of its certificates, the revocation status of those below the anchor
(crypto_eval.revocation), and the verdict and notes of the path chosen (crypto_eval.chain)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from cryptography import x509

from govsoc.core.trust_anchors import is_v1_root
from govsoc.crypto_eval.algorithms import Assessment
from govsoc.crypto_eval.certificate_rules import (
    Cert,
    extension,
    issuer_problem,
    signed_by,
    unprocessed,
    validity_problem,
)
from govsoc.crypto_eval.chain_paths import BUDGET_EXHAUSTED, TOO_LONG, TOO_MANY, TOO_SLOW, _Path
from govsoc.crypto_eval.chain_verdict import NO_ANCHORS, ChainVerdict
from govsoc.crypto_eval.revocation import RevocationStatus, unchecked_note
from govsoc.crypto_eval.trust_store import TrustStore


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
