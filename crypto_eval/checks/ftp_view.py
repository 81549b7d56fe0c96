"""What an FTPS endpoint's data connections are, for 密评 8.2 b)/c) and 8.3 b) (RFC 4217 §9,
probes.ftp_data): the control connection's TLS protects logins, the files cross on data
connections that PROT P encrypts and PROT C leaves in the clear. Without an account the probe
cannot show that a named user's PROT C transfer is refused, so an FTPS server is ✓ for its data
only when a refused PROT C transfer was seen, ✗ when a clear transfer was served or PROT P refused,
and missing evidence otherwise (issue 16 fifth review, finding 8)."""

from __future__ import annotations

from govsoc.crypto_eval.probes.runner import EndpointReport

__all__ = ["ftp_data_protection"]


def ftp_data_protection(report: EndpointReport, notes: list[str]) -> tuple[str, str] | None:
    """What an FTPS server's data connections are (RFC 4217 §9, probes.ftp_data): ("clear", why)
    when files were shown to cross in the clear (PROT P refused, a PROT C transfer served),
    ("unproven", why) when encryption of the named users' data connections was not shown (the probe
    has no account: an anonymous session's PROT P, or none at all, says nothing of them), None when
    it was shown forced (PROT C transfers refused) or the endpoint is no FTPS; what is known besides
    goes to ``notes``."""
    if report.starttls != "ftp":  # no FTPS (PostgreSQL's TLS has no separate data connections)
        return None
    data = report.ftp_data
    label = report.starttls.upper()
    if report.cleartext is not None and report.cleartext.anonymous_clear:
        # a public anonymous area beside TLS-only password logins (vsftpd force_local_logins_ssl): the
        # anonymous session carries no secret, and its PROT C listing says nothing of named users' data
        notes.append(f"{label}服务端的匿名登录无需TLS，匿名区以明文传输（匿名登录不含口令）；其他账户在AUTH TLS之前的"
                     f"登录被拒绝（{report.cleartext.evidence}）：口令不以明文传输")
        if data is not None and data.private:
            return ("unproven", f"{label}服务端接受PROT P（{_ftp_evidence(data.evidence)}），但命名账户的数据连接"
                                "是否强制加密（拒绝PROT C下的传输）未能验证（探测不使用账户登录）：数据连接缺少证据，"
                                "需登录后人工核实")
    if data is not None and not data.private:
        return ("clear", f"{label}服务端拒绝PROT P（RFC 4217 §9）：数据连接无法加密，传输的文件以明文传输"
                         f"（{_ftp_evidence(data.evidence)}）")
    if data is not None and data.clear_transfer:
        return ("clear", f"{label}服务端在PROT C下完成了数据传输（匿名登录后LIST）：数据连接未强制加密，"
                         f"文件可以明文传输（{_ftp_evidence(data.evidence)}）")
    if data is not None and data.clear_transfer is False:
        notes.append(f"{label}服务端接受PROT P，且拒绝PROT C下的数据传输：数据连接强制加密"
                     f"（{_ftp_evidence(data.evidence)}）")
        return None
    seen = f"服务端接受PROT P（{_ftp_evidence(data.evidence)}）；" if data is not None else ""
    return ("unproven", f"{label} 登录前必须启用TLS（AUTH TLS）；{seen}数据连接是否强制加密（拒绝PROT C下的传输）"
                        "未能验证：数据连接缺少证据，需登录后人工核实")


def _ftp_evidence(text: str) -> str:
    """An FTP conversation log ("PROT P -> 200 ...; USER anonymous -> 331 ...") with the probe's own
    ASCII connectors as an arrow and Chinese punctuation (issue 16 fifth review, finding 10): the
    commands are the protocol's and the server's replies are data, both quoted as they were."""
    return text.replace(" -> ", " → ").replace("; ", "；")
