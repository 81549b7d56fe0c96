"""Two logs of one service opening with the same banner (app1.log, app2.log), each rotated by copytruncate
(+ compress, + delaycompress), done here in Python as logrotate does it, with a run after the banner and one
after the requests (F11af's lr_rounds.py shape "banner", deterministic, no logrotate needed).

A compressed copy's content is not compared at a checkpoint's position (checkpoint_match.consistent_with: its length
only), so app1's copy app1.log.1.gz was consistent with app2's checkpoint too, the newer, and taken by it:
app2's lines written later were taken as read (lost) and app1's copy read again (885ba47d, real logrotate:
compress 15 lost 15 twice, delaycompress 10 lost 35 twice). Of several consistent checkpoints, the content is
compared with the digests each read kept, at its position and its earlier ones (CheckpointStore._by_content)."""

from __future__ import annotations

import collections
import gzip
import os
import shutil
from pathlib import Path

import pytest

from govsoc.collectors import IngestOptions, Pipeline
from govsoc.collectors.follow import Follower
from govsoc.store.base import Query
from govsoc.store.sqlite import SqliteStore
from tests.collectors.test_rotation_copy import originals

BANNER = [f"service starting: module {i:02d} of 20 loaded with default options" for i in range(20)]
NAMES = ("app1", "app2")


def copytruncate(log: Path, *, compress: bool, delay: bool) -> None:
    """logrotate's copytruncate of ``log`` keeping 4: older copies renamed up (the one made last time compressed
    now under delaycompress), the copy made, the log truncated in place, the copy compressed unless delayed."""
    def named(age: int, gz: bool) -> Path:
        return log.with_name(f"{log.name}.{age}{'.gz' if gz else ''}")
    for age in (3, 2, 1):
        for gz in (True, False):
            if named(age, gz).exists():
                os.rename(named(age, gz), named(age + 1, gz))
    if delay and named(2, False).exists():
        with named(2, False).open("rb") as plain, gzip.open(named(2, True), "wb") as packed:
            shutil.copyfileobj(plain, packed)
        named(2, False).unlink()
    shutil.copyfile(log, named(1, False))
    with log.open("r+b") as out:
        out.truncate(0)
    if compress and not delay:
        with named(1, False).open("rb") as plain, gzip.open(named(1, True), "wb") as packed:
            shutil.copyfileobj(plain, packed)
        named(1, False).unlink()


@pytest.mark.parametrize("delay", [
    False,  # compress: app1.log.1.gz taken by app2's checkpoint (15 lost, 15 twice with real logrotate)
    True,   # delaycompress: the plain copy compressed a rotation later (10 lost, 35 twice)
])
def test_a_compressed_copy_is_taken_by_its_own_logs_checkpoint(tmp_path: Path, sqlite_store: SqliteStore,
                                                                delay: bool) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    written: list[str] = []
    number = 0

    def run() -> None:  # a one-shot run: a new process's follower, one poll
        Follower(Pipeline(sqlite_store, data_dir=tmp_path / "state"), [str(logs / "*.log")],
                 lambda _path: IngestOptions()).poll()

    def put(name: str, lines: list[str]) -> None:
        with (logs / f"{name}.log").open("a") as out:
            out.write("".join(f"{line}\n" for line in lines))
        written.extend(lines)

    for _round in range(4):
        for name in NAMES:
            put(name, BANNER)
        run()
        for name in NAMES:
            put(name, [f"{name} request {number + k} handled" for k in range(5)])
            number += 5
        run()
        for name in NAMES:
            copytruncate(logs / f"{name}.log", compress=True, delay=delay)
    run()
    got, expected = collections.Counter(originals(sqlite_store)), collections.Counter(written)
    assert (sorted(expected - got), sorted(got - expected)) == ([], [])  # none lost, none twice


def test_plain_copies_ending_alike_are_not_swapped_between_the_logs(tmp_path: Path, sqlite_store: SqliteStore) -> None:
    """F11w's twin shape (banner, run, copytruncate, banner + one request, run) in Python: each plain copy
    (banner, request, banner) ends as the other log's does, so the 64 bytes before the position match both
    logs' checkpoints, and the newer, the other log's, took it (885ba47d, real logrotate: app2.log.1 then
    matched none and was read whole, its request and 40 banner lines twice, 20 lost/1 twice as netted).
    The request before the last banner is each log's own: the digest kept at that earlier position tells
    the checkpoints apart (CheckpointStore._by_content). Every line a copy holds was read at its log's name
    before the copy was made: none is read from a copy."""
    logs = tmp_path / "logs"
    logs.mkdir()
    written: list[str] = []

    def run() -> None:  # a one-shot run: a new process's follower, one poll
        Follower(Pipeline(sqlite_store, data_dir=tmp_path / "state"), [str(logs / "*.log")],
                 lambda _path: IngestOptions()).poll()

    def put(name: str, lines: list[str]) -> None:
        with (logs / f"{name}.log").open("a") as out:
            out.write("".join(f"{line}\n" for line in lines))
        written.extend(lines)

    for round_ in range(4):
        for name in NAMES:
            put(name, BANNER)
        run()
        for name in NAMES:
            copytruncate(logs / f"{name}.log", compress=False, delay=False)
            put(name, [*BANNER, f"{name} request {round_} handled"])
        run()
    got = collections.Counter(originals(sqlite_store))
    requests = [line for line in written if "request" in line]
    assert sorted(line for line in requests if got[line] != 1) == []  # each request once
    read_at = {Path(str(e.get("log.file.path"))).name for e in sqlite_store.search(Query())}
    assert read_at == {"app1.log", "app2.log"}  # no copy read: what each holds was read at its log's name


