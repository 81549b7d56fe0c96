"""Cleartext service probe for admin ports: telnet (IAC negotiation, or a login prompt without it:
Cisco "User Access Verification ... Password:", "login:", "Username:"), FTP (a 220 greeting), and
HTTP login pages (a password field or an HTTP Basic challenge served over plain HTTP). A plain-HTTP
port that only redirects (301/302/307/308) to https:// with no form or page of its own carries no
data: it is reported as ``redirect``, not as a cleartext channel. A port that answers "this port
wants HTTPS" (``HTTPS_PORT_ANSWERS``) is no cleartext channel either: the runner probes it as TLS. The others are remote
administration or login without cryptography: high risk for 8.3 b) and a confidentiality failure
for 8.2 c) (reference §3).

An FTP server that greets in plain text may still refuse to go on without TLS (RFC 4217 explicit
FTPS: AUTH TLS, then the handshake): ``probe_ftp_security`` asks FEAT whether AUTH TLS is offered
(and, when FEAT does not list it, sends AUTH TLS itself: RFC 4217 does not require FEAT to name it,
and vsftpd with ssl_tlsv1=NO leaves it out while answering 234) and sends a USER before any AUTH,
for a named account and then an anonymous login (what nmap's ftp-anon does: anonymous access is
public by definition). A server that wants the password next (331) takes logins in the clear; one
that refuses both (5xx, e.g. vsftpd force_local_logins_ssl: "530 Non-anonymous sessions must use
encryption", ProFTPD TLSRequired: "550 SSL/TLS required on the control channel") requires TLS, and
the channel is then judged on the TLS it negotiates after AUTH TLS (probes.runner) and on
whether its data connections are protected (PROT P, probes.ftp_data)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from govsoc.crypto_eval.probes.address import server_name_of
from govsoc.crypto_eval.probes.connection import Exchange, exchange
from govsoc.crypto_eval.probes.ftp_security import FtpSecurity, probe_ftp_security
from govsoc.crypto_eval.probes.received_text import received_text

__all__ = ["CleartextProbeResult", "FtpSecurity", "probe_cleartext", "probe_ftp_security", "classify_greeting",
           "is_text", "split_response", "SERVER_FIRST", "HTTPS_PORT_ANSWERS"]

_PASSWORD_FIELD = re.compile(rb"<input[^>]+type\s*=\s*[\"']?password", re.IGNORECASE)
_LOCATION = re.compile(rb"^location:\s*(\S+)", re.IGNORECASE | re.MULTILINE)
#: RFC 9110 15.4: the redirections a browser follows with a GET (301, 302, 303, 307, 308).
_REDIRECTS = frozenset({b"301", b"302", b"303", b"307", b"308"})
_TAG = re.compile(rb"<[^>]*>")
_BASIC = re.compile(rb"^www-authenticate:\s*basic", re.IGNORECASE | re.MULTILINE)


#: Personal data a short body may still carry, each run of digits checked by a recognizer (a bare
#: run of 11+ digits is as often a timestamp or a request id): a resident ID number (GB 11643: 17
#: digits and an ISO 7064 MOD 11-2 check character) or a mainland mobile number (11 digits, 1[3-9]).
_ID_NUMBER = re.compile(rb"(?<![0-9])([1-9][0-9]{16}[0-9Xx])(?![0-9Xx])")
_MOBILE = re.compile(rb"(?<![0-9])(1[3-9][0-9]{9})(?![0-9])")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHUNK = re.compile(rb"([0-9A-Fa-f]{1,8})[^\r\n]*\r?\n")

#: What web servers answer to a plain-HTTP request on a port that serves HTTPS: the port speaks TLS
#: and is probed as TLS (the answer is an error page, not a channel that carries data). nginx
#: (ngx_http_request.c, its 497 code sent as 400), Apache httpd mod_ssl (ssl_engine_io.c), Go
#: net/http (server.go) and Tomcat (Http11Processor, "requires TLS").
HTTPS_PORT_ANSWERS = (b"The plain HTTP request was sent to HTTPS port",
                      b"speaking plain HTTP to an SSL-enabled server port",
                      b"Client sent an HTTP request to an HTTPS server",
                      b"This combination of host and port requires TLS")


def _resident_id(digits: bytes) -> bool:
    """Whether 18 characters are a resident ID number by its check character (GB 11643-1999)."""
    total = sum(w * (c - 48) for w, c in zip(_ID_WEIGHTS, digits[:17], strict=True))
    return b"10X98765432"[total % 11] == digits[17:18].upper()[0]


def _substantial(body: bytes, head: bytes) -> str | None:
    """What a redirect carries beyond the usual "Moved" note (None: nothing), named so that the
    evidence says which rule fired: a cookie set in this cleartext answer (Secure or not: its value
    has crossed the network in the clear, RFC 6265 4.1.2.5 only keeps it from being sent back), a
    form, a password field, structured data (JSON, XML), a resident ID or mobile number, or more
    than a few hundred characters of text (a page served beside the redirect)."""
    if _PASSWORD_FIELD.search(body):
        return "含口令输入框"
    if re.search(rb"<form\b", body, re.IGNORECASE):
        return "含表单"
    cookie = re.search(rb"^set-cookie:\s*([^=;\r\n]*)", head, re.IGNORECASE | re.MULTILINE)
    if cookie:
        return f"明文设置Cookie {received_text(cookie.group(1)[:40])}（其值已以明文传输）"
    kind = re.search(rb"^content-type:\s*([^\r\n;]*)", head, re.IGNORECASE | re.MULTILINE)
    if (kind and re.search(rb"json|xml|javascript", kind.group(1), re.IGNORECASE)) or body.lstrip()[:1] in (b"{", b"["):
        return "含结构化数据（JSON/XML）"
    text = b" ".join(_TAG.sub(b" ", body).split())
    if any(_resident_id(m.group(1)) for m in _ID_NUMBER.finditer(text)):
        return "含身份证号（校验位正确）"
    if _MOBILE.search(text):
        return "含手机号码"
    if len(text) > 300:
        return "正文超过300字符（另有页面内容）"
    return None


def split_response(response: bytes) -> tuple[bytes, bytes]:
    """Head and body of an HTTP/1.x response: the head ends at the first empty line, CRLF or a
    bare LF (RFC 9112 2.2 lets a recipient accept LF alone, and clients do); a chunked body is
    de-chunked (RFC 9112 7.1), so a form split across chunks is still one form."""
    end = re.search(rb"\r?\n\r?\n", response)
    if end is None:
        return response, b""
    head, body = response[:end.start()], response[end.end():]
    if re.search(rb"^transfer-encoding:[^\r\n]*chunked", head, re.IGNORECASE | re.MULTILINE):
        body = _dechunk(body)
    return head, body


def _dechunk(body: bytes) -> bytes:
    """The data of a chunked body (what follows a malformed chunk header is kept as it is)."""
    out, pos = [], 0
    while pos < len(body):
        chunk = _CHUNK.match(body, pos)
        if chunk is None:
            out.append(body[pos:])
            break
        size, pos = int(chunk.group(1), 16), chunk.end()
        if size == 0:
            break
        out.append(body[pos:pos + size])
        pos += size
        pos += 2 if body[pos:pos + 2] == b"\r\n" else 1 if body[pos:pos + 1] == b"\n" else 0
    return b"".join(out)


@dataclass(frozen=True, slots=True, kw_only=True)
class CleartextProbeResult:
    """What a cleartext service said."""

    endpoint: str
    reachable: bool
    service: str | None = None  # telnet, ftp, http-login, http, smtp, pop3, imap
    login: bool = False         # the service asks for credentials in the clear
    evidence: str = ""          # the greeting or the page element that shows it (trimmed)
    tls_required: bool = False  # the service refuses logins until TLS is started (FTP AUTH TLS)
    #: FTP: why TLS before login was not shown for every account ("": it was; FtpSecurity.unproven)
    tls_login_unproven: str = ""
    redirect: str | None = None  # plain HTTP that only redirects to this https:// URL (carries no data)
    https_port: bool = False  # the answer says the port wants HTTPS (HTTPS_PORT_ANSWERS): probe it as TLS
    anonymous_clear: bool = False  # FTP: password logins need TLS, anonymous ones are served in the clear
    anonymous_only: bool = False  # FTP: named logins refused, anonymous ones (no secret) served in the clear
    error: str | None = None  # unreachable: why the connection failed (connection.connect_failure)


#: Prompts that ask for credentials in the clear, at the end of a greeting: telnetd and network
#: devices without option negotiation (Cisco line passwords: "User Access Verification ... Password:",
#: Huawei/H3C "Username:", Chinese-language "用户名：" / "密码：").
_PROMPT = re.compile(r"(login|username|user\s*name|password|passcode|用户名|密码|口令)\s*[:：]\s*$", re.IGNORECASE)


def is_text(data: bytes | str) -> bool:
    """Whether a greeting is readable text (printable characters and line breaks), not binary."""
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    if not text.strip():
        return False
    bad = sum(1 for ch in text if not (ch.isprintable() or ch in "\r\n\t"))
    return bad * 20 <= len(text)  # a stray control byte or two, as some banners have


def classify_greeting(data: bytes) -> tuple[str | None, bool]:
    """(service, asks for credentials) from a server's unprompted greeting."""
    if data[:1] == b"\xff" and len(data) > 2 and data[1] in (251, 252, 253, 254):
        return "telnet", True  # IAC WILL/WONT/DO/DONT: telnet option negotiation
    text = data.lstrip()
    if re.match(rb"220[ -]", text):  # FTP and SMTP both greet with 220
        return ("smtp", False) if b"smtp" in text[:200].lower() else ("ftp", True)
    if text.startswith(b"+OK"):
        return "pop3", True
    if text.startswith(b"* OK"):
        return "imap", True
    if is_text(text) and (_PROMPT.search(text.decode("utf-8", "replace"))
                          or b"user access verification" in text.lower()):
        return "telnet", True
    return None, False


