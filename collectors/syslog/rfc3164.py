"""BSD syslog lines (RFC 3164 section 4.1, as written by syslogd and rsyslog to files).

``[<PRI>]Mmm dd hh:mm:ss host program[pid]: message``. The timestamp has neither year nor zone:
the zone comes from configuration (Asia/Shanghai by default, or per source) and the year is the
one given (``--year``), else the one that puts the time closest before the reference time (the
file's modification time), so December lines read in January land in the previous year, as
syslog readers conventionally do.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from govsoc.collectors.base import ParseContext
from govsoc.collectors.syslog.line import SyslogLine, read_pri, read_tag
from govsoc.core.errors import ParseError

__all__ = ["HEADER", "MONTHS", "SyslogLine", "bsd_time", "parse_rfc3164"]

#: Timestamp and host; groups: month, day, hour, minute, second, host (None when empty). The TAG follows.
HEADER = re.compile(r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2})"
                    r"(?: (\S+))? +", re.ASCII)
MONTHS = {m: i for i, m in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), start=1)}
#: A line may be up to this far after the reference time (clock skew, late rotation).
_SLACK = timedelta(days=2)


def parse_rfc3164(text: str, context: ParseContext) -> SyslogLine:
    """Split a BSD syslog line; raises ParseError when it is not one."""
    priority, pos = read_pri(text)
    match = HEADER.match(text, pos)
    if match is None:
        raise ParseError("not a BSD syslog line (expected 'Mmm dd hh:mm:ss host program[pid]: message')")
    month, day, hour, minute, second, host = match.groups()
    timestamp = bsd_time(MONTHS[month], int(day), int(hour), int(minute), int(second), context)
    program, pid, message = read_tag(text, match.end())
    return SyslogLine(timestamp, host, program, pid, message, priority)


def bsd_time(month: int, day: int, hour: int, minute: int, second: int, context: ParseContext) -> datetime:
    """The time of a BSD timestamp: in the context's zone, in ``context.year`` when given, else
    in the latest year that puts it no later than the reference (29 February may need to go
    back to the last leap year); raises ParseError for an impossible date."""
    if context.year is not None:
        try:
            return datetime(context.year, month, day, hour, minute, second, tzinfo=context.timezone)
        except ValueError as e:
            raise ParseError(f"impossible date {month:02d}-{day:02d} {hour:02d}:{minute:02d}:{second:02d} "
                             f"in {context.year}") from e
    reference = context.reference.astimezone(context.timezone)
    for year in range(reference.year, reference.year - 8, -1):
        try:
            candidate = datetime(year, month, day, hour, minute, second, tzinfo=context.timezone)
        except ValueError:  # 29 February in a common year, 24:00:00, ...
            continue
        if candidate <= reference + _SLACK:
            return candidate
    raise ParseError(f"impossible date {month:02d}-{day:02d} {hour:02d}:{minute:02d}:{second:02d}")
