"""The delivery side on its own: any bytes a sender may send become events (parsed, or kept as
pipeline_error events with their exact bytes), whatever parser the message is routed to."""

from __future__ import annotations

import base64
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govsoc.collectors import Pipeline
from govsoc.collectors.receivers.counters import ReceiverCounters
from govsoc.collectors.receivers.delivery import DeliveryWorker, ReceiverState, auto_parser
from govsoc.collectors.receivers.handoff import Handoff
from govsoc.collectors.receivers.senders import SenderRules
from govsoc.core.config import ReceiverSettings

# Starts of real formats, so that the fuzzing reaches into each parser and not only its first test
STARTS = [
    b"",
    b"<13>Nov 30 10:00:00 h p: ",  # BSD syslog (linux.auth)
    b"<190>Oct  4 23:46:14 Huawei %%01SHELL/5/CMDRECORD[l](3):",  # Huawei information center
    b"<190>May 5 02:59:34 2018 H3C %%10FILTER/6/FILTER_ZONE_IPV4_EXECUTION: ",  # H3C
    b"<23>May 25 11:11:56 localhost fwlog: \xc8\xd5\xd6\xbe\xc0\xe0\xd0\xcd:",  # Sangfor, GBK key
    b"<34>1 2003-10-11T22:14:15.003Z h a p m [x y=\"",  # RFC 5424 with structured data
    b"{\"eventVersion\":",  # CloudTrail JSON forwarded without a header
    b"type=SYSCALL msg=audit(1364481363.243:24287): ",  # auditd
    b"id=tos time=\"",  # Topsec without a header
    b"192.0.2.1 - - [30/Nov/2026:10:00:00 +0800] \"",  # a web access log line
]


def make_worker(folder: Path) -> tuple[DeliveryWorker, ReceiverState]:
    settings = ReceiverSettings(name="fuzz", transport="udp", listen="127.0.0.1:0")
    worker = DeliveryWorker(Pipeline(_Nowhere(), data_dir=folder), Handoff(), rejects_dir=folder / "rejects")
    state = ReceiverState(name="fuzz", transport="udp", run_id="r", rules=SenderRules(settings, "Asia/Shanghai"),
                          counters=ReceiverCounters(name="fuzz", transport="udp", listen=""))
    return worker, state


class _Nowhere:
    """No store is written here: message_events only parses."""

    def write(self, events: object) -> object:
        raise AssertionError("not used")

    def delete(self, ids: object, *, replaced_by: object = None) -> int:
        raise AssertionError("not used")

    def refresh(self) -> None:
        raise AssertionError("not used")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start=st.sampled_from(STARTS), body=st.binary(max_size=400))
def test_any_bytes_become_events(tmp_path: Path, start: bytes, body: bytes) -> None:
    worker, state = make_worker(tmp_path)
    data = start + body
    events = worker.message_events(state, (state, "192.0.2.1", 514, data, None, time.time()))
    assert events
    for event in events:
        assert event.get("log.source.address") == "192.0.2.1" and event.get("govsoc.receiver") == "fuzz"
        original = event.get("govsoc.original_base64")
        if original is not None:  # not decodable: the exact bytes are kept
            assert base64.b64decode(original) == data
        if event.get("event.kind") == "pipeline_error":
            assert event.get("error.message")
    assert len({e.id for e in events}) == len(events)


def test_auto_parser_asks_device_recognisers_for_syslog() -> None:
    # what collectors.detect decides for the same line as a one-line file
    from govsoc.collectors.detect import detect_lines

    for line in (STARTS[2] + b"x", STARTS[3] + b"x", STARTS[1] + b"x", STARTS[7] + b"x", STARTS[6] + b"}"):
        text = line.decode("gb18030")
        assert auto_parser(text) == detect_lines([text])
