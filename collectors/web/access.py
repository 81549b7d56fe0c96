"""Web server access logs (nginx and Apache httpd) to ECS, as Elastic's nginx and apache
integrations write them.

One expression reads every layout both servers ship, the NCSA common log format and what is
built on it (nginx ``log_format``, Apache ``LogFormat``):

| layout           | fields                                                                     |
|------------------|----------------------------------------------------------------------------|
| common           | ``%h %l %u %t "%r" %>s %b``                                                |
| combined         | common + ``"%{Referer}i" "%{User-agent}i"`` (nginx's ``combined``)         |
| nginx ``main``   | combined + ``"$http_x_forwarded_for"`` (the default in nginx.conf)         |
| vhost_combined   | ``%v:%p`` (server name and port) in front of combined                      |

``%h`` may be a list when nginx logs a proxied chain (``10.0.0.2, 10.0.0.1, 85.181.35.98``): the
list is kept in ``<server>.access.remote_ip_list`` and ``source.address`` is its first public
address, else its first, as Elastic's nginx pipeline does. Fields: ``source.*``, ``user.name``
(``%u``), ``http.request.method`` / ``url.*`` / ``http.version`` (collectors.web.request),
``http.response.status_code`` / ``.body.bytes``, ``http.request.referrer``,
``user_agent.original``, ``network.forwarded_ip`` (the first address of X-Forwarded-For),
``destination.domain`` / ``.ip`` / ``.port`` (the virtual host), ``related.ip`` / ``.user``;
``event.category: [web]``, ``event.type: [access]``, ``event.outcome: failure`` for a status of
400 or more, else ``success``. ``-`` means absent everywhere. A request line that is no request
(``-``, empty, a TLS handshake on a plain HTTP port) is kept in ``<server>.access.request_line``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from govsoc.collectors.addresses import canonical_address, is_public
from govsoc.collectors.base import ParseContext, RawRecord, parsers
from govsoc.collectors.web.request import request_fields
from govsoc.core.errors import ParseError
from govsoc.core.event import Event

__all__ = ["ApacheAccessParser", "NginxAccessParser", "access_fields", "clf_time"]

# The unrolled form of "((?:[^"\\]|\\.)*)": the same strings, without one alternation per character
_QUOTED = r'"([^"\\]*(?:\\.[^"\\]*)*)"'
#: Groups: head (vhost, addresses, ident, user), time, request, status, bytes, referrer, agent,
#: forwarded-for, and whatever a custom format adds after them. The head holds no "[" (so the
#: greedy run stops at the time's bracket).
LINE = re.compile(r"([^\[]*) \[(\d\d/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4})\] " + _QUOTED +
                  r" (\d{3}) (\d+|-)(?: " + _QUOTED + " " + _QUOTED + "(?: " + _QUOTED + ")?)?(.*)$", re.DOTALL)
# A head that is not "address ident user" or "vhost address ident user": a proxied address list,
# perhaps quoted (a CDN's X-Forwarded-For), after an optional virtual host.
_HEAD = re.compile(r'(?:([^\s,"]+) )?("[^"]*"(?: \S+)*|\S.*?) (\S+) (\S+)', re.DOTALL)
_ADDRESS_SPLIT = re.compile(r'[\s,"]+')
_HOST_PORT = re.compile(r"(.+?)(?::(\d{1,5}))?$", re.DOTALL)
_MONTHS = {m: i for i, m in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), start=1)}
#: Bounded caches of the pieces a log repeats line after line (a second's time, a client's head,
#: a URL): each maps the text to what it gives, and is emptied when full.
_LIMIT = 4096
_TIMES: dict[str, datetime] = {}
_HEADS: dict[tuple[str, str], tuple[dict[str, Any], tuple[tuple[str, list[str]], ...], tuple[str, ...]]] = {}
_REQUESTS: dict[tuple[str, str], dict[str, Any]] = {}


def clf_time(stamp: str) -> datetime:
    """``10/Oct/2000:13:55:36 -0700`` (the common log format's ``%t``) as an aware time."""
    found = _TIMES.get(stamp)
    if found is None:
        month = _MONTHS.get(stamp[3:6])
        if month is None:
            raise ParseError(f"not a month: {stamp[3:6]!r} in [{stamp}]")
        try:
            found = datetime.strptime(f"{stamp[7:11]}-{month:02d}-{stamp[:2]} {stamp[12:]}", "%Y-%m-%d %H:%M:%S %z")
        except ValueError:
            raise ParseError(f"impossible time [{stamp}]") from None
        if len(_TIMES) >= _LIMIT:
            _TIMES.clear()
        _TIMES[stamp] = found
    return found


def access_fields(text: str, server: str) -> tuple[datetime, dict[str, Any]]:
    """The time and ECS fields of one access log line of ``server`` (``nginx`` or ``apache``);
    raises ParseError when the line is not in a common-log-format layout."""
    match = LINE.match(text)
    if match is None:
        raise ParseError(f"not a {server} access log line (expected 'host ident user [time] \"request\" status bytes')")
    head, stamp, request, status, size, referrer, agent, forwarded, _rest = match.groups()
    code = int(status)
    head_fields, lists, related = _HEADS.get((head, server)) or _head(head, server)
    fields: dict[str, Any] = {"event.kind": "event", "event.module": server, "event.category": ["web"],
                              "event.type": ["access"], "event.outcome": "failure" if code >= 400 else "success",
                              "http.response.status_code": code, **head_fields}
    for name, values in lists:  # each event its own lists: the cached ones are shared
        fields[name] = values.copy()
    found = _REQUESTS.get((request, server))
    if found is None:
        found = _request(request, server)
    if found:
        fields.update(found)
    if size != "-":
        fields["http.response.body.bytes"] = int(size)
    if referrer and referrer != "-":
        fields["http.request.referrer"] = referrer
    if agent and agent != "-":
        fields["user_agent.original"] = agent
    if forwarded and forwarded != "-":
        first = _ip(forwarded.split(",", 1)[0].strip())
        if first:
            fields["network.forwarded_ip"] = first
            related += (first,)
    if related:
        fields["related.ip"] = list(dict.fromkeys(related))
    return clf_time(stamp), fields


def _request(request: str, server: str) -> dict[str, Any]:
    """The request line's fields (cached): collectors.web.request's, else the line kept verbatim."""
    found = request_fields(request)
    if not found and request and request != "-":
        found = {f"{server}.access.request_line": request}
    if len(_REQUESTS) >= _LIMIT:
        _REQUESTS.clear()
    _REQUESTS[(request, server)] = found
    return found


def _head(head: str, server: str) -> tuple[dict[str, Any], tuple[tuple[str, list[str]], ...], tuple[str, ...]]:
    """``[vhost[:port]] addresses ident user``: its fields, those of them that are lists, and its
    related addresses (cached)."""
    fields: dict[str, Any] = {}
    related: list[str] = []
    parts = head.split(" ")
    if len(parts) in (3, 4) and "," not in head and '"' not in head:
        vhost = parts[0] if len(parts) == 4 else None
        addresses, user = [parts[-3]], parts[-1]
    else:
        match = _HEAD.fullmatch(head)
        if match is None:
            raise ParseError(f"no client address, ident and user before the time: {head!r}")
        vhost, listed, _ident, user = match.groups()
        addresses = [a for a in _ADDRESS_SPLIT.split(listed) if a]
        if not addresses:
            raise ParseError(f"no client address in {head!r}")
        fields[f"{server}.access.remote_ip_list"] = addresses
    if vhost:
        _vhost(vhost, fields, related)
    ips = [_ip(a) for a in addresses]
    chosen = next((i for i, ip in enumerate(ips) if ip and is_public(ip)), 0) if len(ips) > 1 else 0
    fields["source.address"] = addresses[chosen]
    if ips[chosen]:
        fields["source.ip"] = ips[chosen]
    related.extend(ip for ip in ips if ip)
    if user != "-":
        fields["user.name"] = user
        fields["related.user"] = [user]
    found = fields, tuple((name, value) for name, value in fields.items() if isinstance(value, list)), tuple(related)
    if len(_HEADS) >= _LIMIT:
        _HEADS.clear()
    _HEADS[(head, server)] = found
    return found


def _vhost(vhost: str, fields: dict[str, Any], related: list[str]) -> None:
    match = _HOST_PORT.match(vhost)
    host, port = (match[1], match[2]) if match else (vhost, None)
    ip = _ip(host)
    if ip:
        fields["destination.ip"] = ip
        related.append(ip)
    else:
        fields["destination.domain"] = host
    if port is not None and int(port) < 65536:
        fields["destination.port"] = int(port)


def _ip(text: str) -> str | None:
    if not text or not (text[0].isdigit() or ":" in text):
        return None
    return canonical_address(text)


class _AccessParser:
    server = "web"
    dataset = "web.access"

    def parse(self, record: RawRecord, context: ParseContext) -> Iterator[Event]:
        """One event per line; raises ParseError when the line is no access log line."""
        text = record.text().rstrip("\r\n")
        when, fields = access_fields(text, self.server)
        fields["event.original"] = text
        fields["log.offset"] = record.offset
        path = record.file_path_text
        if path:
            fields["log.file.path"] = path
        yield Event(id=record.provisional_id(), timestamp=when, dataset=self.dataset, fields=fields)


@parsers.register("nginx.access")
class NginxAccessParser(_AccessParser):
    """nginx access logs: ``combined``, the default ``main`` format and common-log variants."""

    server = "nginx"
    dataset = "nginx.access"


@parsers.register("apache.access")
class ApacheAccessParser(_AccessParser):
    """Apache httpd access logs: ``common``, ``combined``, ``vhost_combined``."""

    server = "apache"
    dataset = "apache.access"
