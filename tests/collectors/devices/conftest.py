"""Reading a sample file of tests/data/collectors/devices through a device parser."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from govsoc.collectors.base import ParseContext, RawRecord, parsers

DATA = Path(__file__).parents[2] / "data" / "collectors" / "devices"
#: Chinese devices log local time; the samples are read as Asia/Shanghai, in late 2026.
CONTEXT = ParseContext(timezone=ZoneInfo("Asia/Shanghai"), reference=datetime(2026, 11, 30, tzinfo=UTC))


@pytest.fixture
def sample() -> Callable[[str, str], list[dict[str, Any]]]:
    """``sample(parser_id, file)``: one dict per line, ``@timestamp`` and ``event.dataset`` included."""

    def read(parser_id: str, name: str) -> list[dict[str, Any]]:
        parser = parsers.get(parser_id)()
        out = []
        for i, line in enumerate((DATA / name).read_bytes().splitlines()):
            (event,) = parser.parse(RawRecord(data=line, origin=f"file:///{name}", offset=i), CONTEXT)
            out.append({"@timestamp": event.timestamp, "event.dataset": event.dataset, **event.fields})
        return out

    return read
