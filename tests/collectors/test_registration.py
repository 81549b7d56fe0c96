"""Registration (collectors.registration): one file, one identity, whichever `govsoc ingest`
registers it first and whatever each looked at before it won the registry lock."""

from __future__ import annotations

import os
import threading
from dataclasses import replace
from pathlib import Path

import pytest

from govsoc.collectors.checkpoints import Checkpoint, CheckpointStore
from govsoc.collectors.copies import Copies
from govsoc.collectors.files.identity import FINGERPRINT_BYTES, look
from govsoc.collectors.registration import registered


def lines(log: Path, start: int, count: int) -> None:
    with log.open("ab") as out:
        for i in range(start, start + count):
            out.write(f"Dec 10 07:00:{i % 60:02d} web1 sshd[{i}]: Failed password for root from 10.0.0.{i} "
                      f"port {i} ssh2\n".encode())


@pytest.mark.parametrize("first_lines", [
    8,  # the truncated log held 774 bytes at the early look, under a fingerprint's 1,024 (R11q-8)
    1,  # one line only: the same, from the shortest head a log has
])
def test_a_look_taken_before_the_registry_lock_finds_the_file_registered_meanwhile(
        tmp_path: Path, first_lines: int) -> None:
    # R11q-8: `govsoc ingest --follow auth.log` and a cron `govsoc ingest 'auth.log*'` at once, the log
    # truncated by copytruncate: the one-shot looked at it when it held a few lines, the follower
    # registered it meanwhile with a 1 KB fingerprint, and the one-shot, its look shorter than that
    # fingerprint, matched nothing and registered it again: two identities, each read from byte 0
    log, state = tmp_path / "auth.log", tmp_path / "state"
    lines(log, 0, first_lines)
    early = look(log)  # the one-shot's look, taken before it waits for the registry lock
    assert len(early.head) < FINGERPRINT_BYTES
    lines(log, first_lines, 40)
    follower, one_shot = CheckpointStore(state), CheckpointStore(state)  # two processes' views of one folder
    theirs, _ = registered(follower, Copies(follower), look(log), None)
    ours, _ = registered(one_shot, Copies(one_shot), early, None)
    assert theirs is not None and ours is not None
    assert ours.identity == theirs.identity
    assert len(list(state.glob("*.json"))) == 1


def test_a_registration_waiting_in_a_group_is_seen_by_another_process(tmp_path: Path) -> None:
    # R11q-8, the other order: the cron one-shot (its checkpoints written a group at a time,
    # CheckpointStore.grouped) registered the truncated log from a look of 8 lines and read it, its
    # registration still waiting to be written; the follower, looking at the log grown past a
    # fingerprint, found no checkpoint on disk and registered it again under a 1 KB fingerprint
    log, state = tmp_path / "auth.log", tmp_path / "state"
    lines(log, 0, 8)
    follower, one_shot = CheckpointStore(state), CheckpointStore(state)
    with one_shot.grouped():
        ours, _ = registered(one_shot, Copies(one_shot), look(log), None)
        lines(log, 8, 40)
        theirs, _ = registered(follower, Copies(follower), look(log), None)
    assert theirs is not None and ours is not None
    assert theirs.identity == ours.identity
    assert len(list(state.glob("*.json"))) == 1


def test_a_registration_shown_early_is_synced_with_its_group(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The registration other processes see at once is written unsynced; the group's write syncs it
    # (a crash before that loses it, as any checkpoint waiting in a group), and a position another
    # process saved over it meanwhile is not taken back to byte 0
    log, state = tmp_path / "auth.log", tmp_path / "state"
    lines(log, 0, 8)
    synced: list[str] = []
    real = os.fsync

    def fsync(fd: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        real(fd)

    one_shot = CheckpointStore(state)
    with one_shot.grouped():
        ours, _ = registered(one_shot, Copies(one_shot), look(log), None)
        assert ours is not None and (state / f"{ours.identity}.json").exists()  # seen by others now
        monkeypatch.setattr(os, "fsync", fsync)
    assert any(Path(p).name.startswith(f"{ours.identity}.") for p in synced)  # synced by the group's write
    monkeypatch.setattr(os, "fsync", real)

    second = tmp_path / "b.log"
    lines(second, 100, 3)
    follower = CheckpointStore(state)
    with one_shot.grouped():
        mine, _ = registered(one_shot, Copies(one_shot), look(second), None)
        assert mine is not None
        theirs = follower.match(look(second))
        assert theirs is not None and theirs.identity == mine.identity
        follower.save(replace(theirs, offset=200))  # the follower read it meanwhile
    assert CheckpointStore(state).get(mine.identity).offset == 200  # type: ignore[union-attr]


def test_two_grouped_runs_never_wait_for_each_others_kept_source_locks(tmp_path: Path) -> None:
    # Two cron one-shots of one folder at once (R11s-3): each read a source and keeps its lock
    # until its group is written, then wants the source the other keeps. Neither may wait while
    # keeping a lock: the one that would wait writes its group first (releasing what it keeps).
    # Before, both waited for ever (flock in /proc/locks: each holding what the other waited for).
    state = tmp_path / "state"
    first, second = tmp_path / "a.log", tmp_path / "b.log"
    lines(first, 0, 40)
    lines(second, 0, 40)
    setup = CheckpointStore(state)
    x, _ = registered(setup, Copies(setup), look(first), None)
    y, _ = registered(setup, Copies(setup), look(second), None)
    assert x is not None and y is not None
    both_kept = threading.Barrier(2, timeout=10)
    done: list[str] = []

    def run(mine: Checkpoint, theirs: Checkpoint, name: str) -> None:
        store = CheckpointStore(state)
        with store.grouped():
            with store.lock(mine.identity):
                store.save(replace(mine, offset=100), can_wait=True)  # its checkpoint waits, its lock kept
            both_kept.wait()
            with store.lock(theirs.identity):
                done.append(name)

    runs = [threading.Thread(target=run, args=(x, y, "a"), daemon=True),  # daemons: a deadlock fails
            threading.Thread(target=run, args=(y, x, "b"), daemon=True)]  # the test, not the run
    for thread in runs:
        thread.start()
    for thread in runs:
        thread.join(15)
    assert not any(thread.is_alive() for thread in runs), "the two runs wait for each other"
    assert sorted(done) == ["a", "b"]
    written = CheckpointStore(state)
    assert written.get(x.identity).offset == 100 and written.get(y.identity).offset == 100  # both groups written
