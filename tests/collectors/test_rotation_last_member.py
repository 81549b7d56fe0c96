"""A gzip file is a series of members, and its trailer (last 8 bytes: CRC-32 and ISIZE, RFC 1952 2.3.1) speaks
for the LAST member alone. A .gz taken as unchanged, or as its checkpoint's, on that trailer loses the lines of
every other member (R53b-1/-2, R52a-3): a member of the read's length appended in place, `cat read.gz new.gz
read.gz` written over the file, and any new file whose last member is empty (bgzip's BGZF, whose last block is
the 28-byte end-of-file member, ISIZE 0: the position a new file's checkpoint starts at). Each test drives real
`govsoc ingest` runs (one-shot processes; --follow as Follower.run in a thread) on the SQLite store and counts
the stored lines by message. Also here: a .gz that did not change is still not read twice, and a hand-edited
checkpoint whose `kept` is not an object stops no run (R53d-4)."""

from __future__ import annotations

import collections
import gzip
import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from govsoc.collectors import IngestOptions, Pipeline
from govsoc.collectors.follow import Follower, finish_predecessors
from govsoc.store.sqlite import SqliteStore
from tests.collectors.test_rotation import govsoc, new_in, stored
from tests.collectors.test_rotation_copy import originals

#: bgzip's end-of-file block (SAM/BAM format specification 4.1.2): an empty member with the BC extra field.
BGZF_EOF = bytes.fromhex("1f8b08040000000000ff0600424302001b0003000000000000000000")
#: The most content bgzip puts in one block (a member of at most 64 KiB compressed).
BGZF_BLOCK = 0xFF00
#: What a checkpoint written by main at 1eed8c86 holds: its fields, and the keys of its `kept` (read_past).
OLD_FIELDS = frozenset({
    "identity", "fingerprint", "fingerprint_bytes", "path", "offset", "line", "padding", "tail", "binary",
    "binary_at", "binary_rule", "size", "device", "inode", "lived_device", "lived_inode", "parser", "updated",
    "partial", "pending", "sent", "superseded", "counters", "state", "kept", "final", "provisional"})
OLD_KEPT = frozenset({"earlier", "copy", "content_tail", "crc"})


def sshd(first: int, count: int) -> list[str]:
    """``count`` sshd failures numbered from ``first`` (below 100,000), every one of the same byte length: two runs
    of one count are as long as each other, with other messages."""
    return [f"Dec 10 07:{k // 60 % 60:02d}:{k % 60:02d} web1 sshd[{k:05d}]: Failed password for u{k:05d} from "
            f"10.1.{k // 100 % 100 + 100}.{k % 100 + 100} port {k % 50_000 + 10_000} ssh2"
            for k in range(first, first + count)]


def text(lines: list[str]) -> bytes:
    return "".join(f"{line}\n" for line in lines).encode()


def member(lines: list[str]) -> bytes:
    """One gzip member of ``lines`` (`gzip < lines`; no lines: `printf '' | gzip`)."""
    return gzip.compress(text(lines), mtime=0)


def bgzf(lines: list[str]) -> bytes:
    """``lines`` as bgzip writes them: a member per block of content, then the empty end-of-file block."""
    content = text(lines)
    return b"".join(gzip.compress(content[at:at + BGZF_BLOCK], mtime=0)
                    for at in range(0, len(content), BGZF_BLOCK)) + BGZF_EOF


def rewritten_in_place(path: Path, data: bytes) -> None:
    """`cat ... > path` over an existing file: opened for writing, emptied and written, the same inode."""
    inode = path.stat().st_ino
    with path.open("r+b") as out:
        out.write(data)
        out.truncate()
    assert path.stat().st_ino == inode


def ingest(home: Path, *paths: Path) -> int:
    """A one-shot `govsoc ingest` of ``paths`` (asserted to end with 0): the new events it stored."""
    return new_in(govsoc(home, "ingest", *map(str, paths)))


def assert_stored(got: list[str], expected: collections.Counter[str]) -> None:
    """The stored messages are exactly ``expected``: said as how many lines are lost, how many too many."""
    counted = collections.Counter(got)
    lost, extra = expected - counted, counted - expected
    assert (lost.total(), extra.total()) == (0, 0), f"lost e.g. {sorted(lost)[:2]}, too many e.g. {sorted(extra)[:2]}"


def edit_checkpoints(home: Path, edit: Callable[[dict[str, Any]], None]) -> None:
    """Every file checkpoint under ``home`` read, changed by ``edit`` and written back (a person's editor)."""
    files = list((home / "state" / "sources").glob("*.json"))
    assert files
    for file in files:
        record = json.loads(file.read_text())
        edit(record)
        file.write_text(json.dumps(record))


@pytest.fixture
def logs(tmp_path: Path) -> Path:
    folder = tmp_path / "logs"
    folder.mkdir()
    return folder


