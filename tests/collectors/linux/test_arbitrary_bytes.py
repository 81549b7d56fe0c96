"""Every Linux parser family: arbitrary bytes give only events or parse-failure events (a
ParseError, which the pipeline keeps as an ``event.kind: pipeline_error`` event), never another
exception."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govsoc.collectors.base import ParseContext, Parser, RawRecord
from govsoc.collectors.linux.auditd import LinuxAuditdParser
from govsoc.collectors.linux.auth import LinuxAuthParser
from govsoc.collectors.pipeline import failure_event
from govsoc.core.errors import ParseError

CONTEXT = ParseContext(timezone=ZoneInfo("UTC"), reference=datetime(2026, 11, 30, tzinfo=UTC))
#: bytes, and bytes that start like each family's records, so the deeper code is reached too
PREFIXES = [b"", b"Nov 30 03:20:38 gate sshd[1]: ", b"2026-11-30T03:20:38Z gate kernel: IN=eth0 OUT= ",
            b"<38>1 2026-11-30T03:20:38Z gate su 1 - - ", b"type=EXECVE msg=audit(1581371984.206:1): "]


@pytest.mark.parametrize("parser", [LinuxAuthParser(), LinuxAuditdParser()], ids=lambda p: p.dataset)
@given(prefix=st.sampled_from(PREFIXES), data=st.binary(max_size=300))
def test_arbitrary_bytes_give_events_or_parse_failure_events(parser: Parser, prefix: bytes, data: bytes) -> None:
    record = RawRecord(data=prefix + data, origin="file:///any.log", offset=0)
    try:
        events = list(parser.parse(record, CONTEXT))
    except ParseError as e:
        events = [failure_event(record, parser, e, CONTEXT)]
        assert events[0].get("event.kind") == "pipeline_error"
    assert len(events) == 1 and events[0].get("event.original") == record.text()


#: parser, a line with numbers no int() reads (a superscript digit str.isdigit takes, 5,000 digits
#: over Python's 4,300-digit limit) in its numeric fields, and those fields
NUMBERS = [
    (LinuxAuthParser, "Nov 30 10:00:00 fw kernel: [123.4] IN=eth0 OUT= MAC=00:11 SRC=10.0.0.1 DST=10.0.0.2 "
                      "LEN=\u00b2 TTL=" + "9" * 5000 + " PROTO=TCP SPT=\u00b2 DPT=22 WINDOW=\u00b2",
     ["iptables.length", "iptables.ttl", "source.port", "iptables.tcp.window"]),
    (LinuxAuditdParser, "type=USER_LOGIN msg=audit(1364481363.243:24287): pid=\u00b2 uid=0 auid=" + "9" * 5000
                        + " ses=1 msg='op=login acct=\"root\" exe=\"/usr/sbin/sshd\" addr=1.2.3.4 res=failed'",
     ["process.pid"]),
]


@pytest.mark.parametrize(("parser", "line", "dropped"), NUMBERS, ids=["netfilter", "auditd"])
def test_a_number_int_does_not_read_is_dropped_not_raised(parser: type[Parser], line: str,
                                                          dropped: list[str]) -> None:
    # str.isdigit() then int() raised ValueError out of the parser, which the ingest does not
    # catch: `govsoc ingest` of a kernel log stopped at such a line
    (event,) = parser().parse(RawRecord(data=line.encode(), origin="file:///n.log", offset=0), CONTEXT)
    assert [name for name in dropped if name in event.fields] == []
