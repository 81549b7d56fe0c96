"""SQLite sources as legacy applications leave them (issue 15 review R15b): TEXT that is not UTF-8
and tables SQL cannot read cost their own column or table, never the file; rowids of epoch
milliseconds, WITHOUT ROWID tables and blanks of every kind do not turn the sample back into the
table's head; REAL phone numbers and NUL-terminated BLOB text are read as the text they are."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from govsoc.classification.grading import load_scheme
from govsoc.classification.inventory import Inventory, build_inventory
from govsoc.classification.sources import open_source
from tests.classification.test_sources import NAMES, PHONES, ids

ZHANG_SAN_GBK = "张三".encode("gbk")


def _inventory(path: Path, sample: int = 1000) -> Inventory:
    source = open_source(str(path), sample=sample)
    return build_inventory(source.tables(), source=source.name, scheme=load_scheme("gbt43697"), sample_size=sample)


def _fields(inventory: Inventory) -> dict[tuple[str, str], Any]:
    return {(t.table, f.field): f for t in inventory.tables for f in t.fields}


def _db(path: Path, *statements: str, rows: dict[str, list[tuple[Any, ...]]] | None = None) -> Path:
    db = sqlite3.connect(path)
    for statement in statements:
        db.execute(statement)
    for table, values in (rows or {}).items():
        db.executemany(f"insert into {table} values ({', '.join('?' * len(values[0]))})", values)
    db.commit()
    db.close()
    return path


def test_gbk_text_costs_its_column_a_notice_not_the_file(tmp_path: Path) -> None:
    # R15b-9: a C/Delphi application binds GBK through sqlite3_bind_text; sqlite3's default text
    # factory raised "Could not decode to UTF-8 column 'xm'" and the whole file was lost
    path = _db(tmp_path / "legacy.db", "create table a_ok (sfzh text)", "create table b_gbk (xm text, sfzh text)",
               "create table c_ok (sjhm text)", rows={"a_ok": [(v,) for v in ids(40)], "c_ok": [(p,) for p in PHONES]})
    db = sqlite3.connect(path)
    for i, number in enumerate(ids(40)):
        db.execute("insert into b_gbk values (cast(? as text), ?)", (NAMES[i % 8].encode("gbk"), number))
    db.execute("insert into b_gbk values (cast(x'ff41ff' as text), null)")  # neither UTF-8 nor GB18030
    db.commit()
    db.close()
    inventory = _inventory(path)
    fields = _fields(inventory)
    assert fields[("a_ok", "sfzh")].recognizer == "cn_resident_id"
    assert fields[("b_gbk", "xm")].recognizer == "cn_person_name"  # read as GB18030, as a BLOB's GBK is
    assert fields[("c_ok", "sjhm")].recognizer == "cn_mobile"
    (skip,) = inventory.skipped
    assert skip.location.field == "b_gbk.xm" and skip.location.path == f"sqlite:///{path}"
    assert "41 of 41 sampled TEXT values are not UTF-8 (the first at rowid 1)" in skip.reason
    assert "40 read as GB18030, 1 with their undecodable bytes as U+FFFD" in skip.reason
    assert skip.note and inventory.skipped_count == 0  # classified as read: a note (R15d-26)


def test_a_table_sql_cannot_read_is_one_skip_and_the_others_are_read(tmp_path: Path) -> None:
    # R15b-9: a table whose name is GBK bytes, and a virtual table of a module this SQLite lacks
    # (SpatiaLite's), ended the file's reading at the first of them
    path = _db(tmp_path / "gis.db", "create table a_people (sfzh text)", "create table z_phones (sjhm text)",
               rows={"a_people": [(v,) for v in ids(40)], "z_phones": [(p,) for p in PHONES]})
    db = sqlite3.connect(path)
    db.execute("create table placeholder (x text)")
    db.execute("pragma writable_schema = on")
    db.execute("update sqlite_master set name = cast(? as text), tbl_name = cast(? as text), "
               "sql = 'CREATE TABLE \"' || cast(? as text) || '\" (x text)' where name = 'placeholder'",
               (ZHANG_SAN_GBK, ZHANG_SAN_GBK, ZHANG_SAN_GBK))
    db.execute("insert into sqlite_master (type, name, tbl_name, rootpage, sql) values ('table', 'geo_idx', "
               "'geo_idx', 0, 'CREATE VIRTUAL TABLE geo_idx USING VirtualSpatialIndex()')")
    db.commit()
    db.close()
    inventory = _inventory(path)
    assert {k: f.recognizer for k, f in _fields(inventory).items()} == {
        ("a_people", "sfzh"): "cn_resident_id", ("z_phones", "sjhm"): "cn_mobile"}
    skips = {s.location.field: s.reason for s in inventory.skipped}
    assert skips.keys() == {"\\xd5\\xc5\\xc8\\xfd", "geo_idx"} and inventory.skipped_count == 2
    assert "not UTF-8" in skips["\\xd5\\xc5\\xc8\\xfd"]
    assert "no such module: VirtualSpatialIndex" in skips["geo_idx"]


@pytest.mark.parametrize("first_rowid", [
    1_700_000_000_000,          # epoch milliseconds as INTEGER PRIMARY KEY: rowid * 2654435761 overflowed
    1_800_000_000_000_000_000,  # a snowflake id
    -5_000,                     # negative rowids are allowed
])
def test_large_rowids_are_still_sampled_across_the_table(tmp_path: Path, first_rowid: int) -> None:
    # R15b-7: past rowid 3.47e9 the product became REAL, the same mod 2^32 for every row: the head
    values = ["无"] * 2000 + ids(3000)  # a placeholder head
    path = _db(tmp_path / "ts.db", "create table p (ts integer primary key, zjhm text)",
               rows={"p": [(first_rowid + 1000 * i, v) for i, v in enumerate(values)]})
    assert _fields(_inventory(path))[("p", "zjhm")].recognizer == "cn_resident_id"  # 60 % of the rows


def test_a_column_named_rowid_does_not_hide_the_rowid(tmp_path: Path) -> None:
    # R15b-7: an Oracle export keeps its ROWID strings; 'AAAR3s...' * 2654435761 is 0 for every row
    values = ["无"] * 2000 + ids(3000)
    path = _db(tmp_path / "ora.db", "create table p (ROWID text, zjhm text)",
               rows={"p": [(f"AAAR3sAAEAAAACX{i:04d}", v) for i, v in enumerate(values)]})
    assert _fields(_inventory(path))[("p", "zjhm")].recognizer == "cn_resident_id"


def test_a_without_rowid_table_is_sampled_across_the_table(tmp_path: Path) -> None:
    # R15b-8: a WITHOUT ROWID table was sampled from its head: 1,000 placeholders, 一般数据（1级）
    values = ["无"] * 2000 + ids(3000)
    path = _db(tmp_path / "w.db", "create table p (k text primary key, zjhm text) without rowid",
               rows={"p": [(f"k{i:05d}", v) for i, v in enumerate(values)]})
    first = _fields(_inventory(path))[("p", "zjhm")]
    # evenly spaced: 400 of the 1,000 fall in the 2,000 placeholder rows, left out as blanks are (R15t-1)
    assert first.recognizer == "cn_resident_id" and first.sampled == 600
    assert first.hits == 600
    assert _fields(_inventory(path))[("p", "zjhm")] == first  # the same file, the same sample


@pytest.mark.parametrize("blank", ["\u3000", "\t", "\r\n", "\u00a0", " \u3000 "])
def test_blank_is_what_python_strips(tmp_path: Path, blank: str) -> None:
    # R15b-15: SQL trim() takes ASCII spaces only; cells of U+3000 (what Chinese data entry leaves),
    # a tab, CRLF or NBSP filled the sample and were dropped after it
    path = _db(tmp_path / "b.db", "create table p (zjhm text)",
               rows={"p": [(blank,)] * 20_000 + [(v,) for v in ids(500)]})
    assert _fields(_inventory(path))[("p", "zjhm")].sampled == 500  # every value, no blank


def test_whole_numbers_in_real_columns_are_their_integers(tmp_path: Path) -> None:
    # R15b-10: pandas writes a phone column with a NaN in it as REAL: "13912345678.0" is no mobile
    path = _db(tmp_path / "real.db", "create table p (phone real, amount real)",
               rows={"p": [(float(p), 12.5) for p in PHONES] + [(None, 3.0)]})
    fields = _fields(_inventory(path))
    assert fields[("p", "phone")].recognizer == "cn_mobile"
    assert fields[("p", "phone")].hits == 40
    assert fields[("p", "amount")].status == "none"


def test_nul_terminated_blob_text_is_text(tmp_path: Path) -> None:
    # R15b-11: legacy C programs store NUL-terminated buffers (and CHAR(n) NUL padding): the
    # terminator made every value "binary" and the ID-number column only suspected
    path = _db(tmp_path / "c.db", "create table p (xm blob, sfzh blob)",
               rows={"p": [(NAMES[i % 8].encode("gbk") + b"\0", v.encode() + b"\0" * 3)
                           for i, v in enumerate(ids(40))]})
    inventory = _inventory(path)
    fields = _fields(inventory)
    assert fields[("p", "xm")].recognizer == "cn_person_name"
    assert fields[("p", "sfzh")].recognizer == "cn_resident_id"
    assert inventory.skipped_count == 0


def test_a_value_over_max_cell_is_counted_not_fetched(tmp_path: Path) -> None:
    # R15b-30: 办件 systems keep scanned ID cards as base64 TEXT or BLOB beside the person's row;
    # every sampled value was fetched and scanned whole (150 rows of 2 MB: 63 s, 1.2 GB)
    from govsoc.classification.sources.files import MAX_CELL

    big = "QUJD" * (MAX_CELL // 4 + 1)
    path = _db(tmp_path / "docs.db", "create table docs (scan text, photo blob, sfzh text)",
               rows={"docs": [(big, big.encode(), v) for v in ids(5)] + [("短", b"ok", v) for v in ids(5)]})
    inventory = _inventory(path)
    fields = _fields(inventory)
    assert fields[("docs", "sfzh")].recognizer == "cn_resident_id"
    assert fields[("docs", "scan")].sampled == 5 and fields[("docs", "photo")].sampled == 5  # the short ones
    assert {s.location.field: s.reason for s in inventory.skipped} == {
        f"docs.{c}": f"5 of 10 sampled values are over {MAX_CELL // 1024} KiB (a blob, a base64 attachment): "
                     "not classified" for c in ("scan", "photo")}
    assert inventory.skipped_count == 2  # one a column (R15d-26)


def test_postgresql_blanks_long_values_and_numerics(postgres: dict[str, str]) -> None:
    # R15b-15 on the head-LIMIT path every server takes: U+3000 and tab cells filled the sample;
    # R15b-30: a long value is counted, not fetched; R15b-10: an integral NUMERIC is its integer
    import uuid

    from sqlalchemy import create_engine, text

    from govsoc.classification.sources.files import MAX_CELL
    from govsoc.classification.sources.sql import SqlSource

    admin = create_engine(postgres["url"].replace("postgres@", f"postgres:{postgres['password']}@")
                          .replace("postgresql://", "postgresql+psycopg://"))
    table = f"t_{uuid.uuid4().hex[:8]}"
    with admin.begin() as conn:
        conn.execute(text(f"create table {table} (n serial, zjhm text, scan text, sjhm numeric(20, 1))"))
        conn.execute(text(f"insert into {table} (zjhm, scan, sjhm) values (:z, :s, :p)"),
                     [{"z": "\u3000" if i % 2 else "\t \u00a0", "s": "QUJD" * (MAX_CELL // 4 + 1), "p": None}
                      for i in range(30)]
                     + [{"z": v, "s": "短", "p": int(PHONES[i])} for i, v in enumerate(ids(40))])
    try:
        source = SqlSource(postgres["url"], sample=20, env={"GOVSOC_DB_PASSWORD": postgres["password"]})
        inventory = build_inventory((t for t in source.tables() if t.table == table), source=source.name,
                                    scheme=load_scheme("gbt43697"), sample_size=20)
        fields = _fields(inventory)
        assert fields[(table, "zjhm")].recognizer == "cn_resident_id" and fields[(table, "zjhm")].sampled == 20
        assert fields[(table, "sjhm")].recognizer == "cn_mobile"
        (skip,) = inventory.skipped
        # the server's first rows in no set order: some of them long
        assert skip.location.field == f"{table}.scan" and " of 20 sampled values are over 128 KiB" in skip.reason
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"drop table {table}"))
        admin.dispose()


def test_a_full_text_index_is_one_table(tmp_path: Path) -> None:
    # R15b-28: an FTS5 table's shadow tables were listed beside it: its content classified twice,
    # its index blocks and document sizes counted as hundreds of "binary" values
    path = _db(tmp_path / "fts.db", "create virtual table m_docs using fts5(body)", "create table p (sjhm text)",
               rows={"m_docs": [(f"来电 {p}",) for p in PHONES], "p": [(p,) for p in PHONES]})
    inventory = _inventory(path)
    assert [t.table for t in inventory.tables] == ["m_docs", "p"]
    assert _fields(inventory)[("m_docs", "body")].recognizer == "cn_mobile"
    assert inventory.skipped_count == 0
    assert open_source(str(path)).count() == 2
