"""docs/adding-a-parser.md: its example parser is real code that registers, parses and fails cleanly."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from govsoc.collectors.base import ParseContext, RawRecord, parsers
from govsoc.core.errors import ParseError

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "adding-a-parser.md"


@pytest.fixture(scope="module")
def parser_class() -> type:
    code = re.search(r"```python\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.DOTALL)
    assert code is not None
    assert len(code[1].splitlines()) <= 60
    namespace: dict[str, object] = {"__name__": "guide_example"}
    exec(compile(code[1], str(GUIDE), "exec"), namespace)  # noqa: S102  (our own documentation)
    return parsers.get("example.kv_firewall")


def test_guide_parser_normalises_a_line(parser_class: type) -> None:
    context = ParseContext(timezone=ZoneInfo("Asia/Shanghai"), reference=datetime(2026, 3, 2, tzinfo=UTC))
    line = "2026-03-01 08:00:00 devname=fw01 src=10.1.1.1 dst=10.2.2.2 dport=22 action=deny"
    (event,) = parser_class().parse(RawRecord(data=line.encode(), origin="file:///fw.log", offset=0), context)
    assert event.timestamp == datetime(2026, 3, 1, 0, 0, tzinfo=UTC)
    assert {k: event.get(k) for k in ("observer.name", "source.ip", "destination.port", "event.outcome")} == {
        "observer.name": "fw01", "source.ip": "10.1.1.1", "destination.port": 22, "event.outcome": "failure"}
    bad = RawRecord(data=b"2026-03-01 08:00:00 src=not-an-ip", origin="o", offset=0)
    with pytest.raises(ParseError, match="not an IP address"):
        list(parser_class().parse(bad, context))
