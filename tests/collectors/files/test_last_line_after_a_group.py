"""An unterminated last line after a group of non-text lines (R11m-8): in a final read (a rotated
.gz, a file rotated before its last newline, a log ending in a crash), a last line the file's
parser reads ends the group and is parsed, flagged partial; a follower still waits before the
group (the line may grow into one more non-text line)."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pytest

from govsoc.collectors import IngestOptions, Pipeline
from govsoc.collectors.files.lines import ReadStats, read_lines
from govsoc.store.base import Query
from govsoc.store.sqlite import SqliteStore
from tests.collectors.files.test_lines import syslog_head

GARBLED = b"\x01\x02\x03 the tail of a field logged with a raw newline\n"
LOGIN = b"Dec 10 11:00:00 LabSZ sshd[30001]: Accepted password for root from 7.7.7.1 port 5555 ssh2"


def e16(corpus: Path) -> bytes:
    """R11m's e16.log: 50 sshd lines, a garbled line, the login without its newline."""
    src = (corpus / "loghub/OpenSSH/OpenSSH_2k.log").read_bytes().replace(b"\r\n", b"\n")
    return b"".join(src.splitlines(keepends=True)[:50]) + GARBLED + LOGIN


def test_the_reader_ends_the_group_at_a_last_line_the_parser_reads() -> None:
    content = b"Dec 10 10:59:59 LabSZ sshd[3]: ok\n" + GARBLED + LOGIN
    records = list(read_lines(io.BytesIO(content), origin="t", reads=syslog_head))
    assert [(r.data, r.flags) for r in records[1:]] == [(GARBLED[:-1], ("garbled",)), (LOGIN, ("partial",))]
    # not read by the parser: the group's, as before (its end is not told)
    (_, group) = read_lines(io.BytesIO(content.replace(b"Dec 10 11", b"xyz 10 11")), origin="t", reads=syslog_head)
    assert group.flags == ("garbled", "partial")
    # a follower waits before the group: the line may still grow into a non-text one
    stats = ReadStats()
    assert len(list(read_lines(io.BytesIO(content), origin="t", reads=syslog_head, final=False, stats=stats))) == 1
    assert stats.waiting == len(GARBLED + LOGIN) and stats.waiting_garbled


@pytest.mark.parametrize("compressed", [True, False])
def test_a_login_after_a_garbled_line_at_the_end_of_a_final_file_is_an_event(
        tmp_path: Path, sqlite_store: SqliteStore, corpus: Path, compressed: bool) -> None:
    # before: "1 group of non-text lines kept as garbled ...; 1 unterminated last line stored,
    # flagged partial": the root login was text inside a pipeline_error event (7.7.7.1: 0)
    content = e16(corpus)
    log = tmp_path / ("auth.log.1.gz" if compressed else "auth.log")
    log.write_bytes(gzip.compress(content) if compressed else content)
    pipeline = Pipeline(sqlite_store, data_dir=tmp_path / "state")
    options = IngestOptions(parser="linux.auth", year=2024)
    pipeline.ingest_file(log, options)
    (login,) = sqlite_store.search(Query(terms={"source.ip": ("7.7.7.1",)}))
    # a gzip file read to its end is whole: its last line complete, not partial (R58a-11)
    assert (login.get("event.action"), login.get("user.name"), login.get("govsoc.flags")) == (
        "ssh_login", "root", None if compressed else ["partial"])
    (garbled,) = sqlite_store.search(Query(terms={"event.kind": ("pipeline_error",)}))
    assert garbled.get("govsoc.flags") == ["garbled"]
    assert sqlite_store.count(Query()) == 52
    if compressed:
        return
    with log.open("ab") as out:  # the line ends later: read again, stored once
        out.write(b"\n")
    pipeline.ingest_file(log, options)
    (login,) = sqlite_store.search(Query(terms={"source.ip": ("7.7.7.1",)}))
    assert login.get("govsoc.flags") is None and sqlite_store.count(Query()) == 52
