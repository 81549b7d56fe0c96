"""The line reader over arbitrary bytes: no crash, bounded memory, every line kept (a reference
model written independently of the reader says which), resumable from any record's end."""

from __future__ import annotations

import codecs
import gzip
import io
import re
import tracemalloc
from collections.abc import Callable, Iterator

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from govsoc.collectors.files.binary import sniff_binary
from govsoc.collectors.files.lines import ReadStats, read_lines


def reference(content: bytes, max_bytes: int) -> list[tuple[int, bytes, bool, bool]]:
    """(offset, data, truncated, partial) of each non-blank record: the lines, by plain splitting
    on newlines, leading NULs skipped (crash padding; a line of NULs alone is no line), NULs inside
    a line kept (R11l-7), the last line without a newline losing a trailing run of 16 NULs or more
    (its unwritten rest); then each group of non-text lines (a control byte in them, unless their
    first 16 bytes are clean and control bytes a tenth of them at most), with the clean lines under
    16 bytes among them, one record, ended by a text line of 16 bytes or more (the 64 KiB cap is
    beyond these contents). A line that is only a UTF-8 BOM (and blanks) is blank (PowerShell's
    Out-File of an empty string: F11v)."""
    pieces = []  # (offset, first max_bytes bytes, length, ends with a newline, last)
    parts = content.split(b"\n")
    position = 0
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        if last and not part:
            break
        stripped = part.lstrip(b"\x00")
        if last and len(stripped) - len(stripped.rstrip(b"\x00")) >= 16:
            stripped = stripped.rstrip(b"\x00")
        if stripped or not last:
            pieces.append((position + len(part) - len(part.lstrip(b"\x00")), stripped[:max_bytes], len(stripped),
                           not last, last))
        position += len(part) + 1
    out: list[tuple[int, bytes, bool, bool]] = []

    def add(offset: int, data: bytes, length: int, partial: bool) -> None:
        data = data[:-1] if data.endswith(b"\r") else data
        if length > max_bytes:  # a cut line ends with whole UTF-8 characters (R58a-18)
            decoder = codecs.getincrementaldecoder("utf-8")("replace")
            decoder.decode(data, False)
            data = data[:len(data) - len(decoder.getstate()[0])]
        if data.removeprefix(b"\xef\xbb\xbf").strip():  # a UTF-8 BOM opening a line is no text (F11v)
            out.append((offset, data, length > max_bytes, partial))

    def add_group(group: list[tuple[int, bytes, int, bool, bool]], partial: bool) -> None:
        # its lines with their newlines, less the last one's; truncated past max_bytes
        joined = b"".join(p[1] + b"\n" * p[3] for p in group)
        length = sum(p[2] + p[3] for p in group) - group[-1][3]
        add(group[0][0], joined[:length] if length <= max_bytes else joined[:max_bytes], length, partial)

    group: list[tuple[int, bytes, int, bool, bool]] = []
    for piece in pieces:
        # FS, GS, RS, US and ESC are text (3975026); a line with control bytes is text when its
        # first 16 bytes are clean and they are a tenth of it at most (R11k-1)
        controls = len(re.findall(rb"[\x00-\x08\x0a\x0e-\x1a]", piece[1]))
        control = controls > 0 and (len(piece[1]) < 16 or 10 * controls > len(piece[1])
                                    or re.search(rb"[\x00-\x08\x0a\x0e-\x1a]", piece[1][:16]) is not None)
        if group and not control and len(piece[1]) >= 16 and not piece[4]:
            add_group(group, False)
            group = []
        if group or control:
            group.append(piece)
        else:
            add(piece[0], piece[1], piece[2], piece[4])
    if group:  # cut by the end of the content: one record flagged partial
        add_group(group, True)
    return out


def read(content: bytes, *, max_bytes: int, chunk: int, start: int = 0, final: bool = True) -> Iterator[
        tuple[int, bytes, bool, bool, int]]:
    for r in read_lines(io.BytesIO(content), origin="t", start=start, max_bytes=max_bytes, final=final,
                        chunk_size=chunk):
        assert r.end is not None
        yield r.offset, r.data, "truncated" in r.flags, "partial" in r.flags, r.end


LINEISH = st.lists(st.sampled_from([b"a", b"bc ", b"\n", b"\r\n", b"\x00", b"\x00" * 9, b"\x00" * 20, b"\xff", b" ",
                                    b"x" * 40]), max_size=60).map(b"".join)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.binary(max_size=600), LINEISH), st.integers(1, 64), st.sampled_from([1, 2, 3, 7, 64, 4096]))
@example(b"a line of text\n\xef\xbb\xbf\r\nand another one\n", 64, 1)  # found by Hypothesis (F11x): a BOM-only line
@example("ab中文\n".encode(), 3, 64)  # cut inside 中: the character's first byte is not kept (R58a-18)
def test_reader_matches_the_reference_model(content: bytes, max_bytes: int, chunk: int) -> None:
    got = list(read(content, max_bytes=max_bytes, chunk=chunk))
    assert [g[:4] for g in got] == reference(content, max_bytes)
    for offset, data, truncated, _partial, end in got:
        assert len(data) <= max_bytes and end > offset
        # a line's bytes are the file's (a group's lines lose their leading NULs and crash padding)
        if not truncated and b"\n" not in data and b"\x00" * 16 not in content[offset:end]:
            assert content[offset:offset + len(data)] == data


