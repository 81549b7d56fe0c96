"""Naive --from/--to times are read in the zone the tables print (reports.timezone), so a time
copied from `govsoc alerts` or `govsoc events` selects what it shows."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def machine_in_new_york(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The machine's own zone differs from the configured Asia/Shanghai."""
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_naive_from_is_read_in_the_zone_tables_print(govsoc: Run, tmp_path: Path,
                                                     machine_in_new_york: None) -> None:
    log = tmp_path / "auth.log"
    log.write_text("".join(f"Jan  5 10:00:{s:02d} myhost sshd[100]: Failed password for root from 10.9.9.9 "
                           f"port 4000 ssh2\n" for s in (0, 10, 20, 30, 40)))
    assert govsoc("ingest", "--year", "2026", str(log))[0] == 0
    code, out, _ = govsoc("events", "--format", "json")
    assert code == 0 and len(json.loads(out)) == 5
    code, out, err = govsoc("events", "--from", "2026-01-05 10:00:20", "--to", "2026-01-05T10:00:40",
                            "--format", "json")
    assert code == 0, err
    # the table says 10:00:20 and 10:00:30 (Asia/Shanghai); in New York those are the evening before
    assert sorted(e["@timestamp"] for e in json.loads(out)) == ["2026-01-05T02:00:20.000000Z",
                                                                "2026-01-05T02:00:30.000000Z"]
    assert govsoc("detect")[0] == 0
    # one brute-force burst starting at 10:00:00 Asia/Shanghai (single failures raise no alert of their own)
    code, out, _ = govsoc("alerts", "--from", "2026-01-05 10:00:00", "--format", "json")
    assert code == 0 and len(json.loads(out)) == 1
    code, out, _ = govsoc("alerts", "--from", "2026-01-05 10:00:01", "--format", "json")
    assert code == 0 and len(json.loads(out)) == 0
