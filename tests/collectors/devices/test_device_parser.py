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