def test_a_member_of_the_reads_length_appended_in_place_is_read(tmp_path: Path, logs: Path) -> None:
    """R53b-1: app.log.1.gz read whole, then `cat more.gz >> app.log.1.gz`, more.gz's content other lines as long
    as the read: the last member's ISIZE is the position read, and the file was taken as unchanged (25 lost)."""
    home, gz = tmp_path / "home", logs / "app.log.1.gz"
    read, more = sshd(0, 25), sshd(100, 25)
    assert len(text(more)) == len(text(read))
    gz.write_bytes(member(read))
    assert ingest(home, gz) == 25
    with gz.open("ab") as out:
        out.write(member(more))
    created = ingest(home, gz)
    assert_stored(stored(home), collections.Counter(read + more))
    assert created == 25


def test_a_new_member_between_two_copies_of_the_read_one_is_read(tmp_path: Path, logs: Path) -> None:
    """R53b-1: `cat read.gz new.gz read.gz > app.log.1.gz`, its inode kept: the last member is the read one, its
    trailer (CRC-32 and length) the read's, and the file was taken as the read (new.gz's 20 lines lost). The read
    lines stand in the file twice, at two positions: once or twice stored is right, never lost or thrice."""
    home, gz = tmp_path / "home", logs / "app.log.1.gz"
    read, new = sshd(0, 25), sshd(200, 20)
    gz.write_bytes(member(read))
    assert ingest(home, gz) == 25
    rewritten_in_place(gz, member(read) + member(new) + member(read))
    ingest(home, gz)
    got = collections.Counter(stored(home))
    assert_stored([line for line in stored(home) if line in new], collections.Counter(new))
    assert set(got) == {*read, *new} and {got[line] for line in read} <= {1, 2}, got


@pytest.mark.parametrize("made", [
    bgzf,                                           # bgzip of 200 KB: four blocks, then the empty EOF block
    lambda lines: bgzf(lines[:30]),                 # bgzip of one block and the EOF block
    lambda lines: member(lines) + member([]),       # `(gzip < lines; printf '' | gzip) > new.gz`
    lambda lines: member(lines[:1000]) + member(lines[1000:]) + member([]),  # three members, the last empty
], ids=["bgzf-blocks", "bgzf-one-block", "empty-last-member", "three-members-last-empty"])
def test_a_new_gzip_whose_last_member_is_empty_is_read(tmp_path: Path, logs: Path,
                                                       made: Callable[[list[str]], bytes]) -> None:
    """R53b-2: a new file's checkpoint starts at position 0, and its last member's ISIZE is 0: it was taken as
    unchanged before its first read, never read (0 of 2,000 stored)."""
    home, gz = tmp_path / "home", logs / "app.log.1.gz"
    lines = sshd(0, 2000)
    gz.write_bytes(made(lines))
    written = gzip.decompress(gz.read_bytes()).decode().splitlines()
    created = ingest(home, gz)
    assert_stored(stored(home), collections.Counter(written))
    assert created == len(written)


def _appended(logs: Path) -> list[str]:
    """`cat more.gz >> app.log.1.gz`, more.gz's content as long as the read one's (R53b-1)."""
    more = sshd(100, 25)
    with (logs / "app.log.1.gz").open("ab") as out:
        out.write(member(more))
    return more


def _new_bgzf(logs: Path) -> list[str]:
    """A new bgzip file beside it (R53b-2): blocks, then the empty end-of-file block; made aside and renamed in,
    so that no poll sees it half written."""
    new = sshd(300, 2000)
    (logs / "web.log.part").write_bytes(bgzf(new))
    (logs / "web.log.part").rename(logs / "web.log.1.gz")
    return new


@pytest.mark.parametrize("made", [_appended, _new_bgzf])
def test_follow_reads_a_gzip_whose_last_member_is_not_the_read(tmp_path: Path, logs: Path, sqlite_store: SqliteStore,
                                                              made: Callable[[Path], list[str]]) -> None:
    """R52a-3 / R53b under --follow: a follower of logs/*.gz (Follower.run in a thread, its polls counted) read
    app.log.1.gz; then ``made`` changes the folder while it runs. Two polls after, every line is stored once
    (on main the 25 appended lines, or the 2,000 of the new BGZF, were never read)."""
    read = sshd(0, 25)
    (logs / "app.log.1.gz").write_bytes(member(read))
    polls, change, stop = [0], threading.Condition(), threading.Event()

    def polled(_summaries: object) -> None:
        with change:
            polls[0] += 1
            change.notify_all()

    def polls_reach(count: int) -> None:
        with change:
            assert change.wait_for(lambda: polls[0] >= count, timeout=120), f"{polls[0]} polls of {count}"

    follower = Follower(Pipeline(sqlite_store, data_dir=tmp_path / "state"), [str(logs / "*.gz")],
                        lambda _path: IngestOptions(), interval=0.05)
    thread = threading.Thread(target=follower.run, kwargs={"on_poll": polled, "stop": stop})
    thread.start()
    try:
        polls_reach(1)
        written = [*read, *made(logs)]
        with change:
            after = polls[0]
        polls_reach(after + 2)  # the second poll from now began after the change
    finally:
        stop.set()
        thread.join(timeout=120)
    assert not thread.is_alive()
    assert_stored(originals(sqlite_store), collections.Counter(written))


