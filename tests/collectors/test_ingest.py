"""The ingest pipeline: nothing silently dropped, nothing stored twice."""

from __future__ import annotations

from pathlib import Path

from govsoc.collectors import ingest_file
from govsoc.collectors.base import FILE_ORIGIN, record_digest
from govsoc.collectors.files.identity import fingerprint
from govsoc.core.event import make_id
from govsoc.core.inventory import Inventory, InventoryModel
from govsoc.store.base import Query
from govsoc.store.sqlite import SqliteStore

LINES = [
    b"Dec 10 06:55:46 LabSZ sshd[1]: Failed password for root from 10.20.1.7 port 1 ssh2",
    b"this line is not syslog at all",
    b"",
    b"Dec 10 06:55:47 LabSZ sshd[1]: Accepted password for ops from 203.0.113.5 port 2 ssh2",
    "Dec 10 06:55:48 LabSZ sshd[1]: Invalid user 管理员 from 10.20.1.7".encode("gbk"),
    b"\xff\xfe garbage \x00 bytes",
]


def write_log(tmp_path: Path, terminator: bytes = b"\r\n", final_newline: bool = True) -> Path:
    path = tmp_path / "auth.log"
    path.write_bytes(terminator.join(LINES) + (terminator if final_newline else b""))
    return path


def test_every_line_is_stored_once_even_when_unparsed(tmp_path: Path, sqlite_store: SqliteStore) -> None:
    log = write_log(tmp_path)
    first = ingest_file(log, parser_id="linux.auth", store=sqlite_store, data_dir=tmp_path / "state")
    assert (first.records, first.events, first.parse_failures) == (5, 5, 2)
    assert first.receipt.created == 5 and first.receipt.rejected == ()
    assert first.first_failures[0].startswith(f"{log}:2: not a syslog line")
    # a second run against the same state reads nothing; against fresh state, the ids repeat
    assert ingest_file(log, parser_id="linux.auth", store=sqlite_store, data_dir=tmp_path / "state").unchanged
    second = ingest_file(log, parser_id="linux.auth", store=sqlite_store, data_dir=tmp_path / "other")
    assert (second.receipt.created, second.receipt.duplicates) == (0, 5)
    failures = list(sqlite_store.search(Query(terms={"event.kind": ("pipeline_error",)})))
    assert {e.get("event.original") for e in failures} == {"this line is not syslog at all",
                                                           # the store replaces NUL (bytes kept in base64)
                                                           LINES[5].decode("gb18030", errors="replace")
                                                           .replace("\x00", "\ufffd")}
    assert all(e.get("govsoc.parse_error") for e in failures)
    assert sqlite_store.count(Query(terms={"user.name": ("管理员",)})) == 1


def test_event_ids_are_identity_offset_and_digest(tmp_path: Path, sqlite_store: SqliteStore) -> None:
    log = write_log(tmp_path, b"\n")
    # a text line after the last one (a NUL in it: a group of non-text lines): the file's end no
    # longer cuts that group, which is then stored complete (collectors.files.lines)
    with log.open("ab") as more:
        more.write(LINES[0] + b"\n")
    ingest_file(log, parser_id="linux.auth", store=sqlite_store, data_dir=tmp_path / "state")
    data = log.read_bytes()
    identity = fingerprint(data[:1024])
    expected, offset = set(), 0
    for line in data.split(b"\n")[:-1]:
        if line:
            expected.add(make_id(identity, offset, record_digest(line)))
        offset += len(line) + 1
    assert {e.id for e in sqlite_store.search(Query())} == expected
    assert {e.get("log.file.path") for e in sqlite_store.search(Query())} == {str(log.absolute())}
    assert FILE_ORIGIN == "file://"


def test_offsets_identify_lines_whatever_the_line_ends(tmp_path: Path, sqlite_store: SqliteStore) -> None:
    crlf = ingest_file(write_log(tmp_path, b"\r\n"), parser_id="linux.auth", store=sqlite_store,
                       data_dir=tmp_path / "state")
    offsets = sorted(e.get("log.offset") for e in sqlite_store.search(Query()))
    # "\r\n" lines: each offset points at the start of its line in the file
    data = (tmp_path / "auth.log").read_bytes()
    assert all(offset == 0 or data[offset - 1:offset] == b"\n" for offset in offsets)
    assert crlf.records == 5
    lf = tmp_path / "lf"
    lf.mkdir()
    assert ingest_file(write_log(lf, b"\n"), parser_id="linux.auth", store=sqlite_store,
                       data_dir=tmp_path / "state").records == 5


def test_inventory_enrichment(tmp_path: Path, sqlite_store: SqliteStore) -> None:
    inventory = Inventory(InventoryModel.model_validate({
        "agencies": [{"id": "dsj", "name": "市大数据管理局"}],
        "zones": [{"name": "政务云", "kind": "cloud", "cidrs": ["10.20.0.0/16"]}],
        "systems": [{"name": "门户", "agency": "dsj", "level": 3, "hosts": ["LabSZ"]}]}))
    ingest_file(write_log(tmp_path), parser_id="linux.auth", store=sqlite_store, inventory=inventory,
                data_dir=tmp_path / "state")
    enriched = list(sqlite_store.search(Query(terms={"govsoc.system": ("门户",)})))
    assert len(enriched) == 3
    assert {e.get("govsoc.source_zone") for e in enriched} == {"政务云", "internet"}
    assert {e.get("govsoc.dengbao_level") for e in enriched} == {3}
