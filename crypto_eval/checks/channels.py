"""Channel checks from active probes: network and communication channels (GB/T 39786 8.2 a-c, and
8.4 d/f for the important data they carry) and remote-management channels (8.3 b).

For every endpoint the probe report is read as a ChannelView (channel_view.py); D comes from
whether the channel is protected effectively, A from the algorithms and techniques (Ra from the
weakest non-compliant one), K from the declared products that do the cryptography (key_factor).
"""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlsplit

from govsoc.core.inventory_model import Endpoint
from govsoc.crypto_eval.algorithms import weakest
from govsoc.crypto_eval.checks import CHECKS, SystemContext, object_name
from govsoc.crypto_eval.checks.channel_view import ChannelView, view_of
from govsoc.crypto_eval.checks.key_factor import key_findings
from govsoc.crypto_eval.checks.ssh_host_key import with_host_keys
from govsoc.crypto_eval.finding import Finding
from govsoc.crypto_eval.probes.runner import EndpointReport

__all__ = ["NetworkChannelCheck", "AdminChannelCheck", "channel_findings", "CREDENTIAL_WORDS"]

#: Protocols that are remote management whatever the inventory says. FTP is not among them: a public
#: download area is no device administration (issue 16 fourth review, finding 3); an FTP endpoint is
#: a management channel when the inventory declares it ``kind: admin``.
ADMIN_PROTOCOLS = frozenset({"ssh", "telnet"})
#: Words that name authentication data (GB/T 39786 8.4: 鉴别数据) among a system's important-data
#: classes: what a login channel carries whatever the inventory maps (all classes when none is named so).
CREDENTIAL_WORDS = ("鉴别", "口令", "认证", "凭据", "登录", "密码")
#: The class a login channel carries when the inventory declares none (GB/T 39786 8.4: 鉴别数据).
AUTHENTICATION_DATA = "鉴别数据"


def is_admin(endpoint: Endpoint) -> bool:
    """Remote-management channels: declared kind admin, or an SSH/telnet endpoint."""
    return endpoint.kind == "admin" or endpoint.protocol.lower() in ADMIN_PROTOCOLS


def _listed_target(context: SystemContext, url: str) -> bool:
    """Whether a redirect's https URL is one of the system's endpoints (same host name or address
    and port, asked over TLS/TLCP), so that the channel it leads to is probed and judged."""
    try:
        parts = urlsplit(url.strip())
        host, port = (parts.hostname or "").lower(), parts.port or (443 if parts.scheme.lower() == "https" else 0)
    except ValueError:
        return False
    if not host or not port or parts.scheme.lower() != "https":
        return False
    address = context.target_key(host, port, "https", None)[0]  # 2130706433 names 127.0.0.1 too
    return any(e.port == port and (host in {e.host.lower().strip("[]"), (e.server_name or "").lower()}
                                   or context.endpoint_key(e)[0] == address)
               and e.protocol.lower() not in {"http", "tcp", "telnet", "ftp"} for e in context.endpoints)


