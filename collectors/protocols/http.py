"""HTTP/1.x request and response heads from payload bytes (RFC 9112 sections 2-7).

Stage: collectors (protocol metadata on flows). Pure functions over one direction of a flow:
:func:`http_requests` reads the client's bytes, :func:`http_responses` the server's. Messages
follow each other when the first ones' bodies are delimited (Content-Length or chunked), as in
pipelining and keep-alive; reading stops, without error, where the bytes stop or where a body's
end cannot be known. :meth:`HttpRequest.zeek` / :meth:`HttpResponse.zeek` give Zeek's http.log
columns and :func:`http_ecs` the ECS ``http.*``, ``url.*`` and ``user_agent.original`` fields.
Bytes that do not start an HTTP message raise :class:`HttpError` (a ParseError).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote_to_bytes, urlsplit

from govsoc.core.errors import ParseError

__all__ = ["HttpError", "HttpRequest", "HttpResponse", "http_ecs", "http_requests", "http_responses"]

#: A request line: method token, target, version (RFC 9112 3). Lenient as Zeek is: the target is
#: everything up to " HTTP/x.y" (spaces included), and a line without a version is HTTP/0.9.
_REQUEST_LINE = re.compile(rb"([!#$%&'*+.^_`|~0-9A-Za-z-]{1,32}) +(\S.*?)(?: +HTTP/(\d\.\d))? *\r?$")
#: A status line: version, three digits, reason (RFC 9112 4).
_STATUS_LINE = re.compile(rb"HTTP/(\d\.\d) +(\d{3})(?: +(.*?))? *\r?$")
#: Header heads longer than this are not read further (a flow's first packets rarely hold more).
MAX_HEAD = 64 * 1024


class HttpError(ParseError):
    """Bytes that do not start an HTTP/1.x message."""


@dataclass(frozen=True, slots=True, kw_only=True)
class HttpRequest:
    """A request head: method, target (``uri``), version and the headers govsoc reports."""

    method: str
    uri: str
    version: str | None
    headers: tuple[tuple[str, str], ...] = field(default=())

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (case-insensitive), else None."""
        name = name.lower()
        return next((value for key, value in self.headers if key.lower() == name), None)

    def zeek(self) -> dict[str, Any]:
        """The request columns of Zeek's http.log (None where Zeek writes ``-``)."""
        # Zeek logs the target percent-decoded (its unescaped_URI), bytes then escaped as \xHH
        uri = _text(unquote_to_bytes(self.uri)) if "%" in self.uri else self.uri
        return {"method": self.method, "host": self.header("host"), "uri": uri, "version": self.version or "0.9",
                "referrer": self.header("referer"), "user_agent": self.header("user-agent"),
                "origin": self.header("origin")}


@dataclass(frozen=True, slots=True, kw_only=True)
class HttpResponse:
    """A response head: version, status code and reason phrase, headers."""

    version: str
    status_code: int
    status_msg: str | None
    headers: tuple[tuple[str, str], ...] = field(default=())

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (case-insensitive), else None."""
        name = name.lower()
        return next((value for key, value in self.headers if key.lower() == name), None)

    def zeek(self) -> dict[str, Any]:
        """The response columns of Zeek's http.log."""
        # Zeek's HTTP analyzer writes a missing reason phrase as "<empty>"
        return {"version": self.version, "status_code": self.status_code, "status_msg": self.status_msg or "<empty>"}


def _text(raw: bytes) -> str:
    """Bytes as Zeek writes them: printable ASCII as is, others as \\xHH."""
    if raw.isascii() and raw.decode("ascii").isprintable():
        return raw.decode("ascii")
    return "".join(chr(b) if 0x20 <= b < 0x7F else f"\\x{b:02x}" for b in raw)


def _head(data: bytes, at: int) -> tuple[list[bytes], int] | None:
    """The lines of the message head starting at ``at`` and the offset of its body, or None
    when the head's blank line is not within the bytes (or MAX_HEAD)."""
    end = data.find(b"\n\r\n", at, at + MAX_HEAD)
    end2 = data.find(b"\n\n", at, at + MAX_HEAD)
    if end < 0 and end2 < 0:
        return None
    if end < 0 or (0 <= end2 < end):
        body = end2 + 2
    else:
        body = end + 3
    lines = data[at:body].split(b"\n")
    return [line.rstrip(b"\r") for line in lines[:-1] if line.strip(b"\r")], body


def _headers(lines: list[bytes]) -> tuple[tuple[str, str], ...]:
    headers: list[tuple[str, str]] = []
    for line in lines:
        if line[:1] in (b" ", b"\t") and headers:  # obsolete line folding (RFC 9112 5.2)
            key, text = headers[-1]
            headers[-1] = (key, f"{text} {_text(line.strip())}")
            continue
        name, colon, value = line.partition(b":")
        if colon:
            headers.append((_text(name.strip()), _text(value.strip())))
    return tuple(headers)


def _body_end(data: bytes, at: int, headers: tuple[tuple[str, str], ...]) -> int | None:
    """Where the body starting at ``at`` ends, or None when the bytes stop before it does.

    Framing that breaks RFC 9112 is read as Zeek reads it, so that a smuggled request behind it
    is reported too: a Content-Length that is not digits means no body, a chunk size counts
    modulo 2**64."""
    values = {key.lower(): value for key, value in headers}
    if "chunked" in values.get("transfer-encoding", "").lower():
        return _chunked_end(data, at)
    length = values.get("content-length")
    if length is None:
        return at
    if not length.strip().isdigit():
        return at
    end = at + int(length.strip())
    return end if end <= len(data) else None


