"""A text log with a run of non-text lines in it is still a text log (R11i-5): one logged field
holding raw newlines and some 8 KiB of control bytes (an attacker's User-Agent or user name that
sshd or nginx wrote unescaped) made the file "binary" from that line on, and every later line
was never read. The run is now stored as one pipeline_error event (its raw bytes kept) and the
read goes on at the next text line; real binary content still stops the read (test_pipeline)."""

from __future__ import annotations

import base64
import random
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from govsoc.cli.commands.status import source_status
from govsoc.collectors import IngestOptions, Pipeline
from govsoc.store.base import Query
from govsoc.store.sqlite import SqliteStore


def sshd(i: int) -> bytes:
    return (f"Dec 10 06:{i // 60 % 60:02d}:{i % 60:02d} LabSZ sshd[{i}]: Failed password for u{i} from 10.0.0.1 "
            f"port {i} ssh2\n").encode()


def lines(start: int, count: int) -> bytes:
    return b"".join(sshd(i) for i in range(start, start + count))


def hostile(seed: int, size: int = 8192) -> bytes:
    """One sshd line whose user name holds ``size`` bytes of control bytes with raw newlines
    every 20-90 bytes: as sshd would log a client's unescaped field."""
    rng = random.Random(seed)
    field = bytearray()
    while len(field) < size:
        field += bytes(rng.choice(b"\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17")
                       for _ in range(rng.randrange(20, 90)))
        field += b"\n"
    return HEAD + bytes(field[:-1]) + b" from 10.9.9.9 port 4444\n"


#: The head sshd writes before the client's field: the hostile line's first line is sshd's, read by
#: the parser whatever the field's bytes after it (R11l-1); the field's lines after it are garbage.
HEAD = b"Dec 10 07:00:00 LabSZ sshd[999]: Invalid user "


def rest(bad: bytes) -> bytes:
    """The lines of hostile line ``bad`` after its first (sshd's own), without the last newline."""
    return bad[bad.index(b"\n") + 1:-1]


@pytest.fixture
def pipeline(tmp_path: Path, sqlite_store: SqliteStore) -> Pipeline:
    return Pipeline(sqlite_store, data_dir=tmp_path / "state")


def errors(store: SqliteStore) -> list[dict[str, object]]:
    return [e.fields for e in store.search(Query(terms={"event.kind": ("pipeline_error",)}))]


def test_a_logged_field_of_control_bytes_and_raw_newlines_does_not_stop_the_log(
        tmp_path: Path, pipeline: Pipeline, sqlite_store: SqliteStore) -> None:
    bad = hostile(1)
    log = tmp_path / "auth.log"
    log.write_bytes(lines(0, 300) + bad + lines(300, 300))
    summary = pipeline.ingest_file(log)
    # before: "stopped at byte 31791: binary data (..)": the 300 lines after it never stored
    assert summary.binary is None, summary.line()
    # the hostile line's first line is sshd's (parsed: R11l-1), the field's lines after it one group
    assert summary.records == 602 and sqlite_store.count(Query()) == 602
    (head,) = sqlite_store.search(Query(terms={"process.pid": (999,)}))
    assert head.get("event.kind") == "event" and head.get("event.original") == bad[:bad.index(b"\n")].decode()
    (error,) = errors(sqlite_store)
    # the run is one event, its bytes kept exactly; its text escaped (no raw control byte or newline)
    assert base64.b64decode(str(error["govsoc.original_base64"])) == rest(bad)
    assert "garbled" in error["govsoc.flags"]  # type: ignore[operator]
    assert not any(c < " " for c in str(error["message"]))
    assert "1 group of non-text lines kept as garbled" in summary.line()
    (checkpoint,) = pipeline.checkpoints.all()
    row = source_status(checkpoint, datetime.now(UTC))
    assert (row["garbled"], row["binary"], row["lag_bytes"]) == (1, None, 0)
    # logging goes on: the next run reads the new lines
    with log.open("ab") as out:
        out.write(lines(600, 50) + hostile(2) + lines(650, 50))
    again = pipeline.ingest_file(log)
    assert again.records == 102 and sqlite_store.count(Query()) == 704 and len(errors(sqlite_store)) == 2


