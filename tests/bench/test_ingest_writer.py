"""bench.ingest_writer's replay measures the writer's INSERTs (issue 11): its "the INSERT"
column read 0 on every line once the writer inserted each chunk as it came (P11j)."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from bench import ingest_writer
from bench.ingest import PARSER, generate
from govsoc.collectors.pipeline import ingest_file


def test_the_replay_counts_the_cpu_of_the_inserts_and_commits(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    # 6,000 lines (one write, one commit), in windows of 2,500 events: each window's INSERT share is some of its CPU,
    # never nothing (the inserts are most of the writer's work) and never more than all of it.
    monkeypatch.setattr(ingest_writer, "WINDOW", 2500)
    log = tmp_path / "auth.log"
    generate(6000, log)
    (tmp_path / "store").mkdir()
    with (tmp_path / "captured.pickles").open("w+b") as captured:
        ingest_file(log, parser_id=PARSER, store=ingest_writer.CaptureSink(captured),
                    data_dir=tmp_path / "data", timezone="UTC")
        captured.seek(0)
        ingest_writer.replay(captured, tmp_path / "store", [])
    lines = re.findall(r"user +([\d.]+) sys +([\d.]+) us/event; the INSERT user +([\d.]+) sys +([\d.]+)",
                       capsys.readouterr().out)
    assert lines
    total = sum(float(user) + float(system) for user, system, _, _ in lines)
    inserting = sum(float(user) + float(system) for _, _, user, system in lines)
    assert 0 < inserting <= total


def test_timed_connection_adds_up_the_inserts_and_commits_apart_from_other_statements(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A clock that advances by a known step at each reading: each timed call spans exactly one
    # step of user and of system time (the reading before and the one after it).
    readings = iter(range(1, 1000))

    def clock() -> tuple[float, float, int]:
        tick = next(readings)
        return tick * 1.0, tick * 10.0, 0

    monkeypatch.setattr(ingest_writer, "_usage", clock)
    timed = ingest_writer.TimedConnection(sqlite3.connect(tmp_path / "t.db", isolation_level=None))
    timed.execute("CREATE TABLE t (v INTEGER)")  # not timed
    timed.execute("BEGIN")  # not timed
    timed.executemany("INSERT INTO t VALUES (?)", [(1,), (2,)])  # timed: one step
    timed.executemany("INSERT INTO t VALUES (?)", [(3,)])  # timed: one step
    timed.execute("SELECT count(*) FROM t")  # not timed
    timed.execute("COMMIT")  # timed: one step
    assert timed.used == [3.0, 30.0]
    assert timed.execute("SELECT count(*) FROM t").fetchone() == (3,)