def _chunked_end(data: bytes, at: int) -> int | None:
    while True:
        line_end = data.find(b"\n", at)
        if line_end < 0:
            return None
        size_text = data[at:line_end].split(b";")[0].strip()
        try:
            size = int(size_text, 16) % 2**64
        except ValueError:
            return None
        if size > len(data):
            return None
        at = line_end + 1
        if size == 0:  # trailers until a blank line
            end = data.find(b"\r\n\r\n", at - 2)
            end2 = data.find(b"\n\n", at - 1)
            candidates = [e + 4 for e in (end,) if e >= 0] + [e + 2 for e in (end2,) if e >= 0]
            return min(candidates) if candidates else None
        at += size
        if at + 2 > len(data):
            return None
        at += 2 if data[at:at + 2] == b"\r\n" else 1


def http_requests(data: bytes) -> list[HttpRequest]:
    """The request heads in the client's bytes of one connection, in order."""
    if not data:
        raise HttpError("no bytes")
    requests: list[HttpRequest] = []
    at = 0
    while at < len(data):
        while data[at:at + 2] == b"\r\n":
            at += 2
        head = _head(data, at)
        first = data[at:data.find(b"\n", at)] if head is None else None
        lines = head[0] if head else ([first] if first else [])
        match = _REQUEST_LINE.match(lines[0]) if lines else None
        if match is not None and match[3] is None and (requests or match[1] != b"GET"):
            match = None  # HTTP/0.9 has one request, a GET: anything else without a version is not HTTP
        if match is None:
            if requests:
                break
            raise HttpError(f"not an HTTP request line: {_text(data[at:at + 60])!r}")
        headers = _headers(lines[1:])
        requests.append(HttpRequest(method=_text(match[1]), uri=_text(match[2]),
                                    version=match[3].decode("ascii") if match[3] else None, headers=headers))
        if head is None or match[1] == b"CONNECT":  # after CONNECT the bytes are the tunnel's
            break
        end = _body_end(data, head[1], headers)
        if end is None:
            break
        at = end
    return requests


def http_responses(data: bytes, methods: Sequence[str] = ()) -> list[HttpResponse]:
    """The response heads in the server's bytes of one connection, in order (interim 1xx
    responses included). ``methods``: the methods of the connection's requests in order, the
    n-th final response answering the n-th; a response to HEAD has no body whatever its
    Content-Length says (RFC 9112 6.3), and after a 2xx to CONNECT the bytes are the tunnel's."""
    if not data:
        raise HttpError("no bytes")
    responses: list[HttpResponse] = []
    answered = 0  # final responses read so far: the index of the request the next one answers
    at = 0
    while at < len(data):
        head = _head(data, at)
        line_end = data.find(b"\n", at)
        lines = head[0] if head else [data[at:line_end if line_end >= 0 else len(data)]]
        match = _STATUS_LINE.match(lines[0]) if lines else None
        if match is None:
            if responses:
                break
            raise HttpError(f"not an HTTP status line: {_text(data[at:at + 60])!r}")
        headers = _headers(lines[1:])
        responses.append(HttpResponse(version=match[1].decode("ascii"), status_code=int(match[2]),
                                      status_msg=_text(match[3]) if match[3] else None, headers=headers))
        if head is None:
            break
        code = int(match[2])
        final = code >= 200 or code == 101  # 101 answers its request; other 1xx are interim
        method = methods[answered] if final and answered < len(methods) else None
        answered += final
        if method == "CONNECT" and code < 300:
            break
        bodiless = code < 200 or code in (204, 304) or method == "HEAD"  # RFC 9112 6.3 items 1-2
        end = head[1] if bodiless else _body_end(data, head[1], headers)
        if end is None:
            break
        at = end
    return responses


def _url_parts(uri: str) -> dict[str, Any]:
    """url.path / url.query / url.scheme of a request target: origin form (``/a?b``) or
    absolute form (``http://host/a``, sent to proxies)."""
    if "://" in uri:
        try:
            parts = urlsplit(uri)
        except ValueError:
            return {}
        found: dict[str, Any] = {"url.scheme": parts.scheme, "url.path": parts.path or "/"}
    elif uri.startswith("/"):
        path, _, query = uri.partition("?")
        found, parts = {"url.path": path}, urlsplit("?" + query)
    else:  # authority form (CONNECT host:port) or "*"
        return {}
    if parts.query:
        found["url.query"] = parts.query
    return found


def http_ecs(request: HttpRequest | None, response: HttpResponse | None) -> dict[str, Any]:
    """The ECS fields of one request and its response (either may be missing)."""
    fields: dict[str, Any] = {}
    if request is not None:
        fields["http.request.method"] = request.method
        fields["url.original"] = request.uri
        if request.version:
            fields["http.version"] = request.version
        fields.update(_url_parts(request.uri))
        host = request.header("host")
        if host:
            name, _, port = host.rpartition(":") if host.count(":") == 1 else (host, "", "")
            fields["url.domain"] = name or host
            if port.isdigit():
                fields["url.port"] = int(port)
        for header, ecs in (("user-agent", "user_agent.original"), ("referer", "http.request.referrer")):
            value = request.header(header)
            if value is not None:
                fields[ecs] = value
        authorization = request.header("authorization")
        if authorization:
            # the scheme only (Basic, Digest, Bearer, ...): the credentials themselves are never kept
            fields["govsoc.http.authorization_scheme"] = authorization.split(None, 1)[0]
    if response is not None:
        fields["http.response.status_code"] = response.status_code
        fields.setdefault("http.version", response.version)
    return fields