def test_a_copy_two_logs_checkpoints_match_alike_is_counted_and_said(tmp_path: Path, sqlite_store: SqliteStore) -> None:
    """Two logs that hold the very same bytes (the banner alone), read, then copied by copytruncate + compress:
    app1.log.1.gz's content shows both checkpoints' digests alike, nothing tells whose copy it is. The match is
    not silent (F11ag's brief: ambiguity counted and recorded): counted in CheckpointStore.ambiguous and said
    through the pipeline's notice, naming both; and nothing of the copies, read already, is stored again."""
    logs = tmp_path / "logs"
    logs.mkdir()
    notes: list[str] = []
    pipeline = Pipeline(sqlite_store, data_dir=tmp_path / "state", notice=notes.append)
    follower = Follower(pipeline, [str(logs / "*.log*")], lambda _path: IngestOptions())
    for name in NAMES:
        (logs / f"{name}.log").write_text("".join(f"{line}\n" for line in BANNER))
    follower.poll()
    for name in NAMES:
        copytruncate(logs / f"{name}.log", compress=True, delay=False)
    follower.poll()
    follower.poll()
    follower.poll()
    # once per copy, however many looks and candidates (RRR11ba-2: 6 notices and a count of 6 for 2 copies)
    assert pipeline.checkpoints.ambiguous == 2
    said = [note for note in notes if "checkpoints alike" in note]
    end = len("".join(f"{line}\n" for line in BANNER).encode())
    assert [note.split(":")[0] for note in said] == [str(logs / "app1.log.1.gz"), str(logs / "app2.log.1.gz")], notes
    assert said[0] == (f"{logs / 'app1.log.1.gz'}: its content matches 2 checkpoints alike ({logs / 'app1.log'} at "
                       f"{end}, {logs / 'app2.log'} at {end}): taken for {logs / 'app2.log'}'s at {end}, the newest "
                       "of those read the least (its lines may be stored twice, not lost)")
    assert collections.Counter(originals(sqlite_store)) == collections.Counter(BANNER * 2)  # each read once


#: Two logs opening with one banner: in one folder (app1.log, app2.log), or of one name in two folders
#: (a/app.log, b/app.log: two instances of one service; RRR11bf-1: the guard compared the logs' names only,
#: 20 lost, 20 twice).
LAYOUTS = {"one folder": ("app1.log", "app2.log"), "two folders": ("a/app.log", "b/app.log")}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
@pytest.mark.parametrize("delay", [
    False,  # compress: app2.log.1.gz taken by app1.log's checkpoint read to its banner's end (20 lost, 20 twice)
    True,   # delaycompress: the same through app2.log.2.gz (20 lost, 20 twice)
])
def test_copies_made_while_stopped_are_not_taken_by_the_other_logs_checkpoint(
        tmp_path: Path, sqlite_store: SqliteStore, delay: bool, layout: str) -> None:
    """Read once, then rotated 3 times while govsoc was stopped (R11ba's cases.py). In the run after, app1.log,
    its banner alone, is read first (a new checkpoint at its banner's end); app2's newest copy, the banner and
    its requests, shows that checkpoint's digest (the banner both logs write) and was taken for app1.log's file:
    app2's banner not read, app1's read twice, nothing said (RRR11ba-3). A compressed file under another log's
    rotated names is that log's, not a copy of the file still at this checkpoint's path; and so under the same
    name in another folder (a/app.log, b/app.log: RRR11bf-1)."""
    logs = tmp_path / "logs"
    names = LAYOUTS[layout]
    for name in names:
        (logs / name).parent.mkdir(parents=True, exist_ok=True)
    written: collections.Counter[tuple[str, str]] = collections.Counter()
    number = 0

    def run() -> None:  # a one-shot run: a new process's follower, one poll
        Follower(Pipeline(sqlite_store, data_dir=tmp_path / "state"), [str(logs / "*.log*"), str(logs / "*/*.log*")],
                 lambda _path: IngestOptions()).poll()

    def put(name: str, lines: list[str]) -> None:
        with (logs / name).open("a") as out:
            out.write("".join(f"{line}\n" for line in lines))
        written.update((name, line) for line in lines)

    def requests(name: str) -> list[str]:
        nonlocal number
        number += 5
        return [f"{name} request {number - 5 + k} handled" for k in range(5)]

    for name in names:
        put(name, [*BANNER, *requests(name)])
    run()
    for _rotation in range(3):  # stopped: each log rotated 3 times, 4 kept: every line is still there
        for name in names:
            put(name, requests(name))
            copytruncate(logs / name, compress=True, delay=delay)
            put(name, BANNER)
    run()
    run()

    def log_of(path: Path) -> str:  # the log a file was read as: its live name, under its folder
        live = path.relative_to(logs).as_posix()
        return next(name for name in names if live == name or live.startswith(f"{name}."))

    got = collections.Counter((log_of(Path(str(e.get("log.file.path")))), str(e.get("event.original")))
                              for e in sqlite_store.search(Query()))
    lost, twice = written - got, got - written
    assert (sorted(lost), sorted(twice)) == ([], []), (lost.total(), twice.total())  # per log: none lost, none twice
