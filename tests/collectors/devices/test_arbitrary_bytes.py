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


#: A number no int() reads: a superscript digit (str.isdigit takes it) and 5,000 digits (over
#: Python's 4,300-digit limit of int()).
SUP, LONG = "\u00b2", "9" * 5000
#: parser id, a line of its format with such numbers in its numeric fields, and those fields
NUMBERS = [
    # ports, the transport and the result code (result=--1 is no number either)
    ("topsec.tos", f'id=tos time="2016-04-06 16:53:11" type=ac src=1.2.3.4 dst=1.2.3.5 sport={SUP} '
                   f"dport={LONG} proto={SUP} result=--1", ["source.port", "destination.port", "event.outcome"]),
    ("topsec.tos", f'id=tos time="2016-04-06 16:53:11" type=mgmt proto={LONG} result={SUP}', ["event.outcome"]),
    # ports, counters, the transport, epoch times (one beyond any calendar)
    ("huawei", f"Jul  3 2023 08:15:57 USG %%01SECLOG/6/SESSION_TEARDOWN(l):Protocol={SUP},SourceIP=10.1.1.1,"
               f"DestinationIP=8.8.8.8,SourcePort={SUP},DestinationPort={LONG},BeginTime={SUP},"
               f"EndTime=99999999999999999999,SendBytes={LONG}", ["source.port", "destination.port", "event.start",
                                                                   "event.end", "source.bytes"]),
    ("hillstone.stoneos", f"Nov 29 17:24:52 1404726150004842(root) 44243624 Traffic@FLOW: SESSION: 10.6.2.43:{LONG}"
                          f"->192.168.20.160:11800(TCP), send bytes {LONG}", ["source.port", "source.bytes"]),
    ("nsfocus.ips", f"<5>time:2020-05-10 12:30:34;danger_degree:{SUP};breaking_sighn:1;src_addr:10.10.253.14;"
                    f"src_port:{SUP};dst_addr:10.50.10.240;dst_port:3389", ["event.severity", "source.port"]),
    ("dbappsecurity.waf", f"<178>Dec 20 10:20:30 waf DBAppWAF: 发生时间/2024-12-20 10:20:15,HTTP/S响应码/{SUP},"
                          f"客户端IP/10.50.24.198", ["http.response.status_code"]),
    ("sangfor.af", f"<23>May 25 11:11:56 localhost fwlog: 日志类型:流量审计, 源IP:192.168.200.1, 源端口:{SUP}, "
                   f"上行流量(KB):{SUP}, 下行流量(KB):{LONG}", ["source.port", "source.bytes", "destination.bytes"]),
    ("h3c", f"Jan  2 05:58:58 2013 SW-1 %%10SSHS/6/SSHS_LOG: Authentication failed for user xjdl from 172.20.99.241 "
            f"port {LONG} because of invalid username or wrong password.", ["source.port"]),
]


@pytest.mark.parametrize(("parser_id", "line", "dropped"), NUMBERS, ids=[f"{row[0]}-{i}" for i, row in
                                                                            enumerate(NUMBERS)])
def test_a_number_int_does_not_read_is_dropped_not_raised(parser_id: str, line: str, dropped: list[str]) -> None:
    # str.isdigit() then int() raised ValueError (or fromtimestamp OverflowError) out of the
    # parser, which the ingest does not catch: `govsoc ingest` stopped at the line, exit 1
    (event,) = parsers.get(parser_id)().parse(RawRecord(data=line.encode(), origin="file:///n.log", offset=0),
                                              CONTEXT)
    assert [name for name in dropped if name in event.fields] == []
