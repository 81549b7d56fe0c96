"""The login form an HTTPS page serves, for 密评 8.4 a) 身份鉴别 (review R16c 6b): TLS protects the
page, not where its form sends the password. A browser submits a form to the URL its ``action``
names, resolved against the page (WHATWG HTML, form submission), so a password form on an
https:// page whose action resolves to http:// sends the password in the clear. The probe reads
the page at / over TLS (following same-origin redirects, as probes.cleartext does for plain HTTP)
and reports such a form; the chain and the suites are probes.tls's to judge, so the certificate is
not verified here (the probe sends nothing secret, it only reads the page)."""

from __future__ import annotations

import asyncio
import re
import ssl
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from govsoc.crypto_eval.probes.cleartext import MAX_SAME_ORIGIN_HOPS, split_response
from govsoc.crypto_eval.probes.connection import close_quietly
from govsoc.crypto_eval.probes.received_text import received_text

__all__ = ["HttpsLogin", "probe_https_login", "insecure_form_action"]

_FORM = re.compile(rb"<form\b([^>]*)>(.*?)(?=<form\b|</form\s*>|$)", re.IGNORECASE | re.DOTALL)
_ACTION = re.compile(rb"""\baction\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))""", re.IGNORECASE)
_PASSWORD = re.compile(rb"<input\b[^>]*\btype\s*=\s*[\"']?password", re.IGNORECASE)
_LOCATION = re.compile(rb"^location:\s*(\S+)", re.IGNORECASE | re.MULTILINE)
_REDIRECTS = frozenset({b"301", b"302", b"303", b"307", b"308"})
#: Bytes of a page read at most (a login page is small; more is not read).
_MAX_PAGE = 128 * 1024


@dataclass(frozen=True, slots=True, kw_only=True)
class HttpsLogin:
    """A password form on an HTTPS page that posts to plain HTTP: the page's path and the target."""

    path: str
    action: str


def insecure_form_action(page_url: str, body: bytes) -> str | None:
    """The http:// URL a password form of the page at ``page_url`` submits to (None: none does)."""
    for form in _FORM.finditer(body):
        if not _PASSWORD.search(form.group(2)):
            continue
        found = _ACTION.search(form.group(1))
        action = next((g for g in found.groups() if g is not None), b"") if found else b""
        try:
            target = urljoin(page_url, received_text(action.strip()))
        except ValueError:
            continue
        if urlsplit(target).scheme.lower() == "http":
            return target
    return None


def _context() -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE  # only the page is read; probes.tls judges the certificate
    return ctx


async def _get(host: str, port: int, server_name: str | None, path: str, timeout: float) -> bytes:
    """One GET over TLS (Connection: close): the answer as read, up to _MAX_PAGE bytes."""
    reader, writer = await asyncio.wait_for(asyncio.open_connection(
        host, port, ssl=_context(), server_hostname=server_name or None), timeout)
    try:
        shown = server_name or (f"[{host}]" if ":" in host else host)
        writer.write(f"GET {path} HTTP/1.1\r\nHost: {shown}\r\nUser-Agent: govsoc-probe\r\n"
                     "Connection: close\r\n\r\n".encode("ascii", "replace"))
        await writer.drain()
        data = b""
        while len(data) < _MAX_PAGE:
            chunk = await asyncio.wait_for(reader.read(65536), timeout)
            if not chunk:
                break
            data += chunk
        return data
    finally:
        await close_quietly(writer)


async def probe_https_login(host: str, port: int, *, server_name: str | None = None,
                            timeout: float = 3.0) -> HttpsLogin | None:
    """Read / over TLS, following same-origin https redirects (at most MAX_SAME_ORIGIN_HOPS), and
    report a password form there that posts to http:// (None: none, or the page could not be read)."""
    authority = server_name or (f"[{host}]" if ":" in host else host)
    path, seen = "/", {"/"}
    while True:
        try:
            answer = await _get(host, port, server_name, path, timeout)
        except (OSError, TimeoutError, ValueError, ssl.SSLError, UnicodeError):
            return None
        if not answer.startswith(b"HTTP/"):
            return None
        head, body = split_response(answer)
        page = f"https://{authority}:{port}{path}"
        status, location = head.split(None, 2)[1:2], _LOCATION.search(head)
        if status and status[0] in _REDIRECTS and location and len(seen) <= MAX_SAME_ORIGIN_HOPS:
            target = urlsplit(urljoin(page, received_text(location.group(1))))
            following = (target.path or "/") + (f"?{target.query}" if target.query else "")
            if (target.scheme == "https" and (target.hostname or "").lower() == authority.lower().strip("[]")
                    and (target.port or 443) == port and following not in seen):
                seen.add(following)
                path = following
                continue
        action = insecure_form_action(page, body)
        return HttpsLogin(path=path, action=action) if action else None
