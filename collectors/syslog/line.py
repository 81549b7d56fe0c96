"""The parts every syslog header layout shares: the parsed line, PRI (RFC 5424 section 6.2.1,
RFC 3164 section 4.1.1) and the BSD TAG (RFC 3164 section 4.1.3) that rsyslog and syslog-ng
keep in front of the message even when they write ISO 8601 timestamps.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, NamedTuple

from govsoc.core.errors import ParseError

#: Facility code -> name (RFC 5424 table 1, names as rsyslog prints them).
FACILITIES: tuple[str, ...] = (
    "kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron", "authpriv", "ftp",
    "ntp", "security", "console", "solaris-cron", "local0", "local1", "local2", "local3", "local4", "local5",
    "local6", "local7")
#: Severity code -> name (RFC 5424 table 2).
SEVERITIES: tuple[str, ...] = ("emergency", "alert", "critical", "error", "warning", "notice", "informational",
                               "debug")



def _priority_fields(priority: int) -> dict[str, Any]:
    facility, severity = divmod(priority, 8)
    return {"log.syslog.priority": priority, "log.syslog.facility.code": facility,
            "log.syslog.facility.name": FACILITIES[facility], "log.syslog.severity.code": severity,
            "log.syslog.severity.name": SEVERITIES[severity]}


#: PRI value (0-191) -> its ECS fields (``log.syslog.priority``, ``.facility.*``, ``.severity.*``),
#: computed once: every event of a line with a PRI takes them (merge with ``fields.update``).
PRIORITY_FIELDS: tuple[dict[str, Any], ...] = tuple(_priority_fields(value) for value in range(192))

_PRI = re.compile(r"<(\d{1,3})>", re.ASCII)
# The usual TAG: "prog:", "prog[pid]:", "sshd(pam_unix)[pid]:" (PAM of old Red Hat releases).
_TAG = re.compile(r"([^\s\[:]+(?:\([^)]*\))?)(?:\[(\d{1,10})\])?: ?", re.ASCII)
# Rarer TAGs with spaces, seen in loghub's Linux_2k: "syslogd 1.4.1: restart.", "-- root[2421]: ...".
_LOOSE_TAG = re.compile(r"([^\[:\s][^\[:]{0,47}?)(?:\[(\d{1,10})\])?: ")


class SyslogLine(NamedTuple):
    """The header fields and message of one syslog line, whatever its layout.

    ``timestamp`` is None only for an RFC 5424 NILVALUE time, ``program`` only for an RFC 5424
    NILVALUE APP-NAME (BSD and ISO lines without a TAG are refused). ``layout`` is ``rfc3164``,
    ``iso8601`` (BSD layout with an RFC 3339 time, as rsyslog's RSYSLOG_FileFormat writes) or
    ``rfc5424``. A NamedTuple rather than a frozen dataclass: one is built per line, and a
    tuple is built several times faster.
    """

    timestamp: datetime | None
    host: str | None
    program: str | None
    pid: int | None
    message: str
    priority: int | None
    layout: str = "rfc3164"
    procid: str | None = None
    msgid: str | None = None
    structured_data: dict[str, dict[str, str]] | None = None


def read_pri(text: str) -> tuple[int | None, int]:
    """The PRI value at the start of ``text`` (None when absent) and where the header goes on."""
    if not text.startswith("<"):
        return None, 0
    match = _PRI.match(text)
    if match is None:
        raise ParseError("'<' opens no PRI (expected '<0>' to '<191>')")
    value = int(match[1])
    if value > 191:
        raise ParseError(f"priority {value} is out of range (0-191)")
    return value, match.end()


def read_tag(text: str, pos: int) -> tuple[str, int | None, str]:
    """The program, its pid and the message from ``pos`` on; raises ParseError when there is no
    TAG (a line without one is no syslog file line rsyslog or syslog-ng would write)."""
    match = _TAG.match(text, pos) or _LOOSE_TAG.match(text, pos)
    if match is None:
        raise ParseError("no program tag (expected 'program[pid]: message' after the host)")
    pid = match[2]
    return match[1], (int(pid) if pid else None), text[match.end():].rstrip()