def test_a_new_log_that_starts_with_such_a_line_is_read(tmp_path: Path, pipeline: Pipeline,
                                                        sqlite_store: SqliteStore) -> None:
    # a log rotated just before the hostile line: its head was sniffed "binary data" and the
    # file never registered nor read
    log = tmp_path / "auth.log"
    log.write_bytes(hostile(3) + lines(0, 200))
    summary = pipeline.ingest_file(log)
    assert (summary.binary, summary.records) == (None, 202), summary.line()
    assert sqlite_store.count(Query()) == 202 and len(errors(sqlite_store)) == 1


def test_hostile_lines_one_after_another_are_one_group_each(tmp_path: Path, pipeline: Pipeline,
                                                            sqlite_store: SqliteStore) -> None:
    # five hostile requests in a row (20 KB, no text line between), then the log goes on: each
    # one sshd's first line (parsed: R11l-1) and one group of its field's lines, every later line read
    log = tmp_path / "auth.log"
    log.write_bytes(lines(0, 10) + b"".join(hostile(s, 4000) for s in range(5)) + lines(10, 10))
    summary = pipeline.ingest_file(log)
    assert (summary.binary, summary.records, summary.parse_failures, summary.garbled) == (None, 30, 5, 5), \
        summary.line()
    assert sqlite_store.count(Query()) == 30


def test_a_file_stopped_by_the_old_rule_is_judged_again(tmp_path: Path, pipeline: Pipeline,
                                                        sqlite_store: SqliteStore) -> None:
    # a checkpoint written by the per-file rule: binary_at at the hostile line, nothing after it
    # read. The file has not changed since; the next run reads on from there.
    head, bad = lines(0, 300), hostile(4)
    log = tmp_path / "auth.log"
    log.write_bytes(head)
    pipeline.ingest_file(log)
    (checkpoint,) = pipeline.checkpoints.all()
    with log.open("ab") as out:
        out.write(bad + lines(300, 300))
    stat = log.stat()
    old = checkpoint.to_json() | {"binary": "binary data (41% control bytes in 8192 bytes)", "binary_at": len(head),
                                  "size": stat.st_size, "counters": checkpoint.counters | {"binary": 1}}
    old.pop("binary_rule", None)
    (pipeline.checkpoints.folder / f"{checkpoint.identity}.json").write_text(__import__("json").dumps(old))
    summary = pipeline.ingest_file(log)
    assert (summary.binary, summary.records) == (None, 302), summary.line()
    assert sqlite_store.count(Query()) == 602
    (checkpoint,) = pipeline.checkpoints.all()
    assert checkpoint.binary is None and checkpoint.offset == stat.st_size
    assert pipeline.ingest_file(log).unchanged


def test_binary_content_in_a_text_log_is_kept_in_bounded_groups_and_the_read_goes_on(
        tmp_path: Path, pipeline: Pipeline, sqlite_store: SqliteStore) -> None:
    # 128 KiB of bytes an eighth of them control bytes (no text line in them): it stopped the read
    # for good at its line ("binary content"), every later line of the log never read (R11j-1).
    # A file that began as text is never stopped: the blob is groups of at most 64 KiB and a
    # line, each one event with its exact bytes, and the read goes on at the next text line.
    text = lines(0, 100)
    rng = random.Random(5)
    # every eighth byte a control byte or a raw newline, so that no stretch of it is a text line
    # (16 bytes or more without a control byte): random bytes make such lines now and then
    breaks = [*range(0, 9), 10, *range(14, 27)]
    blob = bytes(rng.choice(breaks) if i % 8 == 0 else rng.randrange(32, 127) for i in range(128 << 10)) + b"\n"
    log = tmp_path / "mixed.log"
    log.write_bytes(text + blob + lines(100, 10))
    summary = pipeline.ingest_file(log)
    assert (summary.binary, summary.records - summary.garbled) == (None, 110), summary.line()
    assert 2 <= summary.garbled <= 3, summary.line()
    kept = sorted(errors(sqlite_store), key=lambda e: int(str(e["log.offset"])))
    assert all("garbled" in e["govsoc.flags"] for e in kept)  # type: ignore[operator]
    # every byte kept but the NUL bytes that start a line (skipped and counted as padding)
    assert b"\n".join(base64.b64decode(str(e["govsoc.original_base64"])) for e in kept) == \
        b"\n".join(line.lstrip(b"\x00") for line in blob[:-1].split(b"\n"))
    assert sqlite_store.count(Query()) == 110 + summary.garbled


