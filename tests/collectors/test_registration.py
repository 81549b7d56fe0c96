"""Registration (collectors.registration): one file, one identity, whichever `govsoc ingest`
registers it first and whatever each looked at before it won the registry lock."""

from __future__ import annotations

import threading
import time
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
    # fingerprint, found no checkpoint on disk and registered it again under a 1 KB fingerprint.
    # The follower now waits for the registry lock until the one-shot's group is written.
    log, state = tmp_path / "auth.log", tmp_path / "state"
    lines(log, 0, 8)
    follower, one_shot = CheckpointStore(state), CheckpointStore(state)
    theirs: list[Checkpoint | None] = []
    with one_shot.grouped():
        ours, _ = registered(one_shot, Copies(one_shot), look(log), None)
        lines(log, 8, 40)
        other = threading.Thread(
            target=lambda: theirs.append(registered(follower, Copies(follower), look(log), None)[0]))
        other.start()
        other.join(0.5)
        assert other.is_alive()  # waiting for the registry lock, which the waiting registration keeps
        assert not list(state.glob("*.json"))  # still grouped: nothing written yet
    other.join(10)
    assert theirs and theirs[0] is not None and ours is not None
    assert theirs[0].identity == ours.identity
    assert len(list(state.glob("*.json"))) == 1


def test_a_group_is_written_before_its_run_waits_for_a_lock_another_keeps(tmp_path: Path) -> None:
    # Two grouped runs (cron one-shots overlapping): A keeps the registry lock over a short new
    # file's registration; B keeps the lock of a source it read, its checkpoint waiting in its group,
    # and now needs the registry lock to register a new file while A needs B's source. Neither may
    # wait while keeping a lock: B writes its group (releasing its source) before it waits, and A
    # goes on. Before, each waited for the other for ever.
    state = tmp_path / "state"
    first, second = tmp_path / "a.log", tmp_path / "b.log"
    lines(first, 0, 8)
    lines(second, 0, 40)
    a, b = CheckpointStore(state), CheckpointStore(state)
    done: list[str] = []
    held: list[str] = []
    started, resume = threading.Event(), threading.Event()

    def run_b() -> None:
        with b.grouped():
            mine, _ = registered(b, Copies(b), look(second), None)  # long head: nothing kept
            assert mine is not None
            held.append(mine.identity)
            with b.lock(mine.identity):
                b.save(replace(mine, offset=10), can_wait=True)  # read; its checkpoint waits, its lock kept
            started.set()
            resume.wait(10)
            third = tmp_path / "c.log"
            lines(third, 100, 3)
            registered(b, Copies(b), look(third), None)  # waits for A's registry lock
        done.append("b")

    def run_a() -> None:
        with a.grouped():
            ours, _ = registered(a, Copies(a), look(first), None)  # short head: the registry lock kept
            assert ours is not None
            resume.set()
            time.sleep(0.3)  # B is now waiting for the registry lock
            with a.lock(held[0]):  # A needs B's source
                done.append("a")

    other = threading.Thread(target=run_b, daemon=True)
    other.start()
    assert started.wait(10)  # B read b.log, its checkpoint waiting, its lock kept
    this = threading.Thread(target=run_a, daemon=True)  # daemons: a deadlock fails the test, not the run
    this.start()
    this.join(15)
    other.join(15)
    assert not this.is_alive() and not other.is_alive(), "the two runs wait for each other"
    assert sorted(done) == ["a", "b"]
