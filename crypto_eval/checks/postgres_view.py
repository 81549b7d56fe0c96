"""Whether a PostgreSQL server that offers TLS also serves sessions without it, for 密评 8.2 b)/c)
(probes.postgresql.ask_plaintext; review R16c 5): an 'S' to SSLRequest is TLS offered, and with
pg_hba.conf ``host`` lines a client that never asks for it (or libpq's sslmode=prefer falling back)
logs in and queries in the clear. A StartupMessage without SSLRequest answered by an authentication
request is that cleartext channel (✗); refused with "no encryption" for every user asked, among
them an account the inventory declares, TLS is required; otherwise the probe cannot tell
(pg_hba.conf decides per user and database): missing evidence, with a note naming login_accounts."""

from __future__ import annotations

from govsoc.crypto_eval.probes.runner import EndpointReport

__all__ = ["postgres_plaintext"]


def postgres_plaintext(report: EndpointReport) -> tuple[str, str] | None:
    """("clear", why) when a session without TLS was accepted, ("unproven", why) when that TLS is
    required was not shown for the accounts that log in, None when it was (or no PostgreSQL TLS)."""
    if report.starttls != "postgresql" or not report.plaintext_startups:
        return None
    said = "；".join(f"用户 {p.user}：{p.said}" for p in report.plaintext_startups)
    if any(p.accepted for p in report.plaintext_startups):
        return ("clear", "服务端虽支持SSL/TLS，但接受不经SSLRequest的明文启动消息（pg_hba.conf 的 host 行允许"
                         f"不加密的连接）：客户端可以明文登录和查询，数据以明文传输（{said}）")
    refused = all(p.accepted is False for p in report.plaintext_startups)
    if refused and len(report.plaintext_startups) > 1:  # the probe's user and a declared account
        return None
    why = ("不经SSLRequest的明文启动消息被拒绝，仅对探测用户观察到（pg_hba.conf 按用户和数据库匹配）" if refused
           else "不经SSLRequest的明文启动消息的应答未说明是否要求加密")
    return ("unproven", f"{why}（{said}）：实际账户能否以明文连接未能判定。可在清单该端点的 login_accounts 中列出"
                        "数据库用户名后复测（探测只发送启动消息，不发送口令）")
