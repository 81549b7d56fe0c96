"""The syslog envelope in front of a network or security device's message: PRI, then one of the
timestamp forms Chinese devices write (log-formats.md section 1.2), then the body.

| form                                   | who                                        |
|----------------------------------------|--------------------------------------------|
| ``Mmm dd hh:mm:ss``                    | RFC 3164 (Sangfor, Hillstone, relays)      |
| ``Mmm dd yyyy hh:mm:ss[+hh:mm][ DST]`` | Huawei information center                  |
| ``Mmm dd hh:mm:ss[:mmm] yyyy``         | H3C ``date`` format (and its log buffer)   |
| ``yyyy-mm-dd[T ]hh:mm:ss[.f][zone]``   | Huawei / H3C ``iso``, rsyslog              |
| none                                   | Topsec, NSFOCUS bodies, ``timestamp none`` |

A time without a zone is in the source's zone (Huawei logs UTC by default: configure the source
so); one without a year gets the year as for BSD syslog (collectors.syslog.rfc3164.bsd_time).
Which host token follows, if any, is for the vendor parser to say: the envelope stops at the time.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from typing import NamedTuple

from govsoc.collectors.base import ParseContext
from govsoc.collectors.syslog.rfc3164 import MONTHS, bsd_time
from govsoc.core.errors import ParseError

__all__ = ["Envelope", "read_envelope"]

# Groups: 1 PRI; BSD-like: 2 month, 3 day, 4 year before the time, 5 time after a year,
# 6 time, 7 year after the time (not the start of a longer token: Hillstone's serial number
# follows a BSD time), 8 offset; ISO: 9 date, 10 time, 11 zone.
_ENVELOPE = re.compile(
    r"(?:<(\d{1,3})>)? ?%?(?:"
    r"([A-Z][a-z]{2}) +(\d{1,2}) (?:(\d{4}) (\d\d:\d\d:\d\d)|(\d\d:\d\d:\d\d)(?::\d{3})?(?: (\d{4})(?![\w(]))?)"
    r"(?:\.\d{1,6})?([+-]\d\d:?\d\d)?(?: DST)?"
    r"|(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d(?:\.\d{1,6})?)(Z|[+-]\d\d:?\d\d)?"
    r")?,? *", re.ASCII)


class Envelope(NamedTuple):
    """PRI (None when absent), the time (None when the envelope has none) and where the rest starts."""

    priority: int | None
    timestamp: datetime | None
    end: int


def read_envelope(text: str, context: ParseContext, cache: dict[str, datetime] | None = None,
                  pos: int = 0) -> Envelope:
    """The envelope at ``pos`` in ``text``; raises ParseError for a PRI out of range or an
    impossible date. ``cache`` maps timestamp texts already seen to their times."""
    match = _ENVELOPE.match(text, pos)
    assert match is not None  # every group is optional
    pri = match[1]
    priority = int(pri) if pri is not None else None
    if priority is not None and priority > 191:
        raise ParseError(f"priority {priority} is out of range (0-191)")
    if match[2] is None and match[9] is None:
        return Envelope(priority, None, match.end())
    stamp = match.group(0)
    found = cache.get(stamp) if cache is not None else None
    if found is None:
        found = _time(match, context)
        if cache is not None:
            if len(cache) >= 4096:
                cache.clear()
            cache[stamp] = found
    return Envelope(priority, found, match.end())


def _zone(offset: str | None) -> timezone | None:
    if not offset:
        return None
    if offset == "Z":
        return UTC
    digits = offset[1:].replace(":", "")
    delta = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return timezone(-delta if offset[0] == "-" else delta)


def _time(match: re.Match[str], context: ParseContext) -> datetime:
    try:
        if match[9] is not None:
            when = datetime.fromisoformat(f"{match[9]}T{match[10]}")
            return when.replace(tzinfo=_zone(match[11]) or context.timezone)
        month = MONTHS.get(match[2])
        if month is None:
            raise ParseError(f"not a month: {match[2]!r}")
        clock = match[5] or match[6]
        hour, minute, second = (int(part) for part in clock.split(":"))
        year = match[4] or match[7]
        zone = _zone(match[8])
        if year is None and zone is None:
            return bsd_time(month, int(match[3]), hour, minute, second, context)
        return datetime(int(year) if year else (context.year or context.reference.year), month, int(match[3]),
                        hour, minute, second, tzinfo=zone or context.timezone)
    except ValueError:
        raise ParseError(f"impossible time {match.group(0).strip()!r}") from None
