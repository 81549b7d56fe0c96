"""The header parser's one-pass expressions and caches (collectors.syslog.header) give exactly
what the plain readers give: rfc3164.parse_rfc3164 (bsd_time per line, no cache), the ISO reader
(rfc3339.TIMESTAMP + read_tag + checked_time) and rfc5424.parse_rfc5424 (RFC 5424 section 6,
RFC 3339 section 5.6 times). Lines are composed here, from generated parts: leap days, fractions
of 1 to 9 digits, offsets and Z, years, missing pids, odd spacing, and time shapes that ISO 8601
has but RFC 3339 does not.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govsoc.collectors.base import ParseContext
from govsoc.collectors.syslog import header
from govsoc.collectors.syslog.header import SyslogHeaderParser
from govsoc.collectors.syslog.line import SyslogLine, read_pri, read_tag
from govsoc.collectors.syslog.rfc3164 import parse_rfc3164
from govsoc.collectors.syslog.rfc3339 import TIMESTAMP, checked_time
from govsoc.collectors.syslog.rfc5424 import parse_rfc5424
from govsoc.core.errors import ParseError

SHANGHAI = ZoneInfo("Asia/Shanghai")
CONTEXT = ParseContext(timezone=SHANGHAI, reference=datetime(2026, 11, 30, tzinfo=UTC))
_HOST = re.compile(r" +(\S+) +", re.ASCII)


def plain(text: str, context: ParseContext) -> SyslogLine:
    """The line as the plain readers take it, without one-pass expressions or caches."""
    priority, pos = read_pri(text)
    if not text[pos:pos + 1].isdigit():
        return parse_rfc3164(text, context)
    if text.startswith("1 ", pos):
        if priority is None:
            raise ParseError("an RFC 5424 message must start with PRI")
        return parse_rfc5424(text, pos, priority, context.timezone)
    stamp = TIMESTAMP.match(text, pos)
    host = _HOST.match(text, stamp.end()) if stamp else None
    if stamp is None or host is None:
        raise ParseError("not an ISO line")
    program, pid, message = read_tag(text, host.end())
    return SyslogLine(checked_time(stamp[0], context.timezone), host[1], program, pid, message, priority, "iso8601")


def outcome(read: Any, text: str, context: ParseContext) -> object:
    """What reading ``text`` gives: the fields (a time with its zone, offset and fold), or ParseError."""
    try:
        line = read(text, context)
    except ParseError:
        return ParseError
    return [(v, v.tzinfo, v.utcoffset(), v.fold) if isinstance(v, datetime) else v for v in line]


_TWO = st.integers(0, 99).map("{:02d}".format)
_PRI = st.one_of(st.just(""), st.integers(0, 191).map("<{}>".format), st.integers(0, 99).map("<0{:02d}>".format),
                 st.sampled_from(["<192>", "<13", "<>"]))
_SPACE = st.sampled_from([" ", " ", " ", "  "])
_FRACTION = st.one_of(st.just(""), st.tuples(st.sampled_from(".,"), st.text("0123456789", min_size=1, max_size=9))
                      .map("".join))
_OFFSET = st.one_of(st.sampled_from(["", "Z", "z", "+08:00", "-07:00", "+0800", "+25:00", "+05:45", "-00:00"]),
                    st.tuples(st.sampled_from("+-"), _TWO, st.sampled_from([":", ""]), _TWO).map("".join))


@st.composite
def rfc3339_stamps(draw: st.DrawFn) -> str:
    """RFC 3339 times, leap days and impossible dates included, and ISO 8601 shapes RFC 3339 has not."""
    year = draw(st.sampled_from([1970, 2000, 2023, 2024, 2025, 2026, 2100, 9999]) | st.integers(1, 9999))
    month, day = draw(st.sampled_from([(2, 28), (2, 29), (2, 30), (12, 31), (4, 31), (13, 1)]) |
                      st.tuples(st.integers(1, 12), st.integers(1, 28)))
    clock = f"{draw(st.integers(0, 24)):02d}:{draw(st.integers(0, 60)):02d}:{draw(st.integers(0, 61)):02d}"
    sep = draw(st.sampled_from("TTT t"))
    stamp = f"{year:04d}-{month:02d}-{day:02d}{sep}{clock}{draw(_FRACTION)}{draw(_OFFSET)}"
    return draw(st.sampled_from([stamp, stamp, stamp, stamp[:13], stamp[:16] + stamp[19:], stamp.replace(":", ""),
                                 f"{year:04d}-W48-1T{clock}", stamp + ":30"]))


@st.composite
def bsd_stamps(draw: st.DrawFn) -> str:
    month = draw(st.sampled_from(["Jan", "Feb", "Mar", "Jun", "Oct", "Nov", "Dec", "Foo"]))
    day = draw(st.integers(0, 32))
    shown = draw(st.sampled_from([f"{day:>2}", f"{day:02d}", f"{day}"]))
    return f"{month} {shown} {draw(st.integers(0, 24)):02d}:{draw(st.integers(0, 60)):02d}:" \
           f"{draw(st.integers(0, 61)):02d}"


_WORD = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E, exclude_characters="[]:"), min_size=1,
                max_size=8)
_MESSAGE = st.text(st.characters(codec="utf-8"), max_size=12).map(lambda m: m + " x ") | st.sampled_from(
    ["", "\ufeffboth", "x\t ", "a: b"])


@st.composite
def tags(draw: st.DrawFn) -> str:
    program = draw(st.sampled_from(["sshd", "sshd(pam_unix)", "-- root", "su", "sshd-session"]) | _WORD)
    pid = draw(st.sampled_from(["", "[1]", "[4294967295]", "[123456789012]", "[]", "[x]"]) |
               st.integers(0, 10**10).map("[{}]".format))
    return program + pid + draw(st.sampled_from([": ", ":", ":  ", " "]))


@st.composite
def lines(draw: st.DrawFn) -> str:
    """One syslog line of any layout, from the parts above."""
    pri, space = draw(_PRI), draw(_SPACE)
    host = draw(st.sampled_from(["h", "web-01", "192.0.2.1", "-", ""]) | _WORD)
    layout = draw(st.sampled_from(["rfc3164", "iso8601", "rfc5424"]))
    if layout == "rfc3164":
        return f"{pri}{draw(bsd_stamps())}{space}{host}{draw(_SPACE)}{draw(tags())}{draw(_MESSAGE)}"
    if layout == "iso8601":
        return f"{pri}{draw(rfc3339_stamps())}{space}{host}{draw(_SPACE)}{draw(tags())}{draw(_MESSAGE)}"
    # NILVALUE fields, and fields that only start with "-"
    procid = draw(st.sampled_from(["-", "8710", "4294967295", "12345678901", "\u00b2", "a1", "-1", "--"]))
    msgid, sd = draw(st.sampled_from(["-", "ID47", "-m"])), draw(st.sampled_from(["-", "-", '[x@1 a="1"]', "-x"]))
    stamp = draw(rfc3339_stamps() | st.just("-"))
    rest = draw(st.sampled_from(["", " ", "\n", " \ufeff", " \ufeff\ufeffx", "\ufeff"]) | _MESSAGE.map(" ".__add__))
    app = draw(st.sampled_from(["su", "-", "sshd", "-su"]))
    return f"{pri or '<14>'}1 {stamp}{space}{host or 'h'} {app} {procid} {msgid} {sd}{rest}"


@settings(max_examples=600, deadline=None)
@given(st.lists(lines(), min_size=1, max_size=6),
       st.sampled_from(["Asia/Shanghai", "UTC", "America/New_York", "Australia/Lord_Howe"]),
       st.datetimes(min_value=datetime(2001, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)),
       st.sampled_from([None, 2024, 2025]))
def test_the_one_pass_reading_is_the_plain_reading(texts: list[str], zone: str, reference: datetime,
                                                    year: int | None) -> None:
    # one parser over several lines, so that its caches of times, minutes and dates are used
    context = ParseContext(timezone=ZoneInfo(zone), reference=reference, year=year)
    parser = SyslogHeaderParser()
    for text in texts:
        assert outcome(parser.parse, text, context) == outcome(plain, text, context), text


@st.composite
def one_minute(draw: st.DrawFn) -> list[str]:
    """BSD lines of one minute at several seconds (the minute's time is read once, then reused)."""
    when = draw(st.datetimes(min_value=datetime(2001, 1, 1), max_value=datetime(2030, 12, 31)))
    seconds = draw(st.lists(st.integers(0, 60), min_size=2, max_size=5))
    return [f"{when:%b} {when.day:>2} {when:%H:%M}:{second:02d} host sshd[1]: x" for second in seconds]


@settings(deadline=None)
@given(one_minute(), st.datetimes(min_value=datetime(2001, 1, 1), max_value=datetime(2030, 12, 31),
                                  timezones=st.just(UTC)),
       st.sampled_from(["Asia/Shanghai", "America/New_York", "Australia/Lord_Howe", "Europe/London"]))
def test_a_second_added_to_its_minute_is_bsd_time(texts: list[str], reference: datetime, zone: str) -> None:
    # near the reference (the year turns on the time of day), in DST gaps and folds, second 60
    context = ParseContext(timezone=ZoneInfo(zone), reference=reference)
    parser = SyslogHeaderParser()
    for text in texts:
        assert outcome(parser.parse, text, context) == outcome(plain, text, context), text


@pytest.mark.parametrize("stamp", [
    "2026-11-30T03",              # an hour alone (ISO 8601 reduced precision)
    "2026-11-30T03:20",           # no seconds
    "2026-11-30T03:20+08:00",     # no seconds, with an offset
    "2026-W48-1T03:20:38",        # an ISO week date
    "2026-11-30T032038",          # the basic format of the clock
    "2026-11-30T03:20:38+08:00:30",  # an offset with seconds
])
@pytest.mark.parametrize("layout", ["{} h sshd[1]: x", "<14>1 {} h sshd 1 - - x"])
def test_iso_8601_shapes_that_are_no_rfc_3339_time_are_refused(stamp: str, layout: str) -> None:
    # P13c 1: the one-pass expressions let any "YYYY-" text through to datetime.fromisoformat,
    # which reads all of these; RFC 3339 section 5.6 (rfc3339.TIMESTAMP) has none of them, and
    # the same line with structured data (rfc5424's reading) was refused
    with pytest.raises(ParseError):
        SyslogHeaderParser().parse(layout.format(stamp), CONTEXT)
    with pytest.raises(ParseError):
        plain(layout.format(stamp), CONTEXT)


def test_a_minute_is_read_once_per_read(monkeypatch: pytest.MonkeyPatch) -> None:
    # P13c 2: each new second of a file was a clock read and a combine (Linux_2k: 620 times in
    # 2,000 lines); now a minute's time is read once and its seconds are added from a table
    reads: list[str] = []
    clock = header._clock

    def counted(text: str) -> Any:
        reads.append(text)
        return clock(text)

    monkeypatch.setattr(header, "_clock", counted)
    parser = SyslogHeaderParser()
    texts = [f"Nov 30 03:20:{second:02d} h sshd[1]: x" for second in range(60)]
    for text in texts:
        parser.parse(text, CONTEXT)
    assert len(reads) == 1
    assert [parser.parse(text, CONTEXT) for text in texts] == [parse_rfc3164(text, CONTEXT) for text in texts]


def _general_repeats(pattern: re.Pattern[str]) -> list[str]:
    """The optional or repeated groups of ``pattern`` that re runs as a general repeat."""
    from re import _parser  # type: ignore[attr-defined]

    found: list[str] = []

    def walk(items: Any) -> None:
        for op, arg in items:
            if str(op) in ("MAX_REPEAT", "MIN_REPEAT"):
                body = arg[2]
                if len(body) != 1 or str(body[0][0]) == "SUBPATTERN":
                    found.append(str(body))
                walk(body)
            elif str(op) == "SUBPATTERN":
                walk(arg[3])
            elif str(op) == "BRANCH":
                for alternative in arg[1]:
                    walk(alternative)

    walk(_parser.parse(pattern.pattern, pattern.flags))
    return found


@pytest.mark.parametrize("name", ["_BSD", "_ISO", "_RFC5424_NIL_SD"])
def test_the_one_pass_expressions_have_no_optional_group(name: str) -> None:
    # P13c 2: "(?:X)?" runs as a general repeat (a context allocated per try): written
    # "(?:X|)" (a branch, same language and order), the three of _BSD cost a seventh less
    assert _general_repeats(getattr(header, name)) == []


@pytest.mark.parametrize("text", [
    "<14>1 2026-11-30T03:20:38Z h su - - -\n",         # NILVALUE fields, a newline right after the SD
    "<14>1 2026-11-30T03:20:38.5+08:00 h su 1 ID47 -\n",  # a pid and a MSGID, the same ending
])
def test_a_newline_right_after_the_structured_data_is_no_message(text: str) -> None:
    # P13d: RFC 5424 section 6 has MSG only after an SP (SYSLOG-MSG = HEADER SP STRUCTURED-DATA
    # [SP MSG]) and parse_rfc5424 refuses these; the one-pass expression ended in "$", which
    # also matches before a final newline, and read them as lines without a message (found by
    # test_the_one_pass_reading_is_the_plain_reading)
    assert outcome(plain, text, CONTEXT) is ParseError
    assert outcome(SyslogHeaderParser().parse, text, CONTEXT) is ParseError


_WHOLE = {"_BSD": ["Nov 30 03:20:38 h sshd[1]: x"], "_PRI_BSD": ["<13>Nov 30 03:20:38 h sshd[1]: x"],
          "_ISO": ["2026-11-30T03:20:38Z h sshd[1]: x"], "_PRI_ISO": ["<13>2026-11-30T03:20:38Z h sshd[1]: x"],
          "_RFC5424_NIL_SD": ["<14>1 2026-11-30T03:20:38Z h su 1 - - x"]}
_LAYOUTS = {"_BSD": "rfc3164", "_ISO": "iso8601", "_RFC5424_NIL_SD": "rfc5424", "_PRI_BSD": "<rfc3164",
            "_PRI_ISO": "<iso8601"}


def test_the_layouts_of_a_first_character_are_those_whose_expression_can_take_it() -> None:
    # P13d: parse tries the expression of the last line's layout first, and on a miss the other
    # expressions _LAYOUTS_OF names for the line's first character; every code point in front
    # of a line each expression takes otherwise (for a PRI, in place of its "<"):
    taken: dict[str, set[str]] = {}
    for name, texts in _WHOLE.items():
        match = getattr(header, name).match
        for text in texts:
            for c in map(chr, range(0x110000)):
                if match(c + text[1:]) is not None:
                    taken.setdefault(c, set()).add(_LAYOUTS[name])
    assert {c: set(layouts) for c, layouts in header._LAYOUTS_OF.items()} == taken
    assert all(header._MATCH_OF[_LAYOUTS[name]] == getattr(header, name).match for name in _WHOLE)


@settings(max_examples=400, deadline=None)
@given(lines() | st.tuples(_PRI, lines()).map("".join))
def test_no_line_is_taken_by_two_expressions(text: str) -> None:
    # P13d: so the order the expressions are tried in changes no reading (after a PRI they want
    # "1 ", a capital, or four digits and "-"); a second PRI in front of a line is taken by none
    assert sum(getattr(header, name).match(text) is not None for name in _WHOLE) <= 1


@settings(max_examples=300, deadline=None)
@given(st.lists(lines() | st.sampled_from(["<13>Nov 30 03:20:38 h sshd[1]: x", "<13>2026-11-30T03:20:38Z h s: x",
                                           "Nov 3 03:20:38 h sshd: x", "x", "", "<13><14>Nov 30 03:20:38 h s: x",
                                           "<192>Nov 30 03:20:38 h s: x", "<14>1 2026-02-30T03:20:38Z h su - - -"]),
                min_size=2, max_size=12))
def test_a_reading_does_not_depend_on_the_lines_before(texts: list[str]) -> None:
    # P13d: the layout of the last line decides which expression parse tries first; each line,
    # after any run of lines of one layout or a switch, reads as alone and as the plain readers do
    parser = SyslogHeaderParser()
    for text in texts:
        alone = outcome(SyslogHeaderParser().parse, text, CONTEXT)
        assert outcome(parser.parse, text, CONTEXT) == alone == outcome(plain, text, CONTEXT), text


def test_corpus_lines_read_as_the_plain_readers_read_them(corpus: Path) -> None:
    # loghub's Linux_2k and OpenSSH_2k in the three layouts (as bench.parsers writes them) and
    # the first two with a PRI (as a sender writes them), one parser over all of them in turn
    # and interleaved, so each switch of layout is taken too
    from bench.parsers import in_layout, real_lines

    base = real_lines()
    layouts = [in_layout(base, layout) for layout in ("rfc3164", "iso8601", "rfc5424")]
    layouts += [[f"<{i % 192}>{text}" for i, text in enumerate(group)] for group in layouts[:2]]
    texts = [text for group in layouts for text in group]
    texts += [text for triple in zip(*layouts, strict=False) for text in triple]
    parser = SyslogHeaderParser()
    differ = [text for text in texts if outcome(parser.parse, text, CONTEXT) != outcome(plain, text, CONTEXT)]
    assert differ == []


@pytest.mark.parametrize("text", [
    "<14>1 2026-11-30T03:20:38 h su 1 - - x",          # no TIME-OFFSET: rfc5424 gives the source's zone
    "<14>1 2026-11-30T03:20:38.25 h su - - -",        # the same with a fraction and no MSG
    "<14>1 2026-11-30T03:20:38+08:00 h su - - -",     # no MSG at all: ""
    "<14>1 2026-11-30T03:20:38Z h su - - - \ufeffx ",  # BOM, trailing space
    "<14>1 2026-02-30T03:20:38Z h su - - - x",        # an impossible date: rfc5424 says why
])
def test_rfc5424_times_without_an_offset_and_messages_at_the_edges(text: str) -> None:
    # P13d: the one-pass expression takes only times with an offset, and parse no longer tests
    # the time it reads for a zone; MSG is always a group ("" when absent)
    assert outcome(SyslogHeaderParser().parse, text, CONTEXT) == outcome(plain, text, CONTEXT)
