"""A crash's padding inside a line: a filesystem's zeroed block ends the torn line, the first line
after the reboot is a line of its own, flagged ``after_padding`` (R11m-1); an attacker's NULs in
a logged field that do not make such a block stay the line's bytes (R11l-7)."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pytest

from govsoc.collectors import IngestOptions, Pipeline
from govsoc.collectors.base import RawRecord
from govsoc.collectors.files.lines import ReadStats, read_lines
from govsoc.collectors.files.padding import crash_padding
from govsoc.store.base import Query
from govsoc.store.sqlite import SqliteStore

LOGIN = b"Dec 10 11:00:00 LabSZ sshd[30001]: Accepted password for root from 7.7.7.7 port 5555 ssh2"
TORN = b"Dec 10 07:30:00 LabSZ sshd[24300]: Failed password for "


def torn_log(head: list[bytes], shift: int, run: int, after: bytes = LOGIN + b"\n") -> bytes:
    """``head``'s lines, then TORN whose NUL run starts ``shift`` bytes after a 4096 boundary
    (its end made to fall there by a filler line), ``run`` NULs, then ``after``."""
    body = b"".join(head)
    filler = -(len(body) + len(TORN) + 37 - shift) % 4096
    body += b"Dec 10 07:29:59 LabSZ sshd[24299]: x" + b"y" * filler + b"\n" + TORN
    assert (len(body) - shift) % 4096 == 0
    return body + b"\x00" * run + after


def head_lines(count: int = 40) -> list[bytes]:
    return [b"Dec 10 07:%02d:00 LabSZ sshd[%d]: Connection closed by 10.0.0.%d [preauth]\n" % (i % 60, i, i)
            for i in range(count)]


def read(content: bytes, *, chunk: int = 1 << 20, start: int = 0, final: bool = True,
         stats: ReadStats | None = None, gz: bool = False) -> list[RawRecord]:
    stream = gzip.GzipFile(fileobj=io.BytesIO(gzip.compress(content))) if gz else io.BytesIO(content)
    return list(read_lines(stream, origin="t", start=start, final=final, chunk_size=chunk, stats=stats))


@pytest.mark.parametrize(("shift", "run", "split"), [
    (0, 2699, True),         # e3: ext4 zeroed the last block from its boundary to the old size
    (0, 900, True),          # e17: the torn line ends "Failed password for " at the boundary
    (0, 3 << 20, True),      # e9: zeroed past the record size limit: the login was cut away
    (0, 16, True),           # on a boundary, 16 NULs
    (0, 15, True),           # R11n-2: a tear that lost 1..15 bytes past the boundary (~15 tears in
    (0, 1, True),            # 4,096): on a boundary the odds do not hang on the run's length
    (-100, 4195, False),     # one byte short of a whole block, not from a boundary
    (1, 16, False),          # R11l-7's attack: 16, 300, 5,000 NULs in a field, off a boundary
    (1, 300, False),
    (1, 5000, False),
    (-3000, 5000, False),
    (-100, 4196, False),     # R11n-1: over a whole aligned block, not from a boundary: its length
    (1, 8191, False),        # alone never makes padding (8,191 NULs cover a block at any offset,
    (333, 8191, False),      # and forged a root login after them)
    (4095, 8191, False),
    (1, 20000, False),
])
def test_a_nul_run_ends_its_line_only_when_it_is_a_crash_block(shift: int, run: int, split: bool) -> None:
    content = torn_log(head_lines(), shift, run)
    stats = ReadStats()
    records = read(content, stats=stats)
    assert [r.line for r in records[:40]] == list(range(1, 41)) and records[40].data.startswith(b"Dec 10 07:29:59")
    if split:
        torn, login = records[41:]
        assert (torn.data, torn.flags, torn.line) == (TORN, ("torn",), 42)
        assert (login.data, login.flags, login.line) == (LOGIN, ("after_padding",), 42)
        assert login.offset == len(content) - len(LOGIN) - 1 and stats.nul_bytes_skipped == run
    else:
        (whole,) = records[41:]  # (a line of over a tenth NULs a garbled group: not parsed here)
        assert (whole.data, whole.line) == (TORN + b"\x00" * run + LOGIN, 42)
        assert not {"torn", "after_padding"} & set(whole.flags)
        assert stats.nul_bytes_skipped == 0


@pytest.mark.parametrize(("shift", "run"), [(0, 2699), (-100, 4196), (1, 300), (0, 9000), (0, 40000)])
def test_what_is_stored_does_not_hang_on_chunks_reads_or_gzip(shift: int, run: int) -> None:
    content = torn_log(head_lines(), shift, run, LOGIN + b"\n" + LOGIN.replace(b"7.7.7.7", b"7.7.7.8") + b"\n")
    whole = [(r.offset, r.data, r.flags, r.line, r.end) for r in read(content)]
    for chunk in (1, 7, 4093, 4096):  # offsets are the file's, not a chunk's
        assert [(r.offset, r.data, r.flags, r.line, r.end) for r in read(content, chunk=chunk)] == whole
    assert [(r.offset, r.data, r.flags, r.line, r.end) for r in read(content, gz=True, chunk=4096)] == whole
    # a read from any record's end, or from a line's start (a partial copy's), gives the rest
    # with the same flags: the run before it is looked at
    for index, (offset, *_rest, end) in enumerate(whole):
        for start, rest in ((end, whole[index + 1:]), (offset, whole[index:])):
            got = [(r.offset, r.data, r.flags, r.end) for r in read(content, start=start, chunk=4093)]
            assert got == [(o, d, f, e) for o, d, f, _line, e in rest]
    # a read of a prefix stores the first records and at most one partial (replaced later)
    for cut in range(len(content) - len(LOGIN) - run - 60, len(content), 97):
        waiting = [(r.offset, r.data, r.flags, r.line, r.end) for r in read(content[:cut], final=False)]
        assert waiting == whole[:len(waiting)]
        final = read(content[:cut])
        assert sum("partial" in r.flags for r in final) <= 1


def test_crash_padding_is_a_block_of_the_files_offsets() -> None:
    assert crash_padding(8192, 8192 + 16) and crash_padding(8192, 8192 + 1)  # R11n-2: 1..15 too
    assert not crash_padding(8191, 8192 + 4096) and not crash_padding(8193, 8193 + 3 * 4096)  # R11n-1
    assert crash_padding(0, 16)  # the file's start is a boundary (a line start: skipped anyway)


def ingest(tmp_path: Path, store: SqliteStore, content: bytes, *, append: bool = False) -> str:
    log = tmp_path / "auth.log"
    with log.open("ab" if append else "wb") as out:
        out.write(content)
    pipeline = Pipeline(store, data_dir=tmp_path / "state")
    return pipeline.ingest_file(log, IngestOptions(parser="linux.auth", year=2024)).line()


def real_head(corpus: Path, count: int) -> list[bytes]:
    src = (corpus / "loghub/OpenSSH/OpenSSH_2k.log").read_bytes().replace(b"\r\n", b"\n")
    return src.splitlines(keepends=True)[:count]


@pytest.mark.parametrize(("shift", "run"), [
    (0, 2699),      # e3: the root login after the reboot was inside the torn line's event
    (0, 900),       # e17: ... stored as a FAILED login by a garbage user
    (0, 3 << 20),   # e9: ... and past 1 MiB of padding not stored at all
    (0, 1),         # R11n-2 lost1: u47's login got u48's address, u48's login no event
    (0, 15),        # R11n-2 lost15
])
def test_the_first_login_after_a_crash_is_an_event(tmp_path: Path, sqlite_store: SqliteStore, corpus: Path,
                                                   shift: int, run: int) -> None:
    said = ingest(tmp_path, sqlite_store, torn_log(real_head(corpus, 40), shift, run))
    # R11n-4: said as runs and torn lines, not only bytes (a crash, or a field taken for one)
    assert f"1 NUL run taken as crash padding (torn lines: 1; {run} bytes skipped)" in said
    (login,) = sqlite_store.search(Query(terms={"source.ip": ("7.7.7.7",)}))
    assert (login.get("event.action"), login.get("event.outcome"), login.get("user.name")) == (
        "ssh_login", "success", "root")
    assert login.get("govsoc.flags") == ["after_padding"]
    (torn,) = sqlite_store.search(Query(terms={"process.pid": (24300,)}))
    assert "torn" in (torn.get("govsoc.flags") or []) and "Accepted" not in str(torn.get("event.original"))
    assert sqlite_store.count(Query()) == 43  # 40 lines, the filler, the torn line and the login
    ingest(tmp_path, sqlite_store, b"", append=True)
    assert sqlite_store.count(Query()) == 43  # nothing twice


def test_a_crash_read_before_the_reboot_then_after_it(tmp_path: Path, sqlite_store: SqliteStore,
                                                      corpus: Path) -> None:
    # a run while the file ended in the padding stores the torn text partial; the next run, after
    # sshd wrote again, replaces it and reads the login after the padding, once
    content = torn_log(real_head(corpus, 40), 0, 2699)
    cut = len(content) - len(LOGIN) - 1
    assert "1 unterminated last line stored, flagged partial" in ingest(tmp_path, sqlite_store, content[:cut])
    ingest(tmp_path, sqlite_store, content[cut:], append=True)
    assert sqlite_store.count(Query()) == 43
    assert sqlite_store.count(Query(terms={"source.ip": ("7.7.7.7",)})) == 1
    (torn,) = sqlite_store.search(Query(terms={"process.pid": (24300,)}))
    assert torn.get("govsoc.flags") == ["torn"]
    ingest(tmp_path, sqlite_store, LOGIN.replace(b"7.7.7.7", b"7.7.7.9") + b"\n", append=True)
    (later,) = sqlite_store.search(Query(terms={"source.ip": ("7.7.7.9",)}))
    assert later.get("govsoc.flags") is None and sqlite_store.count(Query()) == 44


def test_a_followed_crash_counts_the_torn_line_once(tmp_path: Path, sqlite_store: SqliteStore) -> None:
    # --follow: the torn line is stored when the padding ends, the login after it waits for its
    # newline; the checkpoint must not count the torn line's physical line before that line ends
    # (it counted it: the login was line 43 of a file it is line 42 of)
    log = tmp_path / "auth.log"
    content = torn_log(head_lines(), 0, 2699)
    log.write_bytes(content[:-1])
    pipeline = Pipeline(sqlite_store, data_dir=tmp_path / "state")
    options = IngestOptions(parser="linux.auth", year=2024, final=False)
    pipeline.ingest_file(log, options)
    (checkpoint,) = pipeline.checkpoints.all()
    assert (checkpoint.offset, checkpoint.line) == (len(content) - len(LOGIN) - 1, 41)
    with log.open("ab") as out:
        out.write(b"\n")
    pipeline.ingest_file(log, options)
    (checkpoint,) = pipeline.checkpoints.all()
    assert (checkpoint.offset, checkpoint.line) == (len(content), 42)
    (login,) = sqlite_store.search(Query(terms={"source.ip": ("7.7.7.7",)}))
    assert login.get("govsoc.flags") == ["after_padding"] and sqlite_store.count(Query()) == 43


FORGED = b"Dec 10 11:00:00 LabSZ sshd[30001]: Accepted password for root"


@pytest.mark.parametrize(("after", "split"), [
    # R11n-6: a field of many 16-NUL runs, one of them on a block boundary: the runs after it say
    # it is no crash (a crash tears a line once, the text after the reboot is clean)
    (FORGED + (b"\x00" * 16 + FORGED) * 3 + b" from 9.8.7.6 port 4242 ssh2\n", False),
    (FORGED + b"\x00" * 4000 + b" from 9.8.7.6 port 4242 ssh2\n", False),   # a long run after it
    (FORGED + b" from 9.8.7.6 port 4242 ssh2\n", True),                     # the only run: a crash's
    (FORGED + b"\x00" * 15 + b" from 9.8.7.6 port 4242 ssh2\n", True),      # 15 NULs after 16: a field's
    (LOGIN + b"\n", True),
])
def test_a_boundary_run_is_padding_only_with_no_other_run_after_it(after: bytes, split: bool) -> None:
    content = torn_log(head_lines(), 0, 16, after)
    check_split(content, 16, after, split)


@pytest.mark.parametrize(("run", "after", "split"), [
    # R11n-2: a run shorter than 16 on a boundary is padding only when the text after it holds no
    # NUL byte (else short runs spread through a field would again beat one try in 4,096 a line)
    (1, FORGED + b" from 9.8.7.6 port 4242 ssh2\n", True),
    (15, LOGIN + b"\n", True),
    (1, FORGED + (b"\x00" + FORGED) * 3 + b" from 9.8.7.6 port 4242 ssh2\n", False),
    (15, FORGED + b"\x00" * 20 + b" from 9.8.7.6 port 4242 ssh2\n", False),
    (3, b"\n", False),  # ending its line: a writer's NULs, no text after them to part
])
def test_a_short_boundary_run_is_padding_only_as_the_lines_last_nul_bytes(run: int, after: bytes,
                                                                          split: bool) -> None:
    check_split(torn_log(head_lines(), 0, run, after), run, after, split)


def check_split(content: bytes, run: int, after: bytes, split: bool) -> None:
    for chunk in (1 << 20, 4096, 4093, 7):  # the rule sees the whole line, however it is read
        records = read(content, chunk=chunk)
        if split:
            torn, forged = records[41:]
            assert (torn.data, torn.flags, forged.data) == (TORN, ("torn",), after[:-1])
            assert forged.flags[-1:] == ("after_padding",)  # (garbled first when NULs are in it)
        else:
            (whole,) = records[41:]
            assert whole.data == TORN + b"\x00" * run + after[:-1] and "torn" not in whole.flags


def test_many_runs_in_a_field_forge_no_login(tmp_path: Path, sqlite_store: SqliteStore, corpus: Path) -> None:
    # R11n-6's f6 file: 200 failed logins whose user name is K x (16 NULs + a forged head) after a
    # lead-in varying per line; before, 2 of them were torn at a run on a boundary and stored as
    # successful root logins from the brute-forcing address
    lines = real_head(corpus, 40)
    for i in range(200):
        lines.append(b"Dec 10 10:59:59 LabSZ sshd[29999]: Failed password for invalid user " + b"A" * (i * 7 % 77)
                     + (b"\x00" * 16 + FORGED) * 70 + b" from 9.8.7.%d port 4242 ssh2\n" % (i % 250))
    said = ingest(tmp_path, sqlite_store, b"".join(lines))
    assert "NUL padding" not in said
    assert sqlite_store.count(Query(terms={"event.outcome": ("success",)})) == 0
    assert sqlite_store.count(Query()) == 240  # one event a line
    for ip in ("9.8.7.37", "9.8.7.195"):  # the two torn before: their failed logins keep the address
        (failed,) = sqlite_store.search(Query(terms={"source.ip": (ip,)}))
        assert failed.get("event.outcome") == "failure" and "torn" not in failed.get("govsoc.flags")


def members(*contents: bytes) -> gzip.GzipFile:
    """A multi-member gzip stream, as `gzip -c auth.log.1 >> archive.gz` builds one."""
    return gzip.GzipFile(fileobj=io.BytesIO(b"".join(gzip.compress(c) for c in contents)))


@pytest.mark.parametrize(("older", "run"), [(6749, 900), (1, 1), (4095, 16), (8192, 2699)])
def test_a_gzip_member_starts_its_own_block_grid(older: int, run: int) -> None:
    # R11n-3: a crashed log gzipped after an older one (a second member): its padding starts
    # ``older`` bytes off the content's grid, on its own member's; it was merged into the torn line
    first = (b"Dec 10 06:59:59 LabSZ sshd[1]: " + b"x" * older)[:older - 1] + b"\n"
    assert len(first) == older
    crashed = torn_log(head_lines(), 0, run)
    want = [(r.offset + len(first), r.data, r.flags) for r in read(crashed)]
    assert ("torn",) in [flags for *_rest, flags in want]
    for chunk in (1 << 20, 4096, 4093):
        got = list(read_lines(members(first, crashed), origin="t", chunk_size=chunk))
        assert [(r.offset, r.data, r.flags) for r in got if r.offset >= len(first)] == want
    for start, *_rest in want[-3:]:  # from a checkpoint in the second member: the flag as before
        got = list(read_lines(members(first, crashed), origin="t", start=start, chunk_size=4093))
        assert [(r.offset, r.data, r.flags) for r in got] == [w for w in want if w[0] >= start]


def test_a_member_grid_does_not_tear_the_first_members_lines() -> None:
    # the first member's offsets keep the content's grid: an attacker's run 7 bytes off it stays
    # in its line though 7 bytes later a member would start a grid there
    attacked = torn_log(head_lines(), 7, 300)
    got = list(read_lines(members(attacked, LOGIN + b"\n"), origin="t", chunk_size=4093))
    assert not any("torn" in r.flags for r in got) and len(got) == 43


def test_a_crashed_log_appended_to_a_gzip_archive(tmp_path: Path, sqlite_store: SqliteStore, corpus: Path) -> None:
    # R11n-3's archive.log.gz (`gzip -c auth.log.1 >> archive.gz`): the login after the padding
    # got no event of its own (132 records for 133 lines, u123's login with u134's address)
    archive = tmp_path / "archive.log.gz"
    older = b"".join(real_head(corpus, 120)[40:])
    archive.write_bytes(gzip.compress(older) + gzip.compress(torn_log(real_head(corpus, 40), 0, 900)))
    said = Pipeline(sqlite_store, data_dir=tmp_path / "state").ingest_file(
        archive, IngestOptions(parser="linux.auth", year=2024)).line()
    assert "1 NUL run taken as crash padding (torn lines: 1; 900 bytes skipped)" in said
    (login,) = sqlite_store.search(Query(terms={"source.ip": ("7.7.7.7",)}))
    assert login.get("govsoc.flags") == ["after_padding"] and login.get("event.outcome") == "success"
    assert sqlite_store.count(Query()) == 80 + 43


class CountingBytes(io.BytesIO):
    """Compressed bytes that count how many of them are read (a gzip seek back reads again)."""

    read_bytes = 0

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self.read_bytes += len(data)
        return data


def test_the_run_before_a_gzip_read_is_found_in_one_pass() -> None:
    # R11n-5: run_before read back through a run in 1 MiB steps, each a gzip seek that
    # decompressed from the start: a 128 MiB run took 8.7 s (16 MiB: 0.3 s, quadratic)
    run = 16 << 20
    raw = CountingBytes(gzip.compress(b"line\n" * 10 + b"\x00" * run + LOGIN + b"\n", 1))
    stats = ReadStats()
    (login,) = read_lines(gzip.GzipFile(fileobj=raw), origin="t", start=50 + run, stats=stats)
    assert login.data == LOGIN and login.flags == ()  # the run starts at 50, off a boundary
    assert raw.read_bytes <= 3 * len(raw.getbuffer())  # the file read once (or twice), not 16 times
    raw = CountingBytes(gzip.compress(b"x" * 4095 + b"\n" + b"\x00" * run + LOGIN + b"\n", 1))
    (login,) = read_lines(gzip.GzipFile(fileobj=raw), origin="t", start=4096 + run, stats=stats)
    assert login.flags == ("after_padding",)  # from a block boundary: a crash's
    assert raw.read_bytes <= 3 * len(raw.getbuffer())


def test_padding_runs_and_torn_lines_are_counted(tmp_path: Path, sqlite_store: SqliteStore) -> None:
    # R11n-4: "N NUL padding bytes skipped" did not tell a crash's tear from a field's bytes; the
    # runs and the lines torn are said by the ingest line and kept for `govsoc status`
    content = torn_log([b"\x00" * 300, *head_lines()], 0, 2699) + b"\x00" * 5 + LOGIN + b"\n"
    said = ingest(tmp_path, sqlite_store, content)
    assert "3 NUL runs taken as crash padding (torn lines: 1; 3004 bytes skipped)" in said
    (checkpoint,) = Pipeline(sqlite_store, data_dir=tmp_path / "state").checkpoints.all()
    assert (checkpoint.counters["nul_runs"], checkpoint.counters["torn_lines"]) == (3, 1)
