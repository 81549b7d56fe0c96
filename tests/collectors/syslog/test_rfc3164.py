"""BSD syslog headers: year and zone inference, and nothing but ParseError on junk."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govsoc.collectors.base import ParseContext
from govsoc.collectors.syslog.rfc3164 import parse_rfc3164
from govsoc.core.errors import ParseError

SHANGHAI = ZoneInfo("Asia/Shanghai")


def ctx(reference: datetime) -> ParseContext:
    return ParseContext(timezone=SHANGHAI, reference=reference)


@pytest.mark.parametrize(("line", "reference", "expected"), [
    # a December line read in November of the next year belongs to the year before
    ("Dec 10 06:55:46 LabSZ sshd[24200]: x", datetime(2026, 11, 25, tzinfo=UTC), datetime(2025, 12, 10, 6, 55, 46)),
    # a line of the same day as the reference stays in its year
    ("Nov 25 08:00:00 h p: x", datetime(2026, 11, 25, 1, 0, tzinfo=UTC), datetime(2026, 11, 25, 8, 0)),
    # a December line read on 2 January: previous year
    ("Dec 31 23:59:59 h p: x", datetime(2027, 1, 2, tzinfo=UTC), datetime(2026, 12, 31, 23, 59, 59)),
    # single-digit days are space-padded
    ("Jan  5 00:00:01 h p: x", datetime(2027, 1, 6, tzinfo=UTC), datetime(2027, 1, 5, 0, 0, 1)),
    # 29 February goes to the last leap year
    ("Feb 29 12:00:00 h p: x", datetime(2026, 3, 1, tzinfo=UTC), datetime(2024, 2, 29, 12, 0)),
])
def test_year_and_zone(line: str, reference: datetime, expected: datetime) -> None:
    assert parse_rfc3164(line, ctx(reference)).timestamp == expected.replace(tzinfo=SHANGHAI)


def test_header_fields() -> None:
    text = "<38>Dec 10 06:55:46 LabSZ sshd(pam_unix)[24200]: hello "
    line = parse_rfc3164(text, ctx(datetime(2026, 1, 1, tzinfo=UTC)))
    assert (line.priority, line.host, line.program, line.pid, line.message) == (38, "LabSZ", "sshd(pam_unix)",
                                                                               24200, "hello")


@pytest.mark.parametrize("line", [
    "", "hello world", "Foo 10 06:55:46 h p: x", "Dec 10 25:61:00", "<999>Dec 10 06:55:46 h p: x",
])
def test_not_syslog(line: str) -> None:
    with pytest.raises(ParseError):
        parse_rfc3164(line, ctx(datetime(2026, 1, 1, tzinfo=UTC)))


@given(st.text(max_size=200))
def test_arbitrary_text_raises_only_parse_error(text: str) -> None:
    try:
        parse_rfc3164(text, ctx(datetime(2026, 1, 1, tzinfo=UTC)))
    except ParseError:
        pass