def test_a_run_at_the_end_of_the_file_is_not_said_binary(tmp_path: Path, pipeline: Pipeline,
                                                         sqlite_store: SqliteStore) -> None:
    # the hostile line is the last one written so far: --follow (not final) waits for what comes
    # next instead of saying "binary" (and counting it) until the next line arrives; a one-shot
    # read takes it as garbage
    log = tmp_path / "auth.log"
    log.write_bytes(lines(0, 100) + hostile(6))
    polled = pipeline.ingest_file(log, IngestOptions(final=False))
    # its first line is sshd's, read (R11l-1); the field's lines after it wait
    waiting = len(rest(hostile(6))) + 1
    assert (polled.binary, polled.records, polled.waiting) == (None, 101, waiting), polled.line()
    # said for what it is (R11j-12: "N bytes of an unterminated last line")
    assert f"{waiting} bytes of non-text lines left for later (waiting for the next text line)" in polled.line()
    (checkpoint,) = pipeline.checkpoints.all()
    assert checkpoint.binary is None and "binary" not in checkpoint.counters
    with log.open("ab") as out:
        out.write(lines(100, 10))
    later = pipeline.ingest_file(log, IngestOptions(final=False))
    assert (later.binary, later.records, later.garbled) == (None, 11, 1), later.line()
    assert sqlite_store.count(Query()) == 112
    once = tmp_path / "once.log"
    once.write_bytes(lines(200, 10) + hostile(7))
    summary = pipeline.ingest_file(once)
    assert (summary.binary, summary.records, summary.garbled) == (None, 12, 1), summary.line()


def test_an_executable_written_into_a_log_is_kept_in_groups(tmp_path: Path, pipeline: Pipeline,
                                                             sqlite_store: SqliteStore) -> None:
    # cat's body (no ELF header) written into a log mid-line, then logging goes on: the lines
    # after it are read, the executable kept as a bounded number of events (not one per 0x0a
    # byte in it); its help text lines are text lines, each an unparsed line of its own
    cat = shutil.which("cat")
    assert cat is not None
    body = Path(cat).resolve().read_bytes()[64:]
    log = tmp_path / "mixed.log"
    log.write_bytes(lines(0, 100) + b"Dec 10 06:59:59 LabSZ sshd[9]: " + body + b"\n" + lines(1000, 100))
    summary = pipeline.ingest_file(log)
    assert summary.binary is None, summary.line()
    stored = {str(e.get("event.original")) for e in sqlite_store.search(Query())}
    assert all(sshd(i)[:-1].decode() in stored for i in range(1000, 1100))
    assert summary.parse_failures < body.count(b"\n") // 3  # 48 of 194 line ends: its help text lines


def test_a_string_of_hostile_lines_longer_than_the_cap_is_two_groups(tmp_path: Path, pipeline: Pipeline,
                                                                         sqlite_store: SqliteStore) -> None:
    # twelve 8 KiB hostile fields in a row (their lines, without sshd's first line: no line the
    # parser reads between them): the lines after them are read
    log = tmp_path / "auth.log"
    log.write_bytes(lines(0, 10) + b"".join(rest(hostile(20 + s)) + b"\n" for s in range(12)) + lines(10, 100))
    summary = pipeline.ingest_file(log)
    # one group of 96 KiB: cut at the first line end 64 KiB after its start, two events
    assert (summary.binary, summary.records, summary.garbled) == (None, 112, 2), summary.line()
    assert sqlite_store.count(Query()) == 112


