"""The events linux.auth makes of loghub's Linux_2k and OpenSSH_2k, in the three header layouts
bench.parsers writes them in, are the ones main made at 774ed02 (1 December 2026): a guard for the
speed work on the parser (P13a), which must change no event. Frozen as one SHA-256 per 100 lines
(tests/data/collectors/linux/frozen_output.json) so that a difference names its lines; the
meaning of the events is checked elsewhere (test_linux_2k.py against loghub's templates,
test_auth.py), not here. Regenerate only for an intended change of the events:
``python tests/collectors/linux/test_frozen_output.py > tests/data/collectors/linux/frozen_output.json``."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bench.parsers import SAMPLES, in_layout
from govsoc.collectors.base import ParseContext, RawRecord
from govsoc.collectors.linux.auth import LinuxAuthParser
from govsoc.core.errors import ParseError

FROZEN = Path(__file__).resolve().parents[2] / "data" / "collectors" / "linux" / "frozen_output.json"
CONTEXT = ParseContext(timezone=ZoneInfo("Asia/Shanghai"), reference=datetime(2026, 11, 30, tzinfo=UTC))
CHUNK = 100


def _lines() -> list[str]:
    return [line for sample in SAMPLES for line in sample.read_text(encoding="utf-8").splitlines() if line.strip()]


def _event_text(record: RawRecord, parser: LinuxAuthParser) -> str:
    try:
        events = [{"id": event.id, "@timestamp": event.timestamp.isoformat(), "tz": str(event.timestamp.tzinfo),
                   "dataset": event.dataset, "fields": event.fields} for event in parser.parse(record, CONTEXT)]
    except ParseError as e:
        return f"ParseError: {e}"
    return json.dumps(events, sort_keys=True, ensure_ascii=False, default=repr)


def digests() -> dict[str, list[str]]:
    """Per layout, one SHA-256 (16 hex) per CHUNK lines of the events' canonical JSON."""
    found: dict[str, list[str]] = {}
    for layout in ("rfc3164", "iso8601", "rfc5424"):
        lines = in_layout(_lines(), layout)
        parser = LinuxAuthParser()
        texts = [_event_text(RawRecord(data=line.encode(), origin="file:///var/log/secure", offset=i), parser)
                 for i, line in enumerate(lines)]
        found[layout] = [hashlib.sha256("\n".join(texts[i:i + CHUNK]).encode()).hexdigest()[:16]
                         for i in range(0, len(texts), CHUNK)]
    return found


def test_events_are_unchanged() -> None:
    frozen: dict[str, Any] = json.loads(FROZEN.read_text(encoding="utf-8"))
    now = digests()
    assert {layout: len(chunks) for layout, chunks in now.items()} == {"rfc3164": 40, "iso8601": 40, "rfc5424": 40}
    changed = [f"{layout} lines {i * CHUNK}-{i * CHUNK + CHUNK - 1}" for layout, chunks in frozen.items()
               for i, digest in enumerate(chunks) if now[layout][i] != digest]
    assert not changed, f"events changed in {len(changed)} chunks, first {changed[:5]}"


if __name__ == "__main__":
    print(json.dumps(digests(), indent=1))
