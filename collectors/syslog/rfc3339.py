"""RFC 3339 timestamps (the ISO 8601 profile of RFC 5424 section 6.2.3), as rsyslog writes them
to files by default on current distributions: ``2026-11-30T03:20:38.413282+08:00``.

Accepted beyond the RFC, as log files have them: a space instead of ``T``, a comma before the
fraction, up to 9 fractional digits (kept to the microsecond), an offset without a colon, and
no offset at all (then the source's configured zone applies). A leap second (60) is refused, as
RFC 5424 requires.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo

from govsoc.core.errors import ParseError

#: The timestamp at a position; groups: year, month, day, hour, minute, second, fraction, offset.
TIMESTAMP = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?(Z|z|[+-]\d{2}:?\d{2})?", re.ASCII)
_ZONES: dict[str, tzinfo] = {"Z": UTC, "z": UTC}


def zone(offset: str) -> tzinfo:
    """The fixed zone of an offset written ``Z``, ``+08:00`` or ``+0800`` (cached)."""
    found = _ZONES.get(offset)
    if found is None:
        minutes = int(offset[1:3]) * 60 + int(offset[-2:])
        if minutes >= 24 * 60:
            raise ParseError(f"time zone offset {offset} is out of range")
        found = timezone(timedelta(minutes=-minutes if offset[0] == "-" else minutes))
        if len(_ZONES) < 256:
            _ZONES[offset] = found
    return found


def build(parts: tuple[str | None, ...], default: tzinfo) -> datetime:
    """The datetime of TIMESTAMP's groups; ``default`` is the zone of a time without offset."""
    year, month, day, hour, minute, second, fraction, offset = parts
    micro = int(fraction[:6].ljust(6, "0")) if fraction else 0
    try:
        return datetime(int(year or 0), int(month or 0), int(day or 0), int(hour or 0), int(minute or 0),
                        int(second or 0), micro, tzinfo=zone(offset) if offset else default)
    except ValueError as e:
        raise ParseError(f"impossible time {year}-{month}-{day}T{hour}:{minute}:{second}: {e}") from e


def parse_rfc3339(text: str, default: tzinfo) -> datetime:
    """A whole RFC 3339 timestamp; raises ParseError when ``text`` is not one."""
    if TIMESTAMP.fullmatch(text) is None:
        raise ParseError(f"not an RFC 3339 timestamp: {text[:40]!r}")
    return checked_time(text, default)


def checked_time(stamp: str, default: tzinfo) -> datetime:
    """The datetime of a string TIMESTAMP has matched: datetime.fromisoformat (C, and it
    refuses second 60 and 30 February) when it takes the form, else :func:`build`."""
    try:
        found = datetime.fromisoformat(stamp)
    except ValueError:
        match = TIMESTAMP.fullmatch(stamp)
        if match is None:
            raise ParseError(f"not an RFC 3339 timestamp: {stamp[:40]!r}") from None
        return build(match.groups(), default)
    return found if found.tzinfo is not None else found.replace(tzinfo=default)
