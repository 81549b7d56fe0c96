"""A damaged checkpoint (a disk fault or a hand edit: saves themselves are atomic) is one source's
problem, said and counted, never the whole collector's (R11i-2: one such file, even of a log long
gone, stopped every `govsoc ingest`, one-shot and --follow; random bytes gave an internal error
naming no file). It is moved aside, its source read again from its start, and the store's ids
keep each line once."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.collectors.test_rotation import GOVSOC, stored, write


def run(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([GOVSOC, "ingest", "--year", "2026", *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "GOVSOC_HOME": str(home), "GOVSOC_CONFIG": ""})


DAMAGE = {
    "half": lambda text: text[: len(text) // 2].encode(),
    "random bytes": lambda text: bytes(range(256))[::-1] + b"\xf8\xff",
    "not an object": lambda text: b"[1, 2]",
    "a field of another kind": lambda text: json.dumps({**json.loads(text), "offset": "x"}).encode(),
    "a field missing": lambda text: json.dumps({k: v for k, v in json.loads(text).items() if k != "path"}).encode(),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_checkpoint_stops_neither_the_other_sources_nor_its_own(tmp_path: Path, damage: str) -> None:
    home, logs = tmp_path / "home", tmp_path / "logs"
    logs.mkdir()
    old, log = logs / "old.log", logs / "b.log"
    write(old, 0, 5)
    write(log, 100, 5)
    done = run(home, str(old), str(log))
    assert done.returncode == 0, done.stderr
    sources = home / "state" / "sources"
    by_path = {json.loads(p.read_text())["path"]: p for p in sources.glob("*.json")}
    gone, kept = by_path[str(old)], by_path[str(log)]
    old.unlink()                                        # the log long gone: its checkpoint stays
    gone.write_bytes(DAMAGE[damage](gone.read_text()))
    kept.write_bytes(DAMAGE[damage](kept.read_text()))  # and the one of the log read now
    write(log, 105, 5)
    write(logs / "c.log", 200, 3)

    done = run(home, str(log), str(logs / "c.log"))
    assert done.returncode == 0, done.stderr
    assert "internal error" not in done.stderr
    for file in (gone, kept):                           # each said once, naming its file
        assert done.stderr.count(f"{file}: damaged checkpoint") == 1, done.stderr
    aside = sorted(p.name.split(".json")[0] for p in (sources / "damaged").iterdir())
    assert aside == sorted([gone.stem, kept.stem])
    lines = stored(home)
    assert len(lines) == len(set(lines)) == 5 + 10 + 3  # b.log read again from its start: nothing twice

    again = run(home, str(log))                         # said once: the next run has a checkpoint again
    assert again.returncode == 0 and "damaged" not in again.stderr, again.stderr
    status = subprocess.run([GOVSOC, "status", "--format", "json"], capture_output=True, text=True, timeout=60,
                            env={**os.environ, "GOVSOC_HOME": str(home), "GOVSOC_CONFIG": ""})
    assert json.loads(status.stdout)["damaged_checkpoints"] == [str(sources / "damaged" / n) for n in
                                                                sorted(os.listdir(sources / "damaged"))]
