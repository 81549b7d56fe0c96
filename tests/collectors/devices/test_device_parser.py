"""Every device parser is built on collectors.devices.device_parser (one place for the envelope,
the trailers, the timestamp cache and the error of a foreign line), and each refuses another
vendor's line with a ParseError that says what it expected."""

from __future__ import annotations

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
