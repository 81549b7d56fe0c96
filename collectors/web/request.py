"""The HTTP request line and its URL as web server logs write them, to ECS (``http.*``, ``url.*``).

``"GET /zwgk/index.html?id=7 HTTP/1.1"`` gives ``http.request.method``, ``url.original`` (as
logged, still percent-encoded), ``url.path`` / ``url.query`` / ``url.extension`` / ``url.fragment``
and ``http.version``, as Elastic's nginx and apache integrations write them (their ``uri_parts``
step). ``url.path`` is percent-decoded when the bytes decode as UTF-8 or, failing that, as GB18030
(Chinese sites often encode GBK), else kept encoded. An absolute-form target (a proxy request,
``GET http://host/x``) also gives ``url.scheme`` / ``url.domain`` / ``url.port``. A request line
that is no request (``-``, an empty one, a TLS handshake sent to a plain HTTP port, a scanner's
garbage) gives no field here: the caller keeps it verbatim.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote_to_bytes, urlsplit

__all__ = ["request_fields", "url_fields"]

# METHOD SP request-target SP HTTP/x.y (RFC 9112 section 3); HTTP/0.9 lines have no version.
_REQUEST = re.compile(r"([A-Za-z][A-Za-z_-]{0,31}) (\S+)(?: HTTP/(\d(?:\.\d)?))?$", re.ASCII)
_EXTENSION = re.compile(r"\.([A-Za-z0-9]{1,10})$")


def request_fields(line: str) -> dict[str, Any]:
    """The ECS fields of a logged request line, empty when it is no request line."""
    match = _REQUEST.match(line)
    if match is None:
        return {}
    method, target, version = match.groups()
    fields: dict[str, Any] = {"http.request.method": method.upper(), "url.original": target}
    if version:
        fields["http.version"] = version
    fields.update(url_fields(target))
    return fields


def url_fields(target: str) -> dict[str, Any]:
    """``url.path`` and the other parts of a request target (origin or absolute form)."""
    fields: dict[str, Any] = {}
    if target.startswith("/"):
        path, _, query = target.partition("?")
        query, hash_sign, fragment = query.partition("#")
        if not query and not hash_sign:
            path, hash_sign, fragment = path.partition("#")
    else:
        try:
            parts = urlsplit(target)
            port = parts.port
        except ValueError:
            return fields
        if not parts.scheme or not parts.netloc:
            return fields
        fields["url.scheme"] = parts.scheme.lower()
        if parts.hostname:
            fields["url.domain"] = parts.hostname
        if port is not None:
            fields["url.port"] = port
        path, query, fragment, hash_sign = parts.path, parts.query, parts.fragment, "#" if parts.fragment else ""
    if path:
        decoded = _decoded(path)
        fields["url.path"] = decoded
        extension = _EXTENSION.search(decoded.rsplit("/", 1)[-1])
        if extension:
            fields["url.extension"] = extension[1].lower()
    if query:
        fields["url.query"] = query
    if hash_sign and fragment:
        fields["url.fragment"] = fragment
    return fields


def _decoded(path: str) -> str:
    """``path`` percent-decoded when the bytes are UTF-8 or GB18030 text, else as it was."""
    if "%" not in path:
        return path
    raw = unquote_to_bytes(path)
    for charset in ("utf-8", "gb18030"):
        try:
            text = raw.decode(charset)
        except UnicodeDecodeError:
            continue
        if text.isprintable():
            return text
    return path