#: Protocols whose server speaks first (RFC 854 option negotiation or a prompt, RFC 959 / 5321 /
#: 1939 / 9051 greetings): a probe waits for their greeting as long as a question may take (telnetd
#: and sshd delay theirs while they look the client up in the DNS) and sends them no HTTP request
#: (its lines would reach a login prompt as user names: failed logins, lock-outs).
SERVER_FIRST = frozenset({"telnet", "ftp", "smtp", "pop3", "imap"})


#: Same-origin redirects followed to reach the page a plain-HTTP port serves (a portal answers / with
#: "302 Location: /login"): a browser follows them (RFC 9110 15.4), so the login form behind is what
#: crosses the network in the clear. Bounded, and never to another origin (that is another endpoint).
MAX_SAME_ORIGIN_HOPS = 3


def _same_origin_path(location: bytes, shown: str, port: int, path: str) -> str | None:
    """The path (and query) a redirect leads to when it stays on this plain-HTTP origin (RFC 6454:
    scheme, host, port), relative or absolute; None for another origin or a malformed URL."""
    authority = f"[{shown}]" if ":" in shown and not shown.startswith("[") else shown
    try:
        target = urlsplit(urljoin(f"http://{authority}:{port}{path}", location.decode("latin-1").strip()))
        same = (target.scheme == "http" and (target.hostname or "").lower() == shown.lower().strip("[]")
                and (target.port or 80) == port)
    except ValueError:
        return None
    return (target.path or "/") + (f"?{target.query}" if target.query else "") if same else None


