"""Sources end to end: files (CSV in UTF-8 and GB18030, TSV, JSON lines, XLSX), SQLite and a
real PostgreSQL server through SQLAlchemy (read-only, comments as context, passwords from the
environment only), and an Elasticsearch index on the shared test node."""

from __future__ import annotations

import csv
import json
import sqlite3
import uuid
from pathlib import Path

import pytest

from govsoc.classification.checksums import resident_id_check_char
from govsoc.classification.grading import load_scheme
from govsoc.classification.inventory import build_inventory
from govsoc.classification.sources import open_source
from govsoc.classification.sources.sql import SqlSource
from govsoc.core.errors import ConfigError

SCHEME = load_scheme("gbt43697")


def ids(n: int) -> list[str]:
    bodies = [f"3201021985{(i % 12) + 1:02d}{(i % 28) + 1:02d}{i % 1000:03d}" for i in range(n)]
    return [b + resident_id_check_char(b) for b in bodies]


NAMES = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄强"]
PHONES = [f"139{i:08d}" for i in range(40)]
ROWS = [(NAMES[i % 8], ids(40)[i], PHONES[i], f"SKU-{i}") for i in range(40)]


def decided(target: str, **kwargs: object) -> dict[tuple[str, str], str | None]:
    source = open_source(target, **kwargs)  # type: ignore[arg-type]
    inventory = build_inventory(source.tables(), source=source.name, scheme=SCHEME, sample_size=1000)
    return {(t.table, f.field): f.recognizer for t in inventory.tables for f in t.fields if f.status == "tagged"}


EXPECTED = {"xm": "cn_person_name", "sfzh": "cn_resident_id", "sjhm": "cn_mobile"}


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_csv_in_utf8_and_gb18030(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "people.csv"
    with path.open("w", newline="", encoding=encoding) as f:
        writer = csv.writer(f)
        writer.writerow(["xm", "sfzh", "sjhm", "sku"])
        writer.writerows(ROWS)
    assert decided(str(path)) == {("people.csv", k): v for k, v in EXPECTED.items()}


def test_tsv_jsonl_and_a_folder(tmp_path: Path) -> None:
    (tmp_path / "a.tsv").write_text("xm\tsfzh\tsjhm\tsku\n" + "\n".join("\t".join(r) for r in ROWS), encoding="utf-8")
    with (tmp_path / "b.jsonl").open("w", encoding="utf-8") as f:
        for name, number, phone, _ in ROWS:
            f.write(json.dumps({"person": {"xm": name, "sfzh": number}, "contacts": [{"sjhm": phone}]},
                               ensure_ascii=False) + "\n")
    got = decided(str(tmp_path))
    assert {k: v for k, v in got.items() if k[0] == "a.tsv"} == {("a.tsv", k): v for k, v in EXPECTED.items()}
    assert {k: v for k, v in got.items() if k[0] == "b.jsonl"} == {
        ("b.jsonl", "person.xm"): "cn_person_name", ("b.jsonl", "person.sfzh"): "cn_resident_id",
        ("b.jsonl", "contacts[].sjhm"): "cn_mobile"}


def test_xlsx_every_sheet(tmp_path: Path) -> None:
    import openpyxl  # extra `classify`, which dev pulls in
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "人员"
    sheet.append(["姓名", "身份证号", "手机号"])
    for name, number, phone, _ in ROWS:
        sheet.append([name, number, int(phone)])  # phones typed as numbers, as spreadsheets do
    book.create_sheet("说明").append(["无个人信息"])
    book.save(tmp_path / "x.xlsx")
    assert decided(str(tmp_path / "x.xlsx")) == {("x.xlsx:人员", "姓名"): "cn_person_name",
                                                  ("x.xlsx:人员", "身份证号"): "cn_resident_id",
                                                  ("x.xlsx:人员", "手机号"): "cn_mobile"}


def test_sqlite_is_read_only(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    db = sqlite3.connect(path)
    db.execute("create table people (xm text, sfzh text, sjhm text, sku text)")
    db.executemany("insert into people values (?, ?, ?, ?)", ROWS)
    db.commit()
    db.close()
    assert decided(str(path)) == {("people", k): v for k, v in EXPECTED.items()}
    source = SqlSource(f"sqlite:///{path}", sample=10)
    try:
        with source._open().connect() as conn, pytest.raises(Exception, match="readonly"):
            conn.exec_driver_sql("create table t (x)")
    finally:
        source.close()


def test_postgresql_comments_are_context_and_sessions_are_read_only(postgres: dict[str, str]) -> None:
    from sqlalchemy import create_engine, text

    admin = create_engine(postgres["url"].replace("postgres@", f"postgres:{postgres['password']}@")
                          .replace("postgresql://", "postgresql+psycopg://"))
    table = f"t_{uuid.uuid4().hex[:8]}"
    with admin.begin() as conn:
        # opaque column names: only the comments say what they hold
        conn.execute(text(f"create table {table} (c1 text, c2 text, c3 text, c4 text)"))
        conn.execute(text(f"comment on column {table}.c1 is '姓名'"))
        conn.execute(text(f"comment on column {table}.c2 is '公民身份号码'"))
        conn.execute(text(f"insert into {table} values (:a, :b, :c, :d)"),
                     [{"a": a, "b": b, "c": c, "d": d} for a, b, c, d in ROWS])
    env = {"GOVSOC_DB_PASSWORD": postgres["password"]}
    try:
        got = decided(postgres["url"], env=env)
        assert {k: v for k, v in got.items() if k[0] == table} == {
            (table, "c1"): "cn_person_name", (table, "c2"): "cn_resident_id", (table, "c3"): "cn_mobile"}
        source = SqlSource(postgres["url"], sample=10, env=env)
        assert postgres["password"] not in source.name
        try:
            with source._open().connect() as conn, pytest.raises(Exception, match="read-only"):
                conn.execute(text(f"delete from {table}"))
        finally:
            source.close()
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"drop table {table}"))
        admin.dispose()


