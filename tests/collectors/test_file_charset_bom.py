"""A file opened by a UTF-8 BOM under ``charset: gbk`` (R11af-1): the BOM at content offset 0 says the
whole file is UTF-8 (Unicode 15 section 23.8, RFC 3629 section 6), so every line is read UTF-8 first, in
a read resumed from the checkpoint mid-file and in the file's rotated copies (.1, .1.gz) too. Before,
only the line holding the BOM was (decode_message's per-line rule): 5 of 8 lines stored as mojibake.
Real files on disk, a real SQLite store.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from govsoc.collectors import IngestOptions, Pipeline
from govsoc.store.base import Query
from govsoc.store.sqlite import SqliteStore

BOM = b"\xef\xbb\xbf"
#: UTF-8 sshd lines whose bytes are valid GB18030 too (鲁迅 E9B2 81E8 BF85 reads 椴佽繀; not 叶倩): read
#: GB18030 first, each would be stored wrong.
NAMES = ("鲁迅", "魏巍", "王芳", "张三", "鲁迅", "魏巍", "王芳", "张三")
LINES = [f"Dec 10 06:55:{n:02d} LabSZ sshd[{n}]: Invalid user {name} from 10.0.0.{n}"
         for n, name in enumerate(NAMES, 1)]


def utf8(lines: list[str]) -> bytes:
    return b"".join(line.encode("utf-8") + b"\n" for line in lines)


def texts(store: SqliteStore) -> list[str]:
    """The stored event.original texts (the first line's BOM character taken off), one per event."""
    return sorted(str(e.get("event.original")).removeprefix("\ufeff") for e in store.search(Query()))


def read(pipeline: Pipeline, path: Path, charset: str) -> None:
    pipeline.ingest_file(path, IngestOptions(parser="linux.auth", charset=charset))
    pipeline.drain()


def test_the_lines_would_read_otherwise_as_gbk() -> None:
    # the premise: without the BOM's meaning, gbk reads each of these lines GB18030 (strictly) and wrong
    for line in LINES:
        assert line.encode("utf-8").decode("gb18030") != line


@pytest.mark.parametrize("how", [
    "whole",  # one read of the whole file
    "resumed",  # the second read starts at the checkpoint, mid-file, after the BOM's line
    "rotated",  # the rest read from the renamed copy device.log.1 (same content identity)
    "rotated.gz",  # the rest read from the compressed copy device.log.1.gz (its content's first bytes)
])
def test_a_bom_file_is_utf8_whole_under_gbk(tmp_path: Path, sqlite_store: SqliteStore, how: str) -> None:
    log = tmp_path / "device.log"
    pipeline = Pipeline(sqlite_store, data_dir=tmp_path / "state")
    log.write_bytes(BOM + utf8(LINES if how == "whole" else LINES[:4]))
    read(pipeline, log, "gbk")
    if how != "whole":
        with log.open("ab") as more:
            more.write(utf8(LINES[4:]))
        if how.startswith("rotated"):
            log = log.rename(tmp_path / "device.log.1")
        if how == "rotated.gz":
            with gzip.open(tmp_path / "device.log.1.gz", "wb") as packed:
                packed.write(log.read_bytes())
            log.unlink()
            log = tmp_path / "device.log.1.gz"
        read(pipeline, log, "gbk")
    assert texts(sqlite_store) == sorted(LINES)  # every line right, each once
    # the codec that read them, as for a gbk source's line that fell back to UTF-8
    assert {e.get("govsoc.charset") for e in sqlite_store.search(Query())} == {"utf-8"}


@pytest.mark.parametrize("charset", ["auto", "utf-8"])
def test_auto_and_utf8_read_a_bom_file_as_before(tmp_path: Path, sqlite_store: SqliteStore, charset: str) -> None:
    log = tmp_path / "device.log"
    log.write_bytes(BOM + utf8(LINES))
    read(Pipeline(sqlite_store, data_dir=tmp_path / "state"), log, charset)
    assert texts(sqlite_store) == sorted(LINES)
    assert {e.get("govsoc.charset") for e in sqlite_store.search(Query())} == {None if charset == "auto" else "utf-8"}


def test_a_bom_inside_a_gbk_file_keeps_its_line_alone(tmp_path: Path, sqlite_store: SqliteStore) -> None:
    # only offset 0 speaks for the file: a BOM line further in (two files joined) is UTF-8 alone, and the
    # GBK lines around it stay GBK
    log = tmp_path / "device.log"
    gbk = [line.encode("gbk") + b"\n" for line in LINES[:2]]
    log.write_bytes(gbk[0] + BOM + LINES[2].encode("utf-8") + b"\n" + gbk[1])
    read(Pipeline(sqlite_store, data_dir=tmp_path / "state"), log, "gbk")
    assert texts(sqlite_store) == sorted(LINES[:3])
    charsets = {str(e.get("event.original")).removeprefix("\ufeff"): e.get("govsoc.charset")
                for e in sqlite_store.search(Query())}
    assert charsets == {LINES[0]: "gb18030", LINES[1]: "gb18030", LINES[2]: "utf-8"}


def test_a_gbk_file_without_bom_stays_gbk(tmp_path: Path, sqlite_store: SqliteStore) -> None:
    # the BOM alone switches: the same names written in GBK, no BOM, are read GB18030 first
    log = tmp_path / "device.log"
    log.write_bytes(b"".join(line.encode("gbk") + b"\n" for line in LINES))
    read(Pipeline(sqlite_store, data_dir=tmp_path / "state"), log, "gbk")
    assert texts(sqlite_store) == sorted(LINES)


def test_a_bom_before_gbk_lines_says_nothing_for_the_file(tmp_path: Path, sqlite_store: SqliteStore) -> None:
    # R11ag-1: a file made "UTF-8 with BOM" (PowerShell 5.1's Out-File) and then written in GBK (cmd's
    # echo >>): its head after the BOM is no UTF-8 (张三 in GBK, D5C5 C8FD, is not), so the BOM does not
    # speak for the file and each line is read as gbk reads it: 魏巍's GBK bytes (CEBA CEA1) are valid
    # UTF-8 too (κΡ), and were stored so when the BOM made the whole file UTF-8
    log = tmp_path / "device.log"
    names = ("root", "魏巍", "张三", "魏巍")
    lines = [f"Dec 10 06:56:{n:02d} LabSZ sshd[{n}]: Invalid user {name} from 10.0.1.{n}"
             for n, name in enumerate(names, 1)]
    log.write_bytes(BOM + b"".join(line.encode("gbk") + b"\n" for line in lines))
    read(Pipeline(sqlite_store, data_dir=tmp_path / "state"), log, "gbk")
    assert texts(sqlite_store) == sorted(lines)
    charsets = {str(e.get("event.original")).removeprefix("\ufeff"): e.get("govsoc.charset")
                for e in sqlite_store.search(Query())}
    assert charsets == {lines[0]: "utf-8", lines[1]: "gb18030", lines[2]: "gb18030", lines[3]: "gb18030"}