def test_a_hostile_line_the_files_end_cuts_is_counted_once(tmp_path: Path, pipeline: Pipeline,
                                                          sqlite_store: SqliteStore) -> None:
    # R11j-10: the file ends some 4 KiB into the hostile line: a one-shot run stores its copy
    # flagged partial, and the next run, the line complete, replaces it. One logged line: status
    # said "2 logged lines with control bytes" (and two parse failures) for it.
    bad = hostile(8, 9000)
    cut = bad.index(b"\n", 4000) + 5
    log = tmp_path / "auth.log"
    log.write_bytes(lines(0, 100) + bad[:cut])
    first = pipeline.ingest_file(log)
    assert (first.records, first.garbled, first.partial) == (102, 1, 1), first.line()
    (copy,) = errors(sqlite_store)  # said for what it is: no text line after it yet
    assert "cut by the end of the file" in str(copy["error.message"]), copy["error.message"]
    with log.open("ab") as out:
        out.write(bad[cut:] + lines(100, 20))
    second = pipeline.ingest_file(log)
    assert (second.records, second.garbled, second.replaced_partial) == (21, 1, 1), second.line()
    (error,) = errors(sqlite_store)
    assert base64.b64decode(str(error["govsoc.original_base64"])) == rest(bad)
    (checkpoint,) = pipeline.checkpoints.all()
    assert checkpoint.partial is None
    counters = checkpoint.counters
    assert (counters["records"], counters["parse_failures"], counters["garbled"]) == (122, 1, 1), counters
    assert source_status(checkpoint, datetime.now(UTC))["garbled"] == 1


def test_a_logged_line_with_a_control_byte_in_a_field_is_parsed(tmp_path: Path, pipeline: Pipeline,
                                                                sqlite_store: SqliteStore) -> None:
    """R11k-1: one attacker-chosen control byte in a field sshd logs as it is (a user name
    ``root\\x01``, ``a\\x00b``) made F11m's rule take the whole line as non-text: a garbled
    pipeline_error with no user and no source, hidden from every field rule (brute force,
    failed logins by source). A line that starts as text and holds few control bytes is parsed."""
    log = tmp_path / "auth.log"
    evil = {"10.3.0.3": b"root\x01", "10.6.0.6": b"a\x00b", "10.7.0.7": b"x\x1b\x7f\x08y"}
    log.write_bytes(lines(0, 3) + b"".join(
        b"Dec 10 07:00:0%d LabSZ sshd[%d]: Failed password for %s from %s port 22 ssh2\n"
        % (n, n, user, address.encode()) + lines(10 * n, 2) for n, (address, user) in enumerate(evil.items())))
    summary = pipeline.ingest_file(log)
    assert (summary.records, summary.garbled, summary.parse_failures) == (3 + 3 * 3, 0, 0), summary.line()
    assert errors(sqlite_store) == []  # on the old code: three garbled events
    for address, user in evil.items():
        found = [e.fields for e in sqlite_store.search(Query(terms={"source.ip": (address,)}))]
        assert len(found) == 1 and found[0].get("event.outcome") == "failure", found
        # a NUL is stored as U+FFFD (core.coercion: SQLite's text functions stop at NUL)
        assert found[0].get("user.name") == user.decode().replace("\x00", "\ufffd"), found