def test_a_password_on_the_command_line_is_refused(postgres: dict[str, str]) -> None:
    with pytest.raises(ConfigError, match="GOVSOC_DB_PASSWORD"):
        open_source(postgres["url"].replace("postgres@", "postgres:secret@"))


@pytest.mark.es
def test_elasticsearch_index_is_sampled(es_env: dict[str, str]) -> None:
    from elasticsearch import Elasticsearch

    client = Elasticsearch(es_env["GOVSOC_ES_URL"])
    index = f"govsoc-test-{uuid.uuid4().hex[:10]}-people"
    try:
        for i, (name, number, phone, sku) in enumerate(ROWS):
            client.index(index=index, id=str(i), document={"person": {"xm": name, "sfzh": number},
                                                           "sjhm": phone, "sku": sku})
        client.indices.refresh(index=index)
        got = decided(f"es://{index}", env={}, es_url=es_env["GOVSOC_ES_URL"])
        assert got == {(index, "person.xm"): "cn_person_name", (index, "person.sfzh"): "cn_resident_id",
                       (index, "sjhm"): "cn_mobile"}
    finally:
        client.indices.delete(index=index, ignore_unavailable=True)
        client.close()


def test_the_report_section_lists_fields_with_masked_examples_only(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["xm", "sfzh", "sjhm", "sku"])
        writer.writerows(ROWS)
    source = open_source(str(path))
    inventory = build_inventory(source.tables(), source=source.name, scheme=load_scheme("zhejiang"), sample_size=1000)
    section = inventory.section()
    assert section.headings == ("数据集", "表", "字段", "类别", "级别", "置信度", "依据", "脱敏示例")
    assert [row[2] for row in section.rows] == ["xm", "sfzh", "sjhm"]  # sku holds nothing: not listed
    assert all(len(row) == len(section.headings) for row in section.rows)
    text = repr(section)
    assert not any(number in text for number in ids(40)) and not any(phone in text for phone in PHONES)
    assert "L4 敏感数据" in text and any("people.csv" in note for note in section.notes)
