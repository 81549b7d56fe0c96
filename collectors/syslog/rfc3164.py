"""BSD syslog lines (RFC 3164 section 4.1, as written by syslogd and rsyslog to files).

``[<PRI>]Mmm dd hh:mm:ss host program[pid]: message``. The timestamp has neither year nor zone:
the zone comes from configuration (Asia/Shanghai by default, or per source) and the year is the
one given (``--year``), else the one that puts the time closest before the reference time (the
file's modification time), so December lines read in January land in the previous year, as
syslog readers conventionally do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from govsoc.collectors.base import ParseContext
from govsoc.core.errors import ParseError

_HEADER = re.compile(
    r"^(?:<(?P<pri>\d{1,3})>)?"
    r"(?P<month>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +(?P<day>\d{1,2}) "
    r"(?P<time>\d{2}:\d{2}:\d{2}) "
    r"(?P<host>\S+) "
    r"(?P<program>[^\s\[:]+(?:\([^)]*\))?)(?:\[(?P<pid>\d+)\])?: ?"
    r"(?P<message>.*)$",
    re.DOTALL,
)
_MONTHS = {m: i for i, m in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), start=1)}
#: A line may be up to this far after the reference time (clock skew, late rotation).
_SLACK = timedelta(days=2)


@dataclass(frozen=True, slots=True)
class SyslogLine:
    """The header fields and message of one BSD syslog line."""

    timestamp: datetime
    host: str
    program: str
    pid: int | None
    message: str
    priority: int | None


def parse_rfc3164(text: str, context: ParseContext) -> SyslogLine:
    """Split a BSD syslog line; raises ParseError (field "header") when it is not one."""
    match = _HEADER.match(text)
    if match is None:
        raise ParseError("not a BSD syslog line (expected 'Mmm dd hh:mm:ss host program[pid]: message')")
    hour, minute, second = (int(x) for x in match["time"].split(":"))
    month, day = _MONTHS[match["month"]], int(match["day"])
    timestamp: datetime | None
    if context.year is not None:
        try:
            timestamp = datetime(context.year, month, day, hour, minute, second, tzinfo=context.timezone)
        except ValueError as e:
            raise ParseError(f"impossible date {match['month']} {day} {match['time']} in {context.year}") from e
    else:
        timestamp = _infer_year(month, day, hour, minute, second, context)
    if timestamp is None:
        raise ParseError(f"impossible date {match['month']} {day} {match['time']}")
    pri = match["pri"]
    if pri is not None and int(pri) > 191:
        raise ParseError(f"priority {pri} is out of range (0-191)")
    return SyslogLine(
        timestamp=timestamp,
        host=match["host"],
        program=match["program"],
        pid=int(match["pid"]) if match["pid"] else None,
        message=match["message"].rstrip(),
        priority=int(pri) if pri is not None else None,
    )


def _infer_year(month: int, day: int, hour: int, minute: int, second: int,
                context: ParseContext) -> datetime | None:
    """The latest year that puts the line no later than the reference; 29 February may need to
    go back to the last leap year."""
    reference = context.reference.astimezone(context.timezone)
    for year in range(reference.year, reference.year - 8, -1):
        try:
            candidate = datetime(year, month, day, hour, minute, second, tzinfo=context.timezone)
        except ValueError:  # 29 February in a common year, 24:00:00, ...
            continue
        if candidate <= reference + _SLACK:
            return candidate
    return None
