"""RFC 5424 syslog messages (section 6):
``<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA [MSG]``.

NILVALUE (``-``) header fields become None; STRUCTURED-DATA becomes ``{sd-id: {param: value}}``
with the escapes of section 6.3.3 (``\\"``, ``\\\\``, ``\\]``) undone; a MSG that starts with the
UTF-8 BOM loses it (section 6.4).
"""

from __future__ import annotations

import re
from datetime import tzinfo

from govsoc.collectors.syslog.line import SyslogLine
from govsoc.collectors.syslog.rfc3339 import parse_rfc3339
from govsoc.core.errors import ParseError

# VERSION and the five space-separated header fields after PRI.
_HEADER = re.compile(r"1 (\S{1,64}) (\S{1,255}) (\S{1,48}) (\S{1,128}) (\S{1,32}) ", re.ASCII)
_SD_ID = re.compile(r'\[([^\s=\]"]{1,32})')
_PARAM = re.compile(r' ([^\s=\]"]{1,32})="((?:[^"\\]|\\.)*)"', re.DOTALL)
_UNESCAPE = re.compile(r'\\(["\\\]])')


def parse_rfc5424(text: str, pos: int, priority: int, default_zone: tzinfo) -> SyslogLine:
    """The RFC 5424 message in ``text`` from ``pos`` (just after PRI); raises ParseError."""
    match = _HEADER.match(text, pos)
    if match is None:
        raise ParseError("not an RFC 5424 header (expected '1 TIMESTAMP HOST APP PROCID MSGID SD')")
    stamp, host, app, procid, msgid = match.groups()
    timestamp = None if stamp == "-" else parse_rfc3339(stamp, default_zone)
    structured, end = _structured_data(text, match.end())
    if end < len(text) and text[end] != " ":
        raise ParseError("RFC 5424 STRUCTURED-DATA must be followed by a space or the end")
    message = text[end + 1:]
    if message.startswith("\ufeff"):
        message = message[1:]
    pid = pid_of(procid)
    return _new(SyslogLine, (timestamp, None if host == "-" else host, None if app == "-" else app, pid,
                             message.rstrip(), priority, "rfc5424", None if procid == "-" else procid,
                             None if msgid == "-" else msgid, structured or None))


def pid_of(procid: str) -> int | None:
    """The pid a PROCID gives: its number when it is 1 to 10 ASCII digits (str.isdigit alone
    also takes "²", which int() refuses), else None."""
    return int(procid) if len(procid) <= 10 and procid.isdigit() and procid.isascii() else None


#: Builds a SyslogLine from a full tuple without the NamedTuple's Python-level __new__.
_new = tuple.__new__
_NO_DATA: dict[str, dict[str, str]] = {}


def _structured_data(text: str, pos: int) -> tuple[dict[str, dict[str, str]], int]:
    """The SD elements from ``pos`` and where they end."""
    if text.startswith("-", pos):
        return _NO_DATA, pos + 1
    elements: dict[str, dict[str, str]] = {}
    while True:
        sd = _SD_ID.match(text, pos)
        if sd is None:
            if not elements:
                raise ParseError("RFC 5424 STRUCTURED-DATA is neither '-' nor '[id ...]'")
            return elements, pos
        params: dict[str, str] = {}
        pos = sd.end()
        while (param := _PARAM.match(text, pos)) is not None:
            params[param[1]] = _UNESCAPE.sub(r"\1", param[2])
            pos = param.end()
        if not text.startswith("]", pos):
            raise ParseError(f"RFC 5424 SD element [{sd[1]} is not closed")
        elements.setdefault(sd[1], params)
        pos += 1
