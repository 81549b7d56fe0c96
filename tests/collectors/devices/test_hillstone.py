"""Hillstone StoneOS lines (real, see tests/data/collectors/devices/README.md), fields derived
from the session and admin texts' meaning (log-formats.md section 6)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from govsoc.collectors.base import ParseContext, RawRecord
from govsoc.collectors.devices import HillstoneParser

Sample = Callable[[str, str], list[dict[str, Any]]]
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(("line", "expected"), [
    # session end: the serial number is no year after the BSD time
    (0, {"@timestamp": datetime(2026, 9, 25, 15, 11, 42, tzinfo=SHANGHAI), "observer.serial_number": "1304415172004335",
         "hillstone.vsys": "root", "event.code": "44243624", "event.type": ["connection", "end"],
         "source.ip": "2.240.148.244", "destination.port": 50844, "network.transport": "tcp", "rule.id": "2",
         "user.name": None, "hillstone.close_reason": "Ageout", "event.start": "2019-09-25T07:10:40.000000Z"}),
    # the escaped "\n\u0000" a relay left is not part of the reason
    (1, {"hillstone.close_reason": "TCP RST", "source.bytes": 74, "destination.bytes": 110,
         "observer.ingress.interface.name": "tunnel6"}),
    # a denied session
    (2, {"event.type": ["connection", "denied"], "event.outcome": "failure", "rule.id": "16"}),
    # older firmware's ". " separators
    (3, {"network.application": "Redis", "source.packets": 11, "destination.packets": 7,
         "event.end": "2021-11-25T05:34:03.000000Z", "hillstone.close_reason": "TCP RST"}),
    # admin login over SSH
    (4, {"event.category": ["authentication"], "event.type": ["start"], "event.outcome": "success",
         "user.name": "hillstone", "source.ip": "172.16.30.4", "hillstone.access_method": "SSH"}),
    # StoneOS manual's example: ISO time, HillstoneNetworks# prefix, a masked IP
    (5, {"event.type": ["end"], "event.action": "logged-out", "source.ip": None,
         "@timestamp": datetime.fromisoformat("2024-04-11T02:49:23.380569+00:00")}),
    # a failed admin login
    (6, {"event.outcome": "failure", "user.name": "root", "source.ip": "14.17.121.130"}),
])
def test_hillstone_lines(sample: Sample, line: int, expected: dict[str, Any]) -> None:
    event = sample("hillstone.stoneos", "hillstone.log")[line]
    assert {k: event.get(k) for k in expected} == expected


# composed after log-formats.md section 6 ("older firmware uses srcip X, srcport N, ... comma lists")
def test_older_firmware_comma_lists(sample: Sample) -> None:

    line = ("<190>Nov 23 10:00:03 2812239202000738(root) 44243630 Traffic@FLOW: SESSION: srcip 10.1.2.3, "
            "srcport 51544, dstip 198.51.100.7, dstport 443, protocol TCP, application HTTPS, policy 12, session end")
    context = ParseContext(timezone=SHANGHAI, reference=datetime(2026, 11, 30, tzinfo=SHANGHAI))
    (event,) = HillstoneParser().parse(RawRecord(data=line.encode(), origin="x", offset=0), context)
    assert (event.get("source.ip"), event.get("source.port"), event.get("destination.ip"),
            event.get("destination.port"), event.get("network.transport"), event.get("event.type")) == (
        "10.1.2.3", 51544, "198.51.100.7", 443, "tcp", ["connection", "end"])
    assert event.get("network.community_id")