@settings(max_examples=200, deadline=None)
@given(LINEISH, st.sampled_from([1, 5, 4096]))
def test_resuming_from_any_record_end_gives_the_rest(content: bytes, chunk: int) -> None:
    whole = list(read(content, max_bytes=1 << 20, chunk=chunk, final=False))
    for index, record in enumerate(whole):
        rest = list(read(content, max_bytes=1 << 20, chunk=chunk, start=record[4], final=False))
        assert [r[:2] for r in rest] == [r[:2] for r in whole[index + 1:]]


def test_memory_stays_bounded_on_a_huge_unterminated_line() -> None:
    content = b"start " + b"y" * (40 << 20)
    tracemalloc.start()
    stats = ReadStats()
    records = list(read_lines(io.BytesIO(content), origin="t", max_bytes=1 << 20, stats=stats))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert len(records) == 1 and records[0].flags == ("partial", "truncated")
    assert len(records[0].data) == 1 << 20
    assert peak < (40 << 20) // 4  # well under the input: the reader holds a chunk and the capped line


@pytest.mark.parametrize(("head", "verdict"), [
    (b"\x7fELF\x02\x01\x01" + b"\x00" * 100, "an ELF executable"),        # /bin/ls
    (b"SQLite format 3\x00" + b"\x00" * 80, "a SQLite database"),          # events.db given by mistake
    (b"\x01\x02\x03\x04\x05 text " * 20, "binary data"),                    # control bytes throughout
    (b"Dec 10 06:55:46 LabSZ sshd[1]: ok\n" * 10, None),                    # a log
    (b"\x00" * 5000 + b"Dec 10 06:55:46 LabSZ sshd[1]: ok\n", None),       # crash padding is not binary
    ("登录失败 用户 管理员\n".encode("gbk") * 10, None),                      # GBK text
    # R11l-4 5: a UTF-16 mark then Latin-1 text was refused as UTF-16; UTF-32 was called UTF-16
    (b"\xff\xfe" + "Dec 10 06:55:46 café sshd[1]: ok\n".encode("latin-1") * 10, None),
    ("Dec 10 06:55:46 h sshd[1]: ok\n".encode("utf-32") * 10, "UTF-32 text"),       # with its mark
    ("Dec 10 06:55:46 h sshd[1]: ok\n".encode("utf-32-be") * 10, "UTF-32 text"),    # without
    ("Dec 10 06:55:46 h sshd[1]: ok\n".encode("utf-32-le") * 10, "UTF-32 text"),
    ("Dec 10 06:55:46 h sshd[1]: ok\n".encode("utf-16") * 10, "UTF-16 text"),
    ("Dec 10 06:55:46 h sshd[1]: ok\n".encode("utf-16-be") * 10, "UTF-16 text"),
    (b"\xff\xfe", "UTF-16 text"),                                                    # a mark alone
    # R11m-7: a mark then a first line in Chinese (no NUL in its first 62 bytes) is still UTF-16
    (("系统服务启动完成，" * 8 + "\n").encode("utf-16") + "Dec 10 06:55:46 h ok\n".encode("utf-16-le"), "UTF-16 text"),
    (b"\xfe\xff" + ("系统服务启动完成，" * 8 + "\n").encode("utf-16-be"), "UTF-16 text"),       # big-endian
])
def test_binary_sniffing(head: bytes, verdict: str | None) -> None:
    found = sniff_binary(head)
    assert (found is None) if verdict is None else (found is not None and found.startswith(verdict))


def test_nul_bytes_inside_a_line_do_not_end_it() -> None:
    # R11l-7: 16 NUL bytes in a logged field ended the line there (taken for crash padding) and
    # the attacker's text after them was a log line of its own, parsed as sshd's. Crash padding
    # follows a line end: NULs inside a line are its bytes, however many.
    forged = b"Dec 10 06:55:47 h sshd[1]: Accepted password for admin from 6.6.6.7 port 1 ssh2"
    hostile = b"Dec 10 06:55:46 h sshd[2]: Invalid user x" + b"\x00" * 16 + forged + b"\n"
    first, after = b"Dec 10 06:55:45 h sshd[3]: one\n", b"Dec 10 07:00:00 h x: 3\n"
    for padding in (0, 5 << 20):  # a torn line, then a crash's padding, then logging went on
        content = first + b"\x00" * padding + hostile + b"\x00" * padding + after
        stats = ReadStats()
        records = list(read_lines(io.BytesIO(content), origin="t", max_bytes=1 << 20, stats=stats, chunk_size=4096))
        # (the hostile line is its own record: garbled by its bytes here, the pipeline's parser
        # takes it: tests/collectors/files/test_garbled.py)
        assert [(r.data, r.line) for r in records] == [(first[:-1], 1), (hostile[:-1], 2), (after[:-1], 3)]
        assert records[2].offset == len(content) - len(after) and stats.nul_bytes_skipped == 2 * padding


