"""Rotation with real logrotate (rename-and-create, copytruncate, delayed compression, two
rotations between runs) and real `govsoc ingest` processes, one-shot and --follow: exact counts."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from govsoc.collectors import IngestOptions, Pipeline
from govsoc.collectors.follow import Follower, finish_predecessors
from govsoc.store.base import Query
from govsoc.store.sqlite import SqliteStore
from tests.conftest import need

GOVSOC = str(Path(sys.executable).with_name("govsoc"))


def write(log: Path, start: int, count: int) -> None:
    with log.open("ab") as out:
        for i in range(start, start + count):
            out.write(f"Dec 10 07:{i // 60 % 60:02d}:{i % 60:02d} web1 sshd[{i}]: Failed password for u{i} from "
                      f"10.1.0.{i % 250} port {i} ssh2\n".encode())


def logrotate(folder: Path, log: Path, *options: str) -> None:
    need(shutil.which("logrotate") is not None, "logrotate is not installed (apt-get install logrotate)")
    conf = folder / "logrotate.conf"
    conf.write_text(f"{log} {{\n  rotate 9\n  missingok\n" + "".join(f"  {o}\n" for o in options) + "}\n",
                    encoding="utf-8")
    subprocess.run(["logrotate", "-f", "-s", str(folder / "logrotate.state"), str(conf)], check=True,
                   capture_output=True, timeout=60)


def govsoc(home: Path, *args: str, timeout: float = 120) -> str:
    done = subprocess.run([GOVSOC, *args], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "GOVSOC_HOME": str(home), "GOVSOC_CONFIG": ""})
    assert done.returncode == 0, done.stderr
    return done.stdout


def stored(home: Path) -> list[str]:
    with SqliteStore(home / "events.db") as store:
        return [str(e.get("event.original")) for e in store.search(Query())]


def new_in(output: str) -> int:
    """The new events of a one-shot run, from its per-file lines."""
    return sum(int(line.split(" new,")[0].rsplit("(", 1)[1]) for line in output.splitlines() if " new," in line)


def rotating_follower(store: SqliteStore, state: Path, log: Path, method: tuple[str, ...], *,
                      then_write: tuple[int, int]) -> tuple[Follower, Callable[[], None]]:
    """A Follower of ``log`` and the call that arms it: once armed, the first read of its next
    poll rotates ``log`` (real logrotate, ``method``) and writes ``then_write`` (start, count)
    lines to the new file. A rotation during a poll, placed by the test, not by timing."""
    armed: list[int] = []

    def progress(_size: int) -> None:
        if armed and armed.pop():
            logrotate(log.parent, log, *method)
            write(log, *then_write)

    follower = Follower(Pipeline(store, data_dir=state, progress=progress), [str(log)], lambda _path: IngestOptions())
    return follower, lambda: armed.append(1)


@pytest.fixture
def logs(tmp_path: Path) -> Path:
    folder = tmp_path / "log"
    folder.mkdir()
    return folder


@pytest.mark.parametrize("method", [("create",), ("copytruncate",)])
def test_rotation_between_runs(tmp_path: Path, logs: Path, method: tuple[str, ...]) -> None:
    log, home = logs / "auth.log", tmp_path / "home"
    write(log, 0, 100)
    assert new_in(govsoc(home, "ingest", str(log))) == 100
    write(log, 100, 10)  # after the run, before the rotation
    logrotate(logs, log, *method)
    write(log, 110, 20)
    # only the live path is named: the rest of the rotated file is found beside it
    assert new_in(govsoc(home, "ingest", str(log))) == 30
    assert new_in(govsoc(home, "ingest", str(logs / "auth.log*"))) == 0
    assert len(stored(home)) == len(set(stored(home))) == 130


def test_delayed_compression_and_two_rotations_between_runs(tmp_path: Path, logs: Path) -> None:
    log, home = logs / "auth.log", tmp_path / "home"
    pattern = str(logs / "auth.log*")
    write(log, 0, 50)
    assert new_in(govsoc(home, "ingest", pattern)) == 50
    write(log, 50, 5)
    logrotate(logs, log, "create", "compress", "delaycompress")
    write(log, 55, 7)
    logrotate(logs, log, "create", "compress", "delaycompress")  # auth.log.2.gz, auth.log.1, auth.log
    write(log, 62, 9)
    assert sorted(p.name for p in logs.glob("auth.log*")) == ["auth.log", "auth.log.1", "auth.log.2.gz"]
    assert new_in(govsoc(home, "ingest", pattern)) == 21
    logrotate(logs, log, "create", "compress", "delaycompress")  # everything compressed again: same content
    out = govsoc(home, "ingest", pattern)
    assert new_in(out) == 0 and "already stored" not in out.replace("0 already stored", "")
    originals = stored(home)
    assert len(originals) == len(set(originals)) == 71


@pytest.mark.parametrize("method", [
    ("create",),  # the file read before at auth.log.2, the generation between at auth.log.1
    ("copytruncate",),  # copies: the same names, the live file truncated in place
    ("create", "compress", "delaycompress"),  # the file read before at auth.log.2.gz, auth.log.1 plain
])
def test_two_rotations_between_runs_read_the_generation_between(tmp_path: Path, logs: Path,
                                                                method: tuple[str, ...]) -> None:
    # R11e F5: the run read the rest of the file read before (two rotation names away) and the
    # current file, and skipped auth.log.1 without a word: 2,500 of 3,500 stored.
    log, home = logs / "auth.log", tmp_path / "home"
    write(log, 0, 1000)
    assert new_in(govsoc(home, "ingest", str(log))) == 1000
    write(log, 1000, 500)  # after the run, before the first rotation
    logrotate(logs, log, *method)
    write(log, 1500, 1000)  # the generation between: never read
    logrotate(logs, log, *method)
    write(log, 2500, 1000)
    out = govsoc(home, "ingest", str(log))
    assert new_in(out) == 2500
    assert "auth.log.1: 1000 records" in out
    assert new_in(govsoc(home, "ingest", str(logs / "auth.log*"))) == 0
    originals = stored(home)
    assert len(originals) == len(set(originals)) == 3500


@pytest.mark.parametrize("method", [("copytruncate",), ("create", "compress", "delaycompress")])
def test_follow_with_a_late_poll_reads_the_generation_between(tmp_path: Path, logs: Path, sqlite_store: SqliteStore,
                                                              method: tuple[str, ...]) -> None:
    # R11e F5 with --follow: a poll came after two rotations (a loaded machine), read the rest
    # of the file it had been reading from auth.log.2 and then the current file; the generation
    # at auth.log.1 was never read and the next rotation pushed it out: 12,000 of 16,000 stored.
    # The polls are called here, so the late one is late by construction, not by timing.
    log = logs / "auth.log"
    notices: list[str] = []
    follower = Follower(Pipeline(sqlite_store, data_dir=tmp_path / "state", notice=notices.append), [str(log)],
                        lambda _path: IngestOptions())
    write(log, 0, 400)
    follower.poll()
    assert sqlite_store.count(Query()) == 400
    write(log, 400, 100)
    logrotate(logs, log, *method)
    write(log, 500, 300)  # the generation no poll saw
    logrotate(logs, log, *method)
    write(log, 800, 200)
    summaries = follower.poll()  # the late poll
    assert [s.receipt.created for s in summaries] == [100, 300, 200]
    originals = [str(e.get("event.original")) for e in sqlite_store.search(Query())]
    assert len(originals) == len(set(originals)) == 1000
    assert notices == []


def test_a_rotation_during_a_poll_leaves_no_generation_unread(tmp_path: Path, logs: Path,
                                                              sqlite_store: SqliteStore) -> None:
    # Seen re-running the R11e F5 repro under load (16,000 lines, copytruncate every 4,000, a poll
    # taking > 2 s): a rotation DURING the late poll, after it looked at auth.log and before it
    # read it, moved that file (never read, never registered) to auth.log.1; the poll read the new
    # auth.log and no later poll knew the moved one: 12,000 of 16,000. Now the file looked at is
    # registered at once, so the next poll finds it as a file read before.
    log = logs / "auth.log"
    # rotated on once while the late poll reads the file read before
    follower, rotate_during_the_next_read = rotating_follower(sqlite_store, tmp_path / "state", log, ("copytruncate",),
                                                              then_write=(900, 100))
    write(log, 0, 400)
    follower.poll()
    write(log, 400, 100)
    logrotate(logs, log, "copytruncate")
    write(log, 500, 400)  # at auth.log when the late poll looks; rotated on during it
    rotate_during_the_next_read()
    follower.poll()
    follower.poll()
    originals = [str(e.get("event.original")) for e in sqlite_store.search(Query())]
    assert len(originals) == len(set(originals)) == 1000


def test_a_generation_deleted_before_it_was_read_is_named(tmp_path: Path, logs: Path,
                                                          sqlite_store: SqliteStore) -> None:
    # The generations that are there are read; one that is not is said, by name (R11e F5).
    log = logs / "auth.log"
    notices: list[str] = []
    pipeline = Pipeline(sqlite_store, data_dir=tmp_path / "state", notice=notices.append)
    write(log, 0, 100)
    pipeline.ingest_file(log)
    for start in (100, 200, 300):
        logrotate(logs, log, "create")
        write(log, start, 100)
    (logs / "auth.log.2").unlink()  # lines 100..199, never read
    done = finish_predecessors(pipeline, log, IngestOptions())
    assert [(Path(s.source).name, s.receipt.created) for s in done] == [("auth.log.3", 0), ("auth.log.1", 100)]
    assert pipeline.ingest_file(log).receipt.created == 100
    assert len(notices) == 1 and notices[0].startswith(f"{logs / 'auth.log.2'}: not found: ")
    assert sqlite_store.count(Query()) == 300


def test_a_file_found_under_another_name_in_the_same_run_is_not_said_lost(tmp_path: Path, logs: Path) -> None:
    # R11e F2: a glob run visited auth.log.1 before auth.log.2.gz, where the file last read at
    # auth.log.1 now was, said it "rotated away; lines written to it after byte N were not found",
    # then read those lines from auth.log.2.gz.
    log, home = logs / "auth.log", tmp_path / "home"
    write(log, 0, 100)
    assert new_in(govsoc(home, "ingest", str(log))) == 100
    logrotate(logs, log, "create", "compress", "delaycompress")
    write(log, 100, 100)
    assert new_in(govsoc(home, "ingest", str(log))) == 100  # the file read before is now at auth.log.1
    write(logs / "auth.log.1", 200, 10)  # delaycompress: the program still wrote to it
    logrotate(logs, log, "create", "compress", "delaycompress")  # it goes to auth.log.2.gz
    write(log, 300, 50)
    os.utime(logs / "auth.log.1", (1, 1))  # the glob run visits auth.log.1 first
    done = subprocess.run([GOVSOC, "ingest", str(logs / "auth.log*")], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "GOVSOC_HOME": str(home), "GOVSOC_CONFIG": ""})
    assert done.returncode == 0, done.stderr
    assert "rotated away" not in done.stderr
    assert new_in(done.stdout) == 10 + 50  # the rest of auth.log.2.gz, the new auth.log
    originals = stored(home)
    assert len(originals) == len(set(originals)) == 260


@pytest.mark.parametrize(("final", "last_seen", "warned"), [
    # read to the size it had at a rotated name, then deleted past `rotate N`: nothing lost, not said
    (True, "auth.log.1", False),
    # read to the size it had at the path itself, then gone in one step (rotate 0, or moved to
    # logrotate's olddir): what it got after the last read is not known (R11h R4: said by nobody)
    (True, "auth.log", True),
    (False, "auth.log", True),  # --follow held back its unterminated last line: that line was not found
])
def test_a_file_rotated_away_is_said_lost_only_when_it_was_not_read_whole(tmp_path: Path, logs: Path,
                                                                          sqlite_store: SqliteStore, final: bool,
                                                                          last_seen: str, warned: bool) -> None:
    # R11e F2: "lines written to it after byte N were not found" for files read to their end
    log = logs / "auth.log"
    notices: list[str] = []
    pipeline = Pipeline(sqlite_store, data_dir=tmp_path / "state", notice=notices.append)
    write(log, 0, 100)
    with log.open("ab") as out:
        out.write(b"Dec 10 08:00:00 web1 sshd[9]: half a li")
    pipeline.ingest_file(log, IngestOptions(final=final))
    if last_seen != log.name:  # rotated, and its checkpoint seen there (unchanged) before it went
        log.rename(logs / last_seen)
        assert [s.records for s in finish_predecessors(pipeline, log, IngestOptions())] == [0]
    (logs / last_seen).unlink()  # rotated out of reach (rotate 0, or beyond the count)
    write(log, 100, 10)
    assert finish_predecessors(pipeline, log, IngestOptions()) == []
    assert [n.split(": ", 1)[1][:22] for n in notices] == (["the file read before ("] if warned else [])
    assert pipeline.ingest_file(log).receipt.created == 10
    assert finish_predecessors(pipeline, log, IngestOptions()) == [] and len(notices) == warned  # said once


@pytest.mark.parametrize(("final", "lost"), [
    # read to its end at auth.log.1, then deleted by `rotate 1`: nothing lost, neither said nor refused
    (True, False),
    # --follow held back its unterminated last line, then it was deleted: that line was never read
    (False, True),
])
def test_a_generation_deleted_after_it_was_read_to_its_end_is_not_refused(tmp_path: Path, logs: Path,
                                                                          sqlite_store: SqliteStore, final: bool,
                                                                          lost: bool) -> None:
    # R11j-5: a glob (`auth.log*`, the README's shape) follows auth.log.1 itself. Each generation
    # `rotate N` deleted there after it was read to its end was said "lines written to it after
    # byte N were not read" and counted refused in `govsoc status`, though none was lost.
    log, generation = logs / "auth.log", logs / "auth.log.1"
    notices: list[str] = []
    pipeline = Pipeline(sqlite_store, data_dir=tmp_path / "state", notice=notices.append)
    write(generation, 0, 100)
    with generation.open("ab") as out:
        out.write(b"Dec 10 08:00:00 web1 sshd[9]: half a li")
    pipeline.ingest_file(generation, IngestOptions(final=final))
    write(log, 100, 10)
    pipeline.ingest_file(log)
    generation.unlink()  # rotate 1: the oldest generation goes, the live file takes its name
    log.rename(generation)
    write(log, 200, 10)
    for path in (generation, log, generation):  # a glob's paths, and the next poll: said once at most
        assert sum(s.records for s in finish_predecessors(pipeline, path, IngestOptions())) == 0
    said = [n for n in notices if "were not read" in n]
    assert len(said) == lost, notices
    record = pipeline.paths.get(generation)
    assert (record.refused if record is not None else 0) == lost
    assert pipeline.ingest_file(log).receipt.created == 10


def wait_for(home: Path, what: str, done: Callable[[list[str]], bool], follower: subprocess.Popen[str],
             timeout: float = 120.0) -> None:
    """Wait until the follower has stored what ``done`` looks for (polling the store it writes,
    never a fixed sleep: a loaded machine may take many times longer than an idle one)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert follower.poll() is None, f"the follower ended before it stored {what}"
        if (home / "events.db").exists() and done(stored(home)):
            return
        time.sleep(0.1)
    raise AssertionError(f"the follower did not store {what} within {timeout:.0f} s")


