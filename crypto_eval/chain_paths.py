"""Building the candidate certification paths of a chain (RFC 4158; RFC 5280 4.2.1.1 key
identifiers): from the leaf up through the certificates the server sent and the declared anchors,
every candidate issuer tried, within counted bounds (paths, depth, steps, signature checks) and a
time limit, each path cut by a bound recorded with why; and the dead end of a path whose issuer was
neither sent nor declared, or that impersonates a declared anchor."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from govsoc.crypto_eval.certificate_rules import Cert, key_ids, signed_by
from govsoc.crypto_eval.chain_verdict import describe
from govsoc.crypto_eval.trust_store import TrustStore


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