def test_a_line_mostly_of_control_bytes_is_parsed_when_its_parser_reads_it(
        tmp_path: Path, pipeline: Pipeline, sqlite_store: SqliteStore) -> None:
    """R11l-1: control bytes over a tenth of a line made it garbage, grouped with its neighbours
    into one garbled event: sshd's "Invalid user <100 x \x01> from 1.2.3.4" hid from every field
    rule. The logger writes the head, not the attacker: a line the file's parser reads is a line
    whatever follows its head; the same bytes without a head the parser reads are garbage."""
    log = tmp_path / "auth.log"
    rng = random.Random(5)
    blob = bytes(rng.choice(b"\x01\x02\x03\x04\x05abcdefgh") for _ in range(400))
    log.write_bytes(lines(0, 2) + b"Dec 10 07:00:00 LabSZ app: " + blob + b"\n" + lines(2, 2) + blob + b"\n"
                    + lines(4, 2))
    summary = pipeline.ingest_file(log)
    assert (summary.records, summary.garbled) == (8, 1), summary.line()
    (parsed,) = sqlite_store.search(Query(terms={"log.syslog.appname": ("app",)}))
    assert parsed.get("event.kind") == "event" and parsed.get("message") == blob.decode()
    (error,) = errors(sqlite_store)
    assert base64.b64decode(str(error["govsoc.original_base64"])) == blob


def test_a_log_whose_first_line_starts_with_bzh_is_read_and_a_bzip2_file_refused(
        tmp_path: Path, pipeline: Pipeline, sqlite_store: SqliteStore) -> None:
    """R11k-4: the three bytes "BZh" were taken for bzip2's magic number, and a new log whose
    first line begins with them ("BZh user logged in") was refused whole, every run. A bzip2
    stream goes on with a block size digit and a block's magic; only that is refused."""
    import bz2

    log = tmp_path / "app.log"
    log.write_bytes(b"BZh user logged in from the console\n" + lines(0, 20))
    summary = pipeline.ingest_file(log)
    assert summary.binary is None and summary.records == 21, summary.line()
    archive = tmp_path / "old.log"
    archive.write_bytes(bz2.compress(lines(0, 20)))
    assert pipeline.ingest_file(archive).binary == "a bzip2 archive"
    empty = tmp_path / "empty.log"
    empty.write_bytes(bz2.compress(b""))
    assert pipeline.ingest_file(empty).binary == "a bzip2 archive"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_utf16_log_is_refused_once_saying_so(tmp_path: Path, pipeline: Pipeline, sqlite_store: SqliteStore,
                                               encoding: str) -> None:
    """R11k-2: a UTF-16 log (SQL Server's ERRORLOG, some Windows services) was one garbled group
    flagged partial for ever (its last "\\n\\x00" cut it), the NUL after each newline dropped as
    crash padding, or, without a byte order mark, "binary data". It is refused by its head, once,
    saying what it is and how to read it."""
    log = tmp_path / "errorlog.log"
    log.write_bytes(lines(0, 20).decode().encode(encoding))
    summary = pipeline.ingest_file(log)
    assert summary.binary is not None and "UTF-16" in summary.binary, summary.line()
    assert summary.records == 0 and not list(sqlite_store.search(Query()))


def test_utf16_text_appended_to_a_utf8_log_is_said_where_it_starts(tmp_path: Path, pipeline: Pipeline,
                                                                   sqlite_store: SqliteStore) -> None:
    """R11l-3: the head check looks at a file's head only, so UTF-16 text appended to a UTF-8 log
    after a checkpoint (PowerShell's `>>` of Windows PowerShell 5.1) was stored as garbage without a
    word of what it is. It is said as a UTF-16 file is, with where it starts, and its groups
    flagged utf-16; the read goes on (nothing an attacker's field can make stop it)."""
    log = tmp_path / "auth.log"
    head = lines(0, 200)
    log.write_bytes(head)
    pipeline.ingest_file(log)
    wide = lines(200, 1000).decode().encode("utf-16")
    with log.open("ab") as out:
        out.write(wide + lines(1200, 10))
    summary = pipeline.ingest_file(log)
    assert f"from byte {len(head)}: UTF-16 text (not read: convert it to UTF-8" in summary.line(), summary.line()
    kept = errors(sqlite_store)
    assert 0 < len(kept) <= len(wide) // (64 << 10) + 1
    assert all("utf-16" in e["govsoc.flags"] for e in kept)  # type: ignore[operator]
    assert sqlite_store.count(Query()) == 210 + len(kept)  # the UTF-8 lines after it parsed