def test_a_line_the_end_cuts_loses_its_unwritten_rest() -> None:
    # a crash (or a memory-mapped writer) extended the file past a line it had not finished
    cut = b"Dec 10 06:55:47 h sshd[2]: tw"
    content = b"Dec 10 06:55:46 h sshd[1]: one\n" + cut + b"\x00" * (5 << 20)
    stats = ReadStats()
    records = list(read_lines(io.BytesIO(content), origin="t", max_bytes=1 << 20, stats=stats))
    assert [(r.data, r.flags) for r in records] == [(content[:30], ()), (cut, ("partial",))]
    list(read_lines(io.BytesIO(content), origin="t", max_bytes=1 << 20, stats=stats, final=False))
    assert stats.waiting == len(cut)


def test_a_gzip_file_cut_short_gives_its_complete_lines_and_says_why() -> None:
    # logrotate's delayed compression still writing auth.log.1.gz while govsoc reads it
    lines = b"".join(b"Dec 10 06:55:%02d h sshd[%d]: line %d\n" % (n % 60, n, n) for n in range(20000))
    cut = gzip.compress(lines)[:20000]
    stats = ReadStats()
    records = list(read_lines(gzip.GzipFile(fileobj=io.BytesIO(cut)), origin="t", stats=stats, chunk_size=4096))
    assert stats.error is not None and "byte" in stats.error
    assert records and all(r.flags == () for r in records)  # the torn last line is not taken
    assert lines.startswith(b"".join(r.data + b"\n" for r in records))
    assert stats.consumed == records[-1].end


HOSTILE = st.lists(st.sampled_from([b"Dec 10 06:55:46 host app: ok\n", b"\x01\x02", b"\x07", b"\n", b"\r\n", b"\x00",
                                    b"\x00" * 20, b"x" * 40, b"\xff\xfe", b"ab\n", b" port 4444\n",
                                    b"Dec 10 06:55:47 host app: \x01\x01\x01\x01\x01"]),
                   max_size=80).map(b"".join)


def records(content: bytes, *, chunk: int, start: int = 0, final: bool = True, group_bytes: int = 48,
            reads: Callable[[bytes], bool] | None = None) -> list[tuple[int, bytes, tuple[str, ...], int]]:
    return [(r.offset, r.data, r.flags, r.end or 0) for r in read_lines(
        io.BytesIO(content), origin="t", start=start, final=final, chunk_size=chunk, group_bytes=group_bytes,
        reads=reads)]


def syslog_head(data: bytes) -> bool:
    """A parser's answer (collectors.files.readable): lines with the logger's head are read."""
    return data.startswith(b"Dec 10 ")


@settings(max_examples=300, deadline=None)
@given(HOSTILE, st.sampled_from([1, 2, 7, 64, 4096]), st.integers(0, 1 << 12), st.sampled_from([None, syslog_head]))
def test_what_is_stored_depends_on_the_bytes_only(content: bytes, chunk: int, cut: int,
                                                  reads: Callable[[bytes], bool] | None) -> None:
    # R11j-7: garbage was split differently by one run, by runs over pieces and by a follower,
    # and by the reader's chunk size (F11k). With a small group cap (groups cut at 48 bytes),
    # with and without a parser's answers (R11l-1, -2):
    whole = records(content, chunk=4096, reads=reads)
    assert records(content, chunk=chunk, reads=reads) == whole  # any chunk size
    prefix = content[:cut]
    # a read of what was written so far stores the first records of the whole file, and a
    # final one at most one more, flagged partial (replaced once read whole); and the group
    # before a last line the parser reads, which that line ends (R11m-8)
    waiting = records(prefix, chunk=chunk, final=False, reads=reads)
    assert waiting == whole[:len(waiting)]
    final = records(prefix, chunk=chunk, reads=reads)
    complete = [r for r in final if "partial" not in r[2]]
    assert complete == whole[:len(complete)] and len(final) - len(complete) <= 1
    ended = reads is not None and bool(final) and "partial" in final[-1][2] and "garbled" not in final[-1][2]
    assert len(complete) - len(waiting) <= ended
    # and the next read, from the end of the last one stored, gives the rest
    start = waiting[-1][3] if waiting else 0
    assert records(content, chunk=chunk, start=start, reads=reads) == whole[len(waiting):]


@pytest.mark.parametrize("max_bytes", [1024, 1025, 1026, 1027])
def test_a_chinese_line_cut_at_the_limit_stays_utf8(max_bytes: int) -> None:
    # R58a-18: cut inside a character, the kept part was no UTF-8 and read as GB18030 (鏍囪 for 标记):
    # the cut falls before the character it would split, wherever the limit is
    line = ("标记 " + "政务" * 2000).encode("utf-8") + b"\n"
    (record,) = read_lines(io.BytesIO(line), origin="t", max_bytes=max_bytes)
    assert "truncated" in record.flags and max_bytes - 3 < len(record.data) <= max_bytes
    assert record.data.decode("utf-8").startswith("标记 政务政务")
