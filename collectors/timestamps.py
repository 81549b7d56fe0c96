"""Find a time in a line no parser understood, so that its parse-failure event is stamped with
the line's own time rather than the file's modification time.

The known forms are a table, tried in order; the first that yields a valid time wins. Forms
without a zone take the source's time zone; forms without a year take ``--year`` or the year
inferred as for BSD syslog (the latest one not after the reference time).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

from govsoc.collectors.base import ParseContext

_MONTHS = {m: i for i, m in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), start=1)}
_MON = "(?P<mon>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
_HMS = r"(?P<h>\d{2}):(?P<mi>\d{2}):(?P<s>\d{2})"
_SLACK = timedelta(days=2)


def _offset(text: str | None) -> timezone | None:
    if not text:
        return None
    if text == "Z":
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:4])))


def _build(m: re.Match[str], context: ParseContext) -> datetime | None:
    parts = m.groupdict()
    month = int(parts["mo"]) if parts.get("mo") else _MONTHS[parts["mon"]]
    day, hour, minute, second = int(parts["d"]), int(parts["h"]), int(parts["mi"]), int(parts["s"])
    micro = int((parts.get("frac") or "0")[:6].ljust(6, "0"))
    zone = _offset(parts.get("tz")) or context.timezone
    if parts.get("y"):
        return datetime(int(parts["y"]), month, day, hour, minute, second, micro, tzinfo=zone)
    if context.year is not None:
        return datetime(context.year, month, day, hour, minute, second, micro, tzinfo=zone)
    reference = context.reference.astimezone(zone)
    for year in range(reference.year, reference.year - 8, -1):
        try:
            candidate = datetime(year, month, day, hour, minute, second, micro, tzinfo=zone)
        except ValueError:
            continue
        if candidate <= reference + _SLACK:
            return candidate
    return None


#: Known time forms, most specific first. Each row: the pattern and why it is here.
FORMS: tuple[tuple[re.Pattern[str], str], ...] = (
    # ISO 8601 / RFC 3339 (RFC 5424 syslog, JSON logs, most applications)
    (re.compile(r"(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})[T ]" + _HMS +
                r"(?:[.,](?P<frac>\d{1,9}))?(?P<tz>Z|[+-]\d{2}:?\d{2})?"), "iso8601"),
    # Apache/nginx access log: [10/Oct/2000:13:55:36 -0700]
    (re.compile(r"(?P<d>\d{2})/" + _MON + r"/(?P<y>\d{4}):" + _HMS + r"(?: (?P<tz>[+-]\d{4}))?"), "clf"),
    # Apache error log and ctime(): Sun Dec 04 04:47:44 2005
    (re.compile(r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) " + _MON + r" +(?P<d>\d{1,2}) " + _HMS +
                r"(?:\.(?P<frac>\d{1,6}))? (?P<y>\d{4})"), "ctime"),
    # 2005-06-03-15.42.50 (IBM BGL, DB2)
    (re.compile(r"(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})-(?P<h>\d{2})\.(?P<mi>\d{2})\.(?P<s>\d{2})"), "dotted"),
    # 2025/12/10 06:55:46 (Go log, many appliances)
    (re.compile(r"(?P<y>\d{4})/(?P<mo>\d{2})/(?P<d>\d{2}) " + _HMS), "slashed"),
    # BSD syslog without a year: Dec 10 06:55:46
    (re.compile(_MON + r" +(?P<d>\d{1,2}) " + _HMS), "rfc3164"),
)


def find_time(text: str, context: ParseContext) -> datetime | None:
    """The first time of a known form found in ``text`` (searched in its first 512 characters),
    or None."""
    head = text[:512]
    for pattern, _name in FORMS:
        for match in pattern.finditer(head):
            try:
                found = _build(match, context)
            except (ValueError, OverflowError):
                continue
            if found is not None:
                return found
    return None
