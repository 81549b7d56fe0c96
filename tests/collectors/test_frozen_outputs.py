"""The web and device parsers give, line for line, the events (or the ParseError) they gave before
their speed-up (issue 13's parser benchmark): a guard of a refactor, not a statement of meaning.
What the fields mean is checked by tests/collectors/web and tests/collectors/devices against the
formats' documentation; this test only says that restructuring changed nothing.

Every parser reads every real sample of tests/data/collectors/web and .../devices (its own lines
and the other formats', so rejections are frozen too) and loghub's Apache_2k, twice: in two
contexts (zone, reference time, year) with a fresh parser each, so a cache that forgot what its
value depends on shows. Each line is frozen as a 10-hex digest of its event's canonical JSON
(frozen_outputs.json, < 100 KB); on a difference the test prints the new event in full (the old
one is what the parent commit prints). Regenerate only for a change of meaning, made in its own
commit: ``python tests/collectors/test_frozen_outputs.py``.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from govsoc.collectors.base import ParseContext, RawRecord, parsers
from govsoc.core.errors import ParseError
from govsoc.core.event import Event

DATA = Path(__file__).parents[1] / "data" / "collectors"
LOGHUB_APACHE = Path(__file__).parents[3] / "shared" / "corpus" / "loghub" / "Apache" / "Apache_2k.log"
FROZEN = DATA / "frozen_outputs.json"
PARSERS = ("nginx.access", "apache.access", "nginx.error", "apache.error", "huawei", "h3c", "sangfor.af",
           "hillstone.stoneos", "topsec.tos", "nsfocus.ips", "dbappsecurity.waf", "syslog.mixed")
#: Two contexts that differ in everything a parser reads from one.
CONTEXTS = {
    "shanghai": ParseContext(timezone=ZoneInfo("Asia/Shanghai"), reference=datetime(2026, 11, 30, tzinfo=UTC)),
    "utc-2017": ParseContext(timezone=ZoneInfo("UTC"), reference=datetime(2017, 3, 1, tzinfo=UTC), year=2015,
                             host="relay"),
}


def _samples() -> list[Path]:
    return sorted([*DATA.glob("web/*.log"), *DATA.glob("devices/*.log")])


def _runs() -> list[tuple[str, str, str, Path]]:
    """(key, parser id, context name, file): every parser over every small sample, apache.error
    (the parser loghub's file is for) also over loghub's Apache_2k."""
    runs = [(pid, context, path) for pid in PARSERS for context in CONTEXTS for path in _samples()]
    runs += [("apache.error", context, LOGHUB_APACHE) for context in CONTEXTS]
    return [(f"{pid} {context} {path.parent.name}/{path.name}", pid, context, path) for pid, context, path in runs]


def _plain(value: Any) -> Any:
    """A field value as JSON that keeps its Python type apart (a tuple is not a list)."""
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return {type(value).__name__: repr(value)}


def canonical(event: Event) -> str:
    """The event as canonical JSON: id, time with its zone, dataset, fields with their types."""
    return json.dumps({"id": event.id, "timestamp": event.timestamp.isoformat(),
                       "zone": str(event.timestamp.tzinfo), "dataset": event.dataset,
                       "fields": {name: _plain(value) for name, value in event.fields.items()}},
                      ensure_ascii=False, sort_keys=True)


def outputs(parser_id: str, context: ParseContext, path: Path) -> list[str]:
    """One text per line: the canonical JSON of its events, or its ParseError's message."""
    parser = parsers.get(parser_id)()
    out = []
    for offset, line in enumerate(path.read_bytes().splitlines()):
        record = RawRecord(data=line, origin=f"file:///{path.name}", offset=offset)
        try:
            out.append("\n".join(canonical(event) for event in parser.parse(record, context)))
        except ParseError as e:
            out.append(f"ParseError: {e}")
    return out


def digest(text: str) -> str:
    """10 hex digits of sha256: enough to tell a changed line from its old self."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]


@pytest.fixture(scope="module")
def frozen() -> dict[str, list[str]]:
    return _frozen()


def _frozen() -> dict[str, list[str]]:
    """Run key -> the digests of its lines (stored as one space-separated string per run)."""
    data: dict[str, str] = json.loads(FROZEN.read_text(encoding="utf-8"))
    return {key: digests.split() for key, digests in data.items()}


@pytest.mark.parametrize(("key", "parser_id", "context", "path"), _runs(), ids=[run[0] for run in _runs()])
def test_output_is_what_it_was(frozen: dict[str, list[str]], key: str, parser_id: str, context: str,
                               path: Path) -> None:
    new = outputs(parser_id, CONTEXTS[context], path)
    old = frozen[key]
    assert len(new) == len(old), f"{key}: {len(new)} lines, was {len(old)}"
    changed = [(i + 1, text) for i, (text, was) in enumerate(zip(new, old, strict=True)) if digest(text) != was]
    assert not changed, f"{key}: line {changed[0][0]} is now\n{changed[0][1]}\n({len(changed)} lines changed)"


def test_the_frozen_runs_are_the_runs_made() -> None:
    """No run is frozen that is not checked, nor checked without being frozen; and the frozen
    outputs are not all rejections (a guard over rejections only would guard nothing)."""
    frozen = _frozen()
    assert set(frozen) == {run[0] for run in _runs()}
    own = outputs("huawei", CONTEXTS["shanghai"], DATA / "devices" / "huawei.log")
    assert all(text.startswith("{") for text in own)
    assert [digest(text) for text in own] == frozen["huawei shanghai devices/huawei.log"]


if __name__ == "__main__":
    FROZEN.write_text(json.dumps({key: " ".join(digest(text) for text in outputs(pid, CONTEXTS[context], path))
                                  for key, pid, context, path in _runs()}, indent=0, sort_keys=True) + "\n",
                      encoding="utf-8")
