"""Every device parser is built on collectors.devices.device_parser (one place for the envelope,
the trailers, the timestamp cache and the error of a foreign line), and each refuses another
vendor's line with a ParseError that says what it expected."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from govsoc.collectors import devices
from govsoc.collectors.base import ParseContext, RawRecord
from govsoc.collectors.devices.device_parser import DeviceParser, InfoCenterParser
from govsoc.core.errors import ParseError

DATA = Path(__file__).resolve().parents[2] / "data" / "collectors" / "devices"
CONTEXT = ParseContext(timezone=ZoneInfo("Asia/Shanghai"), reference=datetime(2026, 11, 30, tzinfo=UTC))
PARSERS = [getattr(devices, name) for name in devices.__all__]
#: parser -> its sample file; each is offered another vendor's first line
SAMPLES = {"HuaweiParser": "huawei", "H3cParser": "h3c", "SangforParser": "sangfor", "HillstoneParser": "hillstone",
           "TopsecParser": "topsec", "NsfocusParser": "nsfocus", "DbappWafParser": "dbappsecurity"}


def test_every_device_parser_has_the_base() -> None:
    assert len(PARSERS) == len(SAMPLES) == 7
    assert all(issubclass(parser, DeviceParser | InfoCenterParser) for parser in PARSERS)


@pytest.mark.parametrize("parser", PARSERS, ids=lambda p: p.__name__)
def test_a_foreign_line_is_refused_and_its_own_trailers_dropped(parser: type) -> None:
    own = SAMPLES[parser.__name__]
    # a Topsec line has no envelope and no information-center marker; a Huawei line has no
    # key/value body: between them every parser is offered a line that is not its vendor's
    foreign = "huawei" if own == "topsec" else "topsec"
    line = (DATA / f"{foreign}.log").read_bytes().splitlines()[4]
    with pytest.raises(ParseError, match="expected|marker|information"):
        list(parser().parse(RawRecord(data=line, origin="file:///x.log", offset=0), CONTEXT))
    sample = (DATA / f"{own}.log").read_bytes().splitlines()[0]
    (plain,) = parser().parse(RawRecord(data=sample, origin="file:///x.log", offset=0), CONTEXT)
    (trailed,) = parser().parse(RawRecord(data=sample + b"\n\x00", origin="file:///x.log", offset=0), CONTEXT)
    assert trailed.get("event.original") == plain.get("event.original") and plain.timestamp == trailed.timestamp


def test_h3c_sentence_cues_are_required_by_their_patterns() -> None:
    """A sentence pattern runs only on a description holding its cue, so the cue must be text
    every match contains: it stands literally in the pattern, and each H3C sample description a
    pattern matches (searched without the cue) holds it."""
    from govsoc.collectors.devices.h3c import MESSAGES
    from govsoc.collectors.devices.infocenter import read_infocenter

    lines = (DATA / "h3c.log").read_bytes().decode("utf-8", "replace").splitlines()
    descriptions = [read_infocenter(line, CONTEXT, {}).description for line in lines if line.strip()]
    matched = 0
    for cue, pattern, *_ in MESSAGES:
        assert cue in pattern.pattern.replace("\\", ""), (cue, pattern.pattern)
        for description in descriptions:
            if pattern.search(description) is not None:
                matched += 1
                assert cue in description, (cue, description)
    assert matched >= 4  # logins failed, SSH authentication, commands: the samples exercise the cues


_TOKEN = "a" * 20_000
#: A line of each vendor's format with one 20,000-character token (a long URL, a hex dump, base64:
#: a syslog message may be 64 KiB) where the vendor's pair or marker regex scans.
LONG_TOKEN_LINES = [
    # Huawei: a word in the description's sentence, before the (Key=Value) list
    ("HuaweiParser", f"<189>Oct  4 23:46:14 Huawei %%01SHELL/5/CMDRECORD[l](324):Record {_TOKEN} information. "
                     "(Task=vt0, User=admin)"),
    # H3C: a word among FieldName(FieldID)=value pairs
    ("H3cParser", f"<190>May 5 02:59:34 2018 H3C %%10FILTER/6/FILTER_ZONE_IPV4_EXECUTION: {_TOKEN} "
                  "SrcZoneName(1025)=Trust;"),
    # Topsec: a word among key=value pairs
    ("TopsecParser", f'id=tos time="2016-04-06 16:53:11" fw=FW {_TOKEN} pri=6 type=ac src=10.0.0.1'),
    # DBAppSecurity: a token before the host and its DBAppWAF: tag
    ("DbappWafParser", f"<178>Nov 18 15:15:28 {_TOKEN} host DBAppWAF: 发生时间/2024-11-18 15:15:16,威胁/中"),
    # Hillstone: a hex-like word in a session text, before its a:p->b:p(PROTO) 5-tuple
    ("HillstoneParser", f"<190>Jun  9 16:42:25 2036132163010042(root) 44243622 Traffic@FLOW: SESSION: {_TOKEN} "
                        "10.1.1.1:5->10.1.1.2:80(TCP)"),
]


@pytest.mark.parametrize(("parser", "line"), LONG_TOKEN_LINES, ids=[row[0] for row in LONG_TOKEN_LINES])
def test_a_long_token_is_read_in_linear_time(parser: str, line: str) -> None:
    # found by issue 13's benchmark: these regexes tried every character of a word as a key's or
    # an address's start, each attempt scanning to the word's end, so one 20,000-character token
    # cost 2.4 to 3.9 s of CPU (quadratic: a 64 KiB message, half a minute) and held up the source
    began = time.process_time()
    (event,) = getattr(devices, parser)().parse(RawRecord(data=line.encode(), origin="x", offset=0), CONTEXT)
    assert time.process_time() - began < 0.25
    assert _TOKEN in str(event.get("event.original"))
