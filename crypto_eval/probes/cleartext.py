"""Cleartext service probe for admin ports: telnet (IAC negotiation or a login prompt), FTP (a 220
greeting), and HTTP login pages (a password field or an HTTP Basic challenge served over plain
HTTP without a redirect to https). Each is remote administration or login without cryptography:
high risk for 8.3 b) and a confidentiality failure for 8.2 c) (reference §3)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from govsoc.crypto_eval.probes.connection import exchange

__all__ = ["CleartextProbeResult", "probe_cleartext", "classify_greeting"]

_PASSWORD_FIELD = re.compile(rb"<input[^>]+type\s*=\s*[\"']?password", re.IGNORECASE)
_LOCATION = re.compile(rb"^location:\s*(\S+)", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True, slots=True, kw_only=True)
class CleartextProbeResult:
    """What a cleartext service said."""

    endpoint: str
    reachable: bool
    service: str | None = None  # telnet, ftp, http-login, http, smtp, pop3, imap
    login: bool = False         # the service asks for credentials in the clear
    evidence: str = ""          # the greeting or the page element that shows it (trimmed)


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
    if re.search(rb"(login|username)\s*:\s*$", text, re.IGNORECASE):
        return "telnet", True
    return None, False


async def probe_cleartext(host: str, port: int, *, timeout: float = 3.0, http_host: str | None = None,
                          path: str = "/") -> CleartextProbeResult:
    """Wait briefly for a greeting; without one, ask for an HTTP page."""
    endpoint = f"{host}:{port}"
    greeting = await exchange(host, port, b"", timeout=min(timeout, 1.0))
    if not greeting.connected:
        return CleartextProbeResult(endpoint=endpoint, reachable=False)
    if greeting.received:
        service, login = classify_greeting(greeting.received)
        return CleartextProbeResult(endpoint=endpoint, reachable=True, service=service, login=login,
                                    evidence=greeting.received[:120].decode("latin-1"))
    request = (f"GET {path} HTTP/1.1\r\nHost: {http_host or host}\r\nUser-Agent: govsoc-probe\r\n"
               "Connection: close\r\n\r\n").encode("ascii")
    page = await exchange(host, port, request, timeout=timeout, enough=lambda b: len(b) > 64 * 1024)
    if not page.received.startswith(b"HTTP/"):
        return CleartextProbeResult(endpoint=endpoint, reachable=True)
    head, _, body = page.received.partition(b"\r\n\r\n")
    status = head.split(b" ", 2)[1:2]
    location = _LOCATION.search(head)
    if status and status[0].startswith(b"3") and location and location.group(1).lower().startswith(b"https://"):
        return CleartextProbeResult(endpoint=endpoint, reachable=True, service="http", login=False,
                                    evidence=f"redirects to {location.group(1).decode('latin-1')}")
    if re.search(rb"^www-authenticate:\s*basic", head, re.IGNORECASE | re.MULTILINE):
        return CleartextProbeResult(endpoint=endpoint, reachable=True, service="http-login", login=True,
                                    evidence="HTTP Basic authentication over plain HTTP")
    field = _PASSWORD_FIELD.search(body)
    if field:
        return CleartextProbeResult(endpoint=endpoint, reachable=True, service="http-login", login=True,
                                    evidence=field.group(0)[:120].decode("latin-1"))
    return CleartextProbeResult(endpoint=endpoint, reachable=True, service="http", login=False,
                                evidence=head.split(b"\r\n", 1)[0][:120].decode("latin-1"))
