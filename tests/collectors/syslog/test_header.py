"""The one syslog header parser (collectors.syslog.header): RFC 3164, ISO 8601 timestamped BSD
lines and RFC 5424, real lines first, then composed edge cases, then arbitrary input.

Samples and their licences:
- RFC 5424 section 6.5 and RFC 3164 section 5.4 examples: IETF Trust, quoted as the RFCs allow.
- elastic/integrations packages/system/data_stream/auth/_dev/test/pipeline/*.log (test data of
  Elastic's system integration, Elastic License 2.0): marked "elastic" below.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govsoc.collectors.base import ParseContext
from govsoc.collectors.syslog.header import SyslogHeaderParser, parse_syslog
from govsoc.collectors.syslog.line import SyslogLine
from govsoc.collectors.syslog.rfc3164 import bsd_time, parse_rfc3164
from govsoc.core.errors import ParseError

SHANGHAI = ZoneInfo("Asia/Shanghai")
CONTEXT = ParseContext(timezone=SHANGHAI, reference=datetime(2026, 11, 30, tzinfo=UTC))
CONTEXT_2005 = ParseContext(timezone=SHANGHAI, reference=datetime(2005, 12, 31, tzinfo=UTC))
PLUS2 = timezone(timedelta(hours=2))


@pytest.mark.parametrize(("line", "expected"), [
    # RFC 3164 5.4 example 1: PRI, BSD time (year inferred before the reference), no pid
    ("<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8",
     dict(timestamp=datetime(2026, 10, 11, 22, 14, 15, tzinfo=SHANGHAI), host="mymachine", program="su", pid=None,
          message="'su root' failed for lonvick on /dev/pts/8", priority=34, layout="rfc3164")),
    # elastic test-unix-chkpwd.log: rsyslog's ISO format with microseconds and offset
    ("2026-05-17T18:01:02.000000+00:00 host12345 unix_chkpwd[2345678]: password check failed for user (testuser)",
     dict(timestamp=datetime(2026, 5, 17, 18, 1, 2, tzinfo=UTC), host="host12345", program="unix_chkpwd",
          pid=2345678, message="password check failed for user (testuser)", priority=None, layout="iso8601")),
    # elastic test-5424.log: RFC 5424 with NILVALUE msgid and structured data
    ("<30>1 2023-09-28T12:10:12.175599+02:00 test.lab.com systemd 153589 - - Stopped target Default.",
     dict(timestamp=datetime(2023, 9, 28, 12, 10, 12, 175599, tzinfo=PLUS2), host="test.lab.com", program="systemd",
          pid=153589, message="Stopped target Default.", priority=30, layout="rfc5424", msgid=None,
          structured_data=None)),
    # RFC 5424 6.5 example 1: BOM before the message, procid "-", msgid ID47
    ("<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - \ufeff'su root' failed for lonvick on "
     "/dev/pts/8", dict(timestamp=datetime(2003, 10, 11, 22, 14, 15, 3000, tzinfo=UTC), program="su", pid=None,
                        procid=None, msgid="ID47", message="'su root' failed for lonvick on /dev/pts/8")),
    # RFC 5424 6.5 example 2: microseconds and a negative offset, numeric procid
    ("<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It's time to make the do-nuts.",
     dict(timestamp=datetime(2003, 8, 24, 5, 14, 15, 3, tzinfo=timezone(timedelta(hours=-7))), host="192.0.2.1",
          pid=8710, message="%% It's time to make the do-nuts.")),
    # RFC 5424 6.5 example 4: two SD elements and no message at all
    ('<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" '
     'eventSource="Application" eventID="1011"][examplePriority@32473 class="high"]',
     dict(message="", structured_data={"exampleSDID@32473": {"iut": "3", "eventSource": "Application",
                                                             "eventID": "1011"},
                                       "examplePriority@32473": {"class": "high"}})),
    # elastic test-auth-ubuntu1204.log: sysklogd left the host empty (two spaces)
    ("Feb 22 10:21:43  sshd[1332]: last message repeated 2 times",
     dict(host=None, program="sshd", pid=1332, message="last message repeated 2 times")),
    # loghub Linux_2k: a TAG with a space, and PAM's legacy "service(module)" TAG
    ("Jun 19 04:09:11 combo syslogd 1.4.1: restart.", dict(program="syslogd 1.4.1", message="restart.")),
    ("Jul  7 08:06:15 combo  -- root[2421]: ROOT LOGIN ON tty2", dict(program="-- root", pid=2421)),
    ("Jun 14 15:16:01 combo sshd(pam_unix)[19939]: check pass; user unknown",
     dict(program="sshd(pam_unix)", pid=19939, timestamp=datetime(2026, 6, 14, 15, 16, 1, tzinfo=SHANGHAI))),
    # composed: an ISO time without offset takes the source's zone; comma and 9 fraction digits
    ("2026-11-30 03:20:38,123456789 web01 nginx: up",
     dict(timestamp=datetime(2026, 11, 30, 3, 20, 38, 123456, tzinfo=SHANGHAI), host="web01", layout="iso8601")),
    # composed: a space between date and time (syslog-ng, journalctl -o short-iso-precise differ)
    ("2026-11-30 03:20:38 web01 sshd[8812]: x", dict(timestamp=datetime(2026, 11, 30, 3, 20, 38, tzinfo=SHANGHAI),
                                                     host="web01", program="sshd", pid=8812)),
    # composed: offset without colon, PRI before an ISO line (rsyslog forwarding template)
    ("<86>2026-11-30T03:20:38+0800 gate sshd-session[8812]: x",
     dict(timestamp=datetime(2026, 11, 30, 3, 20, 38, tzinfo=timezone(timedelta(hours=8))), priority=86,
          program="sshd-session", pid=8812)),
    # composed: escaped '"', '\' and ']' inside an SD value (RFC 5424 6.3.3)
    ('<13>1 - - - - - [x@1 v="a\\"b\\\\c\\]d"] m', dict(timestamp=None, host=None, program=None,
                                                        structured_data={"x@1": {"v": 'a"b\\c]d'}}, message="m")),
])
def test_layouts(line: str, expected: dict[str, object]) -> None:
    parsed = SyslogHeaderParser().parse(line, CONTEXT)
    assert {key: getattr(parsed, key) for key in expected} == expected


@pytest.mark.parametrize("line", [
    "",                                                        # nothing
    "hello world",                                            # no header
    "<192>Dec 10 06:55:46 h p: x",                           # PRI above 191
    "<13 Dec 10 06:55:46 h p: x",                            # unclosed PRI
    "1 2003-10-11T22:14:15Z h a p m - x",                    # RFC 5424 without PRI
    "<13>1 2003-10-11T22:14:60Z h a p m - x",                # leap second (RFC 5424 forbids)
    "<13>1 2003-02-30T22:14:15Z h a p m - x",                # no 30 February
    "<13>1 2003-10-11T22:14:15Z h a p m [x@1 a=\"1\" x",     # SD element not closed
    "<13>1 2003-10-11T22:14:15Z h a p m [x@1]x",             # SD not followed by a space
    "2026-11-30T03:20:38+25:00 h p: x",                      # offset out of range
    "2026-11-30T03:20:38",                                    # no host
    "Dec 10 06:55:46 fw01 no tag here",                      # no TAG (as before: not a syslog file line)
    "2025-12-10T06:55:46+08:00 INFO something happened",     # an application log, not syslog
    "2026-11-30 03:20:38 sshd[8812]: x",                     # no host: refused, not read as midnight
])
def test_not_syslog(line: str) -> None:
    with pytest.raises(ParseError):
        SyslogHeaderParser().parse(line, CONTEXT)


@pytest.mark.parametrize(("procid", "pid"), [
    ("8710", 8710),                 # the usual numeric PROCID is the pid
    ("4294967295", 4294967295),     # 10 digits: still a pid
    ("123456789012345", None),      # 15 digits: no pid (it was one without structured data only)
    ("\u00b2", None),               # "²" is str.isdigit() but no number: int() raised ValueError
    ("\u0661\u0662", None),         # Arabic-Indic digits: a PROCID, not an ASCII pid
])
@pytest.mark.parametrize("sd", ["-", '[x@1 a="1"]'])  # the one-pass expression and rfc5424 alike
def test_rfc5424_pid_is_an_ascii_procid_of_up_to_ten_digits(procid: str, pid: int | None, sd: str) -> None:
    line = parse_syslog(f"<14>1 2026-11-30T03:20:38+08:00 h app {procid} - {sd} m", CONTEXT)
    assert (line.procid, line.pid) == (procid, pid)


def test_the_cache_follows_the_context() -> None:
    # the same BSD time means another year under another reference: the cache must not leak it
    parser, line = SyslogHeaderParser(), "Dec 10 06:55:46 h p: x"
    first = parser.parse(line, CONTEXT).timestamp
    later = ParseContext(timezone=SHANGHAI, reference=datetime(2027, 12, 31, tzinfo=UTC))
    assert first is not None and first.year == 2025
    assert (parser.parse(line, later).timestamp or first).year == 2027
    assert parser.parse(line, CONTEXT).timestamp == first


_NAMES = st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E, exclude_characters='=]"'),
                 min_size=1, max_size=12)
_VALUES = st.text(st.characters(codec="utf-8"), max_size=20)


@given(stamp=st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(9999, 12, 31),
                          timezones=st.just(UTC)),
       host=_NAMES, app=_NAMES, procid=_NAMES, msgid=_NAMES,
       sd=st.dictionaries(_NAMES, st.dictionaries(_NAMES, _VALUES, max_size=3), max_size=3),
       message=st.text(st.characters(codec="utf-8"), max_size=40).map(str.rstrip))
def test_rfc5424_parse_of_render_is_identity(stamp: datetime, host: str, app: str, procid: str, msgid: str,
                                            sd: dict[str, dict[str, str]], message: str) -> None:
    nil = {"-": None}
    elements = "".join(f"[{sid}" + "".join(f' {k}="{_escape(v)}"' for k, v in params.items()) + "]"
                       for sid, params in sd.items()) or "-"
    text = f"<14>1 {stamp.isoformat()} {host} {app} {procid} {msgid} {elements} {message}"
    line = parse_syslog(text, CONTEXT)
    assert (line.timestamp, line.host, line.program, line.procid, line.msgid, line.structured_data, line.message) == \
        (stamp, nil.get(host, host), nil.get(app, app), nil.get(procid, procid), nil.get(msgid, msgid), sd or None,
         message.removeprefix("\ufeff"))


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("]", "\\]")


@given(st.text(max_size=200))
def test_arbitrary_text_gives_a_line_or_parse_error(text: str) -> None:
    try:
        line = SyslogHeaderParser().parse(text, CONTEXT)
    except ParseError:
        return
    assert isinstance(line, SyslogLine)


@given(st.sampled_from(["<13>", "", "<165>1 "]), st.sampled_from(["Dec 10 06:55:46 ", "2026-11-30T03:20:38Z ",
                                                                  "2026-11-30T03:20:38.5+08:00 ", "- "]),
       st.text(max_size=80))
def test_header_shaped_junk_gives_a_line_or_parse_error(pri: str, stamp: str, rest: str) -> None:
    try:
        SyslogHeaderParser().parse(pri + stamp + rest, CONTEXT)
    except ParseError:
        pass


_LINUX_2K = Path(__file__).resolve().parents[3].parent / "shared" / "corpus" / "loghub" / "Linux" / "Linux_2k.log"


def test_a_date_is_converted_once_per_read(monkeypatch: pytest.MonkeyPatch) -> None:
    # P13a 2: every new time of a file went through bsd_time (year inference, five ints), a third
    # of Linux_2k's lines; now a date's year is decided once (its first and last second) and
    # each new time is that date and its clock. The answers are checked against bsd_time below.
    calls: list[tuple[object, ...]] = []

    def counted(*args: Any) -> datetime:
        calls.append(args[:2])
        return bsd_time(*args)

    monkeypatch.setattr("govsoc.collectors.syslog.header.bsd_time", counted)
    lines = _LINUX_2K.read_text(encoding="utf-8").splitlines()
    parser = SyslogHeaderParser()
    for line in lines:
        parser.parse(line, CONTEXT_2005)
    dates = {line[:6] for line in lines}
    assert len(dates) == len(set(calls)) > 20
    assert len(calls) <= 2 * len(dates)  # its first and last second at most, not every new time


@given(when=st.datetimes(min_value=datetime(2001, 1, 1), max_value=datetime(2030, 12, 31)),
       reference=st.datetimes(min_value=datetime(2001, 1, 1), max_value=datetime(2030, 12, 31),
                              timezones=st.just(UTC)),
       zone=st.sampled_from(["Asia/Shanghai", "UTC", "America/New_York", "Australia/Lord_Howe"]),
       year=st.sampled_from([None, 2024, 2025]))
def test_cached_bsd_time_is_bsd_time(when: datetime, reference: datetime, zone: str, year: int | None) -> None:
    # the cached path (a date's year, then its clock) against the uncached reader, near the
    # reference (where the year turns on the time of day), on 29 February, across DST changes
    context = ParseContext(timezone=ZoneInfo(zone), reference=reference, year=year)
    line = f"{when:%b} {when.day:>2} {when:%H:%M:%S} host sshd[1]: x"
    parser = SyslogHeaderParser()
    for text in (line, line):  # the second from the caches
        try:
            expected: object = parse_rfc3164(text, context).timestamp
        except ParseError as e:
            expected = str(e)
        try:
            got: object = parser.parse(text, context).timestamp
        except ParseError as e:
            got = str(e)
        assert got == expected
        if isinstance(got, datetime) and isinstance(expected, datetime):
            assert (got.tzinfo, got.fold) == (expected.tzinfo, expected.fold)
