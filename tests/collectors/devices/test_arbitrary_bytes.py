"""Every device parser: arbitrary bytes give only events or parse-failure events (a ParseError,
which the pipeline keeps as an ``event.kind: pipeline_error`` event), never another exception."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govsoc.collectors.base import ParseContext, RawRecord, parsers
from govsoc.collectors.pipeline import failure_event
from govsoc.core.errors import ParseError

CONTEXT = ParseContext(timezone=ZoneInfo("UTC"), reference=datetime(2026, 11, 30, tzinfo=UTC))
PARSERS = ["huawei", "h3c", "sangfor.af", "hillstone.stoneos", "topsec.tos", "nsfocus.ips", "dbappsecurity.waf",
           "syslog.mixed"]
#: bytes, and bytes that start like each family's records, so the deeper code is reached too
PREFIXES = [b"", b"<190>Nov 23 2026 10:00:00 SW %%01SHELL/5/CMDRECORD(s)[1]:", b"<188>Nov 23 10:00:00 2026 FW "
            b"%%10IPS/4/IPS_IPV4_INTERZONE: Protocol(1001)=", b"<134>Nov 23 10:00:00 localhost fwlog: \xc8\xd5:",
            b"Nov 23 10:00:00 2812239202000738(root) 44243630 Traffic@FLOW: SESSION: 1.2.3.4:5->",
            b'id=tos time="2026-11-23 10:00:00" ', b"<5>time:2026-11-23 10:00:00;danger_degree:",
            "<178>Nov 23 10:00:00 h DBAppWAF: 发生时间/2026-11-23 10:00:00,URL地址/".encode("gbk")]


@pytest.mark.parametrize("parser_id", PARSERS)
@given(prefix=st.sampled_from(PREFIXES), data=st.binary(max_size=200))
def test_arbitrary_bytes_give_events_or_parse_failure_events(parser_id: str, prefix: bytes, data: bytes) -> None:
    parser = parsers.get(parser_id)()
    record = RawRecord(data=prefix + data, origin="file:///any.log", offset=0)
    try:
        events = list(parser.parse(record, CONTEXT))
    except ParseError as e:
        events = [failure_event(record, parser, e, CONTEXT)]
        assert events[0].get("event.kind") == "pipeline_error"
    assert len(events) == 1
