"""Why an endpoint's channel gives no evidence, as the 密评 findings say it (crypto_eval.checks.
channel_view): a silent port, a probe or evaluation error, a port that wants HTTPS, no certificate
read, no signature by its key verified, a chain reaching no declared anchor or of unknown
revocation status (GB/T 39786 8.2 a: missing, never ✓), a connection that failed (refused, no
such name, timed out, an operating-system error) and TLS suites the probe did not offer.
"""

from __future__ import annotations

import errno
import re

from govsoc.crypto_eval.probes.connection import CONNECT_TIMEOUT, NO_SUCH_NAME, REFUSED
from govsoc.crypto_eval.probes.runner import EndpointReport

#: An endpoint that accepts connections and answers nothing it was asked (not "an answer").
SILENT = "可建立连接，但对TLS、TLCP握手请求和HTTP请求均无应答（静默）：未识别出协议"

#: The probe itself failed at this endpoint (an exception, the host out of descriptors): no evidence.
#: The exception's text is logged by the runner, not shown: the report is Chinese.
PROBE_ERROR = "探测程序出错"
#: Reading a probe report failed (the evaluator's own error, logged): no evidence for the endpoint.
EVALUATION_ERROR = "评估程序处理该端点的证据时出错（详情见日志）"

#: A port that answers plain HTTP with "this port wants HTTPS" (nginx's 400 page) and then fails the
#: TLS handshakes: neither a cleartext channel (the answer is an error page) nor a readable TLS one.
HTTPS_PORT = "对明文HTTP请求答复该端口须使用HTTPS，但TLS、TLCP握手均未成功：未识别出协议"

#: Why authentication has no evidence when no certificate could be read (8.2 a: MISSING, never ✓).
NO_CERTIFICATE = "未能读取服务端证书（证书无法解析，或TLS 1.3握手未完成）：身份鉴别缺少证据"
#: Why authentication has no evidence when a certificate was read but no signature by its key was
#: verified: a certificate is public, anyone can send it; only a signature proves the key.
NO_PROOF = "未验证服务端以证书私钥所作的签名，证书本身可被任何人发送：身份鉴别缺少证据"
#: Why authentication has no evidence when the certificate's chain reaches no declared trust anchor.
CHAIN_UNTRUSTED = "证书链未验证到声明的信任根，无法确认证书持有者身份：身份鉴别缺少证据"
#: Why authentication has no evidence when the chain holds but a certificate's revocation status
#: (which its CA publishes) could not be read (crypto_eval.revocation).
STATUS_UNKNOWN = "证书链验证到声明的信任根，但证书吊销状态无法确认（证书可能已被吊销）：身份鉴别缺少证据"


def _probe_error_zh(error: str) -> str:
    """A probe failure in Chinese: what kind of failure, never the exception's own words."""
    if "EMFILE" in error or "Too many open files" in error:
        return "探测主机的文件描述符耗尽（EMFILE），详情见日志"
    if "ParseError" in error or "InvalidVersion" in error:
        return "服务端应答无法解析，详情见日志"
    return "探测程序内部错误，详情见日志"


def unreached_why(report: EndpointReport) -> str:
    """Why the probe could not connect, as the finding says it: the port refused, the host name does
    not resolve, the connection timed out (a firewall that drops), else the error as it came."""
    error = report.connect_error
    if report.timed_out or not error:
        return ""
    if error == REFUSED:
        return "（连接被拒绝：该端口无服务监听或被防火墙拒绝）"
    if error.startswith(NO_SUCH_NAME):
        detail = error.removeprefix(NO_SUCH_NAME).strip(" ()")
        said = next((zh for en, zh in _RESOLVER_ZH if en in detail), "")
        return f"（主机名无法解析{'：' + said if said else ''}）"
    if error == CONNECT_TIMEOUT:
        return "（连接超时：无应答，可能被防火墙丢弃或主机不在线）"
    code = re.match(r"\[Errno (\d+)\]", error)
    meaning = _ERRNO_ZH.get(int(code.group(1))) if code else None
    return f"（{meaning or '连接失败（操作系统错误，原文保存在结果的 connect_error 字段）'}）"


#: What the resolver's answers (gai_strerror, glibc wording) mean, as the evidence says them.
_RESOLVER_ZH = (("not known", "域名系统中无此名称"), ("Temporary failure", "域名解析暂时失败（DNS服务器无应答）"),
                ("No address associated", "该名称无对应地址"), ("no data", "该名称无对应地址"))

#: Operating-system errors of a connect (errno), in Chinese.
_ERRNO_ZH = {errno.ENETUNREACH: "网络不可达（本机无到该地址的路由）", errno.EHOSTUNREACH: "主机不可达",
             errno.ECONNRESET: "连接被对方重置",
             errno.EADDRNOTAVAIL: "本机无法使用该地址（如IPv6链路本地地址缺少网卡）",
             errno.EACCES: "本机策略禁止连接", errno.EPERM: "本机策略禁止连接（防火墙）",
             errno.ECONNABORTED: "连接被中止", errno.EINVAL: "地址无效"}


#: A port that answers the TLS hellos with a TLS alert refusing what they offered (R16d F5): it speaks
#: TLS, with suites the probe does not offer (DHE-DSS, CCM, ARIA/Camellia or PSK only); nothing was
#: negotiated, so no evidence, but the evaluator is told where to look.
SUITES_REFUSED = "端点使用TLS，但拒绝了探测提供的全部密码套件：需人工提供其套件配置"

#: Alerts that refuse an offer (RFC 8446 6.2, RFC 5246 7.2.2): no suite, group or scheme acceptable.
_REFUSING_ALERTS = ("handshake_failure", "insufficient_security")


def _suites_refused(report: EndpointReport) -> str:
    """The versions whose hellos a TLS server refused with a refusing alert, as evidence says them
    ("" when none: the port did not show it speaks TLS, or a TLCP alert says it speaks TLCP)."""
    tls = report.tls
    if tls is None or not tls.speaks_tls or tls.tlcp_hint:
        return ""
    return ", ".join(f"{v.version} {v.refusal}" for v in tls.versions if v.refusal in _REFUSING_ALERTS)