def test_follow_through_rename_and_copytruncate(tmp_path: Path, logs: Path) -> None:
    """Each step waits until the follower stored what was written before it (the stored count),
    so the rotations happen after the follower read the file, as the steps intend, however slow
    the machine; the follower is then interrupted (Ctrl-C) and prints its closing line."""
    log, home = logs / "auth.log", tmp_path / "home"
    write(log, 0, 20)
    follower = subprocess.Popen([GOVSOC, "ingest", "--follow", "--interval", "0.2", "--stop-after", "600", str(log)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env={**os.environ, "GOVSOC_HOME": str(home), "GOVSOC_CONFIG": ""})

    def count(n: int) -> Callable[[list[str]], bool]:
        return lambda originals: len(originals) >= n

    try:
        wait_for(home, "the first 20 lines", count(20), follower)
        write(log, 20, 10)
        wait_for(home, "30 lines", count(30), follower)
        write(log, 30, 3)
        logrotate(logs, log, "create")  # rename and create, right after a write (not read yet)
        write(log, 33, 12)
        wait_for(home, "45 lines", count(45), follower)
        write(log, 45, 4)
        logrotate(logs, log, "copytruncate")
        write(log, 49, 6)
        with log.open("ab") as out:
            out.write(b"Dec 10 08:00:00 web1 sshd[9]: half a li")  # completed later
        wait_for(home, "55 lines", count(55), follower)
        with log.open("ab") as out:
            out.write(b"ne\n")
        wait_for(home, "the completed line", lambda originals: "Dec 10 08:00:00 web1 sshd[9]: half a line"
                 in originals, follower)
        follower.send_signal(signal.SIGINT)
        out_text, err_text = follower.communicate(timeout=60)
    finally:
        if follower.poll() is None:
            follower.kill()
    assert follower.returncode == 0, err_text
    originals = stored(home)
    assert len(originals) == len(set(originals)) == 56
    assert "Dec 10 08:00:00 web1 sshd[9]: half a line" in originals
    # a store busy under load spools a batch and drains it before the stop, which the closing line
    # adds after this (the stored count above is what shows nothing lost or doubled)
    assert out_text.rstrip().splitlines()[-1].startswith("56 accepted, 0 rejected → nothing to keep")


def test_a_damaged_gzip_beside_the_log_stops_no_run(tmp_path: Path, logs: Path) -> None:
    # R11f N3: a file with gzip's magic and damaged deflate data beside the log (bit rot, a broken
    # archive) made every run die with "internal error: Error -3 while decompressing data" while
    # looking at the log's rotated siblings: nothing else was read, and --follow crash-looped.
    log, home = logs / "auth.log", tmp_path / "home"
    write(log, 0, 100)
    govsoc(home, "ingest", str(log))
    (logs / "auth.log.3.gz").write_bytes(b"\x1f\x8b\x08\x00garbage-not-really-gzip\n")
    log.rename(logs / "auth.log.1")
    write(logs / "auth.log.1", 100, 50)
    write(log, 150, 100)
    out = govsoc(home, "ingest", str(log))
    assert new_in(out) == 150
    assert sorted(int(line.split("sshd[")[1].split("]")[0]) for line in stored(home)) == list(range(250))


@pytest.mark.parametrize("compressed", [False, True])
def test_a_generation_swapped_for_a_link_after_the_listing_is_not_read_through_it(
        tmp_path: Path, logs: Path, sqlite_store: SqliteStore, monkeypatch: pytest.MonkeyPatch,
        compressed: bool) -> None:
    # V12 F4: the listing checked each generation's entry (no link), but the read opened it again
    # by name: a link swapped in between (a folder's writer racing the run) was read through, and
    # the root-only file it points at stored. The open itself now refuses a link (O_NOFOLLOW).
    import gzip

    from govsoc.collectors import pipeline as pipeline_module
    secret = tmp_path / "secret"
    secret.write_bytes(gzip.compress(b"TOPSECRET line\n") if compressed else b"TOPSECRET line\n")
    log = logs / "auth.log"
    pipeline = Pipeline(sqlite_store, data_dir=tmp_path / "state")
    write(log, 0, 100)
    pipeline.ingest_file(log)
    log.rename(logs / "auth.log.2")
    write(logs / "auth.log.1", 100, 100)  # the generation between, listed as a regular file
    write(log, 200, 100)
    read = pipeline_module.Pipeline.ingest_file

    def swapped(self: Pipeline, path: Path, *args: object, **kwargs: object) -> object:
        if path.name == "auth.log.1" and not path.is_symlink():
            path.rename(logs / "moved")
            path.symlink_to(secret)
        return read(self, path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline_module.Pipeline, "ingest_file", swapped)
    done = finish_predecessors(pipeline, log, IngestOptions())
    assert [Path(s.source).name for s in done] == ["auth.log.2", "auth.log.1"]
    assert "symbolic link" in (done[1].error or "")
    assert not [e for e in sqlite_store.search(Query()) if "TOPSECRET" in str(e.get("event.original"))]
    assert sqlite_store.count(Query()) == 100


def test_a_gzip_damaged_after_its_first_kilobytes_stops_no_run(tmp_path: Path, logs: Path) -> None:
    # V12 F5: the parser choice reads 64 KiB of a file's content and caught no zlib.error, so a
    # .gz whose damage lies past the first 8 KiB (identity.look's sample) still made a glob run
    # die with "internal error: Error -3 while decompressing data", nothing after it read.
    import gzip
    import re

    home = tmp_path / "home"
    write(tmp_path / "lines", 100, 300)  # ~28 KB of lines
    packed = bytearray(gzip.compress((tmp_path / "lines").read_bytes()))
    packed[len(packed) // 3] ^= 0x55  # damage past 8 KiB of content, within 64 KiB
    (logs / "auth.log.2.gz").write_bytes(bytes(packed))
    write(logs / "auth.log", 0, 100)
    done = subprocess.run([GOVSOC, "ingest", str(logs / "auth.log*")], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "GOVSOC_HOME": str(home), "GOVSOC_CONFIG": ""})
    assert "internal error" not in done.stderr, done.stderr
    assert "auth.log.2.gz" in done.stdout + done.stderr  # the damaged file is said, by name
    pids = {int(found.group(1)) for line in stored(home) if (found := re.search(r"sshd\[(\d+)\]", line))}
    assert set(range(100)) <= pids
