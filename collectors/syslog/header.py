"""One syslog header parser for every Linux log: RFC 3164, ISO 8601 (RFC 3339) timestamped BSD
lines and RFC 5424, told apart by what follows the optional PRI:

| after PRI    | layout                                                                  |
|--------------|-------------------------------------------------------------------------|
| ``1 ``       | RFC 5424 (collectors.syslog.rfc5424)                                    |
| a digit      | ``2026-11-30T03:20:38.413282+08:00 host prog[pid]: msg``: rsyslog's     |
|              | RSYSLOG_FileFormat (the default on current distributions), syslog-ng's  |
|              | ISO format, ``journalctl -o short-iso``                                 |
| a month name | ``Nov 30 03:20:38 host prog[pid]: msg`` (RFC 3164)                      |

Speed: one precompiled expression per layout for the common line (with and without PRI), the
last line's layout tried first (a file or a sender has one; _LAYOUTS_OF), and per-parser caches
of the BSD timestamps, minutes and dates seen (many lines share a second, and BSD times need
year inference); ISO times go through datetime.fromisoformat once the expression has found the
RFC 3339 shape. tests/collectors/syslog/test_header_fast_path.py holds the fast path to the plain
readers; bench/parsers.py measures the rate.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from govsoc.collectors.base import ParseContext
from govsoc.collectors.syslog.line import SyslogLine, read_pri, read_tag
from govsoc.collectors.syslog.rfc3164 import HEADER, MONTHS, bsd_time
from govsoc.collectors.syslog.rfc3339 import TIMESTAMP, checked_time
from govsoc.collectors.syslog.rfc5424 import parse_rfc5424
from govsoc.core.errors import ParseError

__all__ = ["SyslogHeaderParser", "SyslogLine", "parse_syslog"]

# The common BSD line in one pass: timestamp text, host, program, pid, message. The host may be
# empty (two spaces), as old sysklogd wrote "last message repeated" lines.
# The month name is checked on a cache miss (_bsd_time), not here: the expression is the
# cheaper for it; a single-digit day with one space goes the slow way (rfc3164.HEADER).
# An optional part is written "(?:X|)", not "(?:X)?": the same language and the same greedy
# order, but re runs a group's "?" as a general repeat (a context allocated per try) and an
# alternative as a branch; the three optional parts cost a seventh of the match (P13c).
_BSD = re.compile(r"([A-Z][a-z][a-z] [ \d]\d \d\d:\d\d:\d\d)(?: (\S+)|) +"
                  r"([^\s\[:]+(?:\([^)]*\)|))(?:\[(\d{1,10})\]|): ?(.*)", re.DOTALL | re.ASCII)
# The common ISO line in one pass: timestamp text, host, program, pid, message. The time has
# rfc3339.TIMESTAMP's shape with a "T" (a space between date and time goes the slow way): only
# that shape may reach datetime.fromisoformat, which also takes what RFC 3339 does not (an hour
# alone, no seconds, ISO week dates, "032038", offsets with seconds; P13c 1).
_CLOCK, _OFFSET = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:[.,]\d{1,9}|)", r"[Zz]|[+-]\d\d:?\d\d"
_RFC3339 = f"{_CLOCK}(?:{_OFFSET}|)"
# The same with the offset RFC 5424 requires (section 6.2.3, TIME-OFFSET): a time it takes has
# a zone, and parse does not test for one; a line without one goes through rfc5424 (which
# gives it the source's zone, as the ISO layout does).
_RFC3339_ZONED = f"{_CLOCK}(?:{_OFFSET})"
_ISO = re.compile(f"({_RFC3339})" r" +(\S+) +([^\s\[:]+(?:\([^)]*\)|))(?:\[(\d{1,10})\]|): ?(.*)",
                  re.DOTALL | re.ASCII)
_ISO_HOST = re.compile(r" +(\S+) +", re.ASCII)
# The common RFC 5424 message in one pass: PRI 0-191 (as read_pri takes it), no structured
# data ("-"); its time has the RFC 3339 shape with an offset (_RFC3339_ZONED) and is read in
# parse (fromisoformat); a PROCID of 1-10 ASCII digits is caught apart as the pid
# (rfc5424.pid_of's rule, without a call per line); anything else goes through rfc5424. A
# NILVALUE ("-") HOSTNAME, APP-NAME, PROCID or MSGID leaves its group None (a field that only
# starts with "-" fails the "-" branch at the space and takes the other), the BOM before MSG
# (section 6.4) is left out here, and MSG is always a group ("" when there is none): fewer
# steps per line in Python. It ends with "\Z", not "$" (which also matches before a final
# newline: "- -\n" has no SP before that MSG, and rfc5424 refuses it).
_PRI = r"<(\d\d?|0\d\d|1[0-8]\d|19[01])>"
_RFC5424_NIL_SD = re.compile(f"{_PRI}1 ({_RFC3339_ZONED})" r" (?:-|(\S{1,255})) "
                             r"(?:-|(\S{1,48})) (?:(\d{1,10})|-|(\S{1,128})) (?:-|(\S{1,32})) "
                             r"-(?: \ufeff?|\Z)(.*)\Z", re.DOTALL | re.ASCII)
# The same BSD and ISO lines after a PRI (as a sender writes them: rsyslog's
# RSYSLOG_TraditionalForwardFormat and ForwardFormat), one of the texts read_pri takes (0-191,
# up to 3 digits): they read what read_pri then _BSD or _ISO at its end read (P13d).
_PRI_BSD, _PRI_ISO = re.compile(_PRI + _BSD.pattern, _BSD.flags), re.compile(_PRI + _ISO.pattern, _ISO.flags)
_bsd_match, _iso_match, _rfc5424_match = _BSD.match, _ISO.match, _RFC5424_NIL_SD.match
#: A line's first character -> the layouts whose one-pass expression can take it (_BSD: an ASCII
#: capital, _ISO: an ASCII digit; _RFC5424_NIL_SD, _PRI_BSD and _PRI_ISO: "<", then "1 ", a
#: capital, four digits and "-"): no line is taken by two, so the order they are tried in
#: changes no reading. parse tries the last line's layout first (a file, or a sender, has one):
#: one match per line instead of a startswith and, for ISO lines, a failed BSD match; a line
#: with PRI no longer pays read_pri, a failed match and a second one (P13d).
_LAYOUTS_OF = {"<": ("rfc5424", "<rfc3164", "<iso8601"), **dict.fromkeys("0123456789", ("iso8601",)),
               **dict.fromkeys("ABCDEFGHIJKLMNOPQRSTUVWXYZ", ("rfc3164",))}
_MATCH_OF = {"rfc3164": _bsd_match, "iso8601": _iso_match, "rfc5424": _rfc5424_match, "<rfc3164": _PRI_BSD.match,
             "<iso8601": _PRI_ISO.match}
_CACHE_SIZE = 4096
#: Each PRI text _PRI takes -> its value (a look-up instead of int() per line).
_PRIORITY = {text: n for n in range(192) for text in {str(n), f"{n:02d}", f"{n:03d}"}}
#: Builds a SyslogLine from a full tuple without the NamedTuple's Python-level __new__.
_new = tuple.__new__
_fromisoformat = datetime.fromisoformat
_combine = datetime.combine
_clock = time.fromisoformat
#: _date's answer for a date whose year depends on the time of day (or that no year has).
_ANY_YEAR = date.min
#: _minute's answer for a minute whose time bsd_time must decide (see _minute).
_NO_MINUTE = datetime.min
#: A BSD stamp's seconds text -> the time past its minute ("60", a leap second, is refused).
_SECONDS = {f"{n:02d}": timedelta(seconds=n) for n in range(60)}


class SyslogHeaderParser:
    """Parses syslog headers of any of the three layouts, caching timestamps per context.

    One instance per parser instance (the cache is not shared between threads).
    """

    __slots__ = ("_context", "_days", "_first", "_minutes", "_times")

    def __init__(self) -> None:
        self._context: ParseContext | None = None
        self._times: dict[str, datetime] = {}
        self._days: dict[str, date] = {}
        self._minutes: dict[str, datetime] = {}
        self._first = "rfc3164"

    def parse(self, text: str, context: ParseContext) -> SyslogLine:
        """The header fields and message of ``text``; raises ParseError when it is no syslog line."""
        if context is not self._context:
            self._context, self._times, self._days, self._minutes = context, {}, {}, {}
        # the expression of the last line's layout first (see _LAYOUTS_OF): one match per line
        first = self._first
        if first == "rfc3164":
            match = _bsd_match(text)
            if match is not None:
                stamp, host, program, pid, message = match.groups()
                return _new(SyslogLine, (self._times.get(stamp) or self._bsd_time(stamp, context), host, program,
                                         int(pid) if pid else None, message.rstrip(), None, "rfc3164", None, None,
                                         None))
        elif first == "iso8601":
            match = _iso_match(text)
            if match is not None:  # _iso_line, written out: a call costs a tenth of the line
                stamp, host, program, pid, message = match.groups()
                try:
                    when = _fromisoformat(stamp)
                except ValueError:
                    when = checked_time(stamp, context.timezone)
                if when.tzinfo is None:
                    when = when.replace(tzinfo=context.timezone)
                return _new(SyslogLine, (when, host, program, int(pid) if pid else None, message.rstrip(), None,
                                         "iso8601", None, None, None))
        elif first == "rfc5424":
            match = _rfc5424_match(text)
            if match is not None:
                pri, stamp, host, app, pid, procid, msgid, message = match.groups()
                try:
                    return _new(SyslogLine, (_fromisoformat(stamp), host, app, int(pid) if pid else None,
                                             message.rstrip(), _PRIORITY[pri], "rfc5424", pid or procid, msgid, None))
                except ValueError:  # an impossible date or clock: rfc5424 says why
                    pass
        else:  # "<rfc3164", "<iso8601"
            match = _MATCH_OF[first](text)
            if match is not None:
                return self._after_pri(match, context)
        return self._dispatch(text, first, context)

    def _after_pri(self, match: re.Match[str], context: ParseContext) -> SyslogLine:
        """The line _PRI_BSD or _PRI_ISO took."""
        pri, stamp, host, program, pid, message = match.groups()
        if match.re is _PRI_ISO:
            return self._iso_line(stamp, host, program, pid, message, _PRIORITY[pri], context)
        return _new(SyslogLine, (self._times.get(stamp) or self._bsd_time(stamp, context), host, program,
                                 int(pid) if pid else None, message.rstrip(), _PRIORITY[pri], "rfc3164", None, None,
                                 None))

    @staticmethod
    def _iso_line(stamp: str, host: str, program: str, pid: str | None, message: str, priority: int | None,
                  context: ParseContext) -> SyslogLine:
        """The line _ISO or _PRI_ISO took: an RFC 3339 time (the source's zone when it has none)."""
        try:
            when = _fromisoformat(stamp)
        except ValueError:
            when = checked_time(stamp, context.timezone)
        if when.tzinfo is None:
            when = when.replace(tzinfo=context.timezone)
        return _new(SyslogLine, (when, host, program, int(pid) if pid else None, message.rstrip(), priority,
                                 "iso8601", None, None, None))

    def _dispatch(self, text: str, tried: str, context: ParseContext) -> SyslogLine:
        """A line the expression ``tried`` did not take: the first other expression of its first
        character's layouts that takes it (parse then tries that layout first), else PRI and the
        rarer shapes (_other)."""
        for layout in _LAYOUTS_OF.get(text[:1], ()):
            if layout != tried and _MATCH_OF[layout](text) is not None:
                self._first = layout
                return self.parse(text, context)
        priority, pos = read_pri(text)
        return self._other(text, pos, priority, context)

    def _other(self, text: str, pos: int, priority: int | None, context: ParseContext) -> SyslogLine:
        """A line the one-pass expressions did not take: RFC 5424 with structured data or an odd
        time, a TAG with spaces, odd spacing, a single-digit day after one space."""
        if text[pos:pos + 1].isdigit():
            if text.startswith("1 ", pos):
                if priority is None:
                    raise ParseError("an RFC 5424 message must start with PRI")
                return parse_rfc5424(text, pos, priority, context.timezone)
            return self._iso(text, pos, priority, context)
        match = HEADER.match(text, pos)
        if match is None:
            raise ParseError("not a syslog line (expected 'Mmm dd hh:mm:ss host prog: msg', an ISO 8601 "
                             "timestamp or an RFC 5424 header)")
        program, number, message = read_tag(text, match.end())
        stamp = f"{match[1]} {match[2]:>2} {match[3]}:{match[4]}:{match[5]}"  # _BSD's fixed width
        when = self._times.get(stamp) or self._bsd_time(stamp, context)
        return SyslogLine(when, match[6], program, number, message, priority)

    def _iso(self, text: str, pos: int, priority: int | None, context: ParseContext) -> SyslogLine:
        """An ISO line the one-pass expression did not take (a TAG with spaces, odd spacing)."""
        stamp_match = TIMESTAMP.match(text, pos)
        host_match = _ISO_HOST.match(text, stamp_match.end()) if stamp_match else None
        if stamp_match is None or host_match is None:
            raise ParseError("not a syslog line (expected 'YYYY-MM-DDThh:mm:ss[.frac][zone] host prog: msg')")
        program, number, message = read_tag(text, host_match.end())
        return SyslogLine(checked_time(stamp_match[0], context.timezone), host_match[1], program, number, message,
                          priority, "iso8601")

    def _bsd_time(self, stamp: str, context: ParseContext) -> datetime:
        """The time of a ``Mmm dd hh:mm:ss`` stamp the cache does not hold (a third of a file's
        lines: Linux_2k has 620 times in 2,000 lines, but 235 minutes): its minute (_minute, once
        per minute) plus its second from a table; the wall clock is added as datetime.combine
        would have written it (the same fold, zone and fields). A minute whose year depends on
        the clock, and an impossible clock, take rfc3164.bsd_time, which says why."""
        minute_text, _, second_text = stamp.rpartition(":")  # one call for both parts
        minute = self._minutes.get(minute_text)
        if minute is None:
            minute = self._minute(stamp, context)
        second = _SECONDS.get(second_text)
        found = minute + second if minute is not _NO_MINUTE and second is not None else self._converted(stamp, context)
        times = self._times
        if len(times) >= _CACHE_SIZE:
            times.clear()
        times[stamp] = found
        return found

    def _minute(self, stamp: str, context: ParseContext) -> datetime:
        """Second 0 of the minute of ``stamp`` (remembered), or _NO_MINUTE when its date's year
        depends on the time of day or the clock is impossible (24:00, minute 60). The year of a
        date is decided once per date (_date); the clock is read by time.fromisoformat and
        joined by datetime.combine, both C."""
        day = self._days.get(stamp[:6])
        if day is None:
            day = self._days[stamp[:6]] = self._date(stamp, context)
        minute = _NO_MINUTE
        if day is not _ANY_YEAR:
            try:
                minute = _combine(day, _clock(stamp[7:12]), context.timezone)
            except ValueError:  # 24:00: bsd_time refuses it with the reason
                pass
        if len(self._minutes) >= _CACHE_SIZE:
            self._minutes.clear()
        self._minutes[stamp[:12]] = minute
        return minute

    def _date(self, stamp: str, context: ParseContext) -> date:
        """The date of ``stamp`` when its year is the same at any time of that day, else _ANY_YEAR
        (bsd_time's year is the latest that puts the time before the reference and its slack, so
        it can change only within the day: compare the day's first and last second)."""
        month, day = stamp[:6].split()
        number = MONTHS.get(month)
        if number is None:
            raise ParseError(f"not a month: {month!r} (expected 'Mmm dd hh:mm:ss host prog: msg')")
        if len(self._days) >= _CACHE_SIZE:
            self._days.clear()
        try:
            first = bsd_time(number, int(day), 0, 0, 0, context)
            last = bsd_time(number, int(day), 23, 59, 59, context)
        except ParseError:  # 30 February: _converted says so with the time
            return _ANY_YEAR
        return first.date() if first.year == last.year else _ANY_YEAR

    @staticmethod
    def _converted(stamp: str, context: ParseContext) -> datetime:
        """``stamp`` through rfc3164.bsd_time: the year inferred for this very time."""
        month, day, clock = stamp.split()
        hour, minute, second = clock.split(":")
        return bsd_time(MONTHS[month], int(day), int(hour), int(minute), int(second), context)


def parse_syslog(text: str, context: ParseContext) -> SyslogLine:
    """One line, any layout, without a cache (use a SyslogHeaderParser for many lines)."""
    return SyslogHeaderParser().parse(text, context)
