"""Web server error logs (nginx ``error_log``, Apache httpd ``ErrorLog``) to ECS, as Elastic's
nginx and apache integrations write them: ``log.level``, ``process.pid`` / ``.thread.id``,
``message``, the client as ``source.*``; ``event.category: [web]``, ``event.type: [error]``.

| server | layout                                                                                  |
|--------|-----------------------------------------------------------------------------------------|
| nginx  | ``2016/10/25 14:49:34 [error] 54053#0: *1 text, client: 127.0.0.1, server: x,`` ...     |
| Apache | 2.2 and older: ``[Mon Dec 26 16:22:00 2016] [error] [client 192.168.33.1] text``        |
|        | 2.4: ``[Fri Sep 09 10:42:29.902022 2011] [core:error] [pid 35708:tid 4328] [client`` ...|

Neither has a zone: the source's time zone applies. nginx's context after the text (``client:``,
``server:``, ``request: "GET / HTTP/1.1"``, ``host:``) gives ``source.*``, ``http.request.*`` /
``url.*`` and ``nginx.error.server`` / ``.host``; Apache 2.4's ``AH00094:`` message number is
``error.code`` and 2.2's trailing ``, referer: URL`` ``http.request.referrer``. A line without
a header right after an error line (nginx copies a FastCGI
backend's multi-line stderr) is the previous record's continuation: it becomes an event of its
own, at the previous line's time, tagged ``multiline``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from govsoc.collectors.addresses import canonical_address
from govsoc.collectors.base import ParseContext, RawRecord, parsers
from govsoc.collectors.web.request import request_fields
from govsoc.core.errors import ParseError
from govsoc.core.event import Event

__all__ = ["ApacheErrorParser", "NginxErrorParser"]

_NGINX = re.compile(r"(\d{4})/(\d\d)/(\d\d) (\d\d):(\d\d):(\d\d) \[(\w+)\] (\d+)#(\d+):(?: \*(\d+))? ?(.*)$", re.DOTALL)
# nginx's context after the message: ", client: a, server: b, request: "...", host: "...""
_NGINX_CONTEXT = re.compile(r', (client|server|request|upstream|host|referrer): ("(?:[^"\\]|\\.)*"|[^,]*)')
_APACHE = re.compile(
    r"\[(?:[A-Z][a-z]{2} )?([A-Z][a-z]{2}) +(\d{1,2}) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))? (\d{4})\] "
    r"\[(?:([^\]:]+):)?(\w+)\](?: \[pid (\d+)(?::tid (\d+))?\])?(?: ([\w.-]+)\((\d+)\):)?"
    r"(?: \[client ([^\]]+)\])? ?(.*)$",
    re.DOTALL)
_CODE = re.compile(r"(AH\d{5}): ")
# Apache 2.2 appends the request's Referer to a client's error: "..., referer: http://x/"
_REFERER = re.compile(r", referer: (\S+)$")
_MONTHS = {m: i for i, m in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), start=1)}


def _address(text: str, fields: dict[str, Any]) -> None:
    """``source.address`` / ``.ip`` / ``.port`` of a logged client (``ip``, ``ip:port``, a name)."""
    host, port = text, None
    head, sep, tail = text.rpartition(":")
    if sep and tail.isdigit() and head and (head.count(":") == 0 or head.count(":") > 1):
        if canonical_address(head) is not None:
            host, port = head, int(tail)
    fields["source.address"] = host
    address = canonical_address(host)
    if address is not None:
        fields["source.ip"] = address
        fields["related.ip"] = [address]
    if port is not None and port < 65536:
        fields["source.port"] = port


#: A time as written: year, month (a number or an abbreviated name), day, hour, minute, second, fraction.
_Parts = tuple[str, str, str, str, str, str, str | None]


def _local_time(parts: _Parts, context: ParseContext) -> datetime:
    year, month, day, hour, minute, second, micro = parts
    number = int(month) if month.isdigit() else _MONTHS[month]
    try:
        return datetime(int(year), number, int(day), int(hour), int(minute), int(second),
                        int((micro or "0").ljust(6, "0")), tzinfo=context.timezone)
    except ValueError:
        if month.isdigit():
            raise ParseError(f"impossible time {year}/{month}/{day} {hour}:{minute}:{second}") from None
        raise ParseError(f"impossible time {month} {day} {hour}:{minute}:{second} {year}") from None


class _ErrorParser:
    server = "web"
    dataset = "web.error"

    def __init__(self) -> None:
        self._last: tuple[datetime, str] | None = None
        #: (the time's parts as written, the zone) -> the time: a server writes the same second
        #: many times (bounded: emptied when full)
        self._times: dict[tuple[_Parts, ZoneInfo], datetime] = {}

    def _time(self, parts: _Parts, context: ParseContext) -> datetime:
        """The time of ``parts`` (year, month, day, hour, minute, second, microsecond; the month
        a number or an abbreviated name) in the source's zone; ParseError when impossible."""
        key = (parts, context.timezone)
        found = self._times.get(key)
        if found is None:
            found = _local_time(parts, context)
            if len(self._times) >= 4096:
                self._times.clear()
            self._times[key] = found
        return found

    def parse(self, record: RawRecord, context: ParseContext) -> Iterator[Event]:
        """One event per line; raises ParseError for a line that is neither an error log line
        nor the continuation of one."""
        text = record.text().rstrip("\r\n")
        try:
            when, fields = self._fields(text, context)
        except ParseError:
            if self._last is None or not text.strip():
                raise
            when, level = self._last
            fields = {"message": text, "log.level": level, "tags": ["multiline"]}
        else:
            self._last = (when, fields["log.level"])
        fields.update({"event.kind": "event", "event.module": self.server, "event.category": ["web"],
                       "event.type": ["error"], "event.original": text, "log.offset": record.offset})
        path = record.file_path_text
        if path:
            fields["log.file.path"] = path
        yield Event(id=record.provisional_id(), timestamp=when, dataset=self.dataset, fields=fields)

    def _fields(self, text: str, context: ParseContext) -> tuple[datetime, dict[str, Any]]:
        raise NotImplementedError


