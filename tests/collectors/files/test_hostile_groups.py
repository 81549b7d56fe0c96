"""Hostile bytes inside a live text log never stop it nor hide its real lines (R11j-1, -6, -9,
-11), and what is stored is a function of the file's bytes alone (R11j-2, -7): one run, one-shot
runs over pieces, and `govsoc ingest --follow` killed with SIGKILL while the file is written
store the same events. Lines are judged one by one (collectors.files.binary.line_kind); a group
of non-text lines is one garbled pipeline_error event, ended by the next text line or at 64 KiB."""

from __future__ import annotations

import collections
import os
import random
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from govsoc.collectors import Pipeline
from govsoc.store.sqlite import SqliteStore
from tests.collectors.test_crash import GOVSOC

CONTROL = b"\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17"


def text(i: int) -> bytes:
    return (f"Dec 10 06:{i // 60 % 60:02d}:{i % 60:02d} LabSZ sshd[{i}]: Failed password for u{i} from 10.0.0.1 "
            f"port {i} ssh2\n").encode()


def field(rng: random.Random, size: int, nul: bool = False) -> bytes:
    """``size`` control bytes with a raw newline every 5-80 bytes; one NUL in the middle."""
    out = bytearray()
    while len(out) < size:
        out += bytes(rng.choice(CONTROL) for _ in range(rng.randrange(5, 80))) + b"\n"
    out = out[:size]
    if nul:
        out[size // 2] = 0
    return bytes(out)


def hostile(rng: random.Random, size: int, nul: bool = False) -> bytes:
    """An sshd line whose user name is ``field``, as sshd logs a client's field unescaped."""
    return b"Dec 10 07:00:00 LabSZ sshd[999]: Invalid user " + field(rng, size, nul) + b" from 10.9.9.9 port 4444\n"


def ingest(log: Path, home: Path) -> Pipeline:
    store = SqliteStore(home / "events.db")
    pipeline = Pipeline(store, data_dir=home / "state")
    pipeline.ingest_file(log)
    return pipeline


def stored(db: Path) -> collections.Counter[tuple[str, str]]:
    with sqlite3.connect(db) as connection:
        rows = connection.execute('select "event.kind", "event.original" from events').fetchall()
    return collections.Counter((str(kind), str(original)) for kind, original in rows)


def parsed(db: Path) -> collections.Counter[str]:
    """How many times each text line is stored parsed (not as a pipeline_error event)."""
    return collections.Counter(original for (kind, original), n in stored(db).items()
                               for _ in range(n) if kind != "pipeline_error")


def expect_every_text_line_parsed_once(db: Path, numbers: list[int]) -> None:
    got = parsed(db)
    lines = [text(i)[:-1].decode() for i in numbers]
    missing = [line for line in lines if got[line] != 1]
    assert not missing, f"{len(missing)} of {len(lines)} text lines not parsed once, e.g. {missing[:2]}"


def test_nul_bytes_in_hostile_fields_hide_no_real_line_and_stop_no_log(tmp_path: Path) -> None:
    # R11j-6/-9: 500 hostile lines, each with ONE NUL byte in its 9 KiB field, 3 real lines after
    # each. The old rule wanted no NUL in the 8 KiB after a text line: the real lines were taken
    # into the run as garbage (pipeline_error, invisible to Sigma), and past 4 MiB of such runs
    # the log was "binary" for good (3800 of 4000 lines never read, exit 0).
    rng = random.Random(9)
    numbers, out = list(range(200)), bytearray(b"".join(text(i) for i in range(200)))
    for k in range(500):
        out += hostile(rng, 9000, nul=True)
        for i in range(1000 + 3 * k, 1003 + 3 * k):
            out += text(i)
            numbers.append(i)
    out += b"".join(text(i) for i in range(5000, 5200))
    numbers += range(5000, 5200)
    log = tmp_path / "auth.log"
    log.write_bytes(bytes(out))
    pipeline = ingest(log, tmp_path)
    expect_every_text_line_parsed_once(tmp_path / "events.db", numbers)
    (checkpoint,) = pipeline.checkpoints.all()
    assert (checkpoint.binary, checkpoint.offset, checkpoint.counters["garbled"]) == (None, len(out), 500)


def test_a_70_kb_logged_field_does_not_stop_the_log(tmp_path: Path) -> None:
    # R11j-11: one request body of 70 KB of control bytes with raw newlines (no NUL): no text
    # line within 64 KiB, so the log was "binary" for good (1000 of 1300 lines never read)
    rng = random.Random(11)
    log = tmp_path / "app.log"
    bad = hostile(rng, 70_000)
    log.write_bytes(b"".join(text(i) for i in range(300)) + bad + b"".join(text(i) for i in range(300, 1300)))
    pipeline = ingest(log, tmp_path)
    expect_every_text_line_parsed_once(tmp_path / "events.db", list(range(1300)))
    # sshd's first line is parsed (R11l-1); the field's lines after it kept in two groups (64 KiB
    # from the first's start, then the rest): every byte of the line, less the two newlines between
    errors = [original for (kind, original), n in stored(tmp_path / "events.db").items() if kind == "pipeline_error"]
    head = bad[:bad.index(b"\n")].decode()
    assert parsed(tmp_path / "events.db")[head] == 1
    assert len(errors) == 2 and len(head) + sum(map(len, errors)) + 2 == len(bad) - 1
    (checkpoint,) = pipeline.checkpoints.all()
    assert checkpoint.binary is None and checkpoint.counters["garbled"] == 2


def test_random_bytes_appended_to_a_log_do_not_stop_it(tmp_path: Path) -> None:
    # R11j-1: 10 MB of random bytes, then logging goes on: the 1407 lines after them, and every
    # later line, were never read; the first 7 KiB of the random bytes were 27 plain events
    rng = random.Random(1)
    log = tmp_path / "c.log"
    head = b"".join(text(i) for i in range(1900))
    log.write_bytes(head + rng.randbytes(10 << 20) + b"\n" + b"".join(text(i) for i in range(2000, 3400)))
    pipeline = ingest(log, tmp_path)
    expect_every_text_line_parsed_once(tmp_path / "events.db", [*range(1900), *range(2000, 3400)])
    with log.open("ab") as more:
        more.write(text(9999))
    pipeline.ingest_file(log)
    assert parsed(tmp_path / "events.db")[text(9999)[:-1].decode()] == 1


def mixed(seed: int) -> tuple[bytes, list[int]]:
    """Text lines between hostile lines with a NUL, long groups (70 KB), random blobs, NUL
    padding and short control-byte lines; and the numbers of its text lines."""
    rng = random.Random(seed)
    out, numbers, n = bytearray(), [], 0
    for _ in range(60):
        for _ in range(rng.randrange(1, 40)):
            out += text(n)
            numbers.append(n)
            n += 1
        choice = rng.randrange(6)
        if choice == 0:
            out += hostile(rng, rng.randrange(100, 12_000), nul=True)
        elif choice == 1:
            out += hostile(rng, rng.randrange(60_000, 140_000))
        elif choice == 2:
            out += rng.randbytes(rng.randrange(1000, 200_000)) + b"\n"
        elif choice == 3:
            out += b"\x00" * rng.randrange(16, 5000)
        elif choice == 4:
            out += b"Dec 10 07:00:00 LabSZ app[1]: \x07 bell\n"
        else:
            out += hostile(rng, rng.randrange(100, 9000))
    out += b"".join(text(i) for i in range(n, n + 20))
    return bytes(out), [*numbers, *range(n, n + 20)]


def pieces(data: bytes, rng: random.Random) -> list[bytes]:
    cuts, at = [], 0
    while at < len(data):
        size = rng.choice((rng.randrange(1, 64), rng.randrange(1, 70_000)))
        cuts.append(data[at:at + size])
        at += size
    return cuts


@pytest.mark.parametrize("seed", [3, 4])
def test_one_run_equals_pieces_equals_follow_killed(tmp_path: Path, seed: int) -> None:
    # R11j-7: one run and one-shot runs over pieces stored garbage differently (cut runs, heads
    # parsed; 86 vs 562 pipeline_error events); R11j-6: with NULs, which real lines were parsed
    # depended on read timing. The same multiset of (event.kind, event.original) now, and every
    # text line parsed once.
    data, numbers = mixed(seed)
    rng = random.Random(seed)
    one = tmp_path / "one"
    one.mkdir()
    (one / "x.log").write_bytes(data)
    ingest(one / "x.log", one)

    oneshot = tmp_path / "pieces"
    oneshot.mkdir()
    log = oneshot / "x.log"
    store = SqliteStore(oneshot / "events.db")
    pipeline = Pipeline(store, data_dir=oneshot / "state")
    for piece in pieces(data, rng):
        with log.open("ab") as out:
            out.write(piece)
        pipeline.ingest_file(log)
    pipeline.ingest_file(log)
    store.close()

    follow = tmp_path / "follow"
    follow.mkdir()
    log = follow / "x.log"
    log.touch()
    env = {**os.environ, "GOVSOC_HOME": str(follow / "home"), "GOVSOC_ES_URL": ""}
    config = follow / "govsoc.yaml"
    config.write_text(f"data_dir: {follow / 'home'}\n", encoding="utf-8")
    command = [GOVSOC, "--config", str(config), "ingest"]
    chunks = pieces(data, rng)
    kills = sorted(rng.sample(range(len(chunks)), 4))
    child = subprocess.Popen([*command, "--follow", "--interval", "0.05", str(log)], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for index, piece in enumerate(chunks):
            with log.open("ab") as out:
                out.write(piece)
            time.sleep(0.02)
            if index in kills:
                time.sleep(rng.uniform(0, 0.3))
                child.send_signal(signal.SIGKILL)
                child.wait()
                child = subprocess.Popen([*command, "--follow", "--interval", "0.05", str(log)], env=env,
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    done = subprocess.run([*command, "--follow", "--interval", "0.05", "--stop-after", "2", str(log)], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    done = subprocess.run([*command, str(log)], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr

    whole = stored(one / "events.db")
    assert stored(oneshot / "events.db") == whole
    assert stored(follow / "home" / "events.db") == whole
    expect_every_text_line_parsed_once(one / "events.db", numbers)