def channel_findings(context: SystemContext, item_id: str, obj: str, view: ChannelView, aspect: str,
                     check: str, scope: str, provenance: str = "auto") -> list[Finding]:
    """D, A and K findings of one item for one channel; ``aspect`` picks the D question."""
    item = context.catalogue.item(item_id)

    def finding(**kw: object) -> Finding:
        return Finding(item=item_id, clause=item.clause, system=context.name, object=obj, check=check,
                       provenance=provenance, **kw)  # type: ignore[arg-type]

    if view.protocol == "unreachable":
        # nothing was seen there, no certificate, chain nor signature: a declaration cannot stand in for it
        return [finding(factor="MISSING", satisfied=False, observed=view.observed,
                        why=f"探测无法连接端点 {view.observed}：未取得任何证据，该对象缺少证据", risk="中")]
    if view.protocol == "unknown":  # a note says what was seen (a TLS server refusing the suites offered)
        return [finding(factor="MISSING", satisfied=False, observed=view.observed,
                        why=view.notes[0] if view.notes else "未识别出协议：需人工说明该信道的保护措施",
                        risk="中")]
    if view.protocol == "redirect":  # carries no data: no D, and no object of the item (a note only) ...
        if _listed_target(context, view.redirect):
            return [finding(factor="INFO", satisfied=True, observed=view.observed, why="; ".join(view.notes))]
        # ... when the channel it sends its clients to is one of the system's probed endpoints
        return [finding(factor="MISSING", satisfied=False, observed=view.observed, risk="中",
                        why=f"明文HTTP端口重定向到 {view.redirect}，但该HTTPS端点不在本系统的端点清单中、"
                            "未被探测：该信道缺少证据，需列出并探测")]
    if view.protocol == "incomplete":
        return [finding(factor="MISSING", satisfied=False, observed=view.observed,
                        why="; ".join(view.notes) or "探测未得到完整的握手：该对象缺少证据", risk="中")]
    seen = getattr(view, aspect)
    if seen is None:  # nothing seen is no evidence (e.g. no certificate read for authentication)
        unproven = dict(view.unproven).get(aspect)
        why = unproven or next((n for n in view.notes if "缺少证据" in n), "探测未取得该项证据：该对象缺少证据")
        missing = [finding(factor="MISSING", satisfied=False, observed=view.observed, why=why, risk="中")]
        # what was seen of a channel whose aspect is unproven (an FTPS data connection) stays beside it
        return missing + [finding(factor="INFO", satisfied=False, observed=view.observed, why=note, risk="低")
                          for note in view.notes if unproven]
    effective, why = seen
    high = not effective and item.high_risk is not None
    out = [finding(factor="D", satisfied=effective, observed=view.observed, why=why, risk=None if effective else "高"
                   if high else "中", high_risk=high)]
    if not effective:
        return out
    worst = weakest(list(view.algorithms))
    if not view.algorithms:  # nothing seen is no evidence of compliance
        out.append(finding(factor="MISSING", satisfied=False, observed=view.observed,
                           why="未观察到所用算法：A 缺少证据", risk="中"))
    elif worst is None:
        out.append(finding(factor="A", satisfied=True, observed=view.observed,
                           why="采用商用密码算法和技术（" + view.protocol + "）"))
    else:
        risky = [a for a in view.algorithms if a.high_risk]
        bad = {a.name: a for a in view.algorithms if a.klass != "compliant"}  # once each, as observed
        # every one is named (each is to be replaced), weakest first; Ra is the weakest's (Table 2)
        each = "；".join(f"{a.name}（{a.why}，{a.bits} 位安全强度）"
                        for a in sorted(bad.values(), key=lambda a: a.bits))
        out.append(finding(factor="A", satisfied=False, observed=", ".join(bad), bits=worst.bits,
                           why=f"不符合要求的算法和技术：{each}；最弱：{worst.name}",
                           risk="高" if risky else "中", high_risk=bool(risky)))
    out += [finding(factor="INFO", satisfied=False, observed=view.observed, why=note, risk="低")
            for note in view.notes]
    out += key_findings(context, item_id, obj, scope, check, view.algorithms)
    return out


#: Views that say nothing about what the endpoint speaks: the probe could not connect, or failed
#: itself (a probe error), or the handshake could not be read to the end.
NO_VERDICT = frozenset({"unreachable", "incomplete"})


def _expect_findings(context: SystemContext, endpoint: Endpoint, view: ChannelView, item_id: str,
                     check: str) -> list[Finding]:
    secured = view.protocol not in ("unknown", "cleartext", "redirect")  # their texts name what was not found
    found = {"tlcp": secured and (view.protocol == "TLCP" or "TLCP" in view.observed),
             "tls13-sm": secured and "TLS_SM4" in view.observed,
             "tls": secured and ("TLS " in view.observed or "TLSv" in view.observed),
             "ssh": view.protocol == "SSH" or view.observed.split(": ", 1)[-1].startswith("SSH-")}
    item = context.catalogue.item(item_id)
    return [Finding(item=item_id, clause=item.clause, system=context.name,
                    object=object_name(context, endpoint), check=check, factor="INFO", satisfied=False,
                    observed=view.observed, why=f"声明支持 {want}，探测未发现", risk="中")
            for want in endpoint.expects if want in found and not found[want] and view.protocol not in NO_VERDICT]


