"""A gzip copy of a log (logrotate's copytruncate + compress) named by its trailer, decompressed once.

A checkpoint keeps the CRC-32 of the content read before its position (collectors.files.read_past.CRC), folded
per chunk by the reader (collectors.files.lines.ReadStats.crc). A gzip file's trailer states the CRC-32 and the
length of its last member's content (RFC 1952 2.3.1): it names the checkpoint whose read the copy may hold, in
one pread of 8 bytes. It proves nothing (CRC-32 is forged by flipping chosen digits, RRR11be-2; a file of two
members carries the last one's, RRR11be-1): the copy is taken when one streaming pass finds one member with the
read's SHA-256 digests (read_past.one_member_tails), its verdict kept. Before (RRR11ba-1), each new copy was
decompressed about twice in the run after a rotation (3.9 MB for a 1.9 MB copy)."""

from __future__ import annotations

import collections
import dataclasses
import gzip
import io
import json
import os
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

import pytest

from govsoc.collectors import IngestOptions, Pipeline
from govsoc.collectors.files import read_past, settled
from govsoc.collectors.files.identity import TAIL_BYTES, fingerprint, look
from govsoc.collectors.files.lines import ReadStats, read_lines
from govsoc.collectors.follow import Follower
from govsoc.store.sqlite import SqliteStore
from tests.collectors.test_rotation_copy import originals
from tests.collectors.test_rotation_twin_copies import BANNER, copytruncate

#: Lines enough for several of the reader's 1 MiB chunks: the CRC is carried from chunk to chunk.
LINES = 30_000


def settled_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files taken as settled as soon as written (RACY_NS below zero): a test of what a look costs once a file
    stays as it is; one changed within RACY_NS is decompressed again at each look (R54a-2)."""
    monkeypatch.setattr(settled, "RACY_NS", -10**12)


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the bytes of gzip content decompressed from now on (GzipFile.read and read1, and read_past's
    one pass over a copy told by its trailer)."""
    counted = [0]
    one_pass = read_past.one_member_pieces

    def counted_pass(stream: BinaryIO) -> Iterator[bytes]:
        for piece in one_pass(stream):
            counted[0] += len(piece)
            yield piece

    def counts(method: Callable[..., bytes]) -> Callable[..., bytes]:
        def counted_read(self: gzip.GzipFile, *args: Any) -> bytes:
            data = method(self, *args)
            counted[0] += len(data)
            return data
        return counted_read

    monkeypatch.setattr(gzip.GzipFile, "read", counts(gzip.GzipFile.read))
    monkeypatch.setattr(gzip.GzipFile, "read1", counts(gzip.GzipFile.read1))
    monkeypatch.setattr(read_past, "one_member_pieces", counted_pass)
    return counted


def _setting(tmp_path: Path, store: SqliteStore) -> tuple[Path, Callable[[], None], list[str]]:
    logs = tmp_path / "logs"
    logs.mkdir()
    written: list[str] = []

    def run() -> None:  # a one-shot run: a new process's follower, one poll
        Follower(Pipeline(store, data_dir=tmp_path / "state"), [str(logs / "*.log*")],
                 lambda _path: IngestOptions()).poll()

    lines = [*BANNER, *(f"app request {k} handled with a body long enough to fill chunks" for k in range(LINES))]
    (logs / "app.log").write_text("".join(f"{line}\n" for line in lines))
    written.extend(lines)
    return logs, run, written


