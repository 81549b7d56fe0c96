"""bench.detect measures the baseline and a pass the same way, at the same load (note14: the
baseline measured minutes before the passes, at another load, made the wall ratio the machine's)."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

from bench import detect


def test_a_section_counts_the_cpu_of_the_processes_it_waited_for() -> None:
    # A pass's work may run in a child process (the SQLite store's writer): CPU of every process
    # involved counts, on both sides of the ratio, or the side that hands work out looks cheap.
    burn = "import time\nend = time.process_time() + 0.4\nwhile time.process_time() < end: pass"
    with detect.section() as figures:
        subprocess.run([sys.executable, "-c", burn], check=True)
    assert figures["cpu_s"] >= 0.35


def test_the_full_pass_runs_between_two_baseline_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    # The ratio's two sides share the load: the baseline is run right before and right after
    # the pass and its mean is taken, so a load that rises (or falls) during the pass is on both.
    order: list[str] = []
    seconds = {"baseline": iter([10.0, 30.0]), "sqlite": iter([4.0])}

    def measured(spec: dict[str, str]) -> dict[str, Any]:
        order.append(spec["kind"])
        wall = next(seconds[spec["kind"]])
        return {"seconds": wall, "cpu_s": wall / 2, "load": 1.0, "rss_mib": 50.0, "rows": 7}

    monkeypatch.setattr(detect, "measured", measured)
    full, base = detect.interleaved({"kind": "sqlite"}, {"kind": "baseline"})
    assert order == ["baseline", "sqlite", "baseline"]
    assert full["seconds"] == 4.0
    assert base["seconds"] == 20.0 and base["cpu_s"] == 10.0 and base["rows"] == 7