class _ChannelCheck:
    """Collects the reports of the system's endpoints this check concerns."""

    check_id = ""

    def __init__(self, context: SystemContext) -> None:
        self.context = context
        self.reports: dict[str, tuple[Endpoint, EndpointReport]] = {}
        # each listing's key once (same_target per report and listing made 256 reports × 32 listings
        # × 8 systems recompute them: seconds of a 256-endpoint run)
        self._keys = [(endpoint, context.endpoint_key(endpoint)) for endpoint in context.endpoints
                      if self.wants(endpoint)]

    def wants(self, endpoint: Endpoint) -> bool:
        raise NotImplementedError

    def evaluate(self, evidence: object) -> None:
        """Keep probe reports of this system's endpoints: every listing of the probed target gets
        the report (two systems, or two entries of one system, naming the same endpoint)."""
        if not isinstance(evidence, EndpointReport):
            return
        t = evidence.target
        key = self.context.target_key(t.host, t.port, t.protocol, t.server_name)
        for endpoint in (endpoint for endpoint, listed in self._keys if listed == key):
            name = object_name(self.context, endpoint)
            if name in self.reports:  # another spelling of one listing: one object, what both say it carries
                kept = self.reports[name][0]
                endpoint = kept.model_copy(update={
                    "carries": list(dict.fromkeys([*kept.carries, *endpoint.carries])),
                    "expects": list(dict.fromkeys([*kept.expects, *endpoint.expects]))})
            self.reports[name] = (endpoint, evidence)


@CHECKS.register("channel.network")
class NetworkChannelCheck(_ChannelCheck):
    """8.2 a) authentication, b) integrity, c) confidentiality of boundary channels; 8.4 d)/f) for
    the declared important data they carry: every boundary channel carries every class, unless the
    inventory's endpoints say which classes they carry (``carries``)."""

    check_id = "channel.network"
    ITEMS = (("gbt39786.l3.8.2.a", "authentication"), ("gbt39786.l3.8.2.b", "integrity"),
             ("gbt39786.l3.8.2.c", "confidentiality"))

    def wants(self, endpoint: Endpoint) -> bool:
        return endpoint.boundary and not is_admin(endpoint)

    def finalize(self) -> list[Finding]:
        """Findings per channel and per important-data class."""
        out: list[Finding] = []
        views: list[tuple[str, Endpoint, ChannelView]] = []
        for key, (endpoint, report) in sorted(self.reports.items()):
            view = with_host_keys(view_of(report, trust=self.context.trust), report, endpoint.host_key_fingerprints)
            views.append((key, endpoint, view))
            for item_id, aspect in self.ITEMS:
                out += channel_findings(self.context, item_id, key, view, aspect, self.check_id, "network")
            out += _expect_findings(self.context, endpoint, view, "gbt39786.l3.8.2.a", self.check_id)
        profile = self.context.system.crypto
        data_classes = profile.important_data if profile and profile.important_data else []
        # when the inventory says which of these channels carry which data (Endpoint.carries), a data
        # class is judged on its own channels only; a class no channel carries is left to its
        # declaration. A channel seen asking for credentials in the clear carries them whatever the
        # inventory says (it cannot be declared away), and the carries of management channels (8.3,
        # not this check's) do not turn the mapping on
        mapped = any(e.carries for _, e, _ in views)
        credentials = [d for d in data_classes if any(word in d for word in CREDENTIAL_WORDS)] or data_classes
        if not data_classes and any(view.login for _, _, view in views):
            # GB/T 39786 8.4 names 鉴别数据 among the important data: a channel seen taking a login
            # carries it though the inventory declares no class, and only the login channels do
            data_classes = credentials = [AUTHENTICATION_DATA]
            mapped = True
        for data in data_classes:
            for item_id, aspect in (("gbt39786.l3.8.4.d", "confidentiality"), ("gbt39786.l3.8.4.f", "integrity")):
                out += _data_findings(data, [
                    (key, channel_findings(self.context, item_id, data, view, aspect, self.check_id, "application"))
                    for key, endpoint, view in views
                    if not mapped or data in endpoint.carries or (view.login and data in credentials)])
        return out


