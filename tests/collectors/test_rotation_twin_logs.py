"""Two logs of one service writing the same banner (app1.log, app2.log), rotated by the real logrotate
(two generations kept), with a one-shot run before and after each rotation (F11w's lr_rounds.py).

A file shorter than a checkpoint's position that holds the bytes before one of its earlier positions
is the content's copy only when it has one of the log's rotated names and the file read under the
log's name was truncated in place (logrotate's copytruncate: collectors.files.read_past). Without
that condition (8cb620be), the two logs' files, whose first 1.5 KiB are the same banner, were taken
for each other's copies round after round: 205 of 492 lines stored with ``create`` (8d23116: 452),
164 with ``copytruncate``; from the fourth round on nothing more was stored.

Every request line is its file's alone and must be stored; of the banners at most the 40 lines
8d23116 also lost (a log whose regrown banner reads as the content read before, or a new log taking
a deleted banner-only file's checkpoint by content: R11aa-2, open). With ``create`` none is stored
twice. With ``copytruncate`` one line was (473 stored, 20 lost, 1 twice; 8d23116: 452, 40, 0): a
round-0 copy, two rotations old, holds the bytes before a position its log's checkpoint kept across
a truncate the regrown banner hid. Those counts net banner lines across the logs: the copies were
swapped between the two logs' checkpoints (their last 64 bytes alike), one matched none and was read
whole (F11ag's lr_rounds.py, 4 rounds: 20 lost 1 twice netted, 40 lost 21 twice counted per log).
Since the content is compared at the checkpoints' earlier positions too (CheckpointStore._by_content):
40 lost (the regrown banners) and 0 twice, both ways."""

from __future__ import annotations

import collections
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.collectors.test_rotation import stored
from tests.conftest import need

GOVSOC = str(Path(sys.executable).with_name("govsoc"))
BANNER = "".join(f"service starting: module {i} of 20 loaded with default options (banner line)\n"
                 for i in range(1, 21))
ROUNDS = 6


def _ingest(home: Path, pattern: str) -> None:
    done = subprocess.run([GOVSOC, "ingest", pattern], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "GOVSOC_HOME": str(home), "GOVSOC_CONFIG": ""})
    assert done.returncode == 0, done.stderr


def _append(path: Path, text: str, written: list[str]) -> None:
    with path.open("a") as out:
        out.write(text)
    written.extend(text.splitlines())


@pytest.mark.parametrize("option", ["create", "copytruncate"])
def test_two_logs_with_one_banner_are_not_taken_for_each_others_copies(tmp_path: Path, option: str) -> None:
    need(shutil.which("logrotate") is not None, "logrotate is not installed (apt-get install logrotate)")
    logs, home = tmp_path / "logs", tmp_path / "home"
    logs.mkdir()
    conf = logs / "lr.conf"
    conf.write_text("".join(f"{logs}/{name}.log {{\n  rotate 2\n  missingok\n  {option}\n}}\n"
                            for name in ("app1", "app2")))
    written: list[str] = []
    for round_ in range(ROUNDS):
        for name in ("app1", "app2"):
            _append(logs / f"{name}.log", BANNER, written)
        _ingest(home, f"{logs}/*.log")
        subprocess.run(["logrotate", "-f", "-s", str(logs / "state"), str(conf)], check=True, capture_output=True)
        for name in ("app1", "app2"):
            _append(logs / f"{name}.log", f"{BANNER}{name} request {round_} handled\n", written)
        _ingest(home, f"{logs}/*.log")
    got, expected = collections.Counter(stored(home)), collections.Counter(written)
    lost, twice = sum((expected - got).values()), sum((got - expected).values())
    assert len(written) == 492
    # every request line is its file's alone: none may be lost whatever the banners' fate
    requests = [f"{name} request {round_} handled" for round_ in range(ROUNDS) for name in ("app1", "app2")]
    assert [line for line in requests if not got[line]] == []
    assert lost <= 40, (lost, twice)
    if option == "create":
        assert twice == 0, (lost, twice)