def _strip_new_keys(record: dict[str, Any]) -> None:
    """The checkpoint as main at 1eed8c86 wrote it: fields and `kept` keys added since taken out."""
    for key in set(record) - OLD_FIELDS:
        del record[key]
    if isinstance(record.get("kept"), dict):
        record["kept"] = {key: value for key, value in record["kept"].items() if key in OLD_KEPT}


@pytest.mark.parametrize("upgraded", [False, True], ids=["same-version", "checkpoint-of-1eed8c86"])
@pytest.mark.parametrize(("made", "read_on_main"), [
    (lambda: member(sshd(0, 25)), True),                          # one member
    (lambda: bgzf(sshd(0, 2000)), False),                         # bgzip: blocks, the empty EOF block (R53b-2)
    (lambda: member(sshd(0, 25)) + member(sshd(100, 10)), True),  # `cat a.gz b.gz`: two members
    (lambda: member(sshd(0, 25)) + member(sshd(100, 25)), True),  # two members, the last as long as the first
], ids=["gzip", "bgzf", "two-members", "two-members-alike"])
def test_an_unchanged_gzip_is_not_read_twice(tmp_path: Path, logs: Path, made: Callable[[], bytes],
                                             read_on_main: bool, upgraded: bool) -> None:
    """A .gz not changed since its run: the next one-shot run stores nothing (created 0), nothing twice; also when
    its checkpoint lacks what a later version keeps (``upgraded``: written by main's 1eed8c86). On main a BGZF is
    never read (the test above): its first run stored all its lines or, on main, none."""
    home, gz = tmp_path / "home", logs / "app.log.1.gz"
    gz.write_bytes(made())
    ingest(home, gz)
    first, whole = stored(home), collections.Counter(gzip.decompress(gz.read_bytes()).decode().splitlines())
    assert collections.Counter(first) in ((whole,) if read_on_main else (whole, collections.Counter()))
    if upgraded:
        edit_checkpoints(home, _strip_new_keys)
    created = ingest(home, gz)
    assert_stored(stored(home), collections.Counter(first))
    assert created == 0


@pytest.mark.parametrize("kept", [
    [["crc", 0]],  # a list where an object is kept
    "crc",         # a string
], ids=["list", "string"])
def test_a_checkpoint_whose_kept_is_no_object_stops_no_run(tmp_path: Path, logs: Path, kept: object) -> None:
    """R53d-4: a hand-edited checkpoint whose `kept` is not an object made every later run die ('internal error:
    AttributeError: ... has no attribute get'), whatever it read. The run goes on: the grown log's new lines and
    the .gz's stored, each line once; and so does the run after."""
    home, log, gz = tmp_path / "home", logs / "auth.log", logs / "app.log.1.gz"
    log.write_bytes(text(sshd(0, 20)))
    gz.write_bytes(member(sshd(100, 20)))
    assert ingest(home, log, gz) == 40
    edit_checkpoints(home, lambda record: record.update(kept=kept))
    with log.open("ab") as out:
        out.write(text(sshd(200, 5)))
    ingest(home, log, gz)
    written = collections.Counter(sshd(0, 20) + sshd(100, 20) + sshd(200, 5))
    assert_stored(stored(home), written)
    assert ingest(home, log, gz) == 0
    assert_stored(stored(home), written)


def test_a_bgzf_generation_deleted_after_it_was_read_to_its_end_is_not_said_lost(
        tmp_path: Path, logs: Path, sqlite_store: SqliteStore) -> None:
    """R11j-5's case with a BGZF generation: a glob follows auth.log.1.gz, read to its end, then `rotate 1` deletes
    it. Its trailer states 0 (the end-of-file block), never the position read to: it was said "lines written to it
    after byte N were not read" and counted refused, none lost; its last read's end (read_state.READ_END) tells it
    read whole, also when it was read within 2 s of its compression (R54c-1: here it is, and stays unsettled)."""
    log, generation = logs / "auth.log", logs / "auth.log.1.gz"
    notices: list[str] = []
    pipeline = Pipeline(sqlite_store, data_dir=tmp_path / "state", notice=notices.append)
    generation.write_bytes(bgzf(sshd(0, 100)))
    assert pipeline.ingest_file(generation, IngestOptions()).receipt.created == 100
    log.write_bytes(text(sshd(100, 10)))
    pipeline.ingest_file(log)
    generation.unlink()  # rotate 1 with compress: the oldest goes, the live file is compressed in its place
    generation.write_bytes(bgzf(sshd(100, 10)))
    log.unlink()
    log.write_bytes(text(sshd(200, 10)))
    for path in (generation, log, generation):  # a glob's paths, and the next poll
        finish_predecessors(pipeline, path, IngestOptions())
    said = [n for n in notices if "were not read" in n]
    assert said == [], notices
    record = pipeline.paths.get(generation)
    assert (record.refused if record is not None else 0) == 0