@CHECKS.register("channel.app_login")
class ApplicationLoginCheck(_ChannelCheck):
    """8.4 a) 身份鉴别 of application users, from what a probe sees: a login form (a password field)
    or an HTTP Basic challenge served over plain HTTP, on the page a port serves or behind its
    same-origin redirects (probes.cleartext), or a password form on an HTTPS page that submits to
    http:// (probes.https_login), takes the password in the clear: the application's
    login uses no cryptographic authentication, the 2021 high-risk condition of 8.4 a). Observed, it
    outranks a declared ✓ (review R16c 6). Management endpoints are 8.3 a)'s (AdminChannelCheck)."""

    check_id = "channel.app_login"

    def wants(self, endpoint: Endpoint) -> bool:
        return not is_admin(endpoint)

    def finalize(self) -> list[Finding]:
        """A D ✗ of 8.4 a) per endpoint seen taking an application login over plain HTTP."""
        out: list[Finding] = []
        for key, (_, report) in sorted(self.reports.items()):
            c, form = report.cleartext, report.https_login
            view = view_of(report, trust=self.context.trust)
            if form is not None:  # TLS protects the page, the form sends the password elsewhere
                why = (f"HTTPS页面 {form.path} 的登录表单提交至明文地址 {form.action}：口令以明文传输，"
                       "未采用密码技术对应用用户进行身份鉴别")
            elif c is not None and c.service == "http-login" and view.protocol == "cleartext":
                why = f"应用登录以明文HTTP进行，口令以明文传输，未采用密码技术对应用用户进行身份鉴别（{view.observed}）"
            else:
                continue
            out += channel_findings(self.context, "gbt39786.l3.8.4.a", key,
                                    ChannelView(protocol="cleartext", observed=view.observed,
                                                authentication=(False, why)),
                                    "authentication", self.check_id, "application")
        return out


def _data_findings(data: str, channels: list[tuple[str, list[Finding]]]) -> list[Finding]:
    """One important-data class's findings for 8.4 d) or f) from every channel that carries it: the
    class is protected only if it is on each of them. A channel without evidence (unreached, not
    identified, nothing seen) is named in a missing-evidence finding, and unless another channel is
    ✗, the ✓ of the others turns into notes: a class seen protected on one channel and carried
    unseen on another has no evidence, not a pass (issue 16 open item: it was scored on the live
    channel only)."""
    # a plain-HTTP port that only redirects to a listed HTTPS endpoint has a note and no D: not dead
    dead = [(key, fs) for key, fs in channels
            if any(f.factor == "MISSING" for f in fs) and not any(f.factor == "D" for f in fs)]
    failed = any(f.factor == "D" and not f.satisfied for _, fs in channels for f in fs)
    out: list[Finding] = []
    for key, findings in channels:
        for f in findings:
            if (key, findings) in dead and f.factor == "MISSING":
                f = replace(f, why=f"{data} 经由信道 {key} 传输，该信道缺少证据：{f.why}")
            elif dead and not failed and f.factor == "D":
                f = replace(f, factor="INFO", risk="低", why=f"信道 {key}：{f.why}（{data} 另经缺少证据的信道传输，"
                                                            "不能据此判定该数据受到保护）")
            out.append(f)
    return out


@CHECKS.register("channel.admin")
class AdminChannelCheck(_ChannelCheck):
    """8.3 b): remote administration over protected channels only; 8.3 a) for a device login seen in
    the clear."""

    check_id = "channel.admin"

    def wants(self, endpoint: Endpoint) -> bool:
        return is_admin(endpoint)

    def finalize(self) -> list[Finding]:
        """Findings per management channel."""
        out: list[Finding] = []
        for key, (endpoint, report) in sorted(self.reports.items()):
            view = with_host_keys(view_of(report, trust=self.context.trust), report, endpoint.host_key_fingerprints)
            out += channel_findings(self.context, "gbt39786.l3.8.3.b", key, view, "confidentiality",
                                    self.check_id, "device")
            if view.protocol == "cleartext" and (view.login or view.anonymous):
                # a device login seen asking for its password in the clear is 8.3 a's high-risk
                # condition (static password, no cryptographic authentication): observed, it
                # outranks a declared ✓ (assess._item keeps that as a contradiction note); a
                # management endpoint that lets anyone in anonymously authenticates no one at all
                why = (f"管理端点仅允许匿名登录，未对登录用户进行身份鉴别，更未采用密码技术（{view.observed}）"
                       if view.anonymous else f"设备登录以明文口令进行，未采用密码技术进行身份鉴别（{view.observed}）")
                out += channel_findings(self.context, "gbt39786.l3.8.3.a", key,
                                        ChannelView(protocol="cleartext", observed=view.observed,
                                                    authentication=(False, why)),
                                        "authentication", self.check_id, "device")
            out += _expect_findings(self.context, endpoint, view, "gbt39786.l3.8.3.b", self.check_id)
        return out
