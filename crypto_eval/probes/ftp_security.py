"""Whether an FTP server that greets in plain text requires TLS before a login (RFC 4217 explicit
FTPS), asked before anyone logs in: FEAT and AUTH TLS (is TLS offered), then USER before AUTH for
the probe's own account, each declared account and an anonymous login (is a password taken in the
clear). Used by the cleartext probe (probes.cleartext) and the runner (probes.runner)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from govsoc.crypto_eval.probes.connection import close_quietly, read_reply
from govsoc.crypto_eval.probes.received_text import received_text

T = TypeVar("T")


@dataclass(frozen=True, slots=True, kw_only=True)
class FtpSecurity:
    """What an FTP server says about TLS before anyone logs in."""

    auth_tls: bool       # FEAT lists AUTH TLS, or AUTH TLS is answered 234 (RFC 4217)
    required: bool       # USER before AUTH was refused: logins need TLS
    evidence: str        # the USER reply (trimmed)
    named_need_tls: bool = False  # a named USER before AUTH refused with "use encryption": no password in the clear
    anonymous_clear: bool = False  # an anonymous login (no secret) was accepted before AUTH TLS
    #: a named USER refused at once, not for want of TLS, and an anonymous login accepted: an
    #: anonymous-only server (vsftpd local_enable=NO: "530 This FTP server is anonymous only."), where
    #: no password crosses the line
    anonymous_only: bool = False
    #: declared accounts (Target.accounts) that a USER before AUTH TLS let in (331, 332 or 230)
    clear_accounts: tuple[str, ...] = ()
    #: why TLS before login was not shown for every account that may log in ("": it was)
    unproven: str = ""


async def _ftp_dialogue(host: str, port: int, timeout: float,
                        talk: Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[T]]) -> T | None:
    """One connection: the 220 greeting, then ``talk``; None when the connection or the talk fails."""
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
    except (OSError, TimeoutError):
        return None
    try:
        if not (await read_reply(reader, timeout)).startswith(b"220"):
            return None
        return await talk(reader, writer)
    except (ConnectionError, OSError, TimeoutError, ValueError):
        return None
    finally:
        await close_quietly(writer)


async def _ftp_user(host: str, port: int, user: bytes, timeout: float) -> tuple[bool, bytes] | None:
    """One connection: greeting, FEAT, USER ``user``; (AUTH TLS offered, the USER reply)."""
    async def talk(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> tuple[bool, bytes] | None:
        writer.write(b"FEAT\r\n")
        await writer.drain()
        features = await read_reply(reader, timeout)
        auth_tls = re.search(rb"^\s*AUTH\b[^\r\n]*\bTLS\b", features, re.IGNORECASE | re.MULTILINE) is not None
        writer.write(b"USER " + user + b"\r\n")
        await writer.drain()
        answer = await read_reply(reader, timeout)
        if user == b"anonymous" and answer.startswith(b"331"):
            # vsftpd says 331 to "anonymous" even with anonymous access off: only the anonymous
            # login itself (an e-mail address as password, as ftp clients send) tells
            writer.write(b"PASS govsoc-probe@\r\n")
            await writer.drain()
            answer = answer.rstrip() + b" -> " + await read_reply(reader, timeout)
        writer.write(b"QUIT\r\n")
        await writer.drain()
        return (auth_tls, answer) if answer[:3].isdigit() else None
    return await _ftp_dialogue(host, port, timeout, talk)


async def _auth_tls_accepted(host: str, port: int, timeout: float) -> bool:
    """One connection: greeting, AUTH TLS; whether the server agrees to negotiate (234, RFC 4217
    4.1). The connection is then dropped without a handshake (nothing more may be said in the clear)."""
    async def talk(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        writer.write(b"AUTH TLS\r\n")
        await writer.drain()
        return (await read_reply(reader, timeout)).startswith(b"234")
    return bool(await _ftp_dialogue(host, port, timeout, talk))


async def probe_ftp_security(host: str, port: int, *, timeout: float = 3.0,
                             accounts: Sequence[str] = ()) -> FtpSecurity | None:
    """FEAT, then USER before AUTH for the probe's own account, for each declared account
    (``accounts``: USER only, never PASS) and, when the probe's account is refused, an anonymous
    login (each on its own connection: vsftpd hangs up after refusing an unencrypted login); None
    when the conversation fails (not FTP, closed, silent)."""
    first = await _ftp_user(host, port, b"govsoc-probe", timeout)
    if first is None:
        return None
    auth_tls, answers = first[0], [first[1]]
    if not auth_tls:  # RFC 4217 does not make FEAT list AUTH TLS (vsftpd ssl_tlsv1=NO omits it): ask it
        auth_tls = await _auth_tls_accepted(host, port, timeout)
    declared: list[tuple[str, bytes]] = []
    for name in accounts:
        said = await _ftp_user(host, port, name.encode("utf-8"), timeout)
        if said is not None:
            declared.append((name, said[1]))
    if answers[0][:1] in (b"4", b"5"):
        anonymous = await _ftp_user(host, port, b"anonymous", timeout)
        if anonymous is not None:
            answers.append(anonymous[1])
    log = [f"USER govsoc-probe -> {_reply(answers[0])}"] + [f"USER {n} -> {_reply(a)}" for n, a in declared]
    log += [f"USER anonymous -> {_reply(a)}" for a in answers[1:]]
    evidence = " / ".join(log)
    # 331/332: the password (or account) would follow in the clear; 230: logged in without one
    let_in = [n for n, a in declared if a[:1] in (b"2", b"3")]
    if let_in:
        return FtpSecurity(auth_tls=auth_tls, required=False, evidence=evidence, clear_accounts=tuple(let_in))
    refused = answers[0][:1] in (b"4", b"5")
    # "530 Non-anonymous sessions must use encryption" (vsftpd force_local_logins_ssl), beside a public
    # anonymous area or not: password logins are refused until AUTH TLS, the anonymous one carries no secret
    named = auth_tls and refused and all(_USE_ENCRYPTION.search(a) is not None
                                         for a in [answers[0], *(a for _, a in declared)])
    anonymous_in = len(answers) > 1 and answers[1].rsplit(b"-> ", 1)[-1][:3] == b"230"
    # anonymous only when the refusal says so (vsftpd local_enable=NO: "530 This FTP server is anonymous
    # only.") or every declared account was refused too; "530 Permission denied." (a userlist) refuses
    # the probe's account, not the accounts on the list (review R16c 1)
    only = refused and not named and anonymous_in and (
        _ANONYMOUS_ONLY.search(answers[0]) is not None or bool(declared))
    # TLS is taken as required when every named account and anonymous are refused before AUTH TLS; a
    # refusal that does not ask for TLS ("530 Permission denied.": vsftpd userlist_deny=NO, the probe's
    # account not on the list) shows only that this account may not log in, not how others do
    required = auth_tls and refused and (named or not anonymous_in)
    unproven = ""
    if required and not named:
        unproven = (f"探测账户在AUTH TLS之前被拒绝，但应答未说明须先启用TLS（{_reply(answers[0])}）：其他账户"
                    "能否在AUTH TLS之前以明文发送口令未能判定")
    elif refused and not named and anonymous_in and not only:
        unproven = (f"探测账户在AUTH TLS之前被拒绝（{_reply(answers[0])}），匿名登录以明文进行：其他账户能否"
                    "在AUTH TLS之前以明文发送口令未能判定")
    elif required and not declared:
        unproven = ("仅观察到探测账户（govsoc-probe）被要求先AUTH TLS，服务端可按账户设置TLS策略：实际登录账户"
                    "是否同样被强制未能验证")
    if unproven:
        unproven += "。可在清单该端点的 login_accounts 中列出登录账户名后复测（探测只发送USER，不发送口令）"
    return FtpSecurity(auth_tls=auth_tls, required=required, evidence=evidence, named_need_tls=named,
                       anonymous_clear=anonymous_in, anonymous_only=only, unproven=unproven)


def _reply(answer: bytes) -> str:
    """An FTP reply (or an anonymous login's "331 ... -> 230 ...") as one trimmed line of text."""
    return " ".join(received_text(answer).split())[:100]


#: What a refusal of USER says on an anonymous-only server (vsftpd "This FTP server is anonymous only.").
_ANONYMOUS_ONLY = re.compile(rb"anonymous[ -]only|only anonymous", re.IGNORECASE)


#: What a refusal of USER before AUTH TLS says when it asks for TLS (vsftpd "Non-anonymous sessions
#: must use encryption", ProFTPD "SSL/TLS required on the control channel", FileZilla Server "You
#: have to use FTP over TLS"), not "anonymous only" or "login incorrect".
_USE_ENCRYPTION = re.compile(rb"encrypt|\bTLS\b|\bSSL\b|secure", re.IGNORECASE)