@parsers.register("nginx.error")
class NginxErrorParser(_ErrorParser):
    """nginx ``error_log`` lines."""

    server = "nginx"
    dataset = "nginx.error"

    def _fields(self, text: str, context: ParseContext) -> tuple[datetime, dict[str, Any]]:
        match = _NGINX.match(text)
        if match is None:
            raise ParseError("not an nginx error log line (expected 'YYYY/MM/DD hh:mm:ss [level] pid#tid: ...')")
        year, month, day, hour, minute, second, level, pid, tid, connection, message = match.groups()
        when = self._time((year, month, day, hour, minute, second, None), context)
        fields: dict[str, Any] = {"log.level": level, "process.pid": int(pid), "process.thread.id": int(tid),
                                  "message": message}
        if connection:
            fields["nginx.error.connection_id"] = int(connection)
        for key, value in _NGINX_CONTEXT.findall(message):
            value = value[1:-1] if value.startswith('"') and value.endswith('"') and len(value) > 1 else value
            if key == "client":
                _address(value, fields)
            elif key == "request":
                fields.update(request_fields(value))
            elif key == "referrer":
                fields["http.request.referrer"] = value
            else:
                fields[f"nginx.error.{key}"] = value
        return when, fields


@parsers.register("apache.error")
class ApacheErrorParser(_ErrorParser):
    """Apache httpd ``ErrorLog`` lines, 2.2 and 2.4 layouts."""

    server = "apache"
    dataset = "apache.error"

    def _fields(self, text: str, context: ParseContext) -> tuple[datetime, dict[str, Any]]:
        match = _APACHE.match(text)
        if match is None:
            raise ParseError("not an Apache error log line (expected '[Www Mmm dd hh:mm:ss yyyy] [level] ...')")
        (month, day, hour, minute, second, micro, year, module, level, pid, tid, source_file, source_line,
         client, message) = match.groups()
        if month not in _MONTHS:
            raise ParseError(f"not a month: {month!r}")
        when = self._time((year, month, day, hour, minute, second, micro), context)
        fields: dict[str, Any] = {"log.level": level, "message": message}
        if module:
            fields["apache.error.module"] = module
        if pid:
            fields["process.pid"] = int(pid)
        if tid:
            fields["process.thread.id"] = int(tid)
        if source_file:
            fields["log.origin.file.name"] = source_file
            fields["log.origin.file.line"] = int(source_line)
        if client:
            _address(client, fields)
        code = _CODE.match(message)
        if code:
            fields["error.code"] = code[1]
        referrer = _REFERER.search(message)
        if referrer:
            fields["http.request.referrer"] = referrer[1]
        return when, fields