def test_a_gzip_copy_of_what_was_read_is_decompressed_once(tmp_path: Path, sqlite_store: SqliteStore,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """The copy's trailer (CRC-32, ISIZE) names the checkpoint; its content is then checked in one pass (one
    member, the read's SHA-256 digests), never again at later looks."""
    settled_at_once(monkeypatch)
    logs, run, written = _setting(tmp_path, sqlite_store)
    run()
    copytruncate(logs / "app.log", compress=True, delay=False)
    size = len(gzip.decompress((logs / "app.log.1.gz").read_bytes()))
    (logs / "app.log").write_text("".join(f"{line}\n" for line in [*BANNER, "app request after handled"]))
    written.extend([*BANNER, "app request after handled"])
    counted = _counting(monkeypatch)
    run()
    # once, and first bytes looked at (fingerprints): 3,904,836 bytes for a 2.6 MB copy on 73b8afd3
    assert size < counted[0] < size + 64 * 1024
    run()
    assert counted[0] < size + 64 * 1024  # a later run: the copy is its checkpoint's, not decompressed again
    got, expected = collections.Counter(originals(sqlite_store)), collections.Counter(written)
    assert (sorted(expected - got), sorted(got - expected)) == ([], [])  # none lost, none twice


def test_a_checkpoint_written_without_a_crc_still_loads_and_tells_its_copy(
        tmp_path: Path, sqlite_store: SqliteStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """A checkpoint of an older version keeps no CRC: the copy is then compared by its content (decompressed),
    as before, and taken by its log's checkpoint all the same."""
    logs, run, written = _setting(tmp_path, sqlite_store)
    run()
    files = list((tmp_path / "state" / "state" / "sources").glob("*.json"))
    assert len(files) == 1
    record = json.loads(files[0].read_text())
    assert "crc" in record["kept"]  # written by this version: what an older one did not write
    del record["kept"]["crc"]
    files[0].write_text(json.dumps(record))
    copytruncate(logs / "app.log", compress=True, delay=False)
    (logs / "app.log").write_text("".join(f"{line}\n" for line in BANNER))
    written.extend(BANNER)
    counted = _counting(monkeypatch)
    run()
    assert counted[0] > 1_000_000  # compared by content: the copy decompressed
    got, expected = collections.Counter(originals(sqlite_store)), collections.Counter(written)
    assert (sorted(expected - got), sorted(got - expected)) == ([], [])


@pytest.mark.parametrize("chunk_size", [
    7,        # lines cut by chunks everywhere: a position inside a chunk folds its first bytes
    1 << 20,  # the reader's own chunk: one chunk holds all
])
def test_the_crc_at_each_line_end_is_that_of_the_content_before_it(chunk_size: int) -> None:
    content = b"".join(b"line %d of a log\r\n" % k if k % 3 else b"\n" for k in range(200))
    stats = ReadStats(crcs=((0, 0),))
    crcs = {record.end or 0: stats.crc(record.end or 0)  # asked as the tracker does: its chunk still held
            for record in read_lines(io.BytesIO(content), origin="test", stats=stats, chunk_size=chunk_size)}
    assert len(crcs) > 100
    assert crcs == {end: zlib.crc32(content[:end]) for end in crcs}
    assert stats.crc(len(content)) == zlib.crc32(content)
    # inside the one chunk held, known; else its bytes no longer held: not known, never a wrong CRC
    assert stats.crc(5) == (zlib.crc32(content[:5]) if chunk_size > len(content) else None)


def _forged(data: bytes, crc: int, within: tuple[int, int] | None = None) -> bytes:
    """``data`` with bit 0 of some of the digits of its last line (or of ``data[within[0]:within[1]]``) flipped
    (digits stay digits) so that its CRC-32 is ``crc``: CRC-32 is linear over GF(2), one solve of 32 equations
    (what anyone writing a log may do)."""
    start, end = within or (data.rfind(b"\n", 0, len(data) - 1) + 1, len(data))
    zero = zlib.crc32(bytes(len(data)))
    positions = [i for i in range(start, end) if data[i] in b"0123456789"]
    basis: dict[int, tuple[int, int]] = {}  # pivot bit -> (CRC difference, the set of positions as a mask)
    for j, i in enumerate(positions):
        one = bytearray(len(data))
        one[i] = 1
        vector, chosen = zlib.crc32(bytes(one)) ^ zero, 1 << j
        for bit in sorted(basis, reverse=True):
            if vector >> bit & 1:
                vector, chosen = vector ^ basis[bit][0], chosen ^ basis[bit][1]
        if vector:
            basis[vector.bit_length() - 1] = (vector, chosen)
    vector, chosen = zlib.crc32(data) ^ crc, 0
    for bit in sorted(basis, reverse=True):
        if vector >> bit & 1:
            vector, chosen = vector ^ basis[bit][0], chosen ^ basis[bit][1]
    out = bytearray(data)
    for j, i in enumerate(positions):
        out[i] ^= chosen >> j & 1
    assert zlib.crc32(bytes(out)) == crc and out != data
    return bytes(out)


def _requests(first: int) -> list[str]:
    return [f"app request {k} handled id={k * 7919:064d}" for k in range(first, first + 5)]


def _text(lines: list[str]) -> bytes:
    return "".join(f"{line}\n" for line in lines).encode()


def _unread_then_read(logs: Path, gen1: bytes) -> list[str]:
    """`cat unread.gz read.gz > app.log.1.gz`: a generation never read, then the one read, in one file whose
    trailer (the last member's) is the read one's."""
    gen2 = _text([*BANNER, *_requests(5)])
    (logs / "app.log.1.gz").write_bytes(gzip.compress(gen2) + gzip.compress(gen1))
    return gen2.decode().splitlines()


def _forged_generation(logs: Path, gen1: bytes) -> list[str]:
    """An unread generation of the read one's length, its CRC-32 made the read one's, rotated with compress."""
    gen2 = _forged(_text([*BANNER, *_requests(5)]), zlib.crc32(gen1))
    assert len(gen2) == len(gen1)
    (logs / "app.log.2.gz").write_bytes(gzip.compress(gen1))
    (logs / "app.log.1.gz").write_bytes(gzip.compress(gen2))
    return gen2.decode().splitlines()


@pytest.mark.parametrize("made", [
    _unread_then_read,    # RRR11be-1: the trailer is the last member's alone: the first member's 25 lines lost
    _forged_generation,   # RRR11be-2: CRC-32 is no identity: a forged one took the copy, its 25 lines lost
])
def test_a_trailer_stating_the_read_is_not_taken_without_its_content(
        tmp_path: Path, sqlite_store: SqliteStore, made: Callable[[Path, bytes], list[str]]) -> None:
    """While stopped: app.log (read whole) rotated with copytruncate + compress, then files whose trailer
    states what was read but whose content holds a generation never read. None of its lines is lost."""
    logs = tmp_path / "logs"
    logs.mkdir()
    gen1 = _text([*BANNER, *_requests(0)])
    (logs / "app.log").write_bytes(gen1)
    Follower(Pipeline(sqlite_store, data_dir=tmp_path / "state"), [str(logs / "*.log*")],
             lambda _path: IngestOptions()).poll()
    (logs / "app.log").write_bytes(b"")  # truncated (copytruncate), its copies made as ``made`` makes them
    written = [*gen1.decode().splitlines(), *made(logs, gen1)]
    for _ in range(2):
        Follower(Pipeline(sqlite_store, data_dir=tmp_path / "state"), [str(logs / "*.log*")],
                 lambda _path: IngestOptions()).poll()
    got, expected = collections.Counter(originals(sqlite_store)), collections.Counter(written)
    assert sorted(expected - got) == []  # none lost (the read generation may be read again: not lost)


@pytest.mark.parametrize("name", [
    "app.log.1.gz",          # under the log's own rotated names: its copy (as on f93e975f)
    "app-archive.log.1.gz",  # RRR11be-3: another live name, no log read by it: a copy, not read again whole
    "app.log.old.1.gz",      # RRR11be-3: likewise (live name app.log.old)
])
def test_a_gzip_copy_under_the_name_of_no_log_read_is_a_copy(tmp_path: Path, sqlite_store: SqliteStore,
                                                             name: str) -> None:
    """`gzip -c app.log > NAME`, app.log kept as it is: the copy holds what was read of app.log, nothing new."""
    logs = tmp_path / "logs"
    logs.mkdir()
    gen1 = _text([*BANNER, *_requests(0)])
    (logs / "app.log").write_bytes(gen1)

    def run() -> None:
        Follower(Pipeline(sqlite_store, data_dir=tmp_path / "state"), [str(logs / "*.log*")],
                 lambda _path: IngestOptions()).poll()
    run()
    (logs / name).write_bytes(gzip.compress(gen1))
    run()
    run()
    got, expected = collections.Counter(originals(sqlite_store)), collections.Counter(gen1.decode().splitlines())
    assert (sorted(expected - got), sorted(got - expected)) == ([], [])


def test_content_tails_and_the_one_pass_read_no_further_than_asked_and_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settled_at_once(monkeypatch)
    content = b"".join(b"line %d of a log\n" % k for k in range(200_000))
    one, two = tmp_path / "one.gz", tmp_path / "two.gz"
    one.write_bytes(gzip.compress(content))
    two.write_bytes(gzip.compress(content[:100]) + gzip.compress(content[100:]))  # cat a.gz b.gz
    views = {one: look(one), two: look(two)}
    counted = _counting(monkeypatch)
    tails = read_past.content_tails(views[one], {100})
    assert tails == {100: fingerprint(content[max(0, 100 - TAIL_BYTES):100])}
    assert counted[0] <= 1 << 14  # one piece (identity's _COMPARE_BYTES), not the next: the offset is in it
    offsets = frozenset({100, len(content)})
    expected = {offset: fingerprint(content[max(0, offset - TAIL_BYTES):offset]) for offset in offsets}
    counted[0] = 0
    assert read_past.one_member_tails(views[one], offsets, len(content)) == expected
    assert counted[0] == len(content)
    assert read_past.one_member_tails(views[one], offsets, len(content)) == expected
    assert counted[0] == len(content)  # the verdict kept for the same copy: not decompressed again
    two_members = read_past.one_member_tails(views[two], offsets, len(content))
    assert two_members is None  # two members: the trailer is the last's


def test_a_log_read_over_several_runs_keeps_its_crc_and_its_copy_is_decompressed_once(
        tmp_path: Path, sqlite_store: SqliteStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each run (a --follow poll, a resumed one-shot) starts a read at the checkpoint's position with the CRC
    kept there (R11be M4: seeded with 0 at any offset, the copy of a log read in several runs was compared by
    its content, decompressed twice, as on f93e975f)."""
    settled_at_once(monkeypatch)
    logs, run, written = _setting(tmp_path, sqlite_store)
    run()
    more = [f"app request {k} handled later, in a run of its own" for k in range(3)]
    for line in more:
        with (logs / "app.log").open("a") as out:
            out.write(f"{line}\n")
        written.append(line)
        run()
    copytruncate(logs / "app.log", compress=True, delay=False)
    size = len(gzip.decompress((logs / "app.log.1.gz").read_bytes()))
    counted = _counting(monkeypatch)
    run()
    assert size < counted[0] < size + 64 * 1024  # once (one pass), its trailer naming its checkpoint
    got, expected = collections.Counter(originals(sqlite_store)), collections.Counter(written)
    assert (sorted(expected - got), sorted(got - expected)) == ([], [])


def test_a_generation_differing_before_an_earlier_read_position_is_not_taken(
        tmp_path: Path, sqlite_store: SqliteStore) -> None:
    """app.log read in two runs (an earlier position P1, then its end), rotated with compress while stopped; then a
    generation of the read one's length, with its last 64 bytes and its CRC-32 (digits flipped between P1 and the
    end's window), but one digit before P1 changed, rotated likewise. Only the digest kept at P1 tells it from the
    read: compared with the final one alone (RRR11bf-3, mutant N5) its 30 lines were taken as read, lost."""
    logs = tmp_path / "logs"
    logs.mkdir()
    log = logs / "app.log"

    def run() -> None:
        Follower(Pipeline(sqlite_store, data_dir=tmp_path / "state"), [str(logs / "*.log*")],
                 lambda _path: IngestOptions()).poll()
    log.write_bytes(_text([*BANNER, *_requests(0)]))
    run()
    p1 = log.stat().st_size
    with log.open("ab") as out:
        out.write(_text(_requests(5)))
    run()
    gen1 = log.read_bytes()
    copytruncate(log, compress=True, delay=False)
    changed = bytearray(gen1)
    changed[p1 - 2] ^= 1  # the last digit of the line before P1: inside the window P1's digest covers
    gen2 = _forged(bytes(changed), zlib.crc32(gen1), (p1 + 100, len(gen1) - TAIL_BYTES - 6))
    assert (len(gen2), gen2[-TAIL_BYTES:], zlib.crc32(gen2)) == (len(gen1), gen1[-TAIL_BYTES:], zlib.crc32(gen1))
    log.write_bytes(gen2)
    copytruncate(log, compress=True, delay=False)
    log.write_bytes(_text(BANNER))
    run()
    run()
    written = [*gen1.decode().splitlines(), *gen2.decode().splitlines(), *BANNER]
    got, expected = collections.Counter(originals(sqlite_store)), collections.Counter(written)
    lost = expected - got
    assert sorted(lost) == [], lost.total()  # none lost


def test_the_one_pass_over_a_gzip_bomb_holds_pieces_not_the_content(tmp_path: Path) -> None:
    """A 64 MiB run of newlines gzips to some 64 KB, read in one read of _PIECE bytes: decompressed without an
    output bound (RRR11bf-3, mutant N8; 3.1 GB peak for 2 GiB) it is one 64 MiB piece. The pass's memory stays
    within a few pieces (tracemalloc's peak: the bytes objects zlib makes and _tails joins)."""
    content = b"\n" * (64 << 20)
    bomb = tmp_path / "bomb.log.1.gz"
    bomb.write_bytes(gzip.compress(content, compresslevel=9))
    assert bomb.stat().st_size < read_past._PIECE
    view = look(bomb)
    del content
    tracemalloc.start()
    try:
        tails = read_past.one_member_tails(view, frozenset({64 << 20}), 64 << 20)
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert tails == {64 << 20: fingerprint(b"\n" * TAIL_BYTES)}
    assert peak < 8 * read_past._PIECE, peak


def test_a_copy_rewritten_in_place_with_its_times_put_back_is_not_given_the_old_verdict(tmp_path: Path) -> None:
    """A copy rewritten in place to another content of the same compressed size, its times put back (touch -r):
    the change time moves all the same (set by the kernel at each write), so the kept verdict is not the new
    content's. Keyed without size and times (RRR11bf-3, mutant N3), the first content's digests came back."""
    def member(content: bytes, pad: int) -> bytes:  # one gzip member, FNAME of ``pad`` bytes (RFC 1952 2.3.1)
        packer = zlib.compressobj(6, zlib.DEFLATED, -15)
        body = packer.compress(content) + packer.flush()
        return (b"\x1f\x8b\x08\x08\0\0\0\0\0\x03" + b"n" * pad + b"\0" + body
                + zlib.crc32(content).to_bytes(4, "little") + len(content).to_bytes(4, "little"))
    first = _text(_requests(0))
    second = first[:-40] + first[-40:].replace(b"0", b"1")
    one, two = member(first, 1), member(second, 1)
    one, two = member(first, 1 + max(0, len(two) - len(one))), member(second, 1 + max(0, len(one) - len(two)))
    assert len(one) == len(two) and len(first) == len(second)
    copy = tmp_path / "app.log.1.gz"
    copy.write_bytes(one)
    offsets = frozenset({len(first)})
    assert read_past.one_member_tails(look(copy), offsets, len(first)) == {len(first): fingerprint(first[-TAIL_BYTES:])}
    before = copy.stat()
    with copy.open("r+b") as out:
        out.write(two)
    os.utime(copy, ns=(before.st_atime_ns, before.st_mtime_ns))
    rewritten = read_past.one_member_tails(look(copy), offsets, len(first))
    assert rewritten == {len(second): fingerprint(second[-TAIL_BYTES:])}



def test_a_copy_with_the_size_and_times_of_a_kept_verdicts_file_is_not_given_that_verdict(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """File times are as coarse as the kernel's clock tick: a copy rewritten, or a new one made in a freed inode,
    within one tick has the device, inode, size and times of the file whose verdict is kept. Here fstat answers the
    same for two copies of the same compressed length and different contents: the second is given its own
    digests, not the first's (keyed on stat alone, the first's came back: a flake of the twin-copies test)."""
    first = _text(_requests(0))
    second = first[:-40] + first[-40:].replace(b"0", b"1")
    one, two = gzip.compress(first, mtime=0), gzip.compress(second, mtime=0)
    # the shorter member made as long as the other by gzip's FEXTRA field (RFC 1952 2.3.1.1): XLEN, then data
    pad = abs(len(one) - len(two))
    def padded(member: bytes) -> bytes:
        return member[:3] + bytes([member[3] | 4]) + member[4:10] + (pad - 2).to_bytes(2, "little") \
            + b"\0" * (pad - 2) + member[10:]
    if pad:
        one, two = (padded(one), two) if len(one) < len(two) else (one, padded(two))
    assert len(one) == len(two) and len(first) == len(second)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    copies = [tmp_path / "a" / "app.log.1.gz", tmp_path / "b" / "app.log.1.gz"]
    copies[0].write_bytes(one)
    copies[1].write_bytes(two)
    same = copies[0].stat()
    real_fstat = os.fstat
    monkeypatch.setattr(read_past.os, "fstat", lambda fd: same if fd > 2 else real_fstat(fd))
    views = [dataclasses.replace(look(copy), device=same.st_dev, inode=same.st_ino) for copy in copies]
    offsets = frozenset({len(first)})
    assert read_past.one_member_tails(views[0], offsets, len(first)) == {len(first): fingerprint(first[-TAIL_BYTES:])}
    assert read_past.one_member_tails(views[1], offsets, len(first)) == {len(first): fingerprint(second[-TAIL_BYTES:])}


def test_the_one_pass_takes_a_member_only_of_the_reads_very_length() -> None:
    """ISIZE is the content's length modulo 2**32 (RFC 1952 2.3.1): a member of 4 GiB + 100 bytes states 100. The one
    pass counts the true length; compared modulo 2**32 (RRR11bf-5) such a member was taken for a read of 100 bytes."""
    assert read_past.whole_read(100, 100)
    assert read_past.whole_read((1 << 32) + 100, (1 << 32) + 100)
    assert not read_past.whole_read((1 << 32) + 100, 100)
    assert not read_past.whole_read(100, (1 << 32) + 100)
    assert not read_past.whole_read(99, 100)
