"""bench.flows says what each govsoc figure measures and compares every one with the baselines
(review R14 F3: the README's headline was the flow assembler alone, and the ratios were computed
for that row only): the assembler, pcap -> ECS events without a store, and `govsoc ingest`,
each with its ratio to a baseline, on a small generated capture."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path


def test_every_govsoc_row_is_compared_with_the_baselines(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "bench.flows", "--packets", "3000", "--scapy-packets", "0",
               "--only", "govsoc", "--only", "govsoc events", "--only", "govsoc ingest", "--only", "struct loop"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=True,
                          cwd=Path(__file__).resolve().parents[3], env={"GOVSOC_BENCH_CACHE": str(tmp_path),
                                                                        "PATH": "/usr/bin:/bin"})
    rows = {line.split("  ")[0].strip(): line for line in done.stdout.splitlines()}
    for name in ("govsoc", "govsoc events", "govsoc ingest"):
        assert re.match(rf"{name} is \(wall/cpu\): struct loop \d+\.\dx/\d+\.\dx$",
                        next(line for line in done.stdout.splitlines() if line.startswith(f"{name} is ")))
    flows = {name: int(rows[name].split()[-8].replace(",", "")) for name in ("govsoc", "govsoc events")}
    assert flows["govsoc events"] >= flows["govsoc"] > 50  # every flow an event (and later transactions)
    assert "govsoc events: pcap -> ECS events with protocol metadata, no store" in done.stdout
