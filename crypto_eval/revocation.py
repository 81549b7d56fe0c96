"""Revocation status of the certificates of a server's chain (RFC 5280 6.1.3 a 3 and 6.3), for the
certificate validity that 8.2 a) 身份鉴别 rests on: a certificate its CA revoked (a stolen key, a
server taken down) proves nothing, however well it chains.

Where the status comes from: certificate revocation lists (CRLs) the inventory declares
(``crls``, core.crl_files) and the CRLs at the http distribution points each certificate names
(cRLDistributionPoints, RFC 5280 4.2.1.13), fetched with a time-out and read once per URL. A CRL
counts only when it is its certificate's issuer's (name, and key identifier when both carry one),
its signature verifies under the issuer's key (SM2-with-SM3 with the GM/T 0009 default ID, as
chain.py checks certificates; RSA, ECDSA and EdDSA with ``cryptography``), the issuer may sign
CRLs (keyUsage cRLSign when keyUsage is present), it is current (thisUpdate ≤ now ≤ nextUpdate),
it is a complete CRL for this certificate (no delta CRL, no indirect CRL; an issuingDistributionPoint
scope that covers the certificate: 6.3.3 b) and has no critical extension this code does not know.

Four outcomes per certificate (the trust anchor itself is trusted by declaration and not checked):
``good`` (a usable CRL does not list it: named in the evidence); ``revoked`` (a usable CRL lists
it: 8.2 a ✗ naming the certificate, its serial number, the date and the reason); ``unknown`` (the
certificate names a distribution point, or the inventory declares CRLs of its issuer, and none
gave a usable CRL: unreachable, stale, not signed by the issuer. The CA publishes a status that
could not be read, so the chain is not trusted: missing evidence naming the URL and why, never ✓);
``unchecked`` (no distribution point and no declared CRL: the CA gives no place to ask, so the
path's other checks stand, with a note that the status was not checked and how to provide it).
An OCSP answer the server stapled to its leaf (crypto_eval.ocsp) is read for the leaf beside the
CRLs: revoked in any usable source decides revoked (a "good" staple the server chose does not hide
a revocation a usable CRL lists; the evidence names both); a usable good staple with no CRL listing
the certificate is good; an unusable one is a problem named beside the CRLs'. OCSP responders
themselves (the AIA URL) are not asked. Distribution points are fetched only for a
path that already holds up to a declared anchor (chain.py), so the URLs fetched are those a
trusted CA wrote, not whatever a server's self-made certificate names.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import CRLEntryExtensionOID

from govsoc.collectors.protocols.x509 import SM2_SM3_OID, CertificateInfo
from govsoc.core.crl_files import read_crl_file
from govsoc.core.errors import ConfigError
from govsoc.crypto_eval import sm2
from govsoc.crypto_eval.crl_fetch import (
    BUDGET,
    FETCH_DEADLINE,
    FETCH_TIMEOUT,
    MAX_POINTS,
    CrlFetcher,
    FetchCache,
    parse_crl,
)
from govsoc.crypto_eval.ocsp import read_staple
from govsoc.crypto_eval.probes.certificate_verify import raw_signature

__all__ = ["Revocation", "RevocationStatus", "FetchCache", "FETCH_TIMEOUT", "distribution_points", "unchecked_note"]


@dataclass(frozen=True, slots=True, kw_only=True)
class RevocationStatus:
    """The revocation status of one certificate (named ``subject``) and the evidence for it."""

    state: Literal["good", "revoked", "unknown", "unchecked"]
    why: str
    subject: str = ""
    #: unknown because distribution points were not read within the endpoint's time budget
    budget_exhausted: bool = False


def distribution_points(cert: x509.Certificate) -> tuple[list[str], list[str]]:
    """(http URLs, other names) of the certificate's CRL distribution points: only http is fetched
    (RFC 5280 4.2.1.13: http or ldap; a CRL is signed, so no TLS is needed to trust it)."""
    try:
        ext = cert.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    except (x509.ExtensionNotFound, ValueError):
        return [], []
    urls: list[str] = []
    other: list[str] = []
    for point in ext:
        for name in point.full_name or ():
            value = name.value if isinstance(name, x509.UniformResourceIdentifier) else str(name.value)
            (urls if value.lower().startswith("http://") else other).append(value)
    return list(dict.fromkeys(urls)), list(dict.fromkeys(other))


def unchecked_note(subjects: Sequence[str]) -> str:
    """The note for certificates whose status was not checked (no distribution point, no declared CRL)."""
    return (f"未核查证书 {'、'.join(subjects)} 的吊销状态：证书不含CRL分发点，资产清单 crls 也未声明其签发者的CRL；"
            "需在 crls 中声明签发CA的CRL，或由测评人员核实")


#: When the revocation budget of the endpoint being judged ends (monotonic time; None: no endpoint).
_ENDPOINT_END: ContextVar[float | None] = ContextVar("govsoc_revocation_end", default=None)

#: Why a distribution point gave nothing: the endpoint's time budget ended first.
_LATE = "时间预算内未取得"


class Revocation:
    """Where revocation status comes from for one system: its declared CRLs and, when ``fetch``,
    the distribution points of the certificates (each URL fetched once per ``cache``; ``fetches``
    counts this object's downloads; at most MAX_POINTS per certificate, side by side, and one
    endpoint's chain waits for them at most ``budget`` seconds: crypto_eval.crl_fetch)."""

    def __init__(self, declared: Sequence[tuple[bytes, str]] = (), *, fetch: bool = True,
                 timeout: float = FETCH_TIMEOUT, deadline: float = FETCH_DEADLINE,
                 cache: FetchCache | None = None, budget: float = BUDGET) -> None:
        self.declared = [(c, source) for der, source in declared if (c := parse_crl(der)) is not None]
        self.fetch, self.budget = fetch, budget
        self.fetcher = CrlFetcher(cache, timeout=timeout, deadline=deadline)
        self._signed: dict[tuple[bytes, bytes], bool | None] = {}

    @property
    def fetches(self) -> int:
        """Distribution points this object downloaded (each URL once per cache)."""
        return self.fetcher.fetches

    @classmethod
    def from_files(cls, paths: Sequence[Path], *, fetch: bool = True, cache: FetchCache | None = None) -> Revocation:
        """Declared CRL files (ConfigError naming the file when one is unusable); ``cache``: the
        distribution points already fetched in this run (shared by the systems of one evaluation)."""
        declared: list[tuple[bytes, str]] = []
        for path in dict.fromkeys(paths):
            try:
                declared += [(der, str(path)) for der in read_crl_file(path)]
            except ValueError as e:
                raise ConfigError(str(e)) from e
        return cls(declared, fetch=fetch, cache=cache)

    @contextmanager
    def endpoint(self) -> Iterator[None]:
        """One endpoint's revocation budget: every chain validated inside (TLS, the TLCP signing and
        encryption chains, TLS 1.3-SM) waits for distribution points until the same end."""
        token = _ENDPOINT_END.set(_ENDPOINT_END.get() or time.monotonic() + self.budget)
        try:
            yield
        finally:
            _ENDPOINT_END.reset(token)

    def deadline(self) -> float:
        """When the current endpoint's budget ends (outside ``endpoint``: ``budget`` from now)."""
        return _ENDPOINT_END.get() or time.monotonic() + self.budget

    def prefetch(self, certs: Sequence[x509.Certificate]) -> None:
        """Begin fetching the distribution points of all ``certs`` at once (a chain's)."""
        if self.fetch:
            self.fetcher.start([u for c in certs for u in distribution_points(c)[0][:MAX_POINTS]])

    def _crl_signed(self, crl: x509.CertificateRevocationList, issuer: x509.Certificate,
                    issuer_info: CertificateInfo) -> bool | None:
        key = (hashlib.sha256(crl.public_bytes(Encoding.DER)).digest(), issuer_info.der)
        if key not in self._signed:
            self._signed[key] = _signed(crl, issuer, issuer_info)
        return self._signed[key]

    def status(self, cert: x509.Certificate, subject: str, issuer: x509.Certificate, issuer_info: CertificateInfo,
               at: datetime, staple: bytes | None = None, deadline: float | None = None) -> RevocationStatus:
        """The revocation status of ``cert`` (named ``subject`` in the evidence), issued by ``issuer``;
        ``staple``: the OCSP answer the server stapled to it (crypto_eval.ocsp); ``deadline``: the
        monotonic time the endpoint's revocation budget ends (default: ``budget`` seconds from now).
        Revoked in any usable source (staple, declared CRL, distribution point) decides revoked: a
        certificate "is not revoked" only if that holds for every source read (RFC 5280 6.1.3 a 3;
        a staple is chosen by the server and may predate the revocation, review R16 HIGH 3). A
        distribution point not read by the deadline makes the status unknown (time budget), unless
        a source read lists it as revoked or a usable staple says good."""
        problems: list[str] = []
        said = read_staple(staple, cert, issuer, issuer_info, at) if staple is not None else None
        if said is not None and said.state == "revoked":
            return RevocationStatus(state="revoked", subject=subject, why=(
                f"证书已被吊销：{subject}（序列号 {cert.serial_number:X}，吊销时间 "
                f"{said.revoked_at:%Y-%m-%d %H:%M} UTC" + (f"，原因 {_REASONS[said.reason]}" if said.reason else "")
                + "；OCSP装订应答，RFC 6960）"))
        good_staple = said.why if said is not None and said.state == "good" else None
        if said is not None and good_staple is None:
            problems.append(f"OCSP装订应答：{said.why}")
        urls = distribution_points(cert)[0]
        candidates, late = self._candidates(cert, problems, deadline)
        usable, revoked = self._read_crls(candidates, cert, subject, issuer, issuer_info, at, problems)
        if revoked is not None:
            contradiction = f"；服务器装订的OCSP应答称未吊销（{good_staple}），以吊销为准" if good_staple else ""
            return RevocationStatus(state="revoked", subject=subject, why=revoked + contradiction)
        if good_staple is not None:
            unread = f"；分发点 {'、'.join(late)} 未在时限内读取" if late else ""
            return RevocationStatus(state="good", subject=subject, why=f"{subject} 未被吊销（{good_staple}{unread}）")
        if late:
            others = [p for p in problems if not p.endswith(_LATE)]
            return RevocationStatus(state="unknown", subject=subject, budget_exhausted=True, why=(
                f"吊销状态未知（时间预算耗尽）：{subject}；本端点的吊销检查限时 {self.budget:g} 秒，分发点 "
                f"{'、'.join(late)} 未在时限内给出CRL（RFC 5280 6.1.3 a 3），不作未吊销判断；"
                + "".join(f"{p}；" for p in others) + "需提供签发CA当前有效的CRL（资产清单 crls）或使分发点及时应答"))
        if usable:
            crl, source = usable[0]
            return RevocationStatus(state="good", subject=subject, why=f"{subject} 未被吊销（CRL：{source}，发布于 "
                                                      f"{crl.last_update_utc:%Y-%m-%d %H:%M} UTC）")
        if problems or urls:
            return RevocationStatus(state="unknown", subject=subject, why=(
                f"无法确认证书 {subject} 的吊销状态（RFC 5280 6.1.3 a 3）："
                + ("；".join(problems) or "未读取分发点")
                + "：需提供签发CA当前有效的CRL（资产清单 crls）或使分发点可访问"))
        return RevocationStatus(state="unchecked", subject=subject, why=unchecked_note([subject]))

    def _read_crls(self, candidates: list[tuple[x509.CertificateRevocationList, str]], cert: x509.Certificate,
                   subject: str, issuer: x509.Certificate, issuer_info: CertificateInfo, at: datetime,
                   problems: list[str]) -> tuple[list[tuple[x509.CertificateRevocationList, str]], str | None]:
        """(the usable CRLs among ``candidates``, the evidence of a revocation one of them lists or
        None); why the others are not usable goes to ``problems``."""
        usable: list[tuple[x509.CertificateRevocationList, str]] = []
        for crl, source in candidates:
            problem = self._unusable(crl, cert, issuer, issuer_info, at)
            if problem is not None:
                problems.append(f"{source}：{problem}")
                continue
            try:  # entries are read lazily: a malformed one (in a CRL its CA signed) is the CRL's problem
                entry = crl.get_revoked_certificate_by_serial_number(cert.serial_number)
                when = entry.revocation_date_utc if entry is not None else None
            except ValueError:
                problems.append(f"{source}：CRL条目无法解析")
                continue
            if entry is not None and when is not None and (reason := _reason(entry)) != "removeFromCRL":
                return usable, (f"证书已被吊销：{subject}（序列号 {cert.serial_number:X}，吊销时间 "
                                f"{when:%Y-%m-%d %H:%M} UTC" + (f"，原因 {reason}" if reason else "")
                                + f"；CRL：{source}，RFC 5280 6.1.3 a 3）")
            usable.append((crl, source))
        return usable, None

    def _candidates(self, cert: x509.Certificate, problems: list[str], deadline: float | None
                    ) -> tuple[list[tuple[x509.CertificateRevocationList, str]], list[str]]:
        """(the CRLs that may give ``cert``'s status with where each came from, the distribution
        points not read by ``deadline``): the declared CRLs of its issuer and the first MAX_POINTS
        http distribution points, fetched side by side; what could not be read goes to ``problems``."""
        urls, other = distribution_points(cert)
        candidates = [(crl, source) for crl, source in self.declared if crl.issuer == cert.issuer]
        problems += [f"{name}：不支持的分发点协议（只读取 http）" for name in other]
        read = urls[:MAX_POINTS] if self.fetch else []
        if len(urls) > MAX_POINTS:
            first = urls[MAX_POINTS]
            problems.append(f"CRL分发点过多（{len(urls)} 个），只读取前 {MAX_POINTS} 个，其余未读取（如 {first}）")
        late = self.fetcher.wait(read, deadline if deadline is not None else time.monotonic() + self.budget)
        for url in read:
            crl, error = self.fetcher.get(url) if url not in late else (None, _LATE)
            if crl is None:
                problems.append(f"{url}：{error}")
            else:
                candidates.append((crl, url))
        return candidates, late

    def _unusable(self, crl: x509.CertificateRevocationList, cert: x509.Certificate, issuer: x509.Certificate,
                  issuer_info: CertificateInfo, at: datetime) -> str | None:
        """Why this CRL cannot give ``cert``'s status (None: it can; RFC 5280 6.3.3)."""
        if crl.issuer != cert.issuer:
            return f"CRL签发者 {crl.issuer.rfc4514_string()} 不是证书签发者"
        aki, ski = _crl_aki(crl), _ski(issuer)
        if aki is not None and ski is not None and aki != ski:
            return "CRL的签发者密钥标识与证书签发者的不同（另一密钥签发）"
        scope = _scope_problem(crl, cert)
        if scope is not None:
            return scope
        usage = _extension(issuer, x509.KeyUsage)
        if isinstance(usage, x509.KeyUsage) and not usage.crl_sign:
            return f"签发者 {issuer_info.subject} 的密钥用法不含 cRLSign（RFC 5280 4.2.1.3）"
        signed = self._crl_signed(crl, issuer, issuer_info)
        if signed is None:
            return "CRL签名算法无法验证"
        if not signed:
            return "CRL签名不能用签发者的公钥验证（伪造或被篡改的CRL）"
        if at < crl.last_update_utc:
            return f"CRL尚未生效（发布时间 {crl.last_update_utc:%Y-%m-%d %H:%M} UTC）"
        if crl.next_update_utc is not None and at > crl.next_update_utc:
            return f"CRL已过期（下次更新时间 {crl.next_update_utc:%Y-%m-%d %H:%M} UTC）"
        return None


def _signed(crl: x509.CertificateRevocationList, issuer: x509.Certificate, issuer_info: CertificateInfo) -> bool | None:
    """Whether the issuer's key verifies the CRL's signature (None: it cannot be checked here)."""
    if crl.signature_algorithm_oid.dotted_string == SM2_SM3_OID:
        if issuer_info.sm2_public_key is None:
            return False
        try:
            return sm2.verify(sm2.decode_point(issuer_info.sm2_public_key), crl.tbs_certlist_bytes,
                              raw_signature(crl.signature))
        except ValueError:
            return False
    if issuer_info.key_type == "sm2":
        return False  # an SM2 key makes only SM2 signatures
    try:
        return crl.is_signature_valid(issuer.public_key())  # type: ignore[arg-type]
    except InvalidSignature:
        return False
    except (ValueError, TypeError, UnsupportedAlgorithm):
        return None


def _extension(obj: x509.Certificate | x509.CertificateRevocationList,
               kind: type[x509.ExtensionType]) -> x509.ExtensionType | None:
    try:
        return obj.extensions.get_extension_for_class(kind).value
    except (x509.ExtensionNotFound, ValueError):
        return None


def _crl_aki(crl: x509.CertificateRevocationList) -> bytes | None:
    aki = _extension(crl, x509.AuthorityKeyIdentifier)
    return aki.key_identifier if isinstance(aki, x509.AuthorityKeyIdentifier) else None


def _ski(cert: x509.Certificate) -> bytes | None:
    ski = _extension(cert, x509.SubjectKeyIdentifier)
    return ski.digest if isinstance(ski, x509.SubjectKeyIdentifier) else None


def _is_ca(cert: x509.Certificate) -> bool:
    bc = _extension(cert, x509.BasicConstraints)
    return isinstance(bc, x509.BasicConstraints) and bc.ca


def _scope_problem(crl: x509.CertificateRevocationList, cert: x509.Certificate) -> str | None:
    """Why the CRL is not a complete CRL covering ``cert`` (RFC 5280 5.2.4, 5.2.5, 6.3.3 b)."""
    try:
        extensions = list(crl.extensions)
    except ValueError:
        return "CRL扩展无法解析"
    for ext in extensions:
        if isinstance(ext.value, x509.DeltaCRLIndicator):
            return "增量CRL（delta CRL），不是完整CRL"
        if ext.critical and isinstance(ext.value, x509.UnrecognizedExtension):
            return f"CRL含无法识别的关键扩展 {ext.oid.dotted_string}"
        if not isinstance(ext.value, x509.IssuingDistributionPoint):
            continue
        idp = ext.value
        if idp.indirect_crl:
            return "间接CRL（indirect CRL），不支持"
        if idp.only_some_reasons:
            return "CRL仅含部分吊销原因"
        if idp.only_contains_attribute_certs or (idp.only_contains_ca_certs and not _is_ca(cert)) or (
                idp.only_contains_user_certs and _is_ca(cert)):
            return "CRL的适用范围（issuingDistributionPoint）不含该类证书"
        if idp.full_name:
            names = {n.value for n in idp.full_name if isinstance(n, x509.UniformResourceIdentifier)}
            urls, other = distribution_points(cert)
            if not names & {*urls, *other}:
                return "CRL的分发点名称与证书的CRL分发点不符（分段CRL，不含该证书）"
    return None


def _reason(entry: x509.RevokedCertificate) -> str:
    """The entry's reason code by its RFC 5280 5.3.1 name ("" when absent)."""
    try:
        ext = entry.extensions.get_extension_for_oid(CRLEntryExtensionOID.CRL_REASON).value
    except (x509.ExtensionNotFound, ValueError):
        return ""
    return _REASONS.get(ext.reason, ext.reason.value) if isinstance(ext, x509.CRLReason) else ""


_REASONS = {x509.ReasonFlags.key_compromise: "keyCompromise", x509.ReasonFlags.ca_compromise: "cACompromise",
            x509.ReasonFlags.affiliation_changed: "affiliationChanged", x509.ReasonFlags.superseded: "superseded",
            x509.ReasonFlags.cessation_of_operation: "cessationOfOperation",
            x509.ReasonFlags.certificate_hold: "certificateHold", x509.ReasonFlags.remove_from_crl: "removeFromCRL",
            x509.ReasonFlags.privilege_withdrawn: "privilegeWithdrawn", x509.ReasonFlags.aa_compromise: "aACompromise",
            x509.ReasonFlags.unspecified: "unspecified"}
