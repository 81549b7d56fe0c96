"""NSFOCUS (绿盟) NIPS / NIDS alerts to ECS (log-formats.md section 8.1):

    <5>time:2020-05-10 12:30:34;danger_degree:1;breaking_sighn:1;event:[50083]<rule name>;src_addr:...

``;``-separated ``key:value`` pairs. ``event:[ID]name`` is ``rule.id`` and ``rule.name`` (often
Chinese); ``breaking_sighn`` (spelled so in the output) 1 means blocked: ``event.type: [denied]``,
else ``[allowed]``; ``danger_degree`` is kept in ``nsfocus.danger_degree`` and as
``event.severity`` (its scale is not documented publicly: samples show 1 to 5). Every line is an
``event.kind: alert`` of ``event.category: [network, intrusion_detection]``.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from govsoc.collectors.base import ParseContext, parsers
from govsoc.collectors.devices.device_parser import DeviceParser
from govsoc.collectors.numbers import decimal_number
from govsoc.core.errors import ParseError

__all__ = ["KEYS", "NsfocusParser"]

KEYS = {"src_addr": "source.ip", "src_port": "source.port", "dst_addr": "destination.ip",
        "dst_port": "destination.port", "user": "user.name", "proto": "network.application"}
_START = re.compile(r"time:(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d);")
_EVENT = re.compile(r"\[(\d+)\](.*)", re.DOTALL)


@parsers.register("nsfocus.ips")
class NsfocusParser(DeviceParser):
    """NSFOCUS NIPS / NIDS ``time:...;danger_degree:...`` alerts."""

    dataset = "nsfocus.ips"
    MARKER = _START
    EXPECTED = "not an NSFOCUS alert (expected 'time:YYYY-MM-DD hh:mm:ss;danger_degree:...')"

    def accepts(self, text: str) -> bool:
        """Only an alert (it rates its danger)."""
        return "danger_degree:" in text

    def body(self, text: str, start: re.Match[str], context: ParseContext) -> tuple[dict[str, Any], datetime | None]:
        """The ``key:value;`` pairs from ``time:`` on; the time is theirs."""
        try:
            when = datetime.fromisoformat(start[1]).replace(tzinfo=context.timezone)
        except ValueError:
            raise ParseError(f"impossible time {start[1]!r}") from None
        fields: dict[str, Any] = {"event.kind": "alert", "event.category": ["network", "intrusion_detection"],
                                  "event.type": ["info"], "event.action": "intrusion-detected",
                                  "observer.vendor": "NSFOCUS", "observer.type": "ips"}
        for part in text[start.end():].split(";"):
            key, _, value = part.partition(":")
            key, value = key.strip(), value.strip()
            if not value:
                continue
            if key == "event":
                found = _EVENT.match(value)
                fields["rule.id"], fields["rule.name"] = (found[1], found[2].strip()) if found else (None, value)
            elif key == "danger_degree":
                fields["nsfocus.danger_degree"] = value
                severity = decimal_number(value)
                if severity is not None:
                    fields["event.severity"] = severity
            elif key == "breaking_sighn":
                fields["nsfocus.breaking_sighn"] = value
                fields["event.type"] = ["denied"] if value == "1" else ["allowed"]
            else:
                fields.setdefault(KEYS.get(key) or f"nsfocus.{key}", value)
        if fields.get("rule.id") is None:
            fields.pop("rule.id", None)
        return fields, when