async def _fetch_following(host: str, port: int, shown: str, path: str,
                           timeout: float) -> tuple[bytes, bytes, str] | None:
    """GET ``path``, following same-origin redirects that carry nothing themselves (at most
    MAX_SAME_ORIGIN_HOPS, never one path twice): the last answer's head, body and path; None when
    the port does not answer HTTP."""
    seen = {path}
    while True:
        request = (f"GET {path} HTTP/1.1\r\nHost: {shown}\r\nUser-Agent: govsoc-probe\r\n"
                   "Connection: close\r\n\r\n").encode("ascii", "replace")
        page = await exchange(host, port, request, timeout=timeout, enough=lambda b: len(b) > 64 * 1024)
        if not page.received.startswith(b"HTTP/"):
            return None
        head, body = split_response(page.received)
        status, location = head.split(None, 2)[1:2], _LOCATION.search(head)
        if not (status and status[0] in _REDIRECTS and location and len(seen) <= MAX_SAME_ORIGIN_HOPS
                and _substantial(body, head) is None and not _BASIC.search(head)):
            return head, body, path
        following = _same_origin_path(location.group(1), shown, port, path)
        if following is None or following in seen:
            return head, body, path
        seen.add(following)
        path = following


async def probe_cleartext(host: str, port: int, *, timeout: float = 3.0, http_host: str | None = None,
                          path: str = "/", greeting_wait: bool = True,
                          server_first: bool = False) -> CleartextProbeResult:
    """Wait for a greeting (1 s; ``server_first``: the whole ``timeout``, and never ask for HTTP);
    without one, ask for an HTTP page (``greeting_wait`` False: ask at once, when the server is
    already known to stay silent until spoken to)."""
    endpoint = f"{host}:{port}"
    wait = timeout if server_first else min(timeout, 1.0)
    greeting = (await exchange(host, port, b"", timeout=wait) if greeting_wait
                else Exchange(received=b"", connected=True))
    if not greeting.connected:
        return CleartextProbeResult(endpoint=endpoint, reachable=False, error=greeting.error)
    if greeting.received:
        service, login = classify_greeting(greeting.received)
        return CleartextProbeResult(endpoint=endpoint, reachable=True, service=service, login=login,
                                    evidence=received_text(greeting.received[:120]))
    if server_first:
        return CleartextProbeResult(endpoint=endpoint, reachable=True)
    shown = server_name_of(host, http_host) or http_host or host  # a Chinese-script name in A-labels
    fetched = await _fetch_following(host, port, shown, path, timeout)
    if fetched is None:
        return CleartextProbeResult(endpoint=endpoint, reachable=True)
    head, body, reached = fetched
    hop = f"（经同源重定向至 {received_text(reached.encode())}）" if reached != path else ""
    if any(phrase in body for phrase in HTTPS_PORT_ANSWERS):
        return CleartextProbeResult(endpoint=endpoint, reachable=True, https_port=True,
                                    evidence=received_text(head.splitlines()[0][:120]))
    status = head.split(None, 2)[1:2]
    location = _LOCATION.search(head)
    basic = _BASIC.search(head)
    carried = _substantial(body, head)
    if (status and status[0] in _REDIRECTS and location and location.group(1).lower().startswith(b"https://")
            and not basic and carried is None):
        url = received_text(location.group(1))
        return CleartextProbeResult(endpoint=endpoint, reachable=True, service="http", login=False,
                                    evidence=f"重定向到 {url}", redirect=url)
    if basic:
        return CleartextProbeResult(endpoint=endpoint, reachable=True, service="http-login", login=True,
                                    evidence="HTTP Basic authentication over plain HTTP" + hop)
    field = _PASSWORD_FIELD.search(body)
    if field:
        return CleartextProbeResult(endpoint=endpoint, reachable=True, service="http-login", login=True,
                                    evidence=received_text(field.group(0)[:120]) + hop)
    line = received_text(head.splitlines()[0][:120]) + hop
    if status and status[0] in _REDIRECTS:
        line += f"（重定向响应自带内容：{carried or '正文'}，按明文信道计）" if carried or body.strip() else ""
    return CleartextProbeResult(endpoint=endpoint, reachable=True, service="http", login=False, evidence=line)
